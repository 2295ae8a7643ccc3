package chunkfs_test

import (
	"context"
	"testing"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/chunkfs"
	"github.com/nachoos/nacho/vfs/store"
	"github.com/nachoos/nacho/vfs/vfstest"
)

var bg = context.Background()

type ctxT = context.Context

func openFS(t testing.TB, st store.Store, opts chunkfs.Options) *chunkfs.FS {
	t.Helper()
	f, err := chunkfs.Open(bg, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// small keeps chunks and dirty limits small so tests cross every boundary.
var small = chunkfs.Options{ChunkSize: 4 << 10, MaxDirty: 64 << 10, CacheSize: 32 << 10, CommitDelay: -1}

func TestConformanceMemory(t *testing.T) {
	stores := map[vfs.Filesystem]*store.Memory{}
	open := func(t *testing.T, m *store.Memory, opts chunkfs.Options) vfs.Filesystem {
		f := openFS(t, m, opts)
		stores[f] = m
		t.Cleanup(func() { f.Close() })
		return f
	}
	vfstest.Run(t, vfstest.Config{
		New: func(t *testing.T) vfs.Filesystem {
			return open(t, store.NewMemory(store.MemoryOptions{}), small)
		},
		NewQuota: func(t *testing.T, quota int64) vfs.Filesystem {
			o := small
			o.Quota = quota
			return open(t, store.NewMemory(store.MemoryOptions{}), o)
		},
		Reopen: func(t *testing.T, fsys vfs.Filesystem) vfs.Filesystem {
			if err := fsys.Close(); err != nil {
				t.Fatal(err)
			}
			return open(t, store.NewMemoryFrom(stores[fsys].Snapshot(), store.MemoryOptions{}), small)
		},
	})
}
