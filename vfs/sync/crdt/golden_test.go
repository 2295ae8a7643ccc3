package crdt_test

// Cross-implementation golden files. Each implementation makes the same
// document and sync messages (natively: TestMakeNativeGolden with
// -golden; @automerge/automerge: scripts/sync-golden.sh under node), and
// each build checks the files made by the *other* implementation, never
// its own.

import (
	"embed"
	"errors"
	"reflect"
	"testing"

	"github.com/nachoos/nacho/vfs/sync/crdt"
	"github.com/nachoos/nacho/vfs/sync/crdt/crdttest"
)

//go:embed testdata/golden
var golden embed.FS

// goldenContent is what both generators put in their document.
func goldenContent() any {
	chunks := make([]byte, 32)
	for i := range chunks {
		chunks[i] = byte(i)
	}
	return map[string]any{
		"files": map[string]any{
			"f1": map[string]any{
				"path": "docs/a.txt", "size": int64(1234), "mode": "u:420", "chunks": chunks,
				"deleted": false, "mtime": 1.5, "who": nil,
			},
			"f2": map[string]any{
				"path": "docs/ünïcødé ✓.txt", "size": int64(-crdt.MaxInt), "mode": "u:9007199254740991", "chunks": []byte{},
				"deleted": true, "mtime": -0.25, "who": "device-b",
			},
		},
		"list": []any{"x", int64(2), map[string]any{"k": "v"}},
	}
}

// other returns the golden file prefix of the implementation this build
// does not have.
func other(t *testing.T) string {
	if d, err := crdt.New(crdt.Options{}); err != nil {
		t.Skipf("no automerge in this build: %v", err)
	} else {
		d.Close()
	}
	switch crdt.Implementation() {
	case "automerge-go":
		return "js"
	case "none":
		t.Skip("no automerge in this build")
	}
	return "native"
}

func readGolden(t *testing.T, name string) []byte {
	b, err := golden.ReadFile("testdata/golden/" + name)
	if err != nil {
		t.Fatalf("golden file %s missing (native ones: go test -run TestMakeNativeGolden -golden; js ones: scripts/sync-golden.sh): %v", name, err)
	}
	return b
}

// TestGoldenDocumentFromOther loads a document the other implementation
// saved and finds exactly the content both were told to write.
func TestGoldenDocumentFromOther(t *testing.T) {
	src := other(t)
	d, err := crdt.Load(readGolden(t, src+".automerge"), crdt.Options{})
	if err != nil {
		t.Fatalf("loading the %s document: %v", src, err)
	}
	defer d.Close()
	if got := crdttest.MustDump(t, d); !reflect.DeepEqual(got, goldenContent()) {
		t.Fatalf("the %s document reads as\n%v\nwant\n%v", src, got, goldenContent())
	}
	// It stays writable here, and what this side writes the other reads:
	// saving and loading again round-trips through this implementation.
	if err := d.Put(d.Root(), "here", crdt.Bool(true)); err != nil {
		t.Fatal(err)
	}
	b, err := d.Save()
	if err != nil {
		t.Fatal(err)
	}
	d2, err := crdt.Load(b, crdt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	crdttest.SameContent(t, d, d2)
}

// TestGoldenSyncFromOther receives the sync message the other
// implementation sent in answer to an empty peer of this implementation,
// and ends up with the whole document.
func TestGoldenSyncFromOther(t *testing.T) {
	src := other(t)
	reply := readGolden(t, src+"-reply.syncmsg")
	e, err := crdt.New(crdt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s := e.NewSyncState()
	defer s.Close()
	if _, _, err := s.Generate(); err != nil {
		t.Fatal(err)
	}
	if err := s.Receive(reply); err != nil {
		t.Fatalf("receiving the %s sync reply: %v", src, err)
	}
	if got := crdttest.MustDump(t, e); !reflect.DeepEqual(got, goldenContent()) {
		t.Fatalf("after the %s sync reply the document reads as\n%v\nwant\n%v", src, got, goldenContent())
	}
	// And its first message (to an empty peer) decodes here.
	e2, _ := crdt.New(crdt.Options{})
	defer e2.Close()
	s2 := e2.NewSyncState()
	defer s2.Close()
	if err := s2.Receive(readGolden(t, src+"-empty-first.syncmsg")); err != nil {
		t.Fatalf("receiving the %s first message: %v", src, err)
	}
	if err := s2.Receive([]byte("garbage")); !errors.Is(err, crdt.ErrCorrupt) {
		t.Fatalf("garbage after a good message: %v", err)
	}
}
