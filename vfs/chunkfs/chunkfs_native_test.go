//go:build !js

package chunkfs_test

import (
	"testing"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/chunkfs"
	"github.com/nachoos/nacho/vfs/store/filestore"
	"github.com/nachoos/nacho/vfs/vfstest"
)

func TestConformanceFileStore(t *testing.T) {
	dirs := map[vfs.Filesystem]string{}
	open := func(t *testing.T, dir string) vfs.Filesystem {
		st, err := filestore.Open(dir, filestore.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		f := openFS(t, st, chunkfs.Options{})
		dirs[f] = dir
		t.Cleanup(func() { f.Close() })
		return f
	}
	vfstest.Run(t, vfstest.Config{
		New: func(t *testing.T) vfs.Filesystem { return open(t, t.TempDir()) },
		Reopen: func(t *testing.T, fsys vfs.Filesystem) vfs.Filesystem {
			if err := fsys.Close(); err != nil {
				t.Fatal(err)
			}
			return open(t, dirs[fsys])
		},
	})
}
