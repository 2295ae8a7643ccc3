//go:build js && wasm

package sync

import (
	"context"
	"testing"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
	"github.com/nachoos/nacho/vfs/sync/crdt"
)

// TestEngineInBrowser runs the engine in the page on a RAM-disk VFS with
// the browser's automerge: local changes become versions in the document,
// the state survives a restart, and nothing is taken in twice.
func TestEngineInBrowser(t *testing.T) {
	if d, err := crdt.New(crdt.Options{}); err != nil {
		t.Skipf("no automerge in this build: %v", err)
	} else {
		d.Close()
	}
	v := vfs.New(memfs.New(memfs.Options{}))
	v.MkdirAll("/docs/sub", 0o755)
	v.WriteFile("/docs/a.txt", []byte("alpha"), 0o644)
	v.WriteFile("/docs/sub/b.txt", []byte("beta"), 0o644)
	open := func() *Engine {
		folder, err := NewVFSFolder(v, "/docs")
		if err != nil {
			t.Fatal(err)
		}
		st, err := NewVFSState(v, "/.sync-state")
		if err != nil {
			t.Fatal(err)
		}
		e, err := Open(Config{Folder: folder, State: st, ScanInterval: -1, Settle: -1})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	e := open()
	if err := e.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	d := e.Durability()
	if len(d) != 2 || d[0].Path != "a.txt" || d[1].Path != "sub/b.txt" || !d[0].Local {
		t.Fatalf("durability %+v", d)
	}
	if st := e.Status(); st.State != "synced" {
		t.Errorf("status %v", st)
	}
	e.mu.Lock()
	tr, _, err := readTree(e.doc)
	e.mu.Unlock()
	if err != nil || len(tr.Entries) != 3 { // two files and sub/
		t.Fatalf("document holds %d entries (%v)", len(tr.Entries), err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e = open()
	defer e.Close()
	v.WriteFile("/docs/a.txt", []byte("alpha, edited"), 0o644)
	if err := e.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	tr, _, _ = readTree(e.doc)
	e.mu.Unlock()
	if len(tr.Entries) != 3 {
		t.Fatalf("after a restart the folder was taken in again: %d entries", len(tr.Entries))
	}
	items, _ := Resolve(tr)
	if it := items["a.txt"]; it == nil || it.Version.Size != int64(len("alpha, edited")) {
		t.Fatalf("the edit is not the current version: %+v", it)
	}
}
