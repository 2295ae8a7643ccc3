// Package store is the seam between Nacho's persistent file system and the
// places bytes are kept: a transactional key/value store. Memory (this
// package), a native file-backed store (vfs/store/filestore), IndexedDB
// (vfs/idb) and OPFS (vfs/opfs) implement it, and all of them pass one
// conformance suite, vfs/store/storetest.
//
// It must not import syscall/js.
package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/nachoos/nacho/vfs"
)

// Store is a transactional key/value store.
//
// Keys are non-empty strings of at most MaxKeyLen bytes, any bytes but NUL.
// Values are opaque byte strings; Get returns a slice the caller owns, and a
// store may keep the slice given to Put, so callers must not change it
// afterwards. Every method is safe for concurrent use.
//
// Errors: a missing key is ErrNotFound (errors.Is(err, fs.ErrNotExist)); a
// full store is ErrNoSpace (errors.Is(err, vfs.ENOSPC)) and leaves what was
// stored intact; a closed store is ErrClosed.
type Store interface {
	Get(ctx context.Context, key string) ([]byte, error)
	// List returns the keys that start with prefix, sorted.
	List(ctx context.Context, prefix string) ([]string, error)
	// Scan calls fn for each key that starts with prefix, in key order, with
	// its value. fn may keep value. Scan stops at fn's first error and
	// returns it.
	Scan(ctx context.Context, prefix string, fn func(key string, value []byte) error) error
	Put(ctx context.Context, key string, value []byte) error
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// Txn runs fn and then applies its writes atomically: all or none, also
	// across a crash. fn sees its own writes. Transactions are serializable:
	// no other write lands between fn's reads and the commit. If fn returns
	// an error, nothing is applied and Txn returns that error.
	Txn(ctx context.Context, fn func(tx Tx) error) error
	Close() error
}

// Tx is the view of a store inside Txn.
type Tx interface {
	Get(key string) ([]byte, error)
	Put(key string, value []byte)
	Delete(key string)
}

// Sizer is implemented by stores that know their size.
type Sizer interface {
	// Size returns the bytes stored and the bytes allowed (0: unknown).
	Size(ctx context.Context) (used, quota int64, err error)
}

// Checker is implemented by stores that can find damage in what they hold.
type Checker interface {
	// Problems lists damage found when the store was opened or read (a
	// record that failed its checksum, a torn tail that was cut off).
	Problems() []string
}

// MaxKeyLen bounds keys, so every back end can name them.
const MaxKeyLen = 1024

var (
	ErrNotFound   = fmt.Errorf("store: key not found: %w", fs.ErrNotExist)
	ErrNoSpace    = vfs.WithErrno(vfs.ENOSPC, errors.New("store: quota exceeded"))
	ErrClosed     = vfs.WithErrno(vfs.EBADF, errors.New("store: closed"))
	ErrInvalidKey = vfs.WithErrno(vfs.EINVAL, errors.New("store: invalid key"))
	// ErrCorrupt marks data that failed its integrity check.
	ErrCorrupt = vfs.WithErrno(vfs.EIO, errors.New("store: corrupt data"))
)

// CheckKey returns ErrInvalidKey for a key no store accepts.
func CheckKey(key string) error {
	if key == "" || len(key) > MaxKeyLen {
		return ErrInvalidKey
	}
	for i := 0; i < len(key); i++ {
		if key[i] == 0 {
			return ErrInvalidKey
		}
	}
	return nil
}

// Op is one write of a Batch.
type Op struct {
	Key    string
	Value  []byte
	Delete bool
}

// Batch collects the writes of a transaction, last write per key winning,
// in first-write order. Back ends use it to implement Tx.
type Batch struct {
	idx map[string]int
	ops []Op
}

// Put records a put.
func (b *Batch) Put(key string, value []byte) { b.set(Op{Key: key, Value: value}) }

// Delete records a delete.
func (b *Batch) Delete(key string) { b.set(Op{Key: key, Delete: true}) }

func (b *Batch) set(op Op) {
	if b.idx == nil {
		b.idx = map[string]int{}
	}
	if i, ok := b.idx[op.Key]; ok {
		b.ops[i] = op
		return
	}
	b.idx[op.Key] = len(b.ops)
	b.ops = append(b.ops, op)
}

// Lookup returns the batch's write of key, if any.
func (b *Batch) Lookup(key string) (Op, bool) {
	i, ok := b.idx[key]
	if !ok {
		return Op{}, false
	}
	return b.ops[i], true
}

// Ops returns the writes, one per key.
func (b *Batch) Ops() []Op { return b.ops }

// Len returns the number of keys written.
func (b *Batch) Len() int { return len(b.ops) }

// Check validates every key, so a bad key fails the whole transaction
// before anything is written.
func (b *Batch) Check() error {
	for _, op := range b.ops {
		if err := CheckKey(op.Key); err != nil {
			return err
		}
	}
	return nil
}

// BatchTx is a Tx that buffers writes in a Batch and reads through to get.
type BatchTx struct {
	Batch
	get func(key string) ([]byte, error)
}

// NewBatchTx returns a Tx whose reads see its own writes first, then get.
func NewBatchTx(get func(key string) ([]byte, error)) *BatchTx {
	return &BatchTx{get: get}
}

// Collect runs fn on a new BatchTx reading through to get and checks its
// keys: the first half of every Store's Txn. The caller writes tx.Ops()
// (none when tx.Len() is 0) atomically.
func Collect(get func(key string) ([]byte, error), fn func(Tx) error) (*BatchTx, error) {
	tx := NewBatchTx(get)
	if err := fn(tx); err != nil {
		return nil, err
	}
	if err := tx.Check(); err != nil {
		return nil, err
	}
	return tx, nil
}

// Get implements Tx.
func (t *BatchTx) Get(key string) ([]byte, error) {
	if op, ok := t.Lookup(key); ok {
		if op.Delete {
			return nil, ErrNotFound
		}
		return append([]byte(nil), op.Value...), nil
	}
	return t.get(key)
}
