//go:build !js

package crdt_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nachoos/nacho/vfs/sync/crdt"
)

var makeGolden = flag.Bool("golden", false, "rewrite testdata/golden/native-* from automerge-go")

// writeGoldenContent writes goldenContent into d through the interface.
func writeGoldenContent(t *testing.T, d crdt.Doc) {
	t.Helper()
	chk := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	chunks := make([]byte, 32)
	for i := range chunks {
		chunks[i] = byte(i)
	}
	files, err := d.PutObject(d.Root(), "files", crdt.KindMap)
	chk(err)
	f1, err := d.PutObject(files, "f1", crdt.KindMap)
	chk(err)
	chk(d.Put(f1, "path", crdt.String("docs/a.txt")))
	chk(d.Put(f1, "size", crdt.Int(1234)))
	chk(d.Put(f1, "mode", crdt.Uint(420)))
	chk(d.Put(f1, "chunks", crdt.Bytes(chunks)))
	chk(d.Put(f1, "deleted", crdt.Bool(false)))
	chk(d.Put(f1, "mtime", crdt.Float(1.5)))
	chk(d.Put(f1, "who", crdt.Null()))
	f2, err := d.PutObject(files, "f2", crdt.KindMap)
	chk(err)
	chk(d.Put(f2, "path", crdt.String("docs/ünïcødé ✓.txt")))
	chk(d.Put(f2, "size", crdt.Int(-crdt.MaxInt)))
	chk(d.Put(f2, "mode", crdt.Uint(crdt.MaxInt)))
	chk(d.Put(f2, "chunks", crdt.Bytes(nil)))
	chk(d.Put(f2, "deleted", crdt.Bool(true)))
	chk(d.Put(f2, "mtime", crdt.Float(-0.25)))
	chk(d.Put(f2, "who", crdt.String("device-b")))
	l, err := d.PutObject(d.Root(), "list", crdt.KindList)
	chk(err)
	chk(d.Insert(l, 0, crdt.String("x")))
	chk(d.Insert(l, 1, crdt.Int(2)))
	m, err := d.InsertObject(l, 2, crdt.KindMap)
	chk(err)
	chk(d.Put(m, "k", crdt.String("v")))
	_, _, err = d.Commit("golden", time.UnixMilli(1700000000000))
	chk(err)
}

// TestMakeNativeGolden writes the native golden files with -golden. The
// reply answers the first message of an empty @automerge/automerge peer
// (js-empty-first.syncmsg), as a native node would answer a browser.
func TestMakeNativeGolden(t *testing.T) {
	if !*makeGolden {
		t.Skip("run with -golden to rewrite the native golden files")
	}
	dir := filepath.Join("testdata", "golden")
	d, err := crdt.New(crdt.Options{ActorID: "0a0a0a0a0a0a0a0a"})
	if err != nil {
		t.Fatal(err)
	}
	writeGoldenContent(t, d)
	doc, err := d.Save()
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("native.automerge", doc)
	e, _ := crdt.New(crdt.Options{ActorID: "0b0b0b0b0b0b0b0b"})
	first, _, err := e.NewSyncState().Generate()
	if err != nil {
		t.Fatal(err)
	}
	write("native-empty-first.syncmsg", first)
	jsFirst, err := os.ReadFile(filepath.Join(dir, "js-empty-first.syncmsg"))
	if err != nil {
		t.Logf("no js-empty-first.syncmsg yet, so no native reply (scripts/sync-golden.sh makes both in order): %v", err)
		return
	}
	s := d.NewSyncState()
	if _, _, err := s.Generate(); err != nil {
		t.Fatal(err)
	}
	if err := s.Receive(jsFirst); err != nil {
		t.Fatal(err)
	}
	reply, ok, err := s.Generate()
	if err != nil || !ok {
		t.Fatalf("no reply: %v", err)
	}
	write("native-reply.syncmsg", reply)
}
