package chunkfs_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/chunkfs"
	"github.com/nachoos/nacho/vfs/memfs"
	"github.com/nachoos/nacho/vfs/store"
)

var errCrash = errors.New("injected crash")

// crashStore is a memory store that stops at its crashAt-th write: that
// write and everything after fail, as if the machine stopped there. A
// memory store applies a transaction whole or not at all, so what is left
// is exactly what a store that honours the Txn contract keeps.
type crashStore struct {
	*store.Memory
	writes, crashAt int
	crashed         bool
}

func (c *crashStore) write() error {
	if c.crashed {
		return errCrash
	}
	c.writes++
	if c.crashAt > 0 && c.writes >= c.crashAt {
		c.crashed = true
		return errCrash
	}
	return nil
}

func (c *crashStore) Txn(ctx ctxT, fn func(store.Tx) error) error {
	if err := c.write(); err != nil {
		return err
	}
	return c.Memory.Txn(ctx, fn)
}

func (c *crashStore) Put(ctx ctxT, k string, v []byte) error {
	if err := c.write(); err != nil {
		return err
	}
	return c.Memory.Put(ctx, k, v)
}

func (c *crashStore) Delete(ctx ctxT, k string) error {
	if err := c.write(); err != nil {
		return err
	}
	return c.Memory.Delete(ctx, k)
}

func (c *crashStore) Get(ctx ctxT, k string) ([]byte, error) {
	if c.crashed {
		return nil, errCrash
	}
	return c.Memory.Get(ctx, k)
}

func (c *crashStore) Close() error { return nil }

// snapshotTree describes every file, directory and link below /.
func snapshotTree(t testing.TB, v *vfs.VFS) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(dir string)
	walk = func(dir string) {
		ents, err := v.ReadDir(dir)
		if err != nil {
			t.Fatalf("ReadDir(%s): %v", dir, err)
		}
		for _, e := range ents {
			p := strings.TrimSuffix(dir, "/") + "/" + e.Name()
			fi, _ := e.Info()
			switch {
			case e.Type()&fs.ModeSymlink != 0:
				target, err := v.Readlink(p)
				if err != nil {
					t.Fatal(err)
				}
				out[p] = "link:" + target
			case e.IsDir():
				out[p] = fmt.Sprintf("dir:%v", fi.Mode().Perm())
				walk(p)
			default:
				data, err := v.ReadFile(p)
				if err != nil {
					t.Fatalf("ReadFile(%s): %v", p, err)
				}
				out[p] = fmt.Sprintf("file:%v:%x", fi.Mode().Perm(), data)
			}
		}
	}
	walk("/")
	return out
}

func rnd(seed int64, n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

// crashWorkload is a list of steps; each ends with Sync.
var crashWorkload = []func(v *vfs.VFS) error{
	func(v *vfs.VFS) error {
		if err := v.WriteFile("/a", []byte("version 1"), 0o644); err != nil {
			return err
		}
		if err := v.Mkdir("/d", 0o750); err != nil {
			return err
		}
		if err := v.WriteFile("/d/x", rnd(1, 10000), 0o600); err != nil {
			return err
		}
		return v.Symlink("d/x", "/lx")
	},
	func(v *vfs.VFS) error { return v.WriteFile("/big", rnd(2, 100000), 0o644) },
	func(v *vfs.VFS) error {
		f, err := v.Open("/big", vfs.O_RDWR, 0)
		if err != nil {
			return err
		}
		if _, err := f.WriteAt(rnd(3, 9000), 30000); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	},
	func(v *vfs.VFS) error {
		if err := v.Rename("/d/x", "/y"); err != nil {
			return err
		}
		return v.WriteFile("/a", []byte("version 2, longer"), 0o644)
	},
	func(v *vfs.VFS) error {
		if err := v.Remove("/d"); err != nil {
			return err
		}
		return v.Truncate("/big", 50001)
	},
	func(v *vfs.VFS) error {
		f, err := v.Create("/c")
		if err != nil {
			return err
		}
		data := rnd(4, 90000)
		for off := 0; off < len(data); off += 7000 {
			if _, err := f.Write(data[off:min(off+7000, len(data))]); err != nil {
				f.Close()
				return err
			}
		}
		return f.Close()
	},
	func(v *vfs.VFS) error { return v.Rename("/c", "/big") },
	func(v *vfs.VFS) error {
		if err := v.Remove("/y"); err != nil {
			return err
		}
		return v.WriteFile("/a", rnd(5, 20000), 0o644)
	},
}

// TestCrashAtEveryStep runs the workload over a store that crashes at its
// n-th write, for every n. After each crash the store must reopen without
// problems, hold no unreferenced chunk, and show exactly the tree after the
// last step whose Sync returned: never a torn file or a half rename.
func TestCrashAtEveryStep(t *testing.T) {
	// Reference states from the RAM disk.
	ref := vfs.New(memfs.New(memfs.Options{}))
	want := []map[string]string{snapshotTree(t, ref)}
	for i, step := range crashWorkload {
		if err := step(ref); err != nil {
			t.Fatalf("reference step %d: %v", i, err)
		}
		want = append(want, snapshotTree(t, ref))
	}
	opts := small
	for crashAt := 1; ; crashAt++ {
		cs := &crashStore{Memory: store.NewMemory(store.MemoryOptions{}), crashAt: crashAt}
		done := 0
		f, err := chunkfs.Open(bg, cs, opts)
		if err == nil {
			v := vfs.New(f)
			for _, step := range crashWorkload {
				if err = step(v); err == nil {
					err = v.Sync()
				}
				if err != nil {
					break
				}
				done++
			}
		}
		if err == nil {
			if crashAt < 10 {
				t.Fatalf("workload finished after %d writes; the crash points are too few", crashAt)
			}
			t.Logf("crashed the workload at each of %d store writes", crashAt-1)
			return
		}
		if !errors.Is(err, errCrash) {
			t.Fatalf("crash at write %d: error %v does not carry the crash", crashAt, err)
		}
		if vfs.ErrnoOf(err) != vfs.EIO {
			t.Fatalf("crash at write %d: errno %s, want EIO", crashAt, vfs.ErrnoOf(err).Name())
		}
		// Reboot on what the store kept.
		kept := store.NewMemoryFrom(cs.Snapshot(), store.MemoryOptions{})
		g, err := chunkfs.Open(bg, kept, opts)
		if err != nil {
			t.Fatalf("crash at write %d: reopen: %v", crashAt, err)
		}
		if p := g.Problems(); len(p) > 0 {
			t.Fatalf("crash at write %d: problems after reopen: %v", crashAt, p)
		}
		got := snapshotTree(t, vfs.New(g))
		if !reflect.DeepEqual(got, want[done]) {
			t.Fatalf("crash at write %d after %d steps:\n got %v\nwant %v", crashAt, done, keys(got), keys(want[done]))
		}
		checkNoOrphanChunks(t, kept)
		g.Close()
	}
}

func keys(m map[string]string) []string {
	var ks []string
	for k, v := range m {
		ks = append(ks, k+"="+v[:min(len(v), 24)])
	}
	sort.Strings(ks)
	return ks
}

// checkNoOrphanChunks fails if the store holds a chunk no record names.
func checkNoOrphanChunks(t testing.TB, st *store.Memory) {
	t.Helper()
	named := map[string]bool{}
	err := st.Scan(bg, "i/", func(k string, v []byte) error {
		var ino uint64
		fmt.Sscanf(k, "i/%x", &ino)
		r, err := chunkfs.DecodeRecord(ino, v)
		if err != nil {
			return err
		}
		for _, h := range r.Chunks {
			if !h.IsHole() {
				named[h.Key()] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	chunks, _ := st.List(bg, "c/")
	for _, c := range chunks {
		if !named[c] {
			t.Fatalf("chunk %s is stored but no record names it", c)
		}
	}
	for k := range named {
		if _, err := st.Get(bg, k); err != nil {
			t.Fatalf("chunk %s is named but not stored", k)
		}
	}
}

// TestOpenWriterKeepsCommittedContent: a background commit while a file is
// open for writing publishes the old content, and Close publishes the new.
func TestOpenWriterKeepsCommittedContent(t *testing.T) {
	m := store.NewMemory(store.MemoryOptions{})
	f := openFS(t, m, small)
	v := vfs.New(f)
	old := rnd(6, 50000)
	if err := v.WriteFile("/f", old, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	w, err := v.Open("/f", vfs.O_WRONLY|vfs.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(rnd(7, 200000)) // more than MaxDirty: chunks go out early
	if err := v.Rename("/f", "/g"); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	// A crash now: the rename is committed, the content is the old one.
	kept := store.NewMemoryFrom(m.Snapshot(), store.MemoryOptions{})
	g := openFS(t, kept, small)
	gv := vfs.New(g)
	got, err := gv.ReadFile("/g")
	if err != nil || !bytes.Equal(got, old) {
		t.Fatalf("after crash with the file open: %d bytes, %v; want the old %d", len(got), err, len(old))
	}
	checkNoOrphanChunks(t, kept) // the early chunks were collected
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	h := openFS(t, store.NewMemoryFrom(m.Snapshot(), store.MemoryOptions{}), small)
	got, _ = vfs.New(h).ReadFile("/g")
	if !bytes.Equal(got, rnd(7, 200000)) {
		t.Fatalf("after close and commit: %d bytes", len(got))
	}
	checkNoOrphanChunks(t, m)
}
