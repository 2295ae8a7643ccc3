//go:build !js

package chunkfs_test

import (
	"testing"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/chunkfs"
	"github.com/nachoos/nacho/vfs/store/filestore"
	"github.com/nachoos/nacho/vfs/vfsbench"
)

// BenchmarkChunkFSFileStore is chunkfs over the native file store with
// fsync on every commit: the native durable figure.
func BenchmarkChunkFSFileStore(b *testing.B) {
	vfsbench.Run(b, func(b *testing.B) vfs.Filesystem {
		st, err := filestore.Open(b.TempDir(), filestore.Options{})
		if err != nil {
			b.Fatal(err)
		}
		f, err := chunkfs.Open(bg, st, chunkfs.Options{CommitDelay: -1})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { f.Close() })
		return f
	})
}
