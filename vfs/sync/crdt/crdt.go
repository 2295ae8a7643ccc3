// Package crdt is the seam between Nacho's sync engine and automerge: one Go
// interface, Doc, over two implementations that speak the same binary
// document format and the same sync protocol.
//
//   - natively, automerge-go (cgo over automerge's Rust core), in files
//     built with !js;
//   - in the browser, the npm package @automerge/automerge 3.5.0 (its wasm
//     build) driven through syscall/js, in *_js.go files.
//
// A document saved by one loads in the other, and a native node and a
// browser tab run the sync protocol with each other (see the cross tests).
//
// The interface covers what the sync engine needs and no more: maps and
// lists of scalars (null, bool, int, uint, float, string, bytes), nested
// objects, commits with a message and time, heads, save/load in automerge's
// binary format, incremental save, changes since some heads, and sync
// states that generate and receive sync messages. Every operation on
// untrusted bytes (Load, LoadIncremental, ApplyChanges, Receive) returns an
// error wrapping ErrCorrupt rather than panicking.
//
// Integers are limited to ±(2^53-1) on both sides (MaxInt), since the
// browser implementation carries them as JavaScript numbers; a larger value
// is refused with ErrRange instead of being silently rounded.
//
// This package must not import syscall/js outside its *_js.go files, and
// nothing here may depend on the sync engine (vfs/sync) or on fabrik.
package crdt

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors. Every error from a Doc wraps one of these (or is a plain
// argument error for misuse such as a key on a list).
var (
	// ErrCorrupt: bytes that were meant to be a document, changes or a
	// sync message could not be decoded.
	ErrCorrupt = errors.New("crdt: corrupt or unreadable automerge data")
	// ErrRange: an integer outside ±MaxInt, or a list index out of range.
	ErrRange = errors.New("crdt: value out of range")
	// ErrKind: the object or value is not of the kind the call needs.
	ErrKind = errors.New("crdt: wrong kind of object")
	// ErrUnsupported: this build has no automerge implementation (native
	// without cgo), or the browser bundle was not built.
	ErrUnsupported = errors.New("crdt: automerge is not available in this build")
	// ErrClosed: the document was closed.
	ErrClosed = errors.New("crdt: document closed")
)

// MaxInt bounds the integers a document may hold (JavaScript's safe range).
const MaxInt = 1<<53 - 1

// Kind is the type of a value in a document.
type Kind uint8

// Kinds of value. KindVoid means "nothing there".
const (
	KindVoid Kind = iota
	KindNull
	KindBool
	KindInt
	KindUint
	KindFloat
	KindString
	KindBytes
	KindMap
	KindList
	KindOther // a type this interface does not model (text, counter, timestamp)
)

var kindNames = [...]string{"void", "null", "bool", "int", "uint", "float", "string", "bytes", "map", "list", "other"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// IsObject reports whether k is a map or a list.
func (k Kind) IsObject() bool { return k == KindMap || k == KindList }

// Value is one value read from or written to a document. Only the field
// that belongs to Kind is meaningful. For KindMap and KindList, Obj is the
// nested object.
type Value struct {
	Kind  Kind
	Bool  bool
	Int   int64
	Uint  uint64
	Float float64
	Str   string
	Bytes []byte
	Obj   Obj
}

// Constructors for values to write.
func Null() Value                { return Value{Kind: KindNull} }
func Bool(b bool) Value          { return Value{Kind: KindBool, Bool: b} }
func Int(i int64) Value          { return Value{Kind: KindInt, Int: i} }
func Uint(u uint64) Value        { return Value{Kind: KindUint, Uint: u} }
func Float(f float64) Value      { return Value{Kind: KindFloat, Float: f} }
func String(s string) Value      { return Value{Kind: KindString, Str: s} }
func Bytes(b []byte) Value       { return Value{Kind: KindBytes, Bytes: b} }
func (v Value) Exists() bool     { return v.Kind != KindVoid }
func (v Value) IsObject() bool   { return v.Kind.IsObject() }
func (v Value) String() string   { return v.GoString() }
func (v Value) GoString() string { return formatValue(v) }

func formatValue(v Value) string {
	switch v.Kind {
	case KindVoid, KindNull, KindOther:
		return v.Kind.String()
	case KindBool:
		return fmt.Sprint(v.Bool)
	case KindInt:
		return fmt.Sprint(v.Int)
	case KindUint:
		return fmt.Sprintf("%du", v.Uint)
	case KindFloat:
		return fmt.Sprint(v.Float)
	case KindString:
		return fmt.Sprintf("%q", v.Str)
	case KindBytes:
		return fmt.Sprintf("bytes(%x)", v.Bytes)
	default:
		return v.Kind.String()
	}
}

// checkScalar validates a value to be written.
func checkScalar(v Value) error {
	switch v.Kind {
	case KindNull, KindBool, KindFloat, KindString, KindBytes:
		return nil
	case KindInt:
		if v.Int > MaxInt || v.Int < -MaxInt {
			return fmt.Errorf("%w: int %d outside ±2^53-1", ErrRange, v.Int)
		}
		return nil
	case KindUint:
		if v.Uint > MaxInt {
			return fmt.Errorf("%w: uint %d over 2^53-1", ErrRange, v.Uint)
		}
		return nil
	case KindMap, KindList:
		return fmt.Errorf("%w: write objects with PutObject/InsertObject", ErrKind)
	}
	return fmt.Errorf("%w: cannot write a %s value", ErrKind, v.Kind)
}

// Obj is a handle on a map or list inside one document. The zero Obj is
// not valid; Doc.Root returns the root map. A handle is only meaningful to
// the document it came from.
type Obj struct {
	kind Kind
	doc  any // the implementation's document, to catch handles used on the wrong one
	h    any // the implementation's object reference
}

// Kind returns KindMap or KindList (KindVoid for the zero Obj).
func (o Obj) Kind() Kind { return o.kind }

// Hash is a change hash (SHA-256 of the change).
type Hash [32]byte

func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// ParseHash parses 64 hex digits.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 64 {
		return h, fmt.Errorf("%w: change hash %q is not 64 hex digits", ErrCorrupt, clip(s))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("%w: change hash %q is not hex", ErrCorrupt, clip(s))
	}
	return h, nil
}

// HeadsEqual reports whether two sets of heads are the same.
func HeadsEqual(a, b []Hash) bool {
	if len(a) != len(b) {
		return false
	}
	seen := make(map[Hash]int, len(a))
	for _, h := range a {
		seen[h]++
	}
	for _, h := range b {
		if seen[h] == 0 {
			return false
		}
		seen[h]--
	}
	return true
}

// Doc is an automerge document. It is not safe for concurrent use: one
// goroutine owns a document (the sync engine serialises access).
//
// Writes accumulate in a pending transaction until Commit; reads see them.
// Methods that need history (Save, Heads, Changes, sync) commit pending
// writes first, as automerge does.
type Doc interface {
	// Root returns the root map.
	Root() Obj

	// Get reads key from map o; a missing key gives a Value of KindVoid.
	Get(o Obj, key string) (Value, error)
	// Keys returns the keys of map o in ascending order.
	Keys(o Obj) ([]string, error)
	// Put writes a scalar to key in map o.
	Put(o Obj, key string, v Value) error
	// PutObject makes an empty map or list at key in map o.
	PutObject(o Obj, key string, kind Kind) (Obj, error)
	// Delete removes key from map o (no error if absent).
	Delete(o Obj, key string) error

	// Len returns the length of list o.
	Len(o Obj) (int, error)
	// Index reads element i of list o.
	Index(o Obj, i int) (Value, error)
	// Set overwrites element i of list o with a scalar.
	Set(o Obj, i int, v Value) error
	// Insert inserts a scalar before element i of list o (i == Len appends).
	Insert(o Obj, i int, v Value) error
	// InsertObject inserts an empty map or list before element i of list o.
	InsertObject(o Obj, i int, kind Kind) (Obj, error)
	// Remove deletes element i of list o.
	Remove(o Obj, i int) error

	// Commit makes the pending writes one change, with a message and a
	// time (the zero time records none). It returns false when there was
	// nothing to commit.
	Commit(message string, at time.Time) (Hash, bool, error)
	// Heads returns the document's current heads.
	Heads() ([]Hash, error)
	// ActorID returns the hex actor id this document writes as.
	ActorID() string

	// Save returns the whole document in automerge's binary format.
	Save() ([]byte, error)
	// SaveIncremental returns the changes since the last Save or
	// SaveIncremental, for LoadIncremental on another copy.
	SaveIncremental() ([]byte, error)
	// LoadIncremental applies bytes from SaveIncremental or Save.
	LoadIncremental(b []byte) error
	// Changes returns the encoded changes not reachable from since (all of
	// them for nil).
	Changes(since []Hash) ([][]byte, error)
	// ApplyChanges applies encoded changes.
	ApplyChanges(changes [][]byte) error
	// Merge applies every change of other (same implementation) to d.
	Merge(other Doc) error
	// Fork returns an independent copy with a new actor id.
	Fork() (Doc, error)

	// NewSyncState starts a sync session with one peer.
	NewSyncState() SyncState

	// Close releases the document (the browser implementation frees wasm
	// memory). Using a closed document returns ErrClosed.
	Close() error
}

// SyncState is one side of automerge's sync protocol with one peer.
// Generate and Receive alternate until both sides generate nothing.
type SyncState interface {
	// Generate returns the next message for the peer, or ok=false when
	// there is nothing to say until something changes.
	Generate() (msg []byte, ok bool, err error)
	// Receive applies a message from the peer to the document.
	Receive(msg []byte) error
	// Save encodes the state so that a later session can resume.
	Save() ([]byte, error)
	// Close releases the state.
	Close() error
}

// Options for New.
type Options struct {
	// ActorID is the hex actor id to write as; "" picks a random one.
	ActorID string
}

// New returns an empty document in this build's implementation.
func New(opt Options) (Doc, error) { return newDoc(opt) }

// Load reads a document saved by Save (by either implementation). It
// returns an error wrapping ErrCorrupt for anything else.
func Load(b []byte, opt Options) (Doc, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty document", ErrCorrupt)
	}
	return loadDoc(b, opt)
}

// LoadSyncState resumes a sync session saved with SyncState.Save.
func LoadSyncState(d Doc, b []byte) (SyncState, error) { return loadSyncState(d, b) }

// Implementation names this build's implementation ("automerge-go",
// "@automerge/automerge 3.5.0", or "none").
func Implementation() string { return implementation }

// CheckActorID validates a hex actor id.
func CheckActorID(id string) error {
	if id == "" || len(id)%2 != 0 || len(id) > 128 {
		return fmt.Errorf("crdt: actor id %q: want an even number (2..128) of hex digits", clip(id))
	}
	if _, err := hex.DecodeString(id); err != nil {
		return fmt.Errorf("crdt: actor id %q is not hex", clip(id))
	}
	return nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// corrupt wraps an implementation's decoding error.
func corrupt(what string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "Error: ")
	return fmt.Errorf("%w: %s: %s", ErrCorrupt, what, clip2(msg, 300))
}

func clip2(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// checkObj is shared argument checking: o belongs to doc and has kind k.
func checkObj(o Obj, doc any, k Kind) error {
	if o.kind == KindVoid {
		return fmt.Errorf("%w: zero Obj", ErrKind)
	}
	if o.doc != doc {
		return fmt.Errorf("%w: object handle from another document", ErrKind)
	}
	if o.kind != k {
		return fmt.Errorf("%w: want a %s, have a %s", ErrKind, k, o.kind)
	}
	return nil
}

func checkObjKind(k Kind) error {
	if k != KindMap && k != KindList {
		return fmt.Errorf("%w: PutObject/InsertObject make a map or a list, not a %s", ErrKind, k)
	}
	return nil
}
