// Package vfsdest lets a fetch land in Nacho's VFS (the page's files, or
// any kernel's): an FS to give fabrik.FileDest, which then works as it does
// on a host disk — into PATH.part first, renamed into place when every
// chunk is in, resumable from what an earlier attempt left.
//
// It must not import syscall/js.
package vfsdest

import (
	"io/fs"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/vfs"
)

// FS is a VFS as a fabrik.DestFS. Names are absolute VFS paths.
type FS struct{ V *vfs.VFS }

var _ fabrik.DestFS = FS{}

func (f FS) Lstat(name string) (fs.FileInfo, error)       { return f.V.Lstat(name) }
func (f FS) MkdirAll(name string, perm fs.FileMode) error { return f.V.MkdirAll(name, perm) }
func (f FS) Chmod(name string, mode fs.FileMode) error    { return f.V.Chmod(name, mode) }
func (f FS) Rename(oldname, newname string) error         { return f.V.Rename(oldname, newname) }
func (f FS) Join(dir, rel string) string                  { return vfs.Join(dir, rel) }

func (f FS) OpenRW(name string) (fabrik.DestFile, error) {
	return f.V.Open(name, vfs.O_RDWR|vfs.O_CREATE, 0o644)
}

// Dest is a fetch into path of v.
func Dest(v *vfs.VFS, path string) *fabrik.FileDest {
	return &fabrik.FileDest{Path: path, FS: FS{v}}
}
