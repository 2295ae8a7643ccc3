// Package memfs is layer 1 of Nacho's storage: a RAM disk. It is what /tmp
// is, and the working file system of tests. Content is kept in sparse 64 KiB
// pages, so holes cost nothing and growing a large file never copies it.
//
// It must not import syscall/js.
package memfs

import (
	"io"
	"time"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/internal/tree"
)

// Options configure a RAM disk.
type Options struct {
	// Quota limits the bytes of file content; writes past it fail with
	// ENOSPC. 0 means no limit.
	Quota int64
	// Now is the clock for timestamps; nil means time.Now.
	Now func() time.Time
}

// FS is a RAM disk.
type FS struct {
	*tree.FS
}

var (
	_ vfs.Filesystem   = (*FS)(nil)
	_ vfs.AtomicWriter = (*FS)(nil)
)

// New returns an empty RAM disk.
func New(opts Options) *FS {
	f := &FS{}
	f.FS = tree.New(hooks{}, opts.Now)
	f.FS.Quota = opts.Quota
	return f
}

// Sync implements vfs.Filesystem; a RAM disk has nothing to make durable.
func (f *FS) Sync() error { return nil }

// Close implements vfs.Filesystem.
func (f *FS) Close() error { return nil }

// Statfs implements vfs.Filesystem.
func (f *FS) Statfs() (vfs.FSInfo, error) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return vfs.FSInfo{Type: "memfs", Used: f.Used, Quota: f.Quota, Files: f.Files}, nil
}

type hooks struct{}

func (hooks) NewContent(*tree.Node) tree.Content { return &Pages{} }
func (hooks) Changed(*tree.Node)                 {}
func (hooks) Unlinked(*tree.Node)                {}
func (hooks) Closed(*tree.Node, bool)            {}
func (hooks) Sync(*tree.Node) error              { return nil }
func (hooks) Discard(tree.Content)               {}
func (hooks) Released(n *tree.Node) {
	if p, ok := n.Data.(*Pages); ok {
		p.pages, p.size = nil, 0
	}
}

// PageSize is the granularity of RAM allocation for file content.
const PageSize = 64 << 10

// Pages is sparse file content in RAM: a hole is a nil page and reads as
// zeros. It is not safe for concurrent use on its own.
type Pages struct {
	pages []*[PageSize]byte
	size  int64
}

var _ tree.Content = (*Pages)(nil)

// Size implements tree.Content.
func (p *Pages) Size() int64 { return p.size }

// ReadAt implements tree.Content.
func (p *Pages) ReadAt(b []byte, off int64) (int, error) {
	if off >= p.size {
		return 0, io.EOF
	}
	want := len(b)
	if rem := p.size - off; int64(want) > rem {
		b = b[:rem]
	}
	n := 0
	for n < len(b) {
		i, o := (off+int64(n))/PageSize, (off+int64(n))%PageSize
		var c int
		if pg := p.pages[i]; pg == nil {
			c = copy(b[n:], zeros[o:])
		} else {
			c = copy(b[n:], pg[o:])
		}
		n += c
	}
	if n < want {
		return n, io.EOF
	}
	return n, nil
}

var zeros [PageSize]byte

// MaxSize bounds a file's size in RAM (it keeps the page table small for
// absurd offsets).
const MaxSize = 1 << 40

// WriteAt implements tree.Content.
func (p *Pages) WriteAt(b []byte, off int64) (int, error) {
	end := off + int64(len(b))
	if off < 0 || end > MaxSize {
		return 0, vfs.EFBIG
	}
	p.grow(end)
	n := 0
	for n < len(b) {
		i, o := (off+int64(n))/PageSize, (off+int64(n))%PageSize
		pg := p.pages[i]
		if pg == nil {
			pg = new([PageSize]byte)
			p.pages[i] = pg
		}
		n += copy(pg[o:], b[n:])
	}
	if end > p.size {
		p.size = end
	}
	return n, nil
}

func (p *Pages) grow(size int64) {
	np := int((size + PageSize - 1) / PageSize)
	if np > len(p.pages) {
		if np <= cap(p.pages) {
			p.pages = p.pages[:np]
		} else {
			grown := make([]*[PageSize]byte, np, max(np, 2*cap(p.pages)))
			copy(grown, p.pages)
			p.pages = grown
		}
	}
}

// Truncate implements tree.Content.
func (p *Pages) Truncate(size int64) error {
	if size < 0 || size > MaxSize {
		return vfs.EFBIG
	}
	if size > p.size {
		p.grow(size)
		p.size = size
		return nil
	}
	np := int((size + PageSize - 1) / PageSize)
	for i := np; i < len(p.pages); i++ {
		p.pages[i] = nil
	}
	p.pages = p.pages[:np]
	if o := size % PageSize; o != 0 && p.pages[np-1] != nil {
		clear(p.pages[np-1][o:])
	}
	p.size = size
	return nil
}
