package sync

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Folder is the synced folder's own storage: a directory of the host's
// disk (DirFolder) natively, a directory of Nacho's VFS in the page
// (VFSFolder). Paths are slash-separated and relative to the folder.
type Folder interface {
	// Walk calls fn for every file and directory under the folder
	// (parents before children). Names the engine keeps for itself
	// (IsInternal) are left out, and so are symbolic links and special
	// files.
	Walk(fn func(p string, fi fs.FileInfo) error) error
	Lstat(p string) (fs.FileInfo, error)
	Open(p string) (io.ReadCloser, error)
	// WriteFile replaces p atomically with what r yields, with the given
	// permission bits and modification time, and returns the new file's
	// info. Parent directories exist.
	WriteFile(p string, r io.Reader, mode fs.FileMode, mtime time.Time) (fs.FileInfo, error)
	Remove(p string) error
	Mkdir(p string, mode fs.FileMode) error
	// Rename moves a file (replacing newp if it is a file).
	Rename(oldp, newp string) error
	// Sync returns once everything written so far is durable. The engine
	// calls it before it records files as in place, rather than syncing
	// each file as it is written.
	Sync() error
}

// tmpPrefix starts the names of the engine's temporary files.
const tmpPrefix = ".nacho-sync-"

// IsInternal reports whether a name belongs to the engine, not the user.
func IsInternal(name string) bool { return strings.HasPrefix(path.Base(name), tmpPrefix) }

// DirFolder is a directory of the host's disk.
type DirFolder struct {
	root string
	skip string // an absolute directory inside root not to sync (the state directory)
}

var _ Folder = (*DirFolder)(nil)

// NewDirFolder returns the folder at dir. skip, if inside dir, is left
// out of the sync (put the state there, say).
func NewDirFolder(dir, skip string) (*DirFolder, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("sync: %s is not a directory", dir)
	}
	f := &DirFolder{root: abs}
	if skip != "" {
		if s, err := filepath.Abs(skip); err == nil {
			f.skip = s
		}
	}
	return f, nil
}

// Root returns the folder's absolute path.
func (f *DirFolder) Root() string { return f.root }

func (f *DirFolder) abs(p string) (string, error) {
	if err := CheckPath(p); err != nil {
		return "", err
	}
	return filepath.Join(f.root, filepath.FromSlash(p)), nil
}

func (f *DirFolder) Walk(fn func(p string, fi fs.FileInfo) error) error {
	return filepath.WalkDir(f.root, func(abs string, d fs.DirEntry, err error) error {
		if abs == f.root {
			return err
		}
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // vanished while we looked
			}
			return err
		}
		if f.skip != "" && abs == f.skip {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(f.root, abs)
		p := filepath.ToSlash(rel)
		if IsInternal(p) || CheckPath(p) != nil {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() && !d.IsDir() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		return fn(p, fi)
	})
}

func (f *DirFolder) Lstat(p string) (fs.FileInfo, error) {
	a, err := f.abs(p)
	if err != nil {
		return nil, err
	}
	return os.Lstat(a)
}

func (f *DirFolder) Open(p string) (io.ReadCloser, error) {
	a, err := f.abs(p)
	if err != nil {
		return nil, err
	}
	return os.Open(a)
}

func (f *DirFolder) WriteFile(p string, r io.Reader, mode fs.FileMode, mtime time.Time) (fs.FileInfo, error) {
	a, err := f.abs(p)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(a), tmpPrefix+"*")
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := io.Copy(tmp, r); err != nil {
		return nil, err
	}
	if err := tmp.Chmod(mode & 0o777); err != nil {
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	if err := os.Chtimes(tmp.Name(), mtime, mtime); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp.Name(), a); err != nil {
		return nil, err
	}
	ok = true
	return os.Lstat(a)
}

func (f *DirFolder) Remove(p string) error {
	a, err := f.abs(p)
	if err != nil {
		return err
	}
	return os.Remove(a)
}

func (f *DirFolder) Mkdir(p string, mode fs.FileMode) error {
	a, err := f.abs(p)
	if err != nil {
		return err
	}
	return os.Mkdir(a, mode&0o777)
}

func (f *DirFolder) Rename(oldp, newp string) error {
	a, err := f.abs(oldp)
	if err != nil {
		return err
	}
	b, err := f.abs(newp)
	if err != nil {
		return err
	}
	return os.Rename(a, b)
}

// Sync flushes what was written (see hostSync).
func (f *DirFolder) Sync() error { return hostSync(f.root) }
