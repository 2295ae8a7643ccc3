package memfs_test

import (
	"testing"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
	"github.com/nachoos/nacho/vfs/vfsbench"
)

func BenchmarkMemFS(b *testing.B) {
	vfsbench.Run(b, func(b *testing.B) vfs.Filesystem { return memfs.New(memfs.Options{}) })
}
