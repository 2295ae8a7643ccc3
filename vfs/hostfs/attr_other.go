//go:build !js && !linux

package hostfs

import (
	"io/fs"
	"os"

	"github.com/nachoos/nacho/vfs"
)

// hostAttr has no portable source outside Linux; callers get the host's
// own Sys value.
func hostAttr(fs.FileInfo) *vfs.Attr { return nil }

// hostSync syncs the root directory itself; file data is synced per file
// through FileImpl.Sync.
func hostSync(r *os.Root) error {
	d, err := r.Open(".")
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// renameOverDir replaces an empty directory: remove it, then rename (not
// atomic where rename(2) is not at hand).
func renameOverDir(r *os.Root, oldname, newname string) error {
	if err := r.Remove(newname); err != nil {
		return err
	}
	return r.Rename(oldname, newname)
}
