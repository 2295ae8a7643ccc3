package vfs

import (
	"io"
	"io/fs"
	"sync"
)

// File is an open file or directory: a FileImpl plus an offset and the
// access mode it was opened with. It is safe for concurrent use; Read, Write
// and Seek on one File are serialized, as they share the offset.
type File struct {
	name string
	flag int
	m    *mount

	mu      sync.Mutex
	impl    FileImpl // nil once closed
	off     int64
	dirents []fs.DirEntry // directory listing being read by ReadDir
	dirRead bool
}

var (
	_ fs.ReadDirFile = (*File)(nil)
	_ io.ReaderAt    = (*File)(nil)
	_ io.WriterAt    = (*File)(nil)
	_ io.Seeker      = (*File)(nil)
)

// Name returns the name the file was opened with.
func (f *File) Name() string { return f.name }

func (f *File) err(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	return pathErr(op, f.name, err)
}

// Read reads from the current offset.
func (f *File) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.impl == nil {
		return 0, f.err("read", EBADF)
	}
	if !readable(f.flag) {
		return 0, f.err("read", EBADF)
	}
	if len(p) == 0 {
		return 0, nil
	}
	n, err := f.impl.ReadAt(p, f.off)
	f.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, f.err("read", err)
}

// ReadAt reads at off without moving the offset (pread).
func (f *File) ReadAt(p []byte, off int64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.impl == nil || !readable(f.flag):
		return 0, f.err("read", EBADF)
	case off < 0:
		return 0, f.err("read", EINVAL)
	}
	n, err := f.impl.ReadAt(p, off)
	return n, f.err("read", err)
}

// Write writes at the current offset, or at the end of the file when the
// file was opened O_APPEND (atomically with respect to other appenders).
func (f *File) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.impl == nil || !writable(f.flag) {
		return 0, f.err("write", EBADF)
	}
	if f.flag&O_APPEND != 0 {
		n, end, err := f.impl.Append(p)
		if err == nil || n > 0 {
			f.off = end
		}
		return n, f.err("write", err)
	}
	n, err := f.impl.WriteAt(p, f.off)
	f.off += int64(n)
	if err == nil && f.flag&O_SYNC == O_SYNC {
		err = f.impl.Sync()
	}
	return n, f.err("write", err)
}

// WriteString is Write of a string.
func (f *File) WriteString(s string) (int, error) { return f.Write([]byte(s)) }

// WriteAt writes at off without moving the offset (pwrite). As with os.File,
// it is an error on a file opened O_APPEND.
func (f *File) WriteAt(p []byte, off int64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.impl == nil || !writable(f.flag):
		return 0, f.err("write", EBADF)
	case off < 0 || f.flag&O_APPEND != 0:
		return 0, f.err("write", EINVAL)
	}
	n, err := f.impl.WriteAt(p, off)
	return n, f.err("write", err)
}

// Seek sets the offset. Seeking a directory to 0 restarts ReadDir.
func (f *File) Seek(offset int64, whence int) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.impl == nil {
		return 0, f.err("seek", EBADF)
	}
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = f.off
	case io.SeekEnd:
		fi, err := f.impl.Stat()
		if err != nil {
			return 0, f.err("seek", err)
		}
		base = fi.Size()
	default:
		return 0, f.err("seek", EINVAL)
	}
	off := base + offset
	if off < 0 || (offset > 0 && off < base) {
		return 0, f.err("seek", EINVAL)
	}
	f.off = off
	if off == 0 {
		f.dirents, f.dirRead = nil, false
	}
	return off, nil
}

// Truncate sets the size of the file.
func (f *File) Truncate(size int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.impl == nil:
		return f.err("truncate", EBADF)
	case !writable(f.flag):
		return f.err("truncate", EINVAL)
	case size < 0:
		return f.err("truncate", EINVAL)
	}
	return f.err("truncate", f.impl.Truncate(size))
}

// Stat describes the open file (also after it was unlinked).
func (f *File) Stat() (fs.FileInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.impl == nil {
		return nil, f.err("stat", EBADF)
	}
	fi, err := f.impl.Stat()
	if err != nil {
		return nil, f.err("stat", err)
	}
	return fi, nil
}

// Sync makes the file's content and metadata durable (fsync).
func (f *File) Sync() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.impl == nil {
		return f.err("sync", EBADF)
	}
	return f.err("sync", f.impl.Sync())
}

// Close releases the file. A second Close is EBADF (fs.ErrClosed).
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.impl == nil {
		return f.err("close", EBADF)
	}
	err := f.impl.Close()
	f.impl = nil
	f.dirents = nil
	f.m.open.Add(-1)
	return f.err("close", err)
}

// ReadDir reads the directory's entries in name order, as fs.ReadDirFile:
// with n > 0 at most n entries and io.EOF at the end, with n <= 0 all that
// remain.
func (f *File) ReadDir(n int) ([]fs.DirEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.impl == nil {
		return nil, f.err("readdir", EBADF)
	}
	if !f.dirRead {
		ents, err := f.impl.ReadDir()
		if err != nil {
			return nil, f.err("readdir", err)
		}
		f.dirents, f.dirRead = ents, true
	}
	if n <= 0 {
		ents := f.dirents
		f.dirents = nil
		if ents == nil {
			ents = []fs.DirEntry{}
		}
		return ents, nil
	}
	if len(f.dirents) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(f.dirents))
	ents := f.dirents[:n:n]
	f.dirents = f.dirents[n:]
	return ents, nil
}
