package dos

import (
	"io"
	"sync"
	"time"
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

// typePace is how long a program must have looked for a key, finding
// none, before the next key of a stream is typed. Keys from a pipe or a
// terminal then arrive at a typist's pace, after the program is ready for
// them, instead of all at once into whatever flushes the buffer first.
const typePace = 15 * time.Millisecond

// holdFor is how long Ctrl or Alt stay down after a typed key.
const holdFor = 20 * time.Millisecond

// feedKey moves the next key from the keyboard stream into the BIOS
// buffer when the buffer is empty (a key is typed only when the program
// looks for one, so a stream shared with standard input keeps its order).
// wait says the program blocks for a key (it gets one at once); a program
// that only polls gets the next key once it has polled for typePace.
// feedKey reports whether a key is now in the buffer.
func (m *Machine) feedKey(wait bool) bool {
	if _, ok := m.kbdPeek(); ok {
		return true
	}
	if m.keyIn == nil || m.kbc.busy() {
		return false // no stream, or a key on its way through IRQ 1
	}
	if len(m.heldKeys) > 0 {
		m.poll(m.heldUntil) // its modifiers are still down
		return false
	}
	m.keyIn.start()
	if !wait {
		now := m.now()
		if m.emptySince.IsZero() {
			m.emptySince = now
		}
		if due := m.emptySince.Add(typePace); now.Before(due) {
			if m.keyIn.buffered() > 0 {
				m.poll(due)
			}
			return false
		}
	}
	if m.keyIn.buffered() > 0 {
		m.emptySince = time.Time{}
	}
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
				return m.typeKey(w)
			}
		}
		m.keyIn.skip(1)
		last := m.lastTyped
		m.lastTyped = b
		if b == '\n' && last == '\r' {
			continue
		}
		return m.typeKey(keyWord(b))
	}
}

// typeKey types a key word from a stream. A key the keyboard has goes
// in as its scan codes (with Shift, Ctrl or Alt pressed around it, and
// E0h for the grey keys), through the 8042 and INT 9 like a real key
// press; a character no key types goes straight into the BIOS buffer. It
// reports whether the key is in the buffer already.
func (m *Machine) typeKey(w uint16) bool {
	seq, ok := scanSequence(w)
	if !ok {
		m.kbdPush(w)
		return true
	}
	// A modifier stays down a moment after the key, as a typist's does:
	// programs look at the shift state around the key.
	if n := len(seq); n > 2 && seq[n-1]&0x80 != 0 && isModifier(seq[n-1]&0x7F) {
		m.heldKeys = append(m.heldKeys[:0], seq[n-1])
		m.heldUntil = m.now().Add(holdFor)
		seq = seq[:n-1]
	}
	m.kbc.key(seq, 0, false)
	m.kbc.service()
	return false
}

// Modifier make codes.
const (
	scShift = 0x2A
	scCtrl  = 0x1D
	scAlt   = 0x38
)

var (
	wordScans     map[uint16][]byte
	wordScansOnce sync.Once
)

// buildWordScans maps key words to scan codes, from the key table (which
// is built by another file's init, so this waits for first use).
func buildWordScans() {
	wordScans = map[uint16][]byte{}
	around := func(mod byte, sc byte) []byte {
		return []byte{mod, sc, sc | 0x80, mod | 0x80}
	}
	// Most plain forms first so they win over other ways to type the
	// same word.
	for sc := len(scanTable) - 1; sc > 0; sc-- {
		k := scanTable[sc]
		b := byte(sc)
		if k.alt != 0 {
			wordScans[k.alt] = around(scAlt, b)
		}
		if k.ctrl != 0 {
			wordScans[k.ctrl] = around(scCtrl, b)
		}
		if k.shift != 0 && k.shift != k.normal {
			wordScans[k.shift] = around(scShift, b)
		}
	}
	for sc := len(scanTable) - 1; sc > 0; sc-- {
		if k := scanTable[sc]; k.normal != 0 {
			wordScans[k.normal] = []byte{byte(sc), byte(sc) | 0x80}
		}
	}
	// The cursor block and the keys beside it are the grey (E0h) ones.
	for _, sc := range []byte{0x47, 0x48, 0x49, 0x4B, 0x4D, 0x4F, 0x50, 0x51, 0x52, 0x53} {
		wordScans[uint16(sc)<<8] = []byte{0xE0, sc, 0xE0, sc | 0x80}
		if c := scanTable[sc].ctrl; c != 0 {
			wordScans[c] = []byte{scCtrl, 0xE0, sc, 0xE0, sc | 0x80, scCtrl | 0x80}
		}
	}
}

// scanSequence is what the keyboard sends for a key word.
func scanSequence(w uint16) ([]byte, bool) {
	wordScansOnce.Do(buildWordScans)
	seq, ok := wordScans[w]
	return seq, ok
}

// isModifier says whether a key is held a moment around the key it
// modifies: Ctrl and Alt, which programs read from the shift state.
func isModifier(sc byte) bool { return sc == scCtrl || sc == scAlt }

// releaseHeld lets go of the modifiers of the last typed key once their
// time is up. It reports whether it did.
func (m *Machine) releaseHeld(now time.Time) bool {
	if len(m.heldKeys) == 0 || now.Before(m.heldUntil) {
		return false
	}
	m.kbc.key(m.heldKeys, 0, false)
	m.heldKeys = m.heldKeys[:0]
	m.emptySince = now
	return true
}
