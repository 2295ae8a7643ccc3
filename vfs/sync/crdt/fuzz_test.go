package crdt_test

import (
	"errors"
	"testing"
	"time"

	"github.com/nachoos/nacho/vfs/sync/crdt"
)

// seedDoc returns a small saved document and a first sync message from it.
func seedDoc(f *testing.F) (doc, msg []byte) {
	d, err := crdt.New(crdt.Options{})
	if err != nil {
		f.Skipf("no automerge in this build: %v", err)
	}
	defer d.Close()
	files, _ := d.PutObject(d.Root(), "files", crdt.KindMap)
	e, _ := d.PutObject(files, "id1", crdt.KindMap)
	d.Put(e, "path", crdt.String("docs/a.txt"))
	d.Put(e, "chunks", crdt.Bytes(make([]byte, 32)))
	l, _ := d.PutObject(e, "l", crdt.KindList)
	d.Insert(l, 0, crdt.Int(1))
	if _, _, err := d.Commit("seed", time.UnixMilli(1)); err != nil {
		f.Fatal(err)
	}
	doc, err = d.Save()
	if err != nil {
		f.Fatal(err)
	}
	s := d.NewSyncState()
	defer s.Close()
	msg, _, err = s.Generate()
	if err != nil {
		f.Fatal(err)
	}
	return doc, msg
}

// walk reads every value of d, so a document that loads but is broken
// inside is caught too.
func walk(d crdt.Doc, o crdt.Obj, depth int) {
	if depth > 64 {
		return
	}
	switch o.Kind() {
	case crdt.KindMap:
		keys, _ := d.Keys(o)
		for _, k := range keys {
			if v, err := d.Get(o, k); err == nil && v.IsObject() {
				walk(d, v.Obj, depth+1)
			}
		}
	case crdt.KindList:
		n, _ := d.Len(o)
		for i := range min(n, 1000) {
			if v, err := d.Index(o, i); err == nil && v.IsObject() {
				walk(d, v.Obj, depth+1)
			}
		}
	}
}

// FuzzLoad: a document from an untrusted peer either loads (and can be
// read, saved and reloaded) or fails with ErrCorrupt; it never panics.
func FuzzLoad(f *testing.F) {
	doc, msg := seedDoc(f)
	f.Add(doc)
	f.Add(msg)
	f.Add([]byte{0x85, 0x6f, 0x4a, 0x83})
	f.Add(doc[:len(doc)-1])
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := crdt.Load(b, crdt.Options{})
		if err != nil {
			if !errors.Is(err, crdt.ErrCorrupt) {
				t.Fatalf("Load error does not wrap ErrCorrupt: %v", err)
			}
			return
		}
		defer d.Close()
		walk(d, d.Root(), 0)
		out, err := d.Save()
		if err != nil {
			t.Fatalf("a loaded document does not save: %v", err)
		}
		d2, err := crdt.Load(out, crdt.Options{})
		if err != nil {
			t.Fatalf("a saved document does not load: %v", err)
		}
		d2.Close()
	})
}

// FuzzReceive: a sync message from an untrusted peer is applied or
// refused with ErrCorrupt, and the document keeps working either way.
func FuzzReceive(f *testing.F) {
	doc, msg := seedDoc(f)
	f.Add(msg)
	f.Add(doc)
	f.Add([]byte{0x42})
	f.Add([]byte{0x43, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := crdt.New(crdt.Options{})
		if err != nil {
			t.Skip(err)
		}
		defer d.Close()
		s := d.NewSyncState()
		defer s.Close()
		if err := s.Receive(b); err != nil && !errors.Is(err, crdt.ErrCorrupt) {
			t.Fatalf("Receive error does not wrap ErrCorrupt: %v", err)
		}
		if _, _, err := s.Generate(); err != nil {
			t.Fatalf("Generate after Receive: %v", err)
		}
		if err := d.Put(d.Root(), "after", crdt.Int(1)); err != nil {
			t.Fatalf("document broken after Receive: %v", err)
		}
		if _, err := d.Save(); err != nil {
			t.Fatalf("document does not save after Receive: %v", err)
		}
	})
}

// FuzzLoadIncremental: incremental bytes and loose changes from a peer.
func FuzzLoadIncremental(f *testing.F) {
	doc, msg := seedDoc(f)
	f.Add(doc)
	f.Add(msg)
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := crdt.New(crdt.Options{})
		if err != nil {
			t.Skip(err)
		}
		defer d.Close()
		if err := d.LoadIncremental(b); err != nil && !errors.Is(err, crdt.ErrCorrupt) {
			t.Fatalf("LoadIncremental error does not wrap ErrCorrupt: %v", err)
		}
		if err := d.ApplyChanges([][]byte{b}); err != nil && !errors.Is(err, crdt.ErrCorrupt) {
			t.Fatalf("ApplyChanges error does not wrap ErrCorrupt: %v", err)
		}
		walk(d, d.Root(), 0)
		if _, err := d.Save(); err != nil {
			t.Fatalf("document does not save: %v", err)
		}
	})
}
