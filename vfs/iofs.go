package vfs

import (
	"errors"
	"io/fs"
	"path"
)

// FS returns an io/fs view of the tree below root. It implements
// fs.ReadDirFS, fs.ReadFileFS, fs.StatFS and fs.ReadLinkFS; names follow
// io/fs rules (unrooted, no "." or ".." elements).
func (v *VFS) FS(root string) fs.FS {
	return &fsView{v: v, root: Clean(root)}
}

type fsView struct {
	v    *VFS
	root string
}

var (
	_ fs.ReadDirFS  = (*fsView)(nil)
	_ fs.ReadFileFS = (*fsView)(nil)
	_ fs.StatFS     = (*fsView)(nil)
	_ fs.ReadLinkFS = (*fsView)(nil)
	_ fs.SubFS      = (*fsView)(nil)
)

func (f *fsView) full(op, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: op, Path: name, Err: EINVAL}
	}
	return path.Join(f.root, name), nil
}

// rename restores the io/fs-relative name in an error.
func rename(err error, name string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
	}
	return err
}

func (f *fsView) Open(name string) (fs.File, error) {
	p, err := f.full("open", name)
	if err != nil {
		return nil, err
	}
	file, err := f.v.Open(p, O_RDONLY, 0)
	if err != nil {
		return nil, rename(err, name)
	}
	file.name = name
	return file, nil
}

func (f *fsView) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := f.full("readdir", name)
	if err != nil {
		return nil, err
	}
	ents, err := f.v.ReadDir(p)
	return ents, rename(err, name)
}

func (f *fsView) ReadFile(name string) ([]byte, error) {
	p, err := f.full("readfile", name)
	if err != nil {
		return nil, err
	}
	data, err := f.v.ReadFile(p)
	return data, rename(err, name)
}

func (f *fsView) Stat(name string) (fs.FileInfo, error) {
	p, err := f.full("stat", name)
	if err != nil {
		return nil, err
	}
	fi, err := f.v.Stat(p)
	return fi, rename(err, name)
}

func (f *fsView) Lstat(name string) (fs.FileInfo, error) {
	p, err := f.full("lstat", name)
	if err != nil {
		return nil, err
	}
	fi, err := f.v.Lstat(p)
	return fi, rename(err, name)
}

func (f *fsView) ReadLink(name string) (string, error) {
	p, err := f.full("readlink", name)
	if err != nil {
		return "", err
	}
	t, err := f.v.Readlink(p)
	return t, rename(err, name)
}

func (f *fsView) Sub(dir string) (fs.FS, error) {
	p, err := f.full("sub", dir)
	if err != nil {
		return nil, err
	}
	return &fsView{v: f.v, root: p}, nil
}
