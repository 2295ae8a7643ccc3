//go:build js && wasm

package idb_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"testing"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/chunkfs"
	"github.com/nachoos/nacho/vfs/idb"
	"github.com/nachoos/nacho/vfs/store"
	"github.com/nachoos/nacho/vfs/store/storetest"
	"github.com/nachoos/nacho/vfs/vfsbench"
	"github.com/nachoos/nacho/vfs/vfstest"
)

var bg = context.Background()

// namespace returns a fresh namespace deleted when the test ends.
func namespace(t testing.TB) string {
	ns := fmt.Sprintf("test-%s-%d", t.Name(), rand.Int63())
	t.Cleanup(func() { idb.Delete(bg, ns) })
	return ns
}

func open(t testing.TB, ns string) store.Store {
	t.Helper()
	s, err := idb.Open(bg, ns, idb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	names := map[store.Store]string{}
	storetest.Run(t, storetest.Config{
		New: func(t *testing.T) store.Store {
			ns := namespace(t)
			s := open(t, ns)
			names[s] = ns
			return s
		},
		Reopen: func(t *testing.T, s store.Store) store.Store {
			s.Close()
			r := open(t, names[s])
			names[r] = names[s]
			return r
		},
	})
}

func TestLockedNamespace(t *testing.T) {
	ns := namespace(t)
	s := open(t, ns)
	if _, err := idb.Open(bg, ns, idb.Options{}); !errors.Is(err, idb.ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	s.Close()
	open(t, ns).Close()
}

func TestSeparateNamespaces(t *testing.T) {
	a, b := open(t, namespace(t)), open(t, namespace(t))
	defer a.Close()
	defer b.Close()
	if err := a.Put(bg, "k", []byte("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(bg, "k"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("namespace b sees a's key: %v", err)
	}
}

func TestChunkFS(t *testing.T) {
	ns := namespace(t)
	vfstest.Run(t, vfstest.Config{
		New: func(t *testing.T) vfs.Filesystem {
			f, err := chunkfs.Open(bg, open(t, namespace(t)), chunkfs.Options{CommitDelay: -1})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			return f
		},
		Reopen: func(t *testing.T, fsys vfs.Filesystem) vfs.Filesystem {
			t.Skip("covered by TestChunkFSReopen")
			return nil
		},
	})
	f, err := chunkfs.Open(bg, open(t, ns), chunkfs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := vfs.New(f)
	data := storetest.Rand(1, 3<<20)
	vfstest.OK(t, v.MkdirAll("/home/user", 0o755))
	vfstest.OK(t, v.WriteFile("/home/user/file", data, 0o644))
	vfstest.OK(t, f.Close())
	g, err := chunkfs.Open(bg, open(t, ns), chunkfs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	vfstest.Content(t, vfs.New(g), "/home/user/file", data)
	if p := g.Problems(); len(p) > 0 {
		t.Fatalf("problems: %v", p)
	}
}

func TestEstimate(t *testing.T) {
	usage, quota, err := idb.Estimate(bg)
	if err != nil {
		t.Fatal(err)
	}
	if quota <= 0 || usage < 0 {
		t.Fatalf("estimate %d of %d", usage, quota)
	}
	if _, err := idb.Persisted(bg); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkIndexedDB runs the file system benchmarks on chunkfs over
// IndexedDB in the browser.
func BenchmarkIndexedDB(b *testing.B) {
	vfsbench.Run(b, func(b *testing.B) vfs.Filesystem {
		f, err := chunkfs.Open(bg, open(b, namespace(b)), chunkfs.Options{CommitDelay: -1})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { f.Close() })
		return f
	})
}

// BenchmarkMemoryInBrowser is the same on the memory store, the reference
// for what IndexedDB costs on the same machine in the same run.
func BenchmarkMemoryInBrowser(b *testing.B) {
	vfsbench.Run(b, func(b *testing.B) vfs.Filesystem {
		f, err := chunkfs.Open(bg, store.NewMemory(store.MemoryOptions{}), chunkfs.Options{CommitDelay: -1})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { f.Close() })
		return f
	})
}
