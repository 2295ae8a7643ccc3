package kernel

import (
	"context"
	"io"
	"sync"
	"unicode/utf8"
)

// TTYMode is the terminal's line discipline, a small subset of termios.
type TTYMode struct {
	Echo  bool // echo input back to the terminal
	Canon bool // line editing: a read returns one whole line
	ISig  bool // ^C sends SIGINT, ^\ SIGQUIT to the foreground group
	ONLCR bool // output "\n" as "\r\n"
}

// CookedMode is how a terminal starts: what a program reading lines expects.
var CookedMode = TTYMode{Echo: true, Canon: true, ISig: true, ONLCR: true}

// RawMode passes every key through as bytes; the reader does its own
// editing (a shell's line editor, a full-screen program).
var RawMode = TTYMode{ONLCR: true}

// TTY is a terminal: keys come in through Input, output goes to the
// function given to NewTTY (a terminal emulator in the page, a host
// terminal natively).
type TTY struct {
	k   *Kernel
	out func([]byte)

	mu         sync.Mutex
	mode       TTYMode
	cols, rows int
	line       []byte // canonical mode: the line being edited
	in         []byte // bytes ready for readers
	eof        int    // pending end-of-file marks (^D on an empty line)
	hungup     bool
	fg         int // foreground process group
	changed    chan struct{}
}

// NewTTY makes a terminal of cols x rows whose output goes to out. out is
// called with the kernel's locks released and must not retain its argument.
func (k *Kernel) NewTTY(cols, rows int, out func([]byte)) *TTY {
	return &TTY{k: k, out: out, mode: CookedMode, cols: cols, rows: rows, changed: make(chan struct{})}
}

func (t *TTY) wake() {
	close(t.changed)
	t.changed = make(chan struct{})
}

// Mode returns the line discipline.
func (t *TTY) Mode() TTYMode {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.mode
}

// SetMode changes the line discipline. Leaving canonical mode hands a
// half-edited line to readers as it is.
func (t *TTY) SetMode(m TTYMode) {
	t.mu.Lock()
	if t.mode.Canon && !m.Canon && len(t.line) > 0 {
		t.in = append(t.in, t.line...)
		t.line = t.line[:0]
	}
	t.mode = m
	t.wake()
	t.mu.Unlock()
}

// Size is the terminal's size in character cells.
func (t *TTY) Size() (cols, rows int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cols, t.rows
}

// Resize records a new size and tells the foreground group (SIGWINCH).
func (t *TTY) Resize(cols, rows int) {
	t.mu.Lock()
	changed := cols != t.cols || rows != t.rows
	t.cols, t.rows = cols, rows
	fg := t.fg
	t.mu.Unlock()
	if changed && fg != 0 {
		t.k.Kill(-fg, SIGWINCH)
	}
}

// SetForeground makes pgid the group that gets keyboard signals.
func (t *TTY) SetForeground(pgid int) {
	t.mu.Lock()
	t.fg = pgid
	t.mu.Unlock()
}

// Foreground is the foreground process group.
func (t *TTY) Foreground() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fg
}

// Input feeds keys typed at the terminal.
func (t *TTY) Input(b []byte) {
	var echo []byte
	var sig Signal
	t.mu.Lock()
	if t.hungup {
		t.mu.Unlock()
		return
	}
	m := t.mode
	for i := 0; i < len(b); i++ {
		c := b[i]
		if m.ISig && (c == 0x03 || c == 0x1c) {
			sig = SIGINT
			if c == 0x1c {
				sig = SIGQUIT
			}
			t.line = t.line[:0]
			t.in = t.in[:0]
			if m.Echo {
				echo = append(echo, '^', "C\\"[c>>4&1])
				echo = append(echo, '\r', '\n')
			}
			continue
		}
		if !m.Canon {
			t.in = append(t.in, c)
			if m.Echo {
				echo = append(echo, c)
			}
			continue
		}
		switch c {
		case '\r', '\n':
			t.line = append(t.line, '\n')
			t.in = append(t.in, t.line...)
			t.line = t.line[:0]
			if m.Echo {
				echo = append(echo, '\r', '\n')
			}
		case 0x7f, 0x08:
			if len(t.line) > 0 {
				_, size := utf8.DecodeLastRune(t.line)
				t.line = t.line[:len(t.line)-size]
				if m.Echo {
					echo = append(echo, '\b', ' ', '\b')
				}
			}
		case 0x15: // ^U
			if m.Echo {
				for range utf8.RuneCount(t.line) {
					echo = append(echo, '\b', ' ', '\b')
				}
			}
			t.line = t.line[:0]
		case 0x17: // ^W
			n := len(t.line)
			for n > 0 && t.line[n-1] == ' ' {
				n--
			}
			for n > 0 && t.line[n-1] != ' ' {
				n--
			}
			if m.Echo {
				for range utf8.RuneCount(t.line[n:]) {
					echo = append(echo, '\b', ' ', '\b')
				}
			}
			t.line = t.line[:n]
		case 0x04: // ^D
			if len(t.line) == 0 {
				t.eof++
			} else {
				t.in = append(t.in, t.line...)
				t.line = t.line[:0]
			}
		default:
			t.line = append(t.line, c)
			if m.Echo {
				echo = append(echo, c)
			}
		}
	}
	fg := t.fg
	t.wake()
	t.mu.Unlock()
	if len(echo) > 0 {
		t.output(echo, m.ONLCR)
	}
	if sig != 0 && fg != 0 {
		t.k.Kill(-fg, sig)
	}
}

// ReadContext reads input: in canonical mode one line at most, otherwise
// whatever is waiting. It blocks until there is input, end of file, a
// hangup, or ctx is done.
func (t *TTY) ReadContext(ctx context.Context, b []byte) (int, error) {
	for {
		t.mu.Lock()
		if len(t.in) > 0 {
			n := len(t.in)
			if t.mode.Canon {
				for i, c := range t.in {
					if c == '\n' {
						n = i + 1
						break
					}
				}
			}
			n = copy(b, t.in[:n])
			t.in = t.in[n:]
			t.mu.Unlock()
			return n, nil
		}
		if t.eof > 0 {
			t.eof--
			t.mu.Unlock()
			return 0, io.EOF
		}
		if t.hungup {
			t.mu.Unlock()
			return 0, io.EOF
		}
		wait := t.changed
		t.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return 0, ErrInterrupted
		}
	}
}

// Write sends output to the terminal.
func (t *TTY) Write(b []byte) (int, error) {
	t.mu.Lock()
	hung, onlcr := t.hungup, t.mode.ONLCR
	t.mu.Unlock()
	if hung {
		return 0, ErrHangup
	}
	t.output(b, onlcr)
	return len(b), nil
}

func (t *TTY) output(b []byte, onlcr bool) {
	if onlcr {
		var buf []byte
		last := 0
		for i, c := range b {
			if c == '\n' && (i == 0 || b[i-1] != '\r') {
				buf = append(buf, b[last:i]...)
				buf = append(buf, '\r', '\n')
				last = i + 1
			}
		}
		if buf != nil {
			b = append(buf, b[last:]...)
		}
	}
	t.out(b)
}

// Hangup closes the terminal: readers see end of file and every process
// whose controlling terminal it is gets SIGHUP.
func (t *TTY) Hangup() {
	t.mu.Lock()
	if t.hungup {
		t.mu.Unlock()
		return
	}
	t.hungup = true
	t.wake()
	t.mu.Unlock()
	t.k.mu.Lock()
	var ps []*Process
	for _, p := range t.k.procs {
		if p.tty == t {
			ps = append(ps, p)
		}
	}
	t.k.mu.Unlock()
	for _, p := range ps {
		p.Signal(SIGHUP)
	}
}

// OpenFile returns a new descriptor-able reference to the terminal.
// Closing it does not close the terminal.
func (t *TTY) OpenFile() *OpenFile { return NewOpenFile(&ttyFile{t}) }

type ttyFile struct{ t *TTY }

func (f *ttyFile) Read(b []byte) (int, error) { return f.t.ReadContext(context.Background(), b) }
func (f *ttyFile) ReadContext(ctx context.Context, b []byte) (int, error) {
	return f.t.ReadContext(ctx, b)
}
func (f *ttyFile) Write(b []byte) (int, error) { return f.t.Write(b) }
func (f *ttyFile) Close() error                { return nil }

// TTYOf returns the terminal behind f, if it is one.
func TTYOf(f *OpenFile) (*TTY, bool) {
	if f == nil {
		return nil, false
	}
	tf, ok := f.File().(*ttyFile)
	if !ok {
		return nil, false
	}
	return tf.t, true
}

// Terminal is what a program may ask of the terminal behind a descriptor:
// a *TTY, or a stand-in for one when the program runs in another worker.
type Terminal interface {
	Mode() TTYMode
	SetMode(m TTYMode)
	Size() (cols, rows int)
}

var _ Terminal = (*TTY)(nil)

// TerminalOf returns the terminal behind f, if it is one.
func TerminalOf(f *OpenFile) (Terminal, bool) {
	if t, ok := TTYOf(f); ok {
		return t, true
	}
	if f == nil {
		return nil, false
	}
	t, ok := f.File().(Terminal)
	return t, ok
}
