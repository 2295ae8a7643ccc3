//go:build js && wasm

package crdt

// The browser implementation: @automerge/automerge's wasm build, driven
// through its low-level API (the wasm-bindgen Automerge class) with
// syscall/js. The JavaScript and the wasm module are embedded from amjs/
// (built by scripts/sync-automerge.sh); the module is compiled
// asynchronously on first use, so the page's thread is not held.

import (
	"embed"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"syscall/js"
	"time"
)

const implementation = "@automerge/automerge 3.5.0"

//go:embed amjs
var assets embed.FS

var (
	loadOnce sync.Once
	low      js.Value // the wasm-bindgen exports: create, load, initSyncState, ...
	loadErr  error
)

// api returns the low-level automerge API, loading it on first use.
func api() (js.Value, error) {
	loadOnce.Do(func() { low, loadErr = loadAutomerge() })
	return low, loadErr
}

func loadAutomerge() (v js.Value, err error) {
	src, err1 := assets.ReadFile("amjs/automerge.js")
	wasm, err2 := assets.ReadFile("amjs/automerge.wasm")
	if err1 != nil || err2 != nil {
		return js.Value{}, fmt.Errorf("%w: the automerge bundle was not built into this binary (run scripts/sync-automerge.sh, then rebuild)", ErrUnsupported)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: loading automerge: %v", ErrUnsupported, r)
		}
	}()
	buf := js.Global().Get("Uint8Array").New(len(wasm))
	js.CopyBytesToJS(buf, wasm)
	mod, err := await(js.Global().Get("WebAssembly").Call("compile", buf))
	if err != nil {
		return js.Value{}, fmt.Errorf("%w: compiling automerge's wasm: %v", ErrUnsupported, err)
	}
	fn := js.Global().Get("Function").New("__nachoWasmModule", "var window = {};\n"+string(src)+"\nreturn window;")
	w := fn.Invoke(mod)
	l := w.Get("AutomergeLow")
	if l.Type() != js.TypeObject {
		return js.Value{}, fmt.Errorf("%w: the automerge bundle did not define its API", ErrUnsupported)
	}
	return l, nil
}

// await waits for a promise. It must not be called from inside a
// js.FuncOf callback (the event loop would never run).
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	defer then.Release()
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: errors.New(jsString(args[0]))}
		return nil
	})
	defer catch.Release()
	p.Call("then", then, catch)
	r := <-ch
	return r.v, r.err
}

func jsString(v js.Value) (s string) {
	defer func() {
		if recover() != nil {
			s = "unprintable JavaScript exception"
		}
	}()
	if v.Type() == js.TypeObject {
		if m := v.Get("message"); m.Type() == js.TypeString {
			return m.String()
		}
	}
	return js.Global().Get("String").Invoke(v).String()
}

// call runs f, turning a JavaScript exception into an error.
func call(f func() js.Value) (v js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			if je, ok := r.(js.Error); ok {
				err = errors.New(jsString(je.Value))
				return
			}
			err = fmt.Errorf("%v", r)
		}
	}()
	return f(), nil
}

func toJS(b []byte) js.Value {
	a := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

func fromJS(v js.Value) []byte {
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}

type jsDoc struct {
	am     js.Value
	closed bool
}

var (
	_ Doc       = (*jsDoc)(nil)
	_ SyncState = (*jsSync)(nil)
)

func newDoc(opt Options) (Doc, error) {
	l, err := api()
	if err != nil {
		return nil, err
	}
	o := map[string]any{}
	if opt.ActorID != "" {
		if err := CheckActorID(opt.ActorID); err != nil {
			return nil, err
		}
		o["actor"] = opt.ActorID
	}
	am, err := call(func() js.Value { return l.Call("create", o) })
	if err != nil {
		return nil, fmt.Errorf("crdt: new document: %v", err)
	}
	return &jsDoc{am: am}, nil
}

func loadDoc(b []byte, opt Options) (Doc, error) {
	l, err := api()
	if err != nil {
		return nil, err
	}
	o := map[string]any{}
	if opt.ActorID != "" {
		if err := CheckActorID(opt.ActorID); err != nil {
			return nil, err
		}
		o["actor"] = opt.ActorID
	}
	am, err := call(func() js.Value { return l.Call("load", toJS(b), o) })
	if err != nil {
		return nil, corrupt("load", err)
	}
	return &jsDoc{am: am}, nil
}

func (d *jsDoc) live() error {
	if d.closed {
		return ErrClosed
	}
	return nil
}

func (d *jsDoc) Root() Obj { return Obj{kind: KindMap, doc: d, h: "_root"} }

func (d *jsDoc) obj(o Obj, k Kind) (string, error) {
	if err := d.live(); err != nil {
		return "", err
	}
	if err := checkObj(o, d, k); err != nil {
		return "", err
	}
	return o.h.(string), nil
}

// value converts getWithType's [datatype, value] (or null).
func (d *jsDoc) value(v js.Value) Value {
	if v.IsNull() || v.IsUndefined() {
		return Value{}
	}
	typ, x := v.Index(0).String(), v.Index(1)
	switch typ {
	case "null":
		return Value{Kind: KindNull}
	case "boolean":
		return Value{Kind: KindBool, Bool: x.Bool()}
	case "int":
		i, _ := strconv.ParseInt(numString(x), 10, 64)
		return Value{Kind: KindInt, Int: i}
	case "uint":
		u, _ := strconv.ParseUint(numString(x), 10, 64)
		return Value{Kind: KindUint, Uint: u}
	case "f64":
		return Value{Kind: KindFloat, Float: x.Float()}
	case "str":
		return Value{Kind: KindString, Str: x.String()}
	case "bytes":
		return Value{Kind: KindBytes, Bytes: fromJS(x)}
	case "map":
		return Value{Kind: KindMap, Obj: Obj{kind: KindMap, doc: d, h: x.String()}}
	case "list":
		return Value{Kind: KindList, Obj: Obj{kind: KindList, doc: d, h: x.String()}}
	}
	return Value{Kind: KindOther}
}

// numString formats a JavaScript number or BigInt (automerge returns
// integers past 2^31 as BigInt, which syscall/js cannot type).
func numString(x js.Value) string {
	return js.Global().Get("String").Invoke(x).String()
}

// scalarJS returns a value and its automerge datatype.
func scalarJS(v Value) (any, string, error) {
	if err := checkScalar(v); err != nil {
		return nil, "", err
	}
	switch v.Kind {
	case KindNull:
		return nil, "null", nil
	case KindBool:
		return v.Bool, "boolean", nil
	case KindInt:
		return float64(v.Int), "int", nil
	case KindUint:
		return float64(v.Uint), "uint", nil
	case KindFloat:
		return v.Float, "f64", nil
	case KindString:
		return v.Str, "str", nil
	case KindBytes:
		return toJS(v.Bytes), "bytes", nil
	}
	return nil, "", fmt.Errorf("%w: %s", ErrKind, v.Kind)
}

func emptyObject(kind Kind) any {
	if kind == KindMap {
		return map[string]any{}
	}
	return []any{}
}

func opErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("crdt: %s: %v", op, err)
}

func (d *jsDoc) Get(o Obj, key string) (Value, error) {
	id, err := d.obj(o, KindMap)
	if err != nil {
		return Value{}, err
	}
	v, err := call(func() js.Value { return d.am.Call("getWithType", id, key) })
	if err != nil {
		return Value{}, opErr("get "+clip(key), err)
	}
	return d.value(v), nil
}

func (d *jsDoc) Keys(o Obj) ([]string, error) {
	id, err := d.obj(o, KindMap)
	if err != nil {
		return nil, err
	}
	v, err := call(func() js.Value { return d.am.Call("keys", id) })
	if err != nil {
		return nil, opErr("keys", err)
	}
	keys := make([]string, v.Length())
	for i := range keys {
		keys[i] = v.Index(i).String()
	}
	sort.Strings(keys)
	return keys, nil
}

func (d *jsDoc) Put(o Obj, key string, v Value) error {
	id, err := d.obj(o, KindMap)
	if err != nil {
		return err
	}
	x, dt, err := scalarJS(v)
	if err != nil {
		return err
	}
	_, err = call(func() js.Value { return d.am.Call("put", id, key, x, dt) })
	return opErr("put "+clip(key), err)
}

func (d *jsDoc) PutObject(o Obj, key string, kind Kind) (Obj, error) {
	id, err := d.obj(o, KindMap)
	if err != nil {
		return Obj{}, err
	}
	if err := checkObjKind(kind); err != nil {
		return Obj{}, err
	}
	v, err := call(func() js.Value { return d.am.Call("putObject", id, key, emptyObject(kind)) })
	if err != nil {
		return Obj{}, opErr("put object "+clip(key), err)
	}
	return Obj{kind: kind, doc: d, h: v.String()}, nil
}

func (d *jsDoc) Delete(o Obj, key string) error {
	id, err := d.obj(o, KindMap)
	if err != nil {
		return err
	}
	_, err = call(func() js.Value { return d.am.Call("delete", id, key) })
	return opErr("delete "+clip(key), err)
}

func (d *jsDoc) Len(o Obj) (int, error) {
	id, err := d.obj(o, KindList)
	if err != nil {
		return 0, err
	}
	v, err := call(func() js.Value { return d.am.Call("length", id) })
	if err != nil {
		return 0, opErr("len", err)
	}
	return v.Int(), nil
}

func (d *jsDoc) index(o Obj, i int, end bool) (string, error) {
	id, err := d.obj(o, KindList)
	if err != nil {
		return "", err
	}
	n, err := d.Len(o)
	if err != nil {
		return "", err
	}
	max := n
	if !end {
		max--
	}
	if i < 0 || i > max {
		return "", fmt.Errorf("%w: index %d of a list of %d", ErrRange, i, n)
	}
	return id, nil
}

func (d *jsDoc) Index(o Obj, i int) (Value, error) {
	id, err := d.index(o, i, false)
	if err != nil {
		return Value{}, err
	}
	v, err := call(func() js.Value { return d.am.Call("getWithType", id, i) })
	if err != nil {
		return Value{}, opErr("index", err)
	}
	return d.value(v), nil
}

func (d *jsDoc) Set(o Obj, i int, v Value) error {
	id, err := d.index(o, i, false)
	if err != nil {
		return err
	}
	x, dt, err := scalarJS(v)
	if err != nil {
		return err
	}
	_, err = call(func() js.Value { return d.am.Call("put", id, i, x, dt) })
	return opErr("set", err)
}

func (d *jsDoc) Insert(o Obj, i int, v Value) error {
	id, err := d.index(o, i, true)
	if err != nil {
		return err
	}
	x, dt, err := scalarJS(v)
	if err != nil {
		return err
	}
	_, err = call(func() js.Value { return d.am.Call("insert", id, i, x, dt) })
	return opErr("insert", err)
}

func (d *jsDoc) InsertObject(o Obj, i int, kind Kind) (Obj, error) {
	if err := checkObjKind(kind); err != nil {
		return Obj{}, err
	}
	id, err := d.index(o, i, true)
	if err != nil {
		return Obj{}, err
	}
	v, err := call(func() js.Value { return d.am.Call("insertObject", id, i, emptyObject(kind)) })
	if err != nil {
		return Obj{}, opErr("insert object", err)
	}
	return Obj{kind: kind, doc: d, h: v.String()}, nil
}

func (d *jsDoc) Remove(o Obj, i int) error {
	id, err := d.index(o, i, false)
	if err != nil {
		return err
	}
	_, err = call(func() js.Value { return d.am.Call("delete", id, i) })
	return opErr("remove", err)
}

func (d *jsDoc) Commit(message string, at time.Time) (Hash, bool, error) {
	if err := d.live(); err != nil {
		return Hash{}, false, err
	}
	var msg, t any
	if message != "" {
		msg = message
	}
	if !at.IsZero() {
		t = float64(at.UnixMilli()) // as automerge-go records it
	}
	v, err := call(func() js.Value { return d.am.Call("commit", msg, t) })
	if err != nil {
		return Hash{}, false, opErr("commit", err)
	}
	if v.IsNull() || v.IsUndefined() {
		return Hash{}, false, nil
	}
	h, err := ParseHash(v.String())
	return h, err == nil, err
}

func (d *jsDoc) hashes(v js.Value) ([]Hash, error) {
	out := make([]Hash, v.Length())
	for i := range out {
		h, err := ParseHash(v.Index(i).String())
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

func (d *jsDoc) Heads() ([]Hash, error) {
	if err := d.live(); err != nil {
		return nil, err
	}
	v, err := call(func() js.Value { return d.am.Call("getHeads") })
	if err != nil {
		return nil, opErr("heads", err)
	}
	return d.hashes(v)
}

func (d *jsDoc) ActorID() string {
	if d.closed {
		return ""
	}
	v, err := call(func() js.Value { return d.am.Call("getActorId") })
	if err != nil {
		return ""
	}
	return v.String()
}

func (d *jsDoc) bytesCall(op string, args ...any) ([]byte, error) {
	if err := d.live(); err != nil {
		return nil, err
	}
	v, err := call(func() js.Value { return d.am.Call(op, args...) })
	if err != nil {
		return nil, opErr(op, err)
	}
	return fromJS(v), nil
}

func (d *jsDoc) Save() ([]byte, error)            { return d.bytesCall("save") }
func (d *jsDoc) SaveIncremental() ([]byte, error) { return d.bytesCall("saveIncremental") }

func (d *jsDoc) LoadIncremental(b []byte) error {
	if err := d.live(); err != nil {
		return err
	}
	if len(b) == 0 {
		return nil
	}
	if _, err := call(func() js.Value { return d.am.Call("loadIncremental", toJS(b)) }); err != nil {
		return corrupt("load incremental", err)
	}
	return nil
}

func (d *jsDoc) Changes(since []Hash) ([][]byte, error) {
	if err := d.live(); err != nil {
		return nil, err
	}
	hs := make([]any, len(since))
	for i, h := range since {
		hs[i] = h.String()
	}
	v, err := call(func() js.Value { return d.am.Call("getChanges", hs) })
	if err != nil {
		return nil, opErr("changes", err)
	}
	out := make([][]byte, v.Length())
	for i := range out {
		out[i] = fromJS(v.Index(i))
	}
	return out, nil
}

func (d *jsDoc) ApplyChanges(changes [][]byte) error {
	if err := d.live(); err != nil {
		return err
	}
	// One at a time, like the native side, so that a bad change is named.
	for i, c := range changes {
		if len(c) == 0 {
			return fmt.Errorf("%w: change %d is empty", ErrCorrupt, i)
		}
		if _, err := call(func() js.Value { return d.am.Call("loadIncremental", toJS(c)) }); err != nil {
			return corrupt(fmt.Sprintf("change %d", i), err)
		}
	}
	return nil
}

func (d *jsDoc) Merge(other Doc) error {
	o, ok := other.(*jsDoc)
	if !ok {
		return fmt.Errorf("%w: Merge needs a document of the same implementation; use Save/LoadIncremental across them", ErrKind)
	}
	if err := d.live(); err != nil {
		return err
	}
	if err := o.live(); err != nil {
		return err
	}
	_, err := call(func() js.Value { return d.am.Call("merge", o.am) })
	return opErr("merge", err)
}

func (d *jsDoc) Fork() (Doc, error) {
	if err := d.live(); err != nil {
		return nil, err
	}
	v, err := call(func() js.Value { return d.am.Call("fork") })
	if err != nil {
		return nil, opErr("fork", err)
	}
	return &jsDoc{am: v}, nil
}

func (d *jsDoc) Close() error {
	if !d.closed {
		d.closed = true
		call(func() js.Value { return d.am.Call("free") })
	}
	return nil
}

type jsSync struct {
	doc    *jsDoc
	st     js.Value
	closed bool
}

func (d *jsDoc) NewSyncState() SyncState {
	st, _ := call(func() js.Value { return low.Call("initSyncState") })
	return &jsSync{doc: d, st: st}
}

func loadSyncState(d Doc, b []byte) (SyncState, error) {
	jd, ok := d.(*jsDoc)
	if !ok {
		return nil, fmt.Errorf("%w: sync state for a document of another implementation", ErrKind)
	}
	l, err := api()
	if err != nil {
		return nil, err
	}
	st, err := call(func() js.Value { return l.Call("decodeSyncState", toJS(b)) })
	if err != nil {
		return nil, corrupt("sync state", err)
	}
	return &jsSync{doc: jd, st: st}, nil
}

func (s *jsSync) live() error {
	if s.closed {
		return fmt.Errorf("crdt: sync state closed")
	}
	return s.doc.live()
}

func (s *jsSync) Generate() ([]byte, bool, error) {
	if err := s.live(); err != nil {
		return nil, false, err
	}
	v, err := call(func() js.Value { return s.doc.am.Call("generateSyncMessage", s.st) })
	if err != nil {
		return nil, false, opErr("generate sync message", err)
	}
	if v.IsNull() || v.IsUndefined() {
		return nil, false, nil
	}
	return fromJS(v), true, nil
}

func (s *jsSync) Receive(msg []byte) error {
	if err := s.live(); err != nil {
		return err
	}
	if len(msg) == 0 {
		return fmt.Errorf("%w: empty sync message", ErrCorrupt)
	}
	if _, err := call(func() js.Value { return s.doc.am.Call("receiveSyncMessage", s.st, toJS(msg)) }); err != nil {
		return corrupt("sync message", err)
	}
	return nil
}

func (s *jsSync) Save() ([]byte, error) {
	if s.closed {
		return nil, fmt.Errorf("crdt: sync state closed")
	}
	v, err := call(func() js.Value { return low.Call("encodeSyncState", s.st) })
	if err != nil {
		return nil, opErr("save sync state", err)
	}
	return fromJS(v), nil
}

func (s *jsSync) Close() error {
	if !s.closed {
		s.closed = true
		call(func() js.Value { return s.st.Call("free") })
	}
	return nil
}
