//go:build linux

package hostfs

import (
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/nachoos/nacho/vfs"
)

func hostAttr(fi fs.FileInfo) *vfs.Attr {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return &vfs.Attr{
		Ino:   st.Ino,
		Nlink: uint32(st.Nlink),
		Atime: time.Unix(st.Atim.Sec, st.Atim.Nsec),
		Ctime: time.Unix(st.Ctim.Sec, st.Ctim.Nsec),
	}
}

// hostSync flushes the host's buffers (Linux has no portable per-file
// system call in package syscall; sync(2) covers the directory's one).
func hostSync(*os.Root) error {
	syscall.Sync()
	return nil
}

// renameOverDir renames a directory over an empty one with renameat(2) on
// descriptors of the two parent directories, opened through the root.
func renameOverDir(r *os.Root, oldname, newname string) error {
	od, err := r.Open(dirOf(oldname))
	if err != nil {
		return err
	}
	defer od.Close()
	nd, err := r.Open(dirOf(newname))
	if err != nil {
		return err
	}
	defer nd.Close()
	return syscall.Renameat(int(od.Fd()), baseOf(oldname), int(nd.Fd()), baseOf(newname))
}
