package remote

import (
	"errors"
	"sync"
)

// Pipe returns the two ends of an in-memory Conn, for tests and for
// running a guest in the same process.
func Pipe() (Conn, Conn) {
	a := &pipeEnd{in: make(chan []byte, 64), done: make(chan struct{})}
	b := &pipeEnd{in: make(chan []byte, 64), done: a.done, once: &sync.Once{}}
	a.once = b.once
	a.peer, b.peer = b, a
	return a, b
}

type pipeEnd struct {
	in   chan []byte
	peer *pipeEnd
	done chan struct{}
	once *sync.Once
}

var errPipeClosed = errors.New("remote: connection closed")

func (p *pipeEnd) Send(msg []byte) error {
	cp := append([]byte(nil), msg...)
	select {
	case <-p.done:
		return errPipeClosed
	default:
	}
	select {
	case p.peer.in <- cp:
		return nil
	case <-p.done:
		return errPipeClosed
	}
}

func (p *pipeEnd) Recv() ([]byte, error) {
	select {
	case m := <-p.in:
		return m, nil
	case <-p.done:
		select {
		case m := <-p.in:
			return m, nil
		default:
			return nil, errPipeClosed
		}
	}
}

func (p *pipeEnd) Close() error {
	p.once.Do(func() { close(p.done) })
	return nil
}
