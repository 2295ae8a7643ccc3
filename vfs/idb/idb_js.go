//go:build js && wasm

package idb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"

	"github.com/nachoos/nacho/vfs/internal/jsutil"
	"github.com/nachoos/nacho/vfs/store"
)

const objectStore = "kv"

// Options configure an IndexedDB store.
type Options struct {
	// Relaxed commits with relaxed durability: faster, but a commit may be
	// lost if the machine loses power right after it. The default is
	// strict: acknowledged means on disk.
	Relaxed bool
	// LockWait is how long Open waits for another holder of the
	// namespace to let go (a page being reloaded) before it fails with
	// ErrLocked. Zero: fail at once.
	LockWait time.Duration
}

// Store is a store.Store in one IndexedDB database.
type Store struct {
	db         *idb.Database
	durability idb.TransactionDurability
	unlock     func()

	mu     sync.Mutex // serializes Txn
	closed bool
}

var (
	_ store.Store = (*Store)(nil)
	_ store.Sizer = (*Store)(nil)
)

// Open opens (creating if needed) the database of namespace and takes the
// namespace's Web Lock.
func Open(ctx context.Context, namespace string, opts Options) (store.Store, error) {
	if namespace == "" {
		return nil, errors.New("idb: empty namespace")
	}
	unlock, err := jsutil.Lock(ctx, DBName(namespace), opts.LockWait)
	if err != nil {
		return nil, err
	}
	req, err := idb.Global().Open(ctx, DBName(namespace), 1, func(db *idb.Database, oldVersion, newVersion uint) error {
		if oldVersion < 1 {
			_, err := db.CreateObjectStore(objectStore, idb.ObjectStoreOptions{})
			return err
		}
		return nil
	})
	if err != nil {
		unlock()
		return nil, fmt.Errorf("idb: opening %s: %w", DBName(namespace), err)
	}
	db, err := req.Await(ctx)
	if err != nil {
		unlock()
		return nil, fmt.Errorf("idb: opening %s: %w", DBName(namespace), err)
	}
	s := &Store{db: db, durability: idb.DurabilityStrict, unlock: unlock}
	if opts.Relaxed {
		s.durability = idb.DurabilityRelaxed
	}
	return s, nil
}

// Delete removes the database of namespace. It must not be open.
func Delete(ctx context.Context, namespace string) error {
	req, err := idb.Global().DeleteDatabase(DBName(namespace))
	if err != nil {
		return err
	}
	return req.Await(ctx)
}

func (s *Store) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed {
		return store.ErrClosed
	}
	return nil
}

// mapErr turns IndexedDB failures into store errors.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, idb.NewDOMException("QuotaExceededError")) {
		return fmt.Errorf("%w: %v", store.ErrNoSpace, err)
	}
	return fmt.Errorf("idb: %w", err)
}

func (s *Store) txn(mode idb.TransactionMode) (*idb.Transaction, *idb.ObjectStore, error) {
	tx, err := s.db.TransactionWithOptions(idb.TransactionOptions{Mode: mode, Durability: s.durability}, objectStore)
	if err != nil {
		return nil, nil, mapErr(err)
	}
	os, err := tx.ObjectStore(objectStore)
	if err != nil {
		return nil, nil, mapErr(err)
	}
	return tx, os, nil
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	return s.get(ctx, key)
}

func (s *Store) get(ctx context.Context, key string) ([]byte, error) {
	if err := store.CheckKey(key); err != nil {
		return nil, err
	}
	_, os, err := s.txn(idb.TransactionReadOnly)
	if err != nil {
		return nil, err
	}
	req, err := os.Get(jsutil.BytesToJS([]byte(key)))
	if err != nil {
		return nil, mapErr(err)
	}
	v, err := req.Await(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	if v.IsUndefined() || v.IsNull() {
		return nil, store.ErrNotFound
	}
	return jsutil.BytesFromJS(v), nil
}

// prefixRange returns the key range of keys starting with prefix (nil: all).
func prefixRange(prefix string) (*idb.KeyRange, error) {
	if prefix == "" {
		return nil, nil
	}
	lower := jsutil.BytesToJS([]byte(prefix))
	// The least key greater than every key with the prefix: the prefix
	// with its last byte below 0xff incremented and the rest dropped.
	up := []byte(prefix)
	for len(up) > 0 && up[len(up)-1] == 0xff {
		up = up[:len(up)-1]
	}
	if len(up) == 0 {
		return idb.NewKeyRangeLowerBound(lower, false)
	}
	up[len(up)-1]++
	return idb.NewKeyRangeBound(lower, jsutil.BytesToJS(up), false, true)
}

func (s *Store) keys(ctx context.Context, prefix string) ([]string, error) {
	_, os, err := s.txn(idb.TransactionReadOnly)
	if err != nil {
		return nil, err
	}
	kr, err := prefixRange(prefix)
	if err != nil {
		return nil, mapErr(err)
	}
	var req *idb.ArrayRequest
	if kr == nil {
		req, err = os.GetAllKeys()
	} else {
		req, err = os.GetAllKeysRange(kr, 0)
	}
	if err != nil {
		return nil, mapErr(err)
	}
	vals, err := req.Await(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	keys := make([]string, len(vals))
	for i, v := range vals {
		keys[i] = string(jsutil.BytesFromJS(v))
	}
	return keys, nil
}

// List implements store.Store.
func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	return s.keys(ctx, prefix)
}

// scanBatch is how many values Scan reads per IndexedDB transaction.
const scanBatch = 512

// Scan implements store.Store. It reads the keys, then their values in
// batches of pipelined requests.
func (s *Store) Scan(ctx context.Context, prefix string, fn func(string, []byte) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	keys, err := s.keys(ctx, prefix)
	if err != nil {
		return err
	}
	for start := 0; start < len(keys); start += scanBatch {
		batch := keys[start:min(start+scanBatch, len(keys))]
		vals, err := s.getMany(ctx, batch)
		if err != nil {
			return err
		}
		for i, k := range batch {
			if vals[i] == nil {
				continue // deleted meanwhile
			}
			if err := fn(k, vals[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// getMany issues one get per key in one transaction without waiting in
// between, and collects the results as their success events arrive.
func (s *Store) getMany(ctx context.Context, keys []string) ([][]byte, error) {
	tx, os, err := s.txn(idb.TransactionReadOnly)
	if err != nil {
		return nil, err
	}
	vals := make([][]byte, len(keys))
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for i, k := range keys {
		req, err := os.Get(jsutil.BytesToJS([]byte(k)))
		if err != nil {
			return nil, mapErr(err)
		}
		i := i
		err = req.Listen(lctx, func() {
			v, err := req.Result()
			if err == nil && !v.IsUndefined() && !v.IsNull() {
				vals[i] = jsutil.BytesFromJS(v)
			}
		}, nil)
		if err != nil {
			return nil, mapErr(err)
		}
	}
	if err := tx.Await(ctx); err != nil {
		return nil, mapErr(err)
	}
	return vals, nil
}

// Put implements store.Store.
func (s *Store) Put(ctx context.Context, key string, value []byte) error {
	return s.Txn(ctx, func(tx store.Tx) error { tx.Put(key, value); return nil })
}

// Delete implements store.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	return s.Txn(ctx, func(tx store.Tx) error { tx.Delete(key); return nil })
}

// Txn implements store.Store: fn's writes go out in one readwrite
// transaction, issued back to back, and Txn returns when it has committed.
func (s *Store) Txn(ctx context.Context, fn func(store.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ctx); err != nil {
		return err
	}
	tx, err := store.Collect(func(key string) ([]byte, error) { return s.get(ctx, key) }, fn)
	if err != nil {
		return err
	}
	if tx.Len() == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	t, os, err := s.txn(idb.TransactionReadWrite)
	if err != nil {
		return err
	}
	for _, op := range tx.Ops() {
		key := jsutil.BytesToJS([]byte(op.Key))
		if op.Delete {
			_, err = os.Delete(key)
		} else {
			_, err = os.PutKey(key, jsutil.BytesToJS(op.Value))
		}
		if err != nil {
			t.Abort()
			return mapErr(err)
		}
	}
	return mapErr(t.Await(ctx))
}

// Size implements store.Sizer with the origin's estimate: IndexedDB keeps
// no per-database count.
func (s *Store) Size(ctx context.Context) (int64, int64, error) {
	return Estimate(ctx)
}

// Close implements store.Store.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.db.Close()
	s.unlock()
	return err
}
