package chunkfs

import (
	"io"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/internal/tree"
)

// file is a regular file's content: fixed-size chunks, each either a
// stored chunk named by its hash (or a hole) or a dirty buffer in RAM.
// Chunk i holds bytes [i*cs, min((i+1)*cs, size)); a slot's bytes past the
// end of its buffer or stored chunk read as zeros.
//
// Preconditions: every method runs with the tree lock held.
type file struct {
	fs    *FS
	node  *tree.Node
	cs    int64
	size  int64
	slots []slot
	dirty int // slots holding a buffer
}

type slot struct {
	hash Hash   // when buf is nil: the stored chunk, or a hole
	buf  []byte // dirty content, nil when clean
}

var _ tree.Content = (*file)(nil)

func (f *file) Size() int64 { return f.size }

// chunkLen is the logical length of chunk i.
func (f *file) chunkLen(i int) int64 {
	return min(f.cs, f.size-int64(i)*f.cs)
}

// bytesOf returns the content of slot i, possibly shorter than its
// logical length (the rest is zeros). The slice must not be modified.
func (f *file) bytesOf(i int) ([]byte, error) {
	s := &f.slots[i]
	if s.buf != nil {
		return s.buf, nil
	}
	if s.hash.IsHole() {
		return nil, nil
	}
	return f.fs.loadChunk(s.hash, f.node)
}

func (f *file) ReadAt(p []byte, off int64) (int, error) {
	if off >= f.size {
		return 0, io.EOF
	}
	want := len(p)
	if rem := f.size - off; int64(len(p)) > rem {
		p = p[:rem]
	}
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		i, o := int(pos/f.cs), pos%f.cs
		m := int(min(f.cs-o, int64(len(p)-n)))
		data, err := f.bytesOf(i)
		if err != nil {
			return n, err
		}
		c := 0
		if o < int64(len(data)) {
			c = copy(p[n:n+m], data[o:])
		}
		clear(p[n+c : n+m])
		n += m
	}
	if n < want {
		return n, io.EOF
	}
	return n, nil
}

// writable turns slot i into a dirty buffer holding its current content.
func (f *file) writable(i int) ([]byte, error) {
	s := &f.slots[i]
	if s.buf != nil {
		return s.buf, nil
	}
	var buf []byte
	if !s.hash.IsHole() {
		data, err := f.fs.loadChunk(s.hash, f.node)
		if err != nil {
			return nil, err
		}
		buf = make([]byte, len(data), f.cs)
		copy(buf, data)
		f.fs.unref(s.hash)
		s.hash = Hash{}
	} else {
		buf = make([]byte, 0, min(f.cs, 4096))
	}
	s.buf = buf
	f.dirty++
	f.fs.dirtyBytes += int64(len(buf))
	f.fs.dirtyFiles[f] = struct{}{}
	return buf, nil
}

func (f *file) WriteAt(p []byte, off int64) (int, error) {
	end := off + int64(len(p))
	if off < 0 || end > maxFileSize {
		return 0, vfs.EFBIG
	}
	// Keep dirty data bounded before taking more, so a write that
	// cannot be flushed (ENOSPC) fails without changing anything.
	if err := f.fs.maybeFlush(); err != nil {
		return 0, err
	}
	if end > f.size {
		f.resize(end)
	}
	n := 0
	for n < len(p) {
		if n > 0 {
			if err := f.fs.maybeFlush(); err != nil {
				return n, err
			}
		}
		pos := off + int64(n)
		i, o := int(pos/f.cs), int(pos%f.cs)
		m := min(int(f.cs)-o, len(p)-n)
		buf, err := f.writable(i)
		if err != nil {
			return n, err
		}
		if need := o + m; need > len(buf) {
			old := len(buf)
			if need > cap(buf) {
				nb := make([]byte, need, min(int(f.cs), max(need, 2*cap(buf))))
				copy(nb, buf)
				buf = nb
			} else {
				buf = buf[:need]
				clear(buf[old:])
			}
			f.fs.dirtyBytes += int64(need - old)
		}
		copy(buf[o:], p[n:n+m])
		f.slots[i].buf = buf
		n += m
	}
	return n, nil
}

// resize changes the size; slots past the end are dropped, new ones are
// holes.
func (f *file) resize(size int64) {
	nslots := int((size + f.cs - 1) / f.cs)
	for i := nslots; i < len(f.slots); i++ {
		f.dropSlot(i)
	}
	if nslots <= cap(f.slots) {
		f.slots = f.slots[:nslots]
	} else {
		ns := make([]slot, nslots, max(nslots, 2*cap(f.slots)))
		copy(ns, f.slots)
		f.slots = ns
	}
	f.size = size
}

func (f *file) dropSlot(i int) {
	s := &f.slots[i]
	if s.buf != nil {
		f.fs.dirtyBytes -= int64(len(s.buf))
		f.dirty--
	} else if !s.hash.IsHole() {
		f.fs.unref(s.hash)
	}
	*s = slot{}
}

func (f *file) Truncate(size int64) error {
	if size < 0 || size > maxFileSize {
		return vfs.EFBIG
	}
	if err := f.fs.maybeFlush(); err != nil {
		return err
	}
	if size < f.size && size%f.cs != 0 {
		// Cut the chunk the new end falls in, so growing later reads zeros.
		i := int(size / f.cs)
		buf, err := f.writable(i)
		if err != nil {
			return err
		}
		if keep := int(size % f.cs); keep < len(buf) {
			f.fs.dirtyBytes -= int64(len(buf) - keep)
			f.slots[i].buf = buf[:keep]
		}
	}
	f.resize(size)
	return nil
}

// hashes returns the stored chunk list; preconditions: no dirty slots.
func (f *file) hashes() []Hash {
	hs := make([]Hash, len(f.slots))
	for i, s := range f.slots {
		hs[i] = s.hash
	}
	return hs
}

// release drops every reference the content holds.
func (f *file) release() {
	for i := range f.slots {
		f.dropSlot(i)
	}
	f.slots, f.size = nil, 0
	delete(f.fs.dirtyFiles, f)
}

const maxFileSize = 1 << 44
