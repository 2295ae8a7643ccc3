package kernel

import (
	"context"
	"io"
	"sync"
	"sync/atomic"

	"github.com/nachoos/nacho/vfs"
)

// File is what a descriptor refers to: a VFS file, a pipe end, a terminal,
// a device. Files whose reads or writes block should also implement
// ContextReader / ContextWriter so that a signal can interrupt them.
type File interface {
	io.Reader
	io.Writer
	io.Closer
}

// ContextReader is a File whose reads can be abandoned when ctx is done.
type ContextReader interface {
	ReadContext(ctx context.Context, p []byte) (int, error)
}

// ContextWriter is a File whose writes can be abandoned when ctx is done.
type ContextWriter interface {
	WriteContext(ctx context.Context, p []byte) (int, error)
}

// OpenFile is an open file shared by descriptors (after dup or spawn). It
// counts references and closes the File when the last one is dropped.
type OpenFile struct {
	f    File
	refs atomic.Int32
}

// NewOpenFile wraps f; the caller holds the one reference and must Close it.
func NewOpenFile(f File) *OpenFile {
	o := &OpenFile{f: f}
	o.refs.Store(1)
	return o
}

// Ref takes another reference.
func (o *OpenFile) Ref() *OpenFile {
	o.refs.Add(1)
	return o
}

// Close drops a reference; the last one closes the File.
func (o *OpenFile) Close() error {
	if o.refs.Add(-1) == 0 {
		return o.f.Close()
	}
	return nil
}

// File is the underlying file.
func (o *OpenFile) File() File { return o.f }

// ReadContext reads, giving up when ctx is done if the file can block.
func (o *OpenFile) ReadContext(ctx context.Context, p []byte) (int, error) {
	if r, ok := o.f.(ContextReader); ok {
		return r.ReadContext(ctx, p)
	}
	if err := ctx.Err(); err != nil {
		return 0, ErrInterrupted
	}
	return o.f.Read(p)
}

// WriteContext writes, giving up when ctx is done if the file can block.
func (o *OpenFile) WriteContext(ctx context.Context, p []byte) (int, error) {
	if w, ok := o.f.(ContextWriter); ok {
		return w.WriteContext(ctx, p)
	}
	if err := ctx.Err(); err != nil {
		return 0, ErrInterrupted
	}
	return o.f.Write(p)
}

// DevNull reads as empty and swallows writes.
type DevNull struct{}

func (DevNull) Read([]byte) (int, error)    { return 0, io.EOF }
func (DevNull) Write(p []byte) (int, error) { return len(p), nil }
func (DevNull) Close() error                { return nil }

// WriterFile is a write-only File over fn, for capturing a process's output.
// Reads give EOF. fn must not retain p.
type WriterFile struct {
	mu sync.Mutex
	fn func(p []byte)
}

// NewWriterFile returns a File whose writes are passed to fn, serialised.
func NewWriterFile(fn func(p []byte)) *WriterFile { return &WriterFile{fn: fn} }

func (w *WriterFile) Read([]byte) (int, error) { return 0, io.EOF }
func (w *WriterFile) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.fn(p)
	return len(p), nil
}
func (w *WriterFile) Close() error { return nil }

// ReaderFile is a read-only File over an io.Reader (a here-string, a
// buffer given to the embed API's run).
type ReaderFile struct{ R io.Reader }

func (r ReaderFile) Read(p []byte) (int, error) { return r.R.Read(p) }
func (r ReaderFile) Write([]byte) (int, error)  { return 0, ErrBadFD }
func (r ReaderFile) Close() error               { return nil }

// FileKind says what a descriptor refers to, as far as a program cares:
// whether input is a person at a terminal, nothing at all, or data.
type FileKind int

const (
	KindOther    FileKind = iota
	KindTerminal          // a terminal (see TerminalOf)
	KindNull              // /dev/null: reads end at once, writes vanish
	KindPipe              // one end of a pipe
	KindFile              // a file of the VFS
	KindCapture           // output captured for the caller (the embed API's run)
)

// Kinder is a File that says what kind it is (a stand-in for a descriptor
// of another worker does).
type Kinder interface {
	Kind() FileKind
}

// KindOf says what f refers to.
func KindOf(f *OpenFile) FileKind {
	if f == nil {
		return KindNull
	}
	if _, ok := TerminalOf(f); ok {
		return KindTerminal
	}
	switch x := f.File().(type) {
	case Kinder:
		return x.Kind()
	case DevNull:
		return KindNull
	case *pipeReader, *pipeWriter:
		return KindPipe
	case *WriterFile, ReaderFile:
		return KindCapture
	case *vfs.File:
		return KindFile
	}
	return KindOther
}
