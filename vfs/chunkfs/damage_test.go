package chunkfs_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/chunkfs"
	"github.com/nachoos/nacho/vfs/store"
	"github.com/nachoos/nacho/vfs/vfstest"
)

// populated returns a store holding a small tree.
func populated(t *testing.T) (*store.Memory, map[string][]byte) {
	m := store.NewMemory(store.MemoryOptions{})
	f := openFS(t, m, small)
	v := vfs.New(f)
	files := map[string][]byte{
		"/docs/a.txt":      []byte("alpha"),
		"/docs/sub/b.bin":  rnd(10, 20000),
		"/c.bin":           rnd(11, 30000),
		"/docs/sub/d.txt":  []byte("delta"),
		"/other/e.txt":     []byte("echo"),
		"/other/deep/f.gz": rnd(12, 5000),
	}
	for p, data := range files {
		dir, _ := vfs.Split(p)
		vfstest.OK(t, v.MkdirAll(dir, 0o755))
		vfstest.OK(t, v.WriteFile(p, data, 0o644))
	}
	vfstest.OK(t, f.Close())
	return m, files
}

func inoOf(t *testing.T, m *store.Memory, path string) uint64 {
	f := openFS(t, store.NewMemoryFrom(m.Snapshot(), store.MemoryOptions{}), small)
	fi, err := vfs.New(f).Lstat(path)
	vfstest.OK(t, err)
	return fi.Sys().(*vfs.Attr).Ino
}

func recordKeyOf(ino uint64) string {
	const hex = "0123456789abcdef"
	b := []byte("i/0000000000000000")
	for i := 17; i >= 2; i-- {
		b[i] = hex[ino&15]
		ino >>= 4
	}
	return string(b)
}

// TestCorruptRecord: a damaged record is reported, its children are put in
// /lost+found, and every other file stays readable.
func TestCorruptRecord(t *testing.T) {
	m, files := populated(t)
	ino := inoOf(t, m, "/docs/sub")
	content := m.Snapshot()
	rec := content[recordKeyOf(ino)]
	rec[len(rec)/2] ^= 0xff
	damaged := store.NewMemoryFrom(content, store.MemoryOptions{})
	f := openFS(t, damaged, small)
	v := vfs.New(f)
	p := strings.Join(f.Problems(), "\n")
	if !strings.Contains(p, "checksum mismatch") || !strings.Contains(p, "lost its directory") {
		t.Fatalf("problems do not report the damage:\n%s", p)
	}
	for path, data := range files {
		if strings.HasPrefix(path, "/docs/sub/") {
			continue
		}
		vfstest.Content(t, v, path, data)
	}
	// The lost files are still there, in /lost+found.
	ents, err := v.ReadDir("/lost+found")
	vfstest.OK(t, err)
	if len(ents) != 2 {
		t.Fatalf("lost+found holds %v", ents)
	}
	for _, e := range ents {
		name := e.Name()[:strings.LastIndexByte(e.Name(), '.')]
		vfstest.Content(t, v, "/lost+found/"+e.Name(), files["/docs/sub/"+name])
	}
	// The repair was written back: reopening reports only the record that
	// is still damaged... no: the damaged record was rewritten neither, so
	// the next open finds the children already in /lost+found.
	vfstest.OK(t, f.Close())
	g := openFS(t, store.NewMemoryFrom(damaged.Snapshot(), store.MemoryOptions{}), small)
	for _, prob := range g.Problems() {
		if strings.Contains(prob, "lost its directory") {
			t.Fatalf("repair was not persisted: %s", prob)
		}
	}
}

// TestCorruptChunk: a chunk whose bytes do not match its hash fails reads
// of that file with EIO; other files read fine.
func TestCorruptChunk(t *testing.T) {
	m, files := populated(t)
	content := m.Snapshot()
	// Damage the chunks of /c.bin (30000 bytes in 4 KiB chunks).
	c := rnd(11, 30000)
	var damagedKeys int
	for k, v := range content {
		if strings.HasPrefix(k, "c/") && len(v) >= 64 && bytes.Contains(c, v[:64]) {
			v[0] ^= 1
			damagedKeys++
		}
	}
	if damagedKeys == 0 {
		t.Fatal("found no chunk of /c.bin")
	}
	f := openFS(t, store.NewMemoryFrom(content, store.MemoryOptions{}), small)
	v := vfs.New(f)
	_, err := v.ReadFile("/c.bin")
	vfstest.Errno(t, err, vfs.EIO)
	if !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("error does not say what is wrong: %v", err)
	}
	for path, data := range files {
		if path != "/c.bin" {
			vfstest.Content(t, v, path, data)
		}
	}
	if len(f.Problems()) == 0 {
		t.Fatal("corrupt chunk not reported")
	}
}

// TestMissingChunk: a chunk that vanished is reported at open.
func TestMissingChunk(t *testing.T) {
	m, _ := populated(t)
	content := m.Snapshot()
	for k := range content {
		if strings.HasPrefix(k, "c/") {
			delete(content, k)
			break
		}
	}
	f := openFS(t, store.NewMemoryFrom(content, store.MemoryOptions{}), small)
	if p := strings.Join(f.Problems(), "\n"); !strings.Contains(p, "is missing") {
		t.Fatalf("problems: %q", p)
	}
}

// countingStore counts bytes written.
type countingStore struct {
	*store.Memory
	written int64
	txns    int
}

type countTx struct {
	store.Tx
	c *countingStore
}

func (t countTx) Put(k string, v []byte) {
	t.c.written += int64(len(k) + len(v))
	t.Tx.Put(k, v)
}

func (c *countingStore) Txn(ctx context.Context, fn func(store.Tx) error) error {
	c.txns++
	return c.Memory.Txn(ctx, func(tx store.Tx) error { return fn(countTx{tx, c}) })
}

// TestSmallWriteIsSmall: changing one byte of a 4 MiB file writes one
// chunk and one record, not the file.
func TestSmallWriteIsSmall(t *testing.T) {
	cs := &countingStore{Memory: store.NewMemory(store.MemoryOptions{})}
	opts := chunkfs.Options{CommitDelay: -1} // default 256 KiB chunks
	f := openFS(t, cs, opts)
	v := vfs.New(f)
	vfstest.OK(t, v.WriteFile("/big", rnd(20, 4<<20), 0o644))
	vfstest.OK(t, v.Sync())
	before := cs.written
	file, err := v.Open("/big", vfs.O_RDWR, 0)
	vfstest.OK(t, err)
	_, err = file.WriteAt([]byte{1}, 3<<20+5)
	vfstest.OK(t, err)
	vfstest.OK(t, file.Close())
	vfstest.OK(t, v.Sync())
	if w := cs.written - before; w > 256<<10+4096 {
		t.Fatalf("a 1-byte write stored %d bytes", w)
	}
	// Identical content is stored once.
	before = cs.written
	vfstest.OK(t, v.WriteFile("/copy", rnd(20, 4<<20), 0o644))
	vfstest.OK(t, v.Sync())
	if w := cs.written - before; w > 256<<10+4096 {
		t.Fatalf("a copy of a stored file wrote %d bytes", w)
	}
}

// TestDirtyIsBounded: writing far more than MaxDirty keeps RAM bounded by
// writing chunks early.
func TestDirtyIsBounded(t *testing.T) {
	cs := &countingStore{Memory: store.NewMemory(store.MemoryOptions{})}
	f := openFS(t, cs, small) // MaxDirty 64 KiB
	v := vfs.New(f)
	w, err := v.Create("/f")
	vfstest.OK(t, err)
	data := rnd(21, 1<<20)
	for off := 0; off < len(data); off += 10000 {
		_, err := w.Write(data[off:min(off+10000, len(data))])
		vfstest.OK(t, err)
	}
	if cs.written < 900<<10 {
		t.Fatalf("only %d bytes reached the store while 1 MiB sits in an open file", cs.written)
	}
	vfstest.OK(t, w.Close())
	vfstest.OK(t, v.Sync())
	vfstest.Content(t, v, "/f", data)
}

// TestStoreFull: when the store runs out of space, Sync reports ENOSPC,
// nothing stored is lost, the data stays in RAM, and freeing space lets
// the next Sync through.
func TestStoreFull(t *testing.T) {
	m := store.NewMemory(store.MemoryOptions{Quota: 200 << 10})
	opts := small
	opts.MaxDirty = 1 << 20 // the data waits in RAM for Sync
	f := openFS(t, m, opts)
	v := vfs.New(f)
	keep := rnd(30, 100<<10)
	vfstest.OK(t, v.WriteFile("/keep", keep, 0o644))
	vfstest.OK(t, v.Sync())
	vfstest.OK(t, v.WriteFile("/more", rnd(31, 150<<10), 0o644))
	err := v.Sync()
	if !errors.Is(err, vfs.ENOSPC) {
		t.Fatalf("Sync over a full store = %v, want ENOSPC", err)
	}
	if !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("text %q", err)
	}
	// Still readable from RAM, and the store still holds /keep.
	vfstest.Content(t, v, "/more", rnd(31, 150<<10))
	g := openFS(t, store.NewMemoryFrom(m.Snapshot(), store.MemoryOptions{}), small)
	vfstest.Content(t, vfs.New(g), "/keep", keep)
	vfstest.OK(t, v.Remove("/keep"))
	vfstest.OK(t, v.Sync())
	h := openFS(t, store.NewMemoryFrom(m.Snapshot(), store.MemoryOptions{}), small)
	vfstest.Content(t, vfs.New(h), "/more", rnd(31, 150<<10))

	// With little room for dirty data the write itself fails, whole, and
	// the file keeps its old content.
	vfstest.OK(t, f.Close())
	m = store.NewMemory(store.MemoryOptions{Quota: 200 << 10})
	f = openFS(t, m, small)
	v = vfs.New(f)
	vfstest.OK(t, v.WriteFile("/keep", keep, 0o644))
	vfstest.OK(t, v.Sync())
	vfstest.Errno(t, v.WriteFile("/keep", rnd(32, 300<<10), 0o644), vfs.ENOSPC)
	vfstest.Content(t, v, "/keep", keep)
	vfstest.OK(t, v.Sync())
	vfstest.Content(t, vfs.New(openFS(t, store.NewMemoryFrom(m.Snapshot(), store.MemoryOptions{}), small)), "/keep", keep)
}

// TestUnlinkedOpenFileAcrossCrash: the data of a file unlinked while open
// is collected after a crash.
func TestUnlinkedOpenFileAcrossCrash(t *testing.T) {
	m := store.NewMemory(store.MemoryOptions{})
	f := openFS(t, m, small)
	v := vfs.New(f)
	vfstest.OK(t, v.WriteFile("/f", rnd(40, 100000), 0o644))
	vfstest.OK(t, v.Sync())
	r, err := v.Open("/f", vfs.O_RDWR, 0)
	vfstest.OK(t, err)
	vfstest.OK(t, v.Remove("/f"))
	_, err = r.Write(rnd(41, 200000))
	vfstest.OK(t, err)
	vfstest.OK(t, v.Sync())
	kept := store.NewMemoryFrom(m.Snapshot(), store.MemoryOptions{})
	openFS(t, kept, small)
	checkNoOrphanChunks(t, kept)
	if chunks, _ := kept.List(bg, "c/"); len(chunks) != 0 {
		t.Fatalf("%d chunks left of an unlinked file", len(chunks))
	}
	vfstest.OK(t, r.Close())
}

// TestBackgroundCommit: without Sync, changes reach the store shortly.
func TestBackgroundCommit(t *testing.T) {
	m := store.NewMemory(store.MemoryOptions{})
	done := make(chan time.Time, 100)
	opts := small
	opts.CommitDelay = 10 * time.Millisecond
	opts.OnCommit = func(t time.Time) { done <- t }
	f := openFS(t, m, opts)
	vfstest.OK(t, vfs.New(f).WriteFile("/f", []byte("x"), 0o644))
	// Commits happen on their own; wait until one has /f.
	deadline := time.After(10 * time.Second)
	for {
		select {
		case <-done:
		case <-deadline:
			t.Fatal("no background commit wrote /f")
		}
		g := openFS(t, store.NewMemoryFrom(m.Snapshot(), store.MemoryOptions{}), small)
		if data, err := vfs.New(g).ReadFile("/f"); err == nil {
			if string(data) != "x" {
				t.Fatalf("/f = %q", data)
			}
			return
		}
	}
}
