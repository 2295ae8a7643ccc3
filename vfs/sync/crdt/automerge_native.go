//go:build !js && cgo

package crdt

// The native implementation: automerge-go, cgo bindings to automerge's
// Rust core through automerge-c.

import (
	"fmt"
	"sort"
	"time"

	"github.com/automerge/automerge-go"
)

const implementation = "automerge-go"

type nativeDoc struct {
	d      *automerge.Doc
	closed bool
}

var (
	_ Doc       = (*nativeDoc)(nil)
	_ SyncState = (*nativeSync)(nil)
)

// guard turns a panic inside automerge-go (it panics on some internal
// errors) into an error, so no input takes the process down.
func guard(what string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %s: automerge failed: %v", ErrCorrupt, what, r)
	}
}

func newDoc(opt Options) (_ Doc, err error) {
	defer guard("new document", &err)
	d := automerge.New()
	if opt.ActorID != "" {
		if err := CheckActorID(opt.ActorID); err != nil {
			return nil, err
		}
		if err := d.SetActorID(opt.ActorID); err != nil {
			return nil, fmt.Errorf("crdt: actor id: %v", err)
		}
	}
	return &nativeDoc{d: d}, nil
}

func loadDoc(b []byte, opt Options) (_ Doc, err error) {
	defer guard("load", &err)
	d, err := automerge.Load(b)
	if err != nil {
		return nil, corrupt("load", err)
	}
	if opt.ActorID != "" {
		if err := CheckActorID(opt.ActorID); err != nil {
			return nil, err
		}
		if err := d.SetActorID(opt.ActorID); err != nil {
			return nil, fmt.Errorf("crdt: actor id: %v", err)
		}
	}
	return &nativeDoc{d: d}, nil
}

func (n *nativeDoc) live() error {
	if n.closed {
		return ErrClosed
	}
	return nil
}

func (n *nativeDoc) Root() Obj { return Obj{kind: KindMap, doc: n, h: n.d.RootMap()} }

func (n *nativeDoc) mapOf(o Obj) (*automerge.Map, error) {
	if err := n.live(); err != nil {
		return nil, err
	}
	if err := checkObj(o, n, KindMap); err != nil {
		return nil, err
	}
	return o.h.(*automerge.Map), nil
}

func (n *nativeDoc) listOf(o Obj) (*automerge.List, error) {
	if err := n.live(); err != nil {
		return nil, err
	}
	if err := checkObj(o, n, KindList); err != nil {
		return nil, err
	}
	return o.h.(*automerge.List), nil
}

func (n *nativeDoc) value(v *automerge.Value) Value {
	switch v.Kind() {
	case automerge.KindVoid:
		return Value{}
	case automerge.KindNull:
		return Value{Kind: KindNull}
	case automerge.KindBool:
		return Value{Kind: KindBool, Bool: v.Bool()}
	case automerge.KindInt64:
		return Value{Kind: KindInt, Int: v.Int64()}
	case automerge.KindUint64:
		return Value{Kind: KindUint, Uint: v.Uint64()}
	case automerge.KindFloat64:
		return Value{Kind: KindFloat, Float: v.Float64()}
	case automerge.KindStr:
		return Value{Kind: KindString, Str: v.Str()}
	case automerge.KindBytes:
		return Value{Kind: KindBytes, Bytes: append([]byte(nil), v.Bytes()...)}
	case automerge.KindMap:
		return Value{Kind: KindMap, Obj: Obj{kind: KindMap, doc: n, h: v.Map()}}
	case automerge.KindList:
		return Value{Kind: KindList, Obj: Obj{kind: KindList, doc: n, h: v.List()}}
	}
	return Value{Kind: KindOther}
}

func scalar(v Value) (any, error) {
	if err := checkScalar(v); err != nil {
		return nil, err
	}
	switch v.Kind {
	case KindNull:
		return nil, nil
	case KindBool:
		return v.Bool, nil
	case KindInt:
		return v.Int, nil
	case KindUint:
		return v.Uint, nil
	case KindFloat:
		return v.Float, nil
	case KindString:
		return v.Str, nil
	case KindBytes:
		if v.Bytes == nil {
			return []byte{}, nil
		}
		return v.Bytes, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrKind, v.Kind)
}

func (n *nativeDoc) Get(o Obj, key string) (_ Value, err error) {
	defer guard("get", &err)
	m, err := n.mapOf(o)
	if err != nil {
		return Value{}, err
	}
	v, err := m.Get(key)
	if err != nil {
		return Value{}, fmt.Errorf("crdt: get %q: %v", clip(key), err)
	}
	return n.value(v), nil
}

func (n *nativeDoc) Keys(o Obj) (_ []string, err error) {
	defer guard("keys", &err)
	m, err := n.mapOf(o)
	if err != nil {
		return nil, err
	}
	keys, err := m.Keys()
	if err != nil {
		return nil, fmt.Errorf("crdt: keys: %v", err)
	}
	sort.Strings(keys)
	return keys, nil
}

func (n *nativeDoc) Put(o Obj, key string, v Value) (err error) {
	defer guard("put", &err)
	m, err := n.mapOf(o)
	if err != nil {
		return err
	}
	s, err := scalar(v)
	if err != nil {
		return err
	}
	if err := m.Set(key, s); err != nil {
		return fmt.Errorf("crdt: put %q: %v", clip(key), err)
	}
	return nil
}

func newObject(kind Kind) any {
	if kind == KindMap {
		return automerge.NewMap()
	}
	return automerge.NewList()
}

func (n *nativeDoc) objOf(kind Kind, x any) Obj { return Obj{kind: kind, doc: n, h: x} }

func (n *nativeDoc) PutObject(o Obj, key string, kind Kind) (_ Obj, err error) {
	defer guard("put object", &err)
	m, err := n.mapOf(o)
	if err != nil {
		return Obj{}, err
	}
	if err := checkObjKind(kind); err != nil {
		return Obj{}, err
	}
	x := newObject(kind)
	if err := m.Set(key, x); err != nil {
		return Obj{}, fmt.Errorf("crdt: put object %q: %v", clip(key), err)
	}
	return n.objOf(kind, x), nil
}

func (n *nativeDoc) Delete(o Obj, key string) (err error) {
	defer guard("delete", &err)
	m, err := n.mapOf(o)
	if err != nil {
		return err
	}
	if v, err := m.Get(key); err == nil && v.Kind() == automerge.KindVoid {
		return nil
	}
	if err := m.Delete(key); err != nil {
		return fmt.Errorf("crdt: delete %q: %v", clip(key), err)
	}
	return nil
}

func (n *nativeDoc) Len(o Obj) (_ int, err error) {
	defer guard("len", &err)
	l, err := n.listOf(o)
	if err != nil {
		return 0, err
	}
	return l.Len(), nil
}

func (n *nativeDoc) checkIndex(l *automerge.List, i int, end bool) error {
	max := l.Len()
	if !end {
		max--
	}
	if i < 0 || i > max {
		return fmt.Errorf("%w: index %d of a list of %d", ErrRange, i, l.Len())
	}
	return nil
}

func (n *nativeDoc) Index(o Obj, i int) (_ Value, err error) {
	defer guard("index", &err)
	l, err := n.listOf(o)
	if err != nil {
		return Value{}, err
	}
	if err := n.checkIndex(l, i, false); err != nil {
		return Value{}, err
	}
	v, err := l.Get(i)
	if err != nil {
		return Value{}, fmt.Errorf("crdt: index %d: %v", i, err)
	}
	return n.value(v), nil
}

func (n *nativeDoc) Set(o Obj, i int, v Value) (err error) {
	defer guard("set", &err)
	l, err := n.listOf(o)
	if err != nil {
		return err
	}
	if err := n.checkIndex(l, i, false); err != nil {
		return err
	}
	s, err := scalar(v)
	if err != nil {
		return err
	}
	return wrapErr("set", l.Set(i, s))
}

func (n *nativeDoc) Insert(o Obj, i int, v Value) (err error) {
	defer guard("insert", &err)
	l, err := n.listOf(o)
	if err != nil {
		return err
	}
	if err := n.checkIndex(l, i, true); err != nil {
		return err
	}
	s, err := scalar(v)
	if err != nil {
		return err
	}
	return wrapErr("insert", l.Insert(i, s))
}

func (n *nativeDoc) InsertObject(o Obj, i int, kind Kind) (_ Obj, err error) {
	defer guard("insert object", &err)
	l, err := n.listOf(o)
	if err != nil {
		return Obj{}, err
	}
	if err := checkObjKind(kind); err != nil {
		return Obj{}, err
	}
	if err := n.checkIndex(l, i, true); err != nil {
		return Obj{}, err
	}
	x := newObject(kind)
	if err := l.Insert(i, x); err != nil {
		return Obj{}, wrapErr("insert object", err)
	}
	return n.objOf(kind, x), nil
}

func (n *nativeDoc) Remove(o Obj, i int) (err error) {
	defer guard("remove", &err)
	l, err := n.listOf(o)
	if err != nil {
		return err
	}
	if err := n.checkIndex(l, i, false); err != nil {
		return err
	}
	return wrapErr("remove", l.Delete(i))
}

func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("crdt: %s: %v", op, err)
}

func (n *nativeDoc) Commit(message string, at time.Time) (_ Hash, _ bool, err error) {
	defer guard("commit", &err)
	if err := n.live(); err != nil {
		return Hash{}, false, err
	}
	t := at // the zero time records none
	h, err := n.d.Commit(message, automerge.CommitOptions{Time: &t})
	if err != nil {
		// automerge-go reports a commit with nothing pending as an error.
		if err.Error() == "Commit is empty" {
			return Hash{}, false, nil
		}
		return Hash{}, false, wrapErr("commit", err)
	}
	return Hash(h), true, nil
}

func (n *nativeDoc) Heads() (_ []Hash, err error) {
	defer guard("heads", &err)
	if err := n.live(); err != nil {
		return nil, err
	}
	hs := n.d.Heads()
	out := make([]Hash, len(hs))
	for i, h := range hs {
		out[i] = Hash(h)
	}
	return out, nil
}

func (n *nativeDoc) ActorID() string {
	if n.closed {
		return ""
	}
	return n.d.ActorID()
}

func (n *nativeDoc) Save() (_ []byte, err error) {
	defer guard("save", &err)
	if err := n.live(); err != nil {
		return nil, err
	}
	return n.d.Save(), nil
}

func (n *nativeDoc) SaveIncremental() (_ []byte, err error) {
	defer guard("save incremental", &err)
	if err := n.live(); err != nil {
		return nil, err
	}
	return n.d.SaveIncremental(), nil
}

func (n *nativeDoc) LoadIncremental(b []byte) (err error) {
	defer guard("load incremental", &err)
	if err := n.live(); err != nil {
		return err
	}
	if len(b) == 0 {
		return nil
	}
	if err := n.d.LoadIncremental(b); err != nil {
		return corrupt("load incremental", err)
	}
	return nil
}

func hashesOf(hs []Hash) []automerge.ChangeHash {
	out := make([]automerge.ChangeHash, len(hs))
	for i, h := range hs {
		out[i] = automerge.ChangeHash(h)
	}
	return out
}

func (n *nativeDoc) Changes(since []Hash) (_ [][]byte, err error) {
	defer guard("changes", &err)
	if err := n.live(); err != nil {
		return nil, err
	}
	chs, err := n.d.Changes(hashesOf(since)...)
	if err != nil {
		return nil, wrapErr("changes", err)
	}
	out := make([][]byte, len(chs))
	for i, c := range chs {
		out[i] = append([]byte(nil), c.Save()...)
	}
	return out, nil
}

func (n *nativeDoc) ApplyChanges(changes [][]byte) (err error) {
	defer guard("apply changes", &err)
	if err := n.live(); err != nil {
		return err
	}
	// automerge-go's LoadChanges reads a saved document, not loose
	// changes; loading them incrementally applies each change (and queues
	// one whose dependencies have not arrived yet).
	for i, b := range changes {
		if len(b) == 0 {
			return fmt.Errorf("%w: change %d is empty", ErrCorrupt, i)
		}
		if err := n.d.LoadIncremental(b); err != nil {
			return corrupt(fmt.Sprintf("change %d", i), err)
		}
	}
	return nil
}

func (n *nativeDoc) Merge(other Doc) (err error) {
	defer guard("merge", &err)
	o, ok := other.(*nativeDoc)
	if !ok {
		return fmt.Errorf("%w: Merge needs a document of the same implementation; use Save/LoadIncremental across them", ErrKind)
	}
	if err := n.live(); err != nil {
		return err
	}
	if err := o.live(); err != nil {
		return err
	}
	_, err = n.d.Merge(o.d)
	return wrapErr("merge", err)
}

func (n *nativeDoc) Fork() (_ Doc, err error) {
	defer guard("fork", &err)
	if err := n.live(); err != nil {
		return nil, err
	}
	d, err := n.d.Fork()
	if err != nil {
		return nil, wrapErr("fork", err)
	}
	if err := d.SetActorID(automerge.NewActorID()); err != nil {
		return nil, wrapErr("fork", err)
	}
	return &nativeDoc{d: d}, nil
}

func (n *nativeDoc) Close() error {
	n.closed = true
	return nil
}

type nativeSync struct {
	doc *nativeDoc
	s   *automerge.SyncState
}

func (n *nativeDoc) NewSyncState() SyncState {
	return &nativeSync{doc: n, s: automerge.NewSyncState(n.d)}
}

func loadSyncState(d Doc, b []byte) (_ SyncState, err error) {
	defer guard("load sync state", &err)
	n, ok := d.(*nativeDoc)
	if !ok {
		return nil, fmt.Errorf("%w: sync state for a document of another implementation", ErrKind)
	}
	s, err := automerge.LoadSyncState(n.d, b)
	if err != nil {
		return nil, corrupt("sync state", err)
	}
	return &nativeSync{doc: n, s: s}, nil
}

func (s *nativeSync) Generate() (_ []byte, _ bool, err error) {
	defer guard("generate sync message", &err)
	if err := s.doc.live(); err != nil {
		return nil, false, err
	}
	m, ok := s.s.GenerateMessage()
	if !ok {
		return nil, false, nil
	}
	return m.Bytes(), true, nil
}

func (s *nativeSync) Receive(msg []byte) (err error) {
	defer guard("receive sync message", &err)
	if err := s.doc.live(); err != nil {
		return err
	}
	if len(msg) == 0 {
		return fmt.Errorf("%w: empty sync message", ErrCorrupt)
	}
	if _, err := s.s.ReceiveMessage(msg); err != nil {
		return corrupt("sync message", err)
	}
	return nil
}

func (s *nativeSync) Save() (_ []byte, err error) {
	defer guard("save sync state", &err)
	return s.s.Save(), nil
}

func (s *nativeSync) Close() error { return nil }
