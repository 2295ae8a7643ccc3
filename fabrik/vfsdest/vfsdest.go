// Package vfsdest is a fabrik.Dest over Nacho's VFS: a fetch lands in the
// page's (or any kernel's) files the way fabrik.FileDest lands it on a host
// disk — into PATH.part first, renamed into place when every chunk is in,
// and resumable from what an earlier attempt left in the .part.
//
// It must not import syscall/js.
package vfsdest

import (
	"fmt"
	"io"
	"io/fs"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/vfs"
)

// Dest writes a fetch to Path (absolute) in FS.
type Dest struct {
	FS   *vfs.VFS
	Path string

	m     *fabrik.Manifest
	part  string
	files []*vfs.File // by entry; nil for directories
}

var _ fabrik.Dest = (*Dest)(nil)

// Open implements fabrik.Dest.
func (d *Dest) Open(m *fabrik.Manifest, refs []fabrik.ChunkRef) ([]bool, error) {
	if _, err := d.FS.Lstat(d.Path); err == nil {
		return nil, fmt.Errorf("%w: %s", fabrik.ErrExists, d.Path)
	}
	d.m = m
	d.part = d.Path + ".part"
	d.files = make([]*vfs.File, len(m.Entries))
	if m.Kind == fabrik.KindDir {
		if err := d.FS.MkdirAll(d.part, 0o755); err != nil {
			return nil, err
		}
	}
	for i, e := range m.Entries {
		p := d.entryPath(i)
		switch e.Kind {
		case fabrik.KindDir:
			if err := d.FS.MkdirAll(p, 0o755); err != nil {
				d.closeAll()
				return nil, err
			}
		case fabrik.KindFile:
			f, err := d.FS.Open(p, vfs.O_RDWR|vfs.O_CREATE, 0o644)
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
		n, err := f.ReadAt(buf[:ref.Len], ref.Offset)
		if err != nil && err != io.EOF {
			n = 0
		}
		present[i] = n == ref.Len && fabrik.Sum(buf[:n]) == ref.ID
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

func (d *Dest) entryPath(i int) string {
	if d.m.Kind == fabrik.KindFile {
		return d.part
	}
	return vfs.Join(d.part, d.m.Entries[i].Path)
}

// WriteChunk implements fabrik.Dest.
func (d *Dest) WriteChunk(ref fabrik.ChunkRef, data []byte) error {
	_, err := d.files[ref.Entry].WriteAt(data, ref.Offset)
	return err
}

func (d *Dest) closeAll() error {
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

// Commit implements fabrik.Dest: it makes the files durable, sets their
// modes, and renames the .part into place.
func (d *Dest) Commit() error {
	for i, f := range d.files {
		if f == nil {
			continue
		}
		if err := f.Sync(); err != nil {
			d.closeAll()
			return err
		}
		if err := d.FS.Chmod(d.entryPath(i), fs.FileMode(d.m.Entries[i].Mode)|0o200); err != nil {
			d.closeAll()
			return err
		}
	}
	if err := d.closeAll(); err != nil {
		return err
	}
	for i := len(d.m.Entries) - 1; i >= 0; i-- {
		if e := d.m.Entries[i]; e.Kind == fabrik.KindDir {
			d.FS.Chmod(d.entryPath(i), fs.FileMode(e.Mode)|0o700)
		}
	}
	if _, err := d.FS.Lstat(d.Path); err == nil {
		return fmt.Errorf("%w: %s (appeared during the fetch; the data is in %s)", fabrik.ErrExists, d.Path, d.part)
	}
	return d.FS.Rename(d.part, d.Path)
}

// Abort implements fabrik.Dest: the .part stays for a resume.
func (d *Dest) Abort() error { return d.closeAll() }
