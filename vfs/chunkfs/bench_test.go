package chunkfs_test

import (
	"testing"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/chunkfs"
	"github.com/nachoos/nacho/vfs/store"
	"github.com/nachoos/nacho/vfs/vfsbench"
)

// BenchmarkChunkFSMemory is chunkfs over the memory store: the cost of
// chunking, hashing and commits without a storage medium.
func BenchmarkChunkFSMemory(b *testing.B) {
	vfsbench.Run(b, func(b *testing.B) vfs.Filesystem {
		f, err := chunkfs.Open(bg, store.NewMemory(store.MemoryOptions{}), chunkfs.Options{CommitDelay: -1})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { f.Close() })
		return f
	})
}
