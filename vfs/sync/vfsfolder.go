package sync

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"time"

	"github.com/nachoos/nacho/vfs"
)

// VFSFolder is a directory of Nacho's VFS: how the page syncs a folder
// (chunkfs over IndexedDB, say). It works natively too, which is how it is
// tested.
type VFSFolder struct {
	v    *vfs.VFS
	root string // absolute, clean
}

var _ Folder = (*VFSFolder)(nil)

// NewVFSFolder returns the folder at root (an existing directory) of v.
func NewVFSFolder(v *vfs.VFS, root string) (*VFSFolder, error) {
	root = vfs.Clean(root)
	fi, err := v.Stat(root)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("sync: %s is not a directory", root)
	}
	return &VFSFolder{v: v, root: root}, nil
}

func (f *VFSFolder) abs(p string) (string, error) {
	if err := CheckPath(p); err != nil {
		return "", err
	}
	return vfs.Join(f.root, p), nil
}

func (f *VFSFolder) Walk(fn func(p string, fi fs.FileInfo) error) error {
	var walk func(rel string) error
	walk = func(rel string) error {
		dir := f.root
		if rel != "" {
			dir = vfs.Join(f.root, rel)
		}
		ents, err := f.v.ReadDir(dir)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		for _, d := range ents {
			p := d.Name()
			if rel != "" {
				p = path.Join(rel, d.Name())
			}
			if IsInternal(p) || CheckPath(p) != nil || (!d.IsDir() && !d.Type().IsRegular()) {
				continue
			}
			fi, err := d.Info()
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return err
			}
			if err := fn(p, fi); err != nil {
				return err
			}
			if d.IsDir() {
				if err := walk(p); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk("")
}

func (f *VFSFolder) Lstat(p string) (fs.FileInfo, error) {
	a, err := f.abs(p)
	if err != nil {
		return nil, err
	}
	return f.v.Lstat(a)
}

func (f *VFSFolder) Open(p string) (io.ReadCloser, error) {
	a, err := f.abs(p)
	if err != nil {
		return nil, err
	}
	return f.v.Open(a, vfs.O_RDONLY, 0)
}

// smallFile is the size up to which WriteFile writes a file in one call.
const smallFile = 256 << 10

func (f *VFSFolder) WriteFile(p string, r io.Reader, mode fs.FileMode, mtime time.Time) (fs.FileInfo, error) {
	a, err := f.abs(p)
	if err != nil {
		return nil, err
	}
	// A small file in one atomic write: where the VFS is another worker's,
	// each call is a round trip, and a restore writes thousands of files.
	head := make([]byte, smallFile+1)
	n, err := io.ReadFull(r, head)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		if err := f.v.WriteFile(a, head[:n], mode&0o777); err != nil {
			return nil, err
		}
		if err := f.v.Chtimes(a, mtime, mtime); err != nil {
			return nil, err
		}
		fi, err := f.v.Lstat(a)
		if err == nil && fi.Mode().Perm() != mode&0o777 { // WriteFile keeps an existing file's mode
			if err = f.v.Chmod(a, mode&0o777); err == nil {
				fi, err = f.v.Lstat(a)
			}
		}
		return fi, err
	}
	if err != nil {
		return nil, err
	}
	r = io.MultiReader(bytes.NewReader(head[:n]), r)
	var rnd [6]byte
	rand.Read(rnd[:])
	dir, _ := vfs.Split(a)
	tmp := vfs.Join(dir, tmpPrefix+hex.EncodeToString(rnd[:]))
	w, err := f.v.Open(tmp, vfs.O_WRONLY|vfs.O_CREATE|vfs.O_EXCL, mode&0o777)
	if err != nil {
		return nil, err
	}
	_, err = io.Copy(w, r)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = f.v.Chmod(tmp, mode&0o777)
	}
	if err == nil {
		err = f.v.Chtimes(tmp, mtime, mtime)
	}
	if err == nil {
		err = f.v.Rename(tmp, a)
	}
	if err != nil {
		f.v.Remove(tmp)
		return nil, err
	}
	return f.v.Lstat(a)
}

func (f *VFSFolder) Remove(p string) error {
	a, err := f.abs(p)
	if err != nil {
		return err
	}
	return f.v.Remove(a)
}

func (f *VFSFolder) Mkdir(p string, mode fs.FileMode) error {
	a, err := f.abs(p)
	if err != nil {
		return err
	}
	return f.v.Mkdir(a, mode&0o777)
}

func (f *VFSFolder) Rename(oldp, newp string) error {
	a, err := f.abs(oldp)
	if err != nil {
		return err
	}
	b, err := f.abs(newp)
	if err != nil {
		return err
	}
	return f.v.Rename(a, b)
}

func (f *VFSFolder) Sync() error { return f.v.Sync() }

// VFSState is a StateStore in a directory of the VFS (the page keeps a
// folder's sync state beside its files, in IndexedDB).
type VFSState struct {
	v   *vfs.VFS
	dir string
}

var _ StateStore = VFSState{}

// NewVFSState returns the state directory dir of v, made if missing.
func NewVFSState(v *vfs.VFS, dir string) (VFSState, error) {
	if err := v.MkdirAll(dir, 0o700); err != nil {
		return VFSState{}, err
	}
	return VFSState{v: v, dir: vfs.Clean(dir)}, nil
}

func (s VFSState) Load(name string) ([]byte, error) { return s.v.ReadFile(vfs.Join(s.dir, name)) }

func (s VFSState) Save(name string, data []byte) error {
	if err := s.v.WriteFile(vfs.Join(s.dir, name), data, 0o600); err != nil {
		return err
	}
	return s.v.Sync()
}
