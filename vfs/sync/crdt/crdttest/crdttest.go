// Package crdttest is the conformance suite of the crdt.Doc seam. The same
// tests run on every implementation: natively on automerge-go, and in
// headless Chromium on @automerge/automerge through syscall/js.
//
// It also holds helpers the cross-implementation tests share: Dump (a
// document as plain Go values, for comparing two documents) and Sync (run
// the sync protocol between two documents until both are quiet).
//
// It must not import syscall/js.
package crdttest

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nachoos/nacho/vfs/sync/crdt"
)

// Impl is the implementation under test.
type Impl struct {
	New  func(crdt.Options) (crdt.Doc, error)
	Load func([]byte, crdt.Options) (crdt.Doc, error)
}

// Run runs the whole suite.
func Run(t *testing.T, impl Impl) {
	tests := []struct {
		name string
		fn   func(*testing.T, Impl)
	}{
		{"Scalars", testScalars},
		{"Objects", testObjects},
		{"Lists", testLists},
		{"Limits", testLimits},
		{"Handles", testHandles},
		{"Commit", testCommit},
		{"SaveLoad", testSaveLoad},
		{"Incremental", testIncremental},
		{"Changes", testChanges},
		{"ConcurrentMerge", testConcurrentMerge},
		{"SyncTwo", testSyncTwo},
		{"SyncThree", testSyncThree},
		{"SyncResume", testSyncResume},
		{"BadInput", testBadInput},
		{"Closed", testClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer fatalOnFailure(t)
			tc.fn(t, impl)
		})
	}
}

func newDoc(t *testing.T, impl Impl, actor string) crdt.Doc {
	t.Helper()
	d, err := impl.New(crdt.Options{ActorID: actor})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// failure is what must panics with; Run turns it into t.Fatal.
type failure struct{ err error }

// must returns v, or stops the test if err is set.
func must[T any](v T, err error) T {
	if err != nil {
		panic(failure{err})
	}
	return v
}

// fatalOnFailure is deferred by each test: a must failure becomes Fatal.
func fatalOnFailure(t *testing.T) {
	if r := recover(); r != nil {
		if f, ok := r.(failure); ok {
			t.Fatal(f.err)
		}
		panic(r)
	}
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Dump returns the document as plain Go values: map[string]any, []any,
// nil, bool, int64, uint64 (as "u:N" string, to tell it from int),
// float64, string, []byte.
func Dump(d crdt.Doc) (any, error) { return dumpObj(d, d.Root()) }

func dumpObj(d crdt.Doc, o crdt.Obj) (any, error) {
	switch o.Kind() {
	case crdt.KindMap:
		keys, err := d.Keys(o)
		if err != nil {
			return nil, err
		}
		m := make(map[string]any, len(keys))
		for _, k := range keys {
			v, err := d.Get(o, k)
			if err != nil {
				return nil, err
			}
			if m[k], err = dumpValue(d, v); err != nil {
				return nil, err
			}
		}
		return m, nil
	case crdt.KindList:
		n, err := d.Len(o)
		if err != nil {
			return nil, err
		}
		l := make([]any, n)
		for i := range n {
			v, err := d.Index(o, i)
			if err != nil {
				return nil, err
			}
			if l[i], err = dumpValue(d, v); err != nil {
				return nil, err
			}
		}
		return l, nil
	}
	return nil, fmt.Errorf("dump: not an object: %s", o.Kind())
}

func dumpValue(d crdt.Doc, v crdt.Value) (any, error) {
	switch v.Kind {
	case crdt.KindMap, crdt.KindList:
		return dumpObj(d, v.Obj)
	case crdt.KindNull:
		return nil, nil
	case crdt.KindBool:
		return v.Bool, nil
	case crdt.KindInt:
		return v.Int, nil
	case crdt.KindUint:
		return fmt.Sprintf("u:%d", v.Uint), nil
	case crdt.KindFloat:
		return v.Float, nil
	case crdt.KindString:
		return v.Str, nil
	case crdt.KindBytes:
		if v.Bytes == nil {
			return []byte{}, nil
		}
		return v.Bytes, nil
	}
	return nil, fmt.Errorf("dump: value of kind %s", v.Kind)
}

// MustDump is Dump for tests.
func MustDump(t testing.TB, d crdt.Doc) any {
	t.Helper()
	v, err := Dump(d)
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	return v
}

// SameContent fails t unless a and b hold the same values.
func SameContent(t testing.TB, a, b crdt.Doc) {
	t.Helper()
	da, db := MustDump(t, a), MustDump(t, b)
	if !reflect.DeepEqual(da, db) {
		t.Fatalf("documents differ:\n a: %v\n b: %v", da, db)
	}
}

// Sync runs the sync protocol between a and b (fresh states, or the given
// ones) until neither has anything to send, and returns the messages sent
// and their total size. It fails if that takes more than 50 rounds.
func Sync(a, b crdt.Doc, sa, sb crdt.SyncState) (msgs, size int, err error) {
	if sa == nil {
		sa = a.NewSyncState()
		defer sa.Close()
	}
	if sb == nil {
		sb = b.NewSyncState()
		defer sb.Close()
	}
	for round := 0; round < 50; round++ {
		quiet := true
		m, okA, err := sa.Generate()
		if err != nil {
			return msgs, size, fmt.Errorf("a generates: %w", err)
		}
		if okA {
			quiet = false
			msgs++
			size += len(m)
			if err := sb.Receive(m); err != nil {
				return msgs, size, fmt.Errorf("b receives: %w", err)
			}
		}
		m, okB, err := sb.Generate()
		if err != nil {
			return msgs, size, fmt.Errorf("b generates: %w", err)
		}
		if okB {
			quiet = false
			msgs++
			size += len(m)
			if err := sa.Receive(m); err != nil {
				return msgs, size, fmt.Errorf("a receives: %w", err)
			}
		}
		if quiet {
			return msgs, size, nil
		}
	}
	return msgs, size, errors.New("sync did not settle in 50 rounds")
}

func testScalars(t *testing.T, impl Impl) {
	d := newDoc(t, impl, "")
	r := d.Root()
	vals := map[string]crdt.Value{
		"null":  crdt.Null(),
		"t":     crdt.Bool(true),
		"f":     crdt.Bool(false),
		"int":   crdt.Int(-42),
		"big":   crdt.Int(crdt.MaxInt),
		"neg":   crdt.Int(-crdt.MaxInt),
		"uint":  crdt.Uint(1 << 40),
		"float": crdt.Float(3.25),
		"str":   crdt.String("héllo, wörld ✓"),
		"empty": crdt.String(""),
		"bytes": crdt.Bytes([]byte{0, 1, 2, 255}),
		"nob":   crdt.Bytes(nil),
	}
	for k, v := range vals {
		ok(t, d.Put(r, k, v))
	}
	check := func(d crdt.Doc) {
		t.Helper()
		for k, want := range vals {
			got := must(d.Get(d.Root(), k))
			if got.Kind != want.Kind {
				t.Errorf("%s: kind %s, want %s", k, got.Kind, want.Kind)
				continue
			}
			if want.Kind == crdt.KindBytes {
				if !bytes.Equal(got.Bytes, want.Bytes) {
					t.Errorf("%s: %x, want %x", k, got.Bytes, want.Bytes)
				}
				continue
			}
			if got.Bool != want.Bool || got.Int != want.Int || got.Uint != want.Uint || got.Float != want.Float || got.Str != want.Str {
				t.Errorf("%s: %v, want %v", k, got, want)
			}
		}
		if v := must(d.Get(d.Root(), "missing")); v.Exists() {
			t.Errorf("missing key reads as %v", v)
		}
		keys := must(d.Keys(d.Root()))
		var want []string
		for k := range vals {
			want = append(want, k)
		}
		sort.Strings(want)
		if !reflect.DeepEqual(keys, want) {
			t.Errorf("keys %v, want %v", keys, want)
		}
	}
	check(d)
	must(d.Save()) // commits
	b := must(d.Save())
	d2 := must(impl.Load(b, crdt.Options{}))
	defer d2.Close()
	check(d2)
	// Overwrite and delete.
	ok(t, d.Put(r, "int", crdt.String("now a string")))
	ok(t, d.Delete(r, "str"))
	ok(t, d.Delete(r, "never there"))
	if v := must(d.Get(r, "int")); v.Kind != crdt.KindString || v.Str != "now a string" {
		t.Errorf("overwritten: %v", v)
	}
	if v := must(d.Get(r, "str")); v.Exists() {
		t.Errorf("deleted key reads as %v", v)
	}
}

func testObjects(t *testing.T, impl Impl) {
	d := newDoc(t, impl, "")
	files := must(d.PutObject(d.Root(), "files", crdt.KindMap))
	if files.Kind() != crdt.KindMap {
		t.Fatalf("PutObject map gave %s", files.Kind())
	}
	f := must(d.PutObject(files, "a.txt", crdt.KindMap))
	ok(t, d.Put(f, "size", crdt.Int(5)))
	vers := must(d.PutObject(f, "versions", crdt.KindList))
	ok(t, d.Insert(vers, 0, crdt.String("v1")))
	// Read back through the tree, not the handles.
	v := must(d.Get(d.Root(), "files"))
	if v.Kind != crdt.KindMap {
		t.Fatalf("files is %s", v.Kind)
	}
	a := must(d.Get(v.Obj, "a.txt"))
	if a.Kind != crdt.KindMap {
		t.Fatalf("a.txt is %s", a.Kind)
	}
	if s := must(d.Get(a.Obj, "size")); s.Kind != crdt.KindInt || s.Int != 5 {
		t.Errorf("size %v", s)
	}
	l := must(d.Get(a.Obj, "versions"))
	if l.Kind != crdt.KindList || must(d.Len(l.Obj)) != 1 {
		t.Errorf("versions %v", l)
	}
	want := map[string]any{"files": map[string]any{"a.txt": map[string]any{"size": int64(5), "versions": []any{"v1"}}}}
	if got := MustDump(t, d); !reflect.DeepEqual(got, want) {
		t.Errorf("dump %v, want %v", got, want)
	}
	// Replacing an object with a scalar and back.
	ok(t, d.Put(files, "a.txt", crdt.Null()))
	if v := must(d.Get(files, "a.txt")); v.Kind != crdt.KindNull {
		t.Errorf("replaced object reads %v", v)
	}
	if _, err := d.PutObject(files, "x", crdt.KindString); !errors.Is(err, crdt.ErrKind) {
		t.Errorf("PutObject string: %v, want ErrKind", err)
	}
	if err := d.Put(files, "x", crdt.Value{Kind: crdt.KindMap}); !errors.Is(err, crdt.ErrKind) {
		t.Errorf("Put of a map value: %v, want ErrKind", err)
	}
}

func testLists(t *testing.T, impl Impl) {
	d := newDoc(t, impl, "")
	l := must(d.PutObject(d.Root(), "l", crdt.KindList))
	for i := range 5 {
		ok(t, d.Insert(l, i, crdt.Int(int64(i))))
	}
	ok(t, d.Insert(l, 0, crdt.String("first")))
	ok(t, d.Set(l, 3, crdt.Bool(true)))
	ok(t, d.Remove(l, 1))
	m := must(d.InsertObject(l, 2, crdt.KindMap))
	ok(t, d.Put(m, "k", crdt.Int(7)))
	want := []any{"first", int64(1), map[string]any{"k": int64(7)}, true, int64(3), int64(4)}
	got := MustDump(t, d).(map[string]any)["l"]
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("list %v, want %v", got, want)
	}
	n := must(d.Len(l))
	for _, i := range []int{-1, n} {
		if _, err := d.Index(l, i); !errors.Is(err, crdt.ErrRange) {
			t.Errorf("Index(%d): %v, want ErrRange", i, err)
		}
		if err := d.Set(l, i, crdt.Int(0)); !errors.Is(err, crdt.ErrRange) {
			t.Errorf("Set(%d): %v, want ErrRange", i, err)
		}
		if err := d.Remove(l, i); !errors.Is(err, crdt.ErrRange) {
			t.Errorf("Remove(%d): %v, want ErrRange", i, err)
		}
	}
	if err := d.Insert(l, n+1, crdt.Int(0)); !errors.Is(err, crdt.ErrRange) {
		t.Errorf("Insert past the end: %v, want ErrRange", err)
	}
	ok(t, d.Insert(l, n, crdt.String("last")))
	if v := must(d.Index(l, n)); v.Str != "last" {
		t.Errorf("appended %v", v)
	}
}

func testLimits(t *testing.T, impl Impl) {
	d := newDoc(t, impl, "")
	r := d.Root()
	for _, v := range []crdt.Value{crdt.Int(crdt.MaxInt + 1), crdt.Int(-crdt.MaxInt - 1), crdt.Uint(crdt.MaxInt + 1)} {
		if err := d.Put(r, "x", v); !errors.Is(err, crdt.ErrRange) {
			t.Errorf("Put(%v): %v, want ErrRange", v, err)
		}
	}
	if v := must(d.Get(r, "x")); v.Exists() {
		t.Errorf("a refused value was written: %v", v)
	}
	if _, err := impl.New(crdt.Options{ActorID: "xyz"}); err == nil {
		t.Error("New accepted a non-hex actor id")
	}
	d2 := newDoc(t, impl, "0a0b0c0d")
	if got := d2.ActorID(); got != "0a0b0c0d" {
		t.Errorf("actor id %q, want 0a0b0c0d", got)
	}
	if a, b := newDoc(t, impl, "").ActorID(), newDoc(t, impl, "").ActorID(); a == b || crdt.CheckActorID(a) != nil {
		t.Errorf("random actor ids %q and %q", a, b)
	}
}

func testHandles(t *testing.T, impl Impl) {
	a, b := newDoc(t, impl, ""), newDoc(t, impl, "")
	m := must(a.PutObject(a.Root(), "m", crdt.KindMap))
	if err := b.Put(m, "k", crdt.Int(1)); !errors.Is(err, crdt.ErrKind) {
		t.Errorf("handle of another document: %v, want ErrKind", err)
	}
	if _, err := a.Get(crdt.Obj{}, "k"); !errors.Is(err, crdt.ErrKind) {
		t.Errorf("zero handle: %v, want ErrKind", err)
	}
	l := must(a.PutObject(a.Root(), "l", crdt.KindList))
	if _, err := a.Get(l, "k"); !errors.Is(err, crdt.ErrKind) {
		t.Errorf("Get on a list: %v, want ErrKind", err)
	}
	if _, err := a.Len(m); !errors.Is(err, crdt.ErrKind) {
		t.Errorf("Len on a map: %v, want ErrKind", err)
	}
}

func testCommit(t *testing.T, impl Impl) {
	d := newDoc(t, impl, "")
	if hs := must(d.Heads()); len(hs) != 0 {
		t.Errorf("new document has heads %v", hs)
	}
	if _, did, err := d.Commit("nothing", time.Time{}); err != nil || did {
		t.Errorf("empty commit: %v %v", did, err)
	}
	ok(t, d.Put(d.Root(), "a", crdt.Int(1)))
	h, did, err := d.Commit("first", time.UnixMilli(1700000000000))
	if err != nil || !did {
		t.Fatalf("commit: %v %v", did, err)
	}
	hs := must(d.Heads())
	if len(hs) != 1 || hs[0] != h {
		t.Errorf("heads %v after commit %v", hs, h)
	}
	if p, err := crdt.ParseHash(h.String()); err != nil || p != h {
		t.Errorf("ParseHash(String) = %v, %v", p, err)
	}
	ok(t, d.Put(d.Root(), "a", crdt.Int(2)))
	h2, _, err := d.Commit("", time.Time{})
	ok(t, err)
	if h2 == h {
		t.Error("second commit has the first's hash")
	}
	if chs := must(d.Changes(nil)); len(chs) != 2 {
		t.Errorf("%d changes after two commits", len(chs))
	}
	if chs := must(d.Changes([]crdt.Hash{h})); len(chs) != 1 {
		t.Errorf("%d changes since the first commit", len(chs))
	}
}

func testSaveLoad(t *testing.T, impl Impl) {
	d := newDoc(t, impl, "")
	fill(t, d, "x", 50)
	b := must(d.Save())
	d2 := must(impl.Load(b, crdt.Options{}))
	defer d2.Close()
	SameContent(t, d, d2)
	if !crdt.HeadsEqual(must(d.Heads()), must(d2.Heads())) {
		t.Error("heads differ after load")
	}
	// Loading with an actor id writes as that actor.
	d3 := must(impl.Load(b, crdt.Options{ActorID: "abcd"}))
	defer d3.Close()
	if d3.ActorID() != "abcd" {
		t.Errorf("loaded actor %q", d3.ActorID())
	}
	// A loaded document keeps working: edit, save, load again.
	ok(t, d2.Put(d2.Root(), "after", crdt.String("load")))
	d4 := must(impl.Load(must(d2.Save()), crdt.Options{}))
	defer d4.Close()
	SameContent(t, d2, d4)
}

// fill writes n files to d under prefix, in one commit.
func fill(t *testing.T, d crdt.Doc, prefix string, n int) {
	t.Helper()
	files, err := d.Get(d.Root(), "files")
	ok(t, err)
	var o crdt.Obj
	if files.Kind == crdt.KindMap {
		o = files.Obj
	} else {
		o = must(d.PutObject(d.Root(), "files", crdt.KindMap))
	}
	for i := range n {
		f := must(d.PutObject(o, fmt.Sprintf("%s%03d", prefix, i), crdt.KindMap))
		ok(t, d.Put(f, "size", crdt.Int(int64(i*100))))
		ok(t, d.Put(f, "chunks", crdt.Bytes(bytes.Repeat([]byte{byte(i)}, 32))))
		ok(t, d.Put(f, "dev", crdt.String(prefix)))
	}
	_, _, err = d.Commit("fill "+prefix, time.Time{})
	ok(t, err)
}

func testIncremental(t *testing.T, impl Impl) {
	a := newDoc(t, impl, "")
	fill(t, a, "a", 3)
	b := must(impl.Load(must(a.Save()), crdt.Options{}))
	defer b.Close()
	fill(t, a, "more", 3)
	inc := must(a.SaveIncremental())
	if len(inc) == 0 {
		t.Fatal("no incremental bytes after a change")
	}
	ok(t, b.LoadIncremental(inc))
	SameContent(t, a, b)
	if again := must(a.SaveIncremental()); len(again) != 0 {
		t.Errorf("%d incremental bytes with nothing new", len(again))
	}
}

func testChanges(t *testing.T, impl Impl) {
	a := newDoc(t, impl, "")
	fill(t, a, "a", 3)
	b := newDoc(t, impl, "")
	ok(t, b.ApplyChanges(must(a.Changes(nil))))
	SameContent(t, a, b)
	h := must(a.Heads())
	fill(t, a, "b", 2)
	chs := must(a.Changes(h))
	if len(chs) != 1 {
		t.Fatalf("%d changes since heads", len(chs))
	}
	ok(t, b.ApplyChanges(chs))
	SameContent(t, a, b)
	ok(t, b.ApplyChanges(chs)) // applying twice is harmless
	SameContent(t, a, b)
}

func testConcurrentMerge(t *testing.T, impl Impl) {
	a := newDoc(t, impl, "aa")
	ok(t, a.Put(a.Root(), "shared", crdt.String("base")))
	files := must(a.PutObject(a.Root(), "files", crdt.KindMap))
	_ = files
	_, _, err := a.Commit("base", time.Time{})
	ok(t, err)
	b := must(impl.Load(must(a.Save()), crdt.Options{ActorID: "bb"}))
	defer b.Close()
	// Concurrent: both write "shared", each adds its own file.
	ok(t, a.Put(a.Root(), "shared", crdt.String("from a")))
	ok(t, b.Put(b.Root(), "shared", crdt.String("from b")))
	fa := must(a.Get(a.Root(), "files"))
	ok(t, a.Put(fa.Obj, "only-a", crdt.Int(1)))
	fb := must(b.Get(b.Root(), "files"))
	ok(t, b.Put(fb.Obj, "only-b", crdt.Int(2)))
	_, _, err = a.Commit("a", time.Time{})
	ok(t, err)
	_, _, err = b.Commit("b", time.Time{})
	ok(t, err)
	fork := must(a.Fork())
	defer fork.Close()
	if fork.ActorID() == a.ActorID() {
		t.Error("fork writes as the same actor")
	}
	ok(t, a.Merge(b))
	ok(t, b.Merge(fork))
	SameContent(t, a, b)
	if hs := must(a.Heads()); len(hs) != 2 {
		t.Errorf("%d heads after merging concurrent changes, want 2", len(hs))
	}
	// Both keys survive; one value wins "shared", the same on both sides.
	got := MustDump(t, a).(map[string]any)
	f := got["files"].(map[string]any)
	if f["only-a"] != int64(1) || f["only-b"] != int64(2) {
		t.Errorf("files after merge: %v", f)
	}
	if s := got["shared"]; s != "from a" && s != "from b" {
		t.Errorf("shared = %v", s)
	}
}

func testSyncTwo(t *testing.T, impl Impl) {
	a, b := newDoc(t, impl, ""), newDoc(t, impl, "")
	fill(t, a, "a", 20)
	fill(t, b, "b", 20)
	if _, _, err := Sync(a, b, nil, nil); err != nil {
		t.Fatal(err)
	}
	SameContent(t, a, b)
	if !crdt.HeadsEqual(must(a.Heads()), must(b.Heads())) {
		t.Error("heads differ after sync")
	}
	// Already in sync: a fresh session says little and changes nothing.
	msgs, _, err := Sync(a, b, nil, nil)
	ok(t, err)
	if msgs > 4 {
		t.Errorf("%d messages to sync documents already equal", msgs)
	}
	// One small change travels as a small message.
	sa, sb := a.NewSyncState(), b.NewSyncState()
	defer sa.Close()
	defer sb.Close()
	_, _, err = Sync(a, b, sa, sb)
	ok(t, err)
	ok(t, a.Put(a.Root(), "tiny", crdt.Int(1)))
	_, size, err := Sync(a, b, sa, sb)
	ok(t, err)
	if v := must(b.Get(b.Root(), "tiny")); v.Int != 1 {
		t.Errorf("small change did not arrive: %v", v)
	}
	full := len(must(a.Save()))
	if size >= full {
		t.Errorf("a one-key change cost %d bytes of sync, the whole document saves in %d", size, full)
	}
}

func testSyncThree(t *testing.T, impl Impl) {
	docs := []crdt.Doc{newDoc(t, impl, ""), newDoc(t, impl, ""), newDoc(t, impl, "")}
	for i, d := range docs {
		fill(t, d, fmt.Sprintf("d%d-", i), 5)
		ok(t, d.Put(d.Root(), "who", crdt.Int(int64(i))))
	}
	// A line: 0 - 1 - 2, synced twice over.
	for range 2 {
		for i := 0; i+1 < len(docs); i++ {
			if _, _, err := Sync(docs[i], docs[i+1], nil, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	SameContent(t, docs[0], docs[2])
	SameContent(t, docs[1], docs[2])
}

func testSyncResume(t *testing.T, impl Impl) {
	a, b := newDoc(t, impl, ""), newDoc(t, impl, "")
	fill(t, a, "a", 10)
	sa, sb := a.NewSyncState(), b.NewSyncState()
	_, _, err := Sync(a, b, sa, sb)
	ok(t, err)
	saved := must(sa.Save())
	sa.Close()
	sb.Close()
	sa2, err := crdt.LoadSyncState(a, saved)
	if err != nil {
		t.Fatalf("LoadSyncState: %v", err)
	}
	defer sa2.Close()
	fill(t, b, "b", 3)
	sb2 := b.NewSyncState()
	defer sb2.Close()
	_, _, err = Sync(a, b, sa2, sb2)
	ok(t, err)
	SameContent(t, a, b)
	if _, err := crdt.LoadSyncState(a, []byte("not a sync state")); !errors.Is(err, crdt.ErrCorrupt) {
		t.Errorf("LoadSyncState(garbage): %v, want ErrCorrupt", err)
	}
}

func testBadInput(t *testing.T, impl Impl) {
	d := newDoc(t, impl, "")
	fill(t, d, "x", 3)
	good := must(d.Save())
	bad := [][]byte{
		nil,
		[]byte("hello"),
		good[:len(good)/2],
		append([]byte{0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0}, good[8:]...), // bad checksum
		bytes.Repeat([]byte{0xff}, 100),
	}
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)-3] ^= 0x55
	bad = append(bad, flipped)
	for i, b := range bad {
		if x, err := impl.Load(b, crdt.Options{}); !errors.Is(err, crdt.ErrCorrupt) {
			if err == nil {
				x.Close()
			}
			t.Errorf("Load(bad %d): %v, want ErrCorrupt", i, err)
		}
	}
	e := newDoc(t, impl, "")
	s := e.NewSyncState()
	defer s.Close()
	for i, m := range [][]byte{nil, []byte("x"), []byte{0x42}, []byte{0x42, 0xff, 0xff, 0xff}, good} {
		if err := s.Receive(m); !errors.Is(err, crdt.ErrCorrupt) {
			t.Errorf("Receive(bad %d): %v, want ErrCorrupt", i, err)
		}
	}
	if err := e.ApplyChanges([][]byte{[]byte("nope")}); !errors.Is(err, crdt.ErrCorrupt) {
		t.Errorf("ApplyChanges(garbage): %v, want ErrCorrupt", err)
	}
	if err := e.LoadIncremental([]byte("nope")); !errors.Is(err, crdt.ErrCorrupt) {
		t.Errorf("LoadIncremental(garbage): %v, want ErrCorrupt", err)
	}
	// The documents still work after all that.
	ok(t, e.Put(e.Root(), "still", crdt.Bool(true)))
	_, _, err := Sync(d, e, nil, nil)
	ok(t, err)
	if v := must(e.Get(e.Root(), "still")); !v.Bool {
		t.Error("document broken after bad input")
	}
	if _, err := crdt.ParseHash(strings.Repeat("z", 64)); !errors.Is(err, crdt.ErrCorrupt) {
		t.Errorf("ParseHash(non-hex): %v", err)
	}
}

func testClosed(t *testing.T, impl Impl) {
	d, err := impl.New(crdt.Options{})
	ok(t, err)
	r := d.Root()
	ok(t, d.Close())
	if err := d.Put(r, "k", crdt.Int(1)); !errors.Is(err, crdt.ErrClosed) {
		t.Errorf("Put after Close: %v, want ErrClosed", err)
	}
	if _, err := d.Save(); !errors.Is(err, crdt.ErrClosed) {
		t.Errorf("Save after Close: %v, want ErrClosed", err)
	}
}
