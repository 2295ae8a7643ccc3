package fabrik

import (
	"context"
	"errors"
	"io"
	"sync"
)

// Transport is a reliable, ordered message channel between two peers: a
// WebRTC data channel (fabrik/rtc), or an in-memory Pipe in tests.
//
// Send may block for flow control and must not keep msg after it returns.
// Recv returns the next message; the returned slice belongs to the caller.
// Both return io.EOF (or an error wrapping it) once the transport is closed
// by either side. Send and Recv may be called from different goroutines;
// Send from several goroutines at once must be safe.
type Transport interface {
	Send(ctx context.Context, msg []byte) error
	Recv(ctx context.Context) ([]byte, error)
	Close() error
}

// Pipe returns two connected in-memory Transports. Each direction holds up
// to depth messages before Send blocks.
func Pipe(depth int) (Transport, Transport) {
	ab := make(chan []byte, depth)
	ba := make(chan []byte, depth)
	done := make(chan struct{})
	once := new(sync.Once)
	a := &pipeEnd{in: ba, out: ab, done: done, once: once}
	b := &pipeEnd{in: ab, out: ba, done: done, once: once}
	return a, b
}

type pipeEnd struct {
	in   <-chan []byte
	out  chan<- []byte
	done chan struct{}
	once *sync.Once
}

var _ Transport = (*pipeEnd)(nil)

func (p *pipeEnd) Send(ctx context.Context, msg []byte) error {
	select {
	case <-p.done:
		return io.EOF
	default:
	}
	select {
	case p.out <- append([]byte(nil), msg...):
		return nil
	case <-p.done:
		return io.EOF
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *pipeEnd) Recv(ctx context.Context) ([]byte, error) {
	select {
	case m := <-p.in:
		return m, nil
	default:
	}
	select {
	case m := <-p.in:
		return m, nil
	case <-p.done:
		return nil, io.EOF
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *pipeEnd) Close() error {
	p.once.Do(func() { close(p.done) })
	return nil
}

// ErrClosed is returned by operations on a closed Session.
var ErrClosed = errors.New("fabrik: link closed")
