package fabrik

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Dest receives a fetch: the fetcher opens it with the verified manifest,
// writes each verified chunk to its place (from several goroutines at
// once), and then commits or aborts.
type Dest interface {
	// Open prepares to receive m; refs is m.Chunks(). It returns, for each
	// ref, whether those bytes are already in place (a resumed fetch), or
	// nil when nothing is.
	Open(m *Manifest, refs []ChunkRef) (present []bool, err error)
	// WriteChunk stores one verified chunk at ref.
	WriteChunk(ref ChunkRef, data []byte) error
	// Commit makes a complete fetch visible.
	Commit() error
	// Abort gives up, keeping what can be resumed.
	Abort() error
}

// MemDest collects a fetch in memory: Files maps each file's path ("" for
// a file manifest) to its bytes.
type MemDest struct {
	mu    sync.Mutex
	m     *Manifest
	Files map[string][]byte
}

var _ Dest = (*MemDest)(nil)

// Open implements Dest.
func (d *MemDest) Open(m *Manifest, refs []ChunkRef) ([]bool, error) {
	d.m = m
	d.Files = map[string][]byte{}
	for _, e := range m.Entries {
		if e.Kind == KindFile {
			if e.Size > 1<<31 {
				return nil, fmt.Errorf("fabrik: %s is too large to fetch into memory", e.Path)
			}
			d.Files[e.Path] = make([]byte, e.Size)
		}
	}
	return nil, nil
}

// WriteChunk implements Dest.
func (d *MemDest) WriteChunk(ref ChunkRef, data []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	copy(d.Files[d.m.Entries[ref.Entry].Path][ref.Offset:], data)
	return nil
}

// Commit implements Dest.
func (d *MemDest) Commit() error { return nil }

// Abort implements Dest.
func (d *MemDest) Abort() error { return nil }

// FileDest writes a fetch to a file system at Path: a file for a file
// manifest, a directory for a folder. Data goes first to Path+".part"
// (a file or directory), renamed to Path once every chunk is in, so a
// half-fetched result is never mistaken for a whole one; a later fetch of
// the same manifest to the same Path resumes from the chunks already in the
// .part and verifies them. FS is the host's own file system when nil
// (fabrik/vfsdest gives Nacho's VFS).
type FileDest struct {
	Path string
	FS   DestFS

	m     *Manifest
	part  string
	files []DestFile // by entry; nil for directories
}

// DestFS is what FileDest needs of a file system. Names are its own
// (slash-separated for the VFS, the host's for OSFS).
type DestFS interface {
	Lstat(name string) (fs.FileInfo, error)
	MkdirAll(name string, perm fs.FileMode) error
	// OpenRW opens a file for reading and writing, creating it if missing.
	OpenRW(name string) (DestFile, error)
	Chmod(name string, mode fs.FileMode) error
	Rename(oldname, newname string) error
	// Join appends a manifest's slash-separated relative path to dir.
	Join(dir, rel string) string
}

// DestFile is an open file of a DestFS.
type DestFile interface {
	ReadAt(p []byte, off int64) (int, error)
	WriteAt(p []byte, off int64) (int, error)
	Truncate(size int64) error
	Sync() error
	Close() error
}

// OSFS is the host's file system as a DestFS.
type OSFS struct{}

func (OSFS) Lstat(name string) (fs.FileInfo, error)       { return os.Lstat(name) }
func (OSFS) MkdirAll(name string, perm fs.FileMode) error { return os.MkdirAll(name, perm) }
func (OSFS) OpenRW(name string) (DestFile, error) {
	return os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
}
func (OSFS) Chmod(name string, mode fs.FileMode) error { return os.Chmod(name, mode) }
func (OSFS) Rename(oldname, newname string) error      { return os.Rename(oldname, newname) }
func (OSFS) Join(dir, rel string) string               { return filepath.Join(dir, filepath.FromSlash(rel)) }

var _ Dest = (*FileDest)(nil)

// ErrExists is returned when a fetch would overwrite something.
var ErrExists = errors.New("fabrik: destination already exists")

func (d *FileDest) fs() DestFS {
	if d.FS == nil {
		return OSFS{}
	}
	return d.FS
}

// Open implements Dest.
func (d *FileDest) Open(m *Manifest, refs []ChunkRef) ([]bool, error) {
	fsys := d.fs()
	if _, err := fsys.Lstat(d.Path); err == nil {
		return nil, fmt.Errorf("%w: %s", ErrExists, d.Path)
	}
	d.m = m
	d.part = d.Path + ".part"
	d.files = make([]DestFile, len(m.Entries))
	if m.Kind == KindDir {
		if err := fsys.MkdirAll(d.part, 0o755); err != nil {
			return nil, err
		}
	}
	for i, e := range m.Entries {
		p := d.entryPath(i)
		switch e.Kind {
		case KindDir:
			if err := fsys.MkdirAll(p, 0o755); err != nil {
				d.closeAll()
				return nil, err
			}
		case KindFile:
			f, err := fsys.OpenRW(p)
			if err != nil {
				d.closeAll()
				return nil, err
			}
			d.files[i] = f
		}
	}
	// Keep what verifies from an earlier attempt, then size every file.
	present := make([]bool, len(refs))
	buf := make([]byte, m.ChunkSize)
	for i, ref := range refs {
		f := d.files[ref.Entry]
		n, _ := f.ReadAt(buf[:ref.Len], ref.Offset)
		present[i] = n == ref.Len && Sum(buf[:n]) == ref.ID
	}
	for i, e := range m.Entries {
		if f := d.files[i]; f != nil {
			if err := f.Truncate(e.Size); err != nil {
				d.closeAll()
				return nil, err
			}
		}
	}
	return present, nil
}

func (d *FileDest) entryPath(i int) string {
	if d.m.Kind == KindFile {
		return d.part
	}
	return d.fs().Join(d.part, d.m.Entries[i].Path)
}

// WriteChunk implements Dest.
func (d *FileDest) WriteChunk(ref ChunkRef, data []byte) error {
	_, err := d.files[ref.Entry].WriteAt(data, ref.Offset)
	return err
}

func (d *FileDest) closeAll() error {
	var first error
	for i, f := range d.files {
		if f != nil {
			if err := f.Close(); err != nil && first == nil {
				first = err
			}
			d.files[i] = nil
		}
	}
	return first
}

// Commit implements Dest: it flushes every file, sets modes, and renames
// the .part into place.
func (d *FileDest) Commit() error {
	fsys := d.fs()
	for i, f := range d.files {
		if f == nil {
			continue
		}
		if err := f.Sync(); err != nil {
			d.closeAll()
			return err
		}
		if err := fsys.Chmod(d.entryPath(i), fs.FileMode(d.m.Entries[i].Mode)|0o200); err != nil {
			d.closeAll()
			return err
		}
	}
	if err := d.closeAll(); err != nil {
		return err
	}
	for i := len(d.m.Entries) - 1; i >= 0; i-- {
		if e := d.m.Entries[i]; e.Kind == KindDir {
			fsys.Chmod(d.entryPath(i), fs.FileMode(e.Mode)|0o700)
		}
	}
	if _, err := fsys.Lstat(d.Path); err == nil {
		return fmt.Errorf("%w: %s (appeared during the fetch; the data is in %s)", ErrExists, d.Path, d.part)
	}
	return fsys.Rename(d.part, d.Path)
}

// Abort implements Dest: the .part stays for a resume.
func (d *FileDest) Abort() error { return d.closeAll() }
