package memfs_test

import (
	"testing"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
	"github.com/nachoos/nacho/vfs/vfstest"
)

func TestConformance(t *testing.T) {
	vfstest.Run(t, vfstest.Config{
		New: func(t *testing.T) vfs.Filesystem { return memfs.New(memfs.Options{}) },
		NewQuota: func(t *testing.T, quota int64) vfs.Filesystem {
			return memfs.New(memfs.Options{Quota: quota})
		},
	})
}
