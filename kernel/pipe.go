package kernel

import (
	"context"
	"io"
	"sync"
)

// PipeSize is the capacity of a pipe's buffer, as on Linux.
const PipeSize = 64 << 10

// pipe is a bounded byte queue between a writer end and a reader end. A
// writer faster than its reader blocks once PipeSize bytes are waiting;
// nothing is dropped.
type pipe struct {
	mu      sync.Mutex
	buf     []byte // ring buffer of PipeSize
	r, n    int    // read position and byte count
	rclosed bool
	wclosed bool
	changed chan struct{} // closed and replaced on every state change
	release func()        // gives the buffer's memory back; nil once done
}

func (p *pipe) signal() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// NewPipe returns the read and write ends of a new pipe, each with one
// reference held by the caller. Its buffer is charged to nobody; processes
// use Process.Pipe.
func NewPipe() (r, w *OpenFile) { return newPipe(nil) }

func newPipe(release func()) (r, w *OpenFile) {
	p := &pipe{buf: make([]byte, PipeSize), changed: make(chan struct{}), release: release}
	return NewOpenFile(&pipeReader{p}), NewOpenFile(&pipeWriter{p})
}

// closedLocked runs the release function once both ends are closed.
func (p *pipe) closedLocked() {
	if p.rclosed && p.wclosed && p.release != nil {
		p.release()
		p.release = nil
		p.buf = nil
	}
}

type pipeReader struct{ p *pipe }
type pipeWriter struct{ p *pipe }

func (r *pipeReader) Read(b []byte) (int, error) { return r.ReadContext(context.Background(), b) }
func (r *pipeReader) Write([]byte) (int, error)  { return 0, ErrBadFD }
func (r *pipeReader) Close() error {
	p := r.p
	p.mu.Lock()
	p.rclosed = true
	p.signal()
	p.closedLocked()
	p.mu.Unlock()
	return nil
}

func (r *pipeReader) ReadContext(ctx context.Context, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	p := r.p
	for {
		p.mu.Lock()
		if p.n > 0 {
			m := 0
			for m < len(b) && p.n > 0 {
				end := min(p.r+p.n, len(p.buf))
				c := copy(b[m:], p.buf[p.r:end])
				m += c
				p.r = (p.r + c) % len(p.buf)
				p.n -= c
			}
			p.signal()
			p.mu.Unlock()
			return m, nil
		}
		if p.wclosed {
			p.mu.Unlock()
			return 0, io.EOF
		}
		wait := p.changed
		p.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return 0, ErrInterrupted
		}
	}
}

func (w *pipeWriter) Read([]byte) (int, error)    { return 0, ErrBadFD }
func (w *pipeWriter) Write(b []byte) (int, error) { return w.WriteContext(context.Background(), b) }
func (w *pipeWriter) Close() error {
	p := w.p
	p.mu.Lock()
	p.wclosed = true
	p.signal()
	p.closedLocked()
	p.mu.Unlock()
	return nil
}

func (w *pipeWriter) WriteContext(ctx context.Context, b []byte) (int, error) {
	p := w.p
	done := 0
	for done < len(b) {
		p.mu.Lock()
		if p.rclosed {
			p.mu.Unlock()
			return done, ErrBrokenPipe
		}
		if free := len(p.buf) - p.n; free > 0 {
			for free > 0 && done < len(b) {
				pos := (p.r + p.n) % len(p.buf)
				end := len(p.buf)
				if pos < p.r {
					end = p.r
				}
				c := copy(p.buf[pos:min(end, pos+free)], b[done:])
				done += c
				p.n += c
				free -= c
			}
			p.signal()
			p.mu.Unlock()
			continue
		}
		wait := p.changed
		p.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return done, ErrInterrupted
		}
	}
	return done, nil
}
