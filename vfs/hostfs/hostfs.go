//go:build !js

package hostfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nachoos/nacho/vfs"
)

// FS is a host directory as a vfs.Filesystem.
type FS struct {
	root *os.Root
	dir  string

	appendMu sync.Mutex // serialises Append against other appenders
}

var (
	_ vfs.Filesystem   = (*FS)(nil)
	_ vfs.AtomicWriter = (*FS)(nil)
)

// Options configure New.
type Options struct {
	// Create makes the directory (and its parents) when it does not exist.
	Create bool
}

// New opens dir as a file system. dir must be a directory.
func New(dir string, opts Options) (*FS, error) {
	if opts.Create {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &fs.PathError{Op: "hostfs", Path: dir, Err: vfs.ENOTDIR}
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &FS{root: r, dir: dir}, nil
}

// Dir is the host directory the file system serves.
func (f *FS) Dir() string { return f.dir }

// errno turns a host error into an Errno, keeping the host's text out of
// the way (the VFS adds the caller's path).
func errno(err error) error {
	if err == nil {
		return nil
	}
	if err == io.EOF {
		return err
	}
	var en syscall.Errno
	if errors.As(err, &en) {
		if e, ok := hostErrno[en]; ok {
			return e
		}
		return vfs.WithErrno(vfs.EIO, err)
	}
	var e vfs.Errno
	if errors.As(err, &e) {
		return e
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return vfs.ENOENT
	case errors.Is(err, fs.ErrExist):
		return vfs.EEXIST
	case errors.Is(err, fs.ErrPermission):
		return vfs.EACCES
	case errors.Is(err, fs.ErrClosed):
		return vfs.EBADF
	case errors.Is(err, fs.ErrInvalid):
		return vfs.EINVAL
	}
	// os.Root refuses names that would leave the directory.
	return vfs.WithErrno(vfs.EACCES, err)
}

var hostErrno = map[syscall.Errno]vfs.Errno{
	syscall.EPERM: vfs.EPERM, syscall.ENOENT: vfs.ENOENT, syscall.EIO: vfs.EIO,
	syscall.EBADF: vfs.EBADF, syscall.EAGAIN: vfs.EAGAIN, syscall.ENOMEM: vfs.ENOMEM,
	syscall.EACCES: vfs.EACCES, syscall.EBUSY: vfs.EBUSY, syscall.EEXIST: vfs.EEXIST,
	syscall.EXDEV: vfs.EXDEV, syscall.ENOTDIR: vfs.ENOTDIR, syscall.EISDIR: vfs.EISDIR,
	syscall.EINVAL: vfs.EINVAL, syscall.EMFILE: vfs.EMFILE, syscall.EFBIG: vfs.EFBIG,
	syscall.ENOSPC: vfs.ENOSPC, syscall.ESPIPE: vfs.ESPIPE, syscall.EROFS: vfs.EROFS,
	syscall.ENAMETOOLONG: vfs.ENAMETOOLONG, syscall.ENOSYS: vfs.ENOSYS,
	syscall.ENOTEMPTY: vfs.ENOTEMPTY, syscall.ELOOP: vfs.ELOOP,
}

// Owner permission checks, as a non-privileged owner would meet them.
func canRead(fi fs.FileInfo) bool  { return fi.Mode().Perm()&0o400 != 0 }
func canWrite(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o200 != 0 }

// dirOf is the directory part of a clean relative name.
func dirOf(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[:i]
		}
	}
	return "."
}

// baseOf is the last component of a clean relative name.
func baseOf(name string) string { return name[strings.LastIndexByte(name, '/')+1:] }

// checkDirWrite fails unless the directory holding name may be changed.
func (f *FS) checkDirWrite(name string) error {
	fi, err := f.root.Stat(dirOf(name))
	if err != nil {
		return errno(err)
	}
	if !fi.IsDir() {
		return vfs.ENOTDIR
	}
	if fi.Mode().Perm()&0o300 != 0o300 {
		return vfs.EACCES
	}
	return nil
}

// Open implements vfs.Filesystem.
func (f *FS) Open(name string, opts vfs.OpenOptions) (vfs.FileImpl, error) {
	flag := opts.Flag
	wr := flag&vfs.O_ACCMODE != vfs.O_RDONLY
	fi, err := f.root.Lstat(name)
	switch {
	case err == nil:
		switch {
		case flag&vfs.O_CREATE != 0 && flag&vfs.O_EXCL != 0:
			return nil, vfs.EEXIST
		case fi.Mode()&fs.ModeSymlink != 0:
			if flag&vfs.O_NOFOLLOW != 0 {
				return nil, vfs.ELOOP
			}
			return nil, vfs.EINVAL
		case fi.IsDir() && (wr || flag&vfs.O_TRUNC != 0):
			return nil, vfs.EISDIR
		case wr && !canWrite(fi), flag&vfs.O_ACCMODE != vfs.O_WRONLY && !canRead(fi):
			return nil, vfs.EACCES
		}
	case errors.Is(err, fs.ErrNotExist) && flag&vfs.O_CREATE != 0:
		if err := f.checkDirWrite(name); err != nil {
			return nil, err
		}
	default:
		return nil, errno(err)
	}
	hflag := oNoFollow
	switch flag & vfs.O_ACCMODE {
	case vfs.O_WRONLY:
		hflag |= os.O_WRONLY
	case vfs.O_RDWR:
		hflag |= os.O_RDWR
	default:
		hflag |= os.O_RDONLY
	}
	if flag&vfs.O_CREATE != 0 {
		hflag |= os.O_CREATE
	}
	if flag&vfs.O_EXCL != 0 {
		hflag |= os.O_EXCL
	}
	if flag&vfs.O_TRUNC != 0 {
		hflag |= os.O_TRUNC
	}
	if flag&vfs.O_SYNC == vfs.O_SYNC {
		hflag |= os.O_SYNC
	}
	h, err := f.root.OpenFile(name, hflag, opts.Perm.Perm())
	if err != nil {
		return nil, errno(err)
	}
	return &file{fs: f, f: h}, nil
}

// Lstat implements vfs.Filesystem.
func (f *FS) Lstat(name string) (fs.FileInfo, error) {
	fi, err := f.root.Lstat(name)
	if err != nil {
		return nil, errno(err)
	}
	return wrapInfo(fi), nil
}

// ReadDir implements vfs.Filesystem.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	fi, err := f.root.Lstat(name)
	if err != nil {
		return nil, errno(err)
	}
	if !fi.IsDir() {
		return nil, vfs.ENOTDIR
	}
	if !canRead(fi) {
		return nil, vfs.EACCES
	}
	d, err := f.root.Open(name)
	if err != nil {
		return nil, errno(err)
	}
	defer d.Close()
	return readDir(d)
}

func readDir(d *os.File) ([]fs.DirEntry, error) {
	ents, err := d.ReadDir(-1)
	if err != nil {
		return nil, errno(err)
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	out := make([]fs.DirEntry, len(ents))
	for i, e := range ents {
		out[i] = dirEntry{e}
	}
	return out, nil
}

// Mkdir implements vfs.Filesystem.
func (f *FS) Mkdir(name string, opts vfs.MkdirOptions) error {
	if _, err := f.root.Lstat(name); err == nil {
		return vfs.EEXIST
	}
	if err := f.checkDirWrite(name); err != nil {
		return err
	}
	if err := f.root.Mkdir(name, opts.Perm.Perm()); err != nil {
		return errno(err)
	}
	// The host's umask may have cleared bits the caller asked for.
	return errno(f.root.Chmod(name, opts.Perm.Perm()))
}

// Remove implements vfs.Filesystem.
func (f *FS) Remove(name string, opts vfs.RemoveOptions) error {
	fi, err := f.root.Lstat(name)
	if err != nil {
		return errno(err)
	}
	switch {
	case fi.IsDir() && opts.File:
		return vfs.EISDIR
	case !fi.IsDir() && opts.Dir:
		return vfs.ENOTDIR
	}
	if fi.IsDir() {
		if d, err := f.root.Open(name); err == nil {
			_, rerr := d.ReadDir(1)
			d.Close()
			if rerr == nil {
				return vfs.ENOTEMPTY
			}
		}
	}
	if err := f.checkDirWrite(name); err != nil {
		return err
	}
	return errno(f.root.Remove(name))
}

// Rename implements vfs.Filesystem.
func (f *FS) Rename(oldname, newname string, opts vfs.RenameOptions) error {
	if _, err := f.root.Lstat(oldname); err != nil {
		return errno(err)
	}
	if opts.NoReplace {
		if _, err := f.root.Lstat(newname); err == nil {
			return vfs.EEXIST
		}
	}
	if err := f.checkDirWrite(oldname); err != nil {
		return err
	}
	if err := f.checkDirWrite(newname); err != nil {
		return err
	}
	if oldname == newname {
		return nil
	}
	ofi, _ := f.root.Lstat(oldname)
	if nfi, err := f.root.Lstat(newname); err == nil && ofi != nil {
		switch {
		case ofi.IsDir() && !nfi.IsDir():
			return vfs.ENOTDIR
		case !ofi.IsDir() && nfi.IsDir():
			return vfs.EISDIR
		case nfi.IsDir():
			if d, err := f.root.Open(newname); err == nil {
				_, rerr := d.ReadDir(1)
				d.Close()
				if rerr == nil {
					return vfs.ENOTEMPTY
				}
			}
			// os.Rename refuses to replace a directory; rename(2) does
			// it atomically when the target is empty.
			return errno(renameOverDir(f.root, oldname, newname))
		}
	}
	return errno(f.root.Rename(oldname, newname))
}

// WriteFile implements vfs.AtomicWriter: the new content is written to a
// temporary file beside name and renamed over it, so readers see the old
// or the new content whole. An existing file keeps its mode and must be
// writable.
func (f *FS) WriteFile(name string, data []byte, opts vfs.OpenOptions) error {
	perm := opts.Perm.Perm()
	if fi, err := f.root.Lstat(name); err == nil {
		switch {
		case fi.IsDir():
			return vfs.EISDIR
		case fi.Mode()&fs.ModeSymlink != 0:
			return vfs.EINVAL
		case !canWrite(fi):
			return vfs.EACCES
		}
		perm = fi.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return errno(err)
	} else if err := f.checkDirWrite(name); err != nil {
		return err
	}
	tmp := vfs.Join(dirOf(name), fmt.Sprintf(".hostfs-%d-%d", os.Getpid(), tmpSeq.Add(1)))
	if dirOf(name) == "." {
		tmp = tmp[strings.IndexByte(tmp, '/')+1:]
	}
	h, err := f.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o600)
	if err != nil {
		return errno(err)
	}
	_, werr := h.Write(data)
	if werr == nil {
		werr = h.Chmod(perm)
	}
	if werr == nil {
		werr = h.Sync()
	}
	if cerr := h.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = f.root.Rename(tmp, name)
	}
	if werr != nil {
		f.root.Remove(tmp)
		return errno(werr)
	}
	return nil
}

var tmpSeq atomic.Uint64

// Symlink implements vfs.Filesystem.
func (f *FS) Symlink(target, name string) error {
	if _, err := f.root.Lstat(name); err == nil {
		return vfs.EEXIST
	}
	if err := f.checkDirWrite(name); err != nil {
		return err
	}
	return errno(f.root.Symlink(target, name))
}

// Readlink implements vfs.Filesystem.
func (f *FS) Readlink(name string) (string, error) {
	fi, err := f.root.Lstat(name)
	if err != nil {
		return "", errno(err)
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return "", vfs.EINVAL
	}
	s, err := f.root.Readlink(name)
	return s, errno(err)
}

// SetAttr implements vfs.Filesystem. A symbolic link's own mode and times
// are left alone (Linux cannot change a link's mode either).
func (f *FS) SetAttr(name string, opts vfs.SetAttrOptions) error {
	fi, err := f.root.Lstat(name)
	if err != nil {
		return errno(err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		if opts.Mask&vfs.AttrSize != 0 {
			return vfs.EINVAL
		}
		return nil
	}
	if opts.Mask&vfs.AttrSize != 0 {
		switch {
		case fi.IsDir():
			return vfs.EISDIR
		case !fi.Mode().IsRegular():
			return vfs.EINVAL
		case !canWrite(fi):
			return vfs.EACCES
		}
		h, err := f.root.OpenFile(name, os.O_WRONLY|oNoFollow, 0)
		if err != nil {
			return errno(err)
		}
		err = h.Truncate(opts.Size)
		h.Close()
		if err != nil {
			return errno(err)
		}
	}
	if opts.Mask&vfs.AttrMode != 0 {
		if err := f.root.Chmod(name, opts.Mode.Perm()); err != nil {
			return errno(err)
		}
	}
	if opts.Mask&(vfs.AttrAtime|vfs.AttrMtime) != 0 {
		var at, mt time.Time // zero: leave as it is
		if opts.Mask&vfs.AttrAtime != 0 {
			at = opts.Atime
		}
		if opts.Mask&vfs.AttrMtime != 0 {
			mt = opts.Mtime
		}
		if err := f.root.Chtimes(name, at, mt); err != nil {
			return errno(err)
		}
	}
	return nil
}

// Sync implements vfs.Filesystem: it flushes the host's file system
// buffers (files are written through to the host as they are written).
func (f *FS) Sync() error { return errno(hostSync(f.root)) }

// Statfs implements vfs.Filesystem.
func (f *FS) Statfs() (vfs.FSInfo, error) {
	return vfs.FSInfo{Type: "hostfs", Durable: true}, nil
}

// Close implements vfs.Filesystem.
func (f *FS) Close() error { return errno(f.root.Close()) }

// file is an open host file.
type file struct {
	fs *FS
	f  *os.File
}

var _ vfs.FileImpl = (*file)(nil)

func (h *file) ReadAt(p []byte, off int64) (int, error) {
	n, err := h.f.ReadAt(p, off)
	return n, errno(err)
}

func (h *file) WriteAt(p []byte, off int64) (int, error) {
	n, err := h.f.WriteAt(p, off)
	return n, errno(err)
}

func (h *file) Append(p []byte) (int, int64, error) {
	h.fs.appendMu.Lock()
	defer h.fs.appendMu.Unlock()
	fi, err := h.f.Stat()
	if err != nil {
		return 0, 0, errno(err)
	}
	n, err := h.f.WriteAt(p, fi.Size())
	return n, fi.Size() + int64(n), errno(err)
}

func (h *file) Truncate(size int64) error { return errno(h.f.Truncate(size)) }

func (h *file) Stat() (fs.FileInfo, error) {
	fi, err := h.f.Stat()
	if err != nil {
		return nil, errno(err)
	}
	return wrapInfo(fi), nil
}

func (h *file) ReadDir() ([]fs.DirEntry, error) {
	fi, err := h.f.Stat()
	if err != nil {
		return nil, errno(err)
	}
	if !fi.IsDir() {
		return nil, vfs.ENOTDIR
	}
	if _, err := h.f.Seek(0, io.SeekStart); err != nil {
		return nil, errno(err)
	}
	return readDir(h.f)
}

func (h *file) Sync() error  { return errno(h.f.Sync()) }
func (h *file) Close() error { return errno(h.f.Close()) }

// info reports a host FileInfo with the VFS's Attr as Sys.
type info struct {
	fs.FileInfo
	attr *vfs.Attr
}

func (i info) Sys() any { return i.attr }

func wrapInfo(fi fs.FileInfo) fs.FileInfo {
	a := hostAttr(fi)
	if a == nil {
		return fi
	}
	return info{fi, a}
}

type dirEntry struct{ fs.DirEntry }

func (d dirEntry) Info() (fs.FileInfo, error) {
	fi, err := d.DirEntry.Info()
	if err != nil {
		return nil, errno(err)
	}
	return wrapInfo(fi), nil
}
