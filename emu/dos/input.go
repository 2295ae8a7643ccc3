package dos

import (
	"io"
	"sync"
)

// pump reads a host stream (a terminal, a pipe, a file) in its own
// goroutine, a little ahead of the machine, and wakes the machine when
// bytes come. Reading starts only once the program asks for input, so a
// program that never reads leaves its input to whoever comes next.
type pump struct {
	r    io.Reader
	wake chan struct{}

	mu      sync.Mutex
	cond    *sync.Cond
	buf     []byte
	ended   bool
	started bool
	stopped bool
}

const pumpAhead = 4096

func newPump(r io.Reader, wake chan struct{}) *pump {
	p := &pump{r: r, wake: wake}
	p.cond = sync.NewCond(&p.mu)
	return p
}

func (p *pump) start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started || p.stopped {
		return
	}
	p.started = true
	go p.run()
}

func (p *pump) run() {
	chunk := make([]byte, 512)
	for {
		p.mu.Lock()
		for len(p.buf) >= pumpAhead && !p.stopped {
			p.cond.Wait()
		}
		stopped := p.stopped
		p.mu.Unlock()
		if stopped {
			return
		}
		n, err := p.r.Read(chunk)
		p.mu.Lock()
		p.buf = append(p.buf, chunk[:n]...)
		if err != nil {
			p.ended = true
		}
		p.mu.Unlock()
		select {
		case p.wake <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

func (p *pump) stop() {
	p.mu.Lock()
	p.stopped = true
	p.cond.Broadcast()
	p.mu.Unlock()
}

func (p *pump) peek() (byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) == 0 {
		return 0, false
	}
	return p.buf[0], true
}

func (p *pump) peekAll() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]byte(nil), p.buf...)
}

func (p *pump) skip(n int) {
	p.mu.Lock()
	p.buf = p.buf[min(n, len(p.buf)):]
	p.cond.Broadcast()
	p.mu.Unlock()
}

// read takes up to len(b) bytes that have arrived.
func (p *pump) read(b []byte) int {
	p.mu.Lock()
	n := copy(b, p.buf)
	p.buf = p.buf[n:]
	p.cond.Broadcast()
	p.mu.Unlock()
	return n
}

func (p *pump) buffered() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.buf)
}

// eof says the stream has ended (bytes may still be buffered).
func (p *pump) eof() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ended
}

// drained says the stream has ended and every byte was taken.
func (p *pump) drained() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ended && len(p.buf) == 0
}

// feedKey moves the next key from the keyboard stream into the BIOS
// buffer when the buffer is empty (a key is typed only when the program
// looks for one, so a stream shared with standard input keeps its order).
// It reports whether a key is now in the buffer.
func (m *Machine) feedKey() bool {
	if _, ok := m.kbdPeek(); ok {
		return true
	}
	if m.keyIn == nil {
		return false
	}
	m.keyIn.start()
	for {
		b, ok := m.keyIn.peek()
		if !ok {
			return false
		}
		if m.cfg.IO.Terminal {
			if w, n, ok := m.termKey(); ok {
				if n == 0 {
					return false // an escape sequence still arriving
				}
				m.keyIn.skip(n)
				if w == 0 {
					continue
				}
				m.kbdPush(w)
				return true
			}
		}
		m.keyIn.skip(1)
		last := m.lastTyped
		m.lastTyped = b
		if b == '\n' && last == '\r' {
			continue
		}
		m.kbdPush(keyWord(b))
		return true
	}
}
