package kernel

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

type screen struct {
	mu  sync.Mutex
	out strings.Builder
}

func (s *screen) write(b []byte) { s.mu.Lock(); s.out.Write(b); s.mu.Unlock() }
func (s *screen) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.out.String() }

func newKernel(t *testing.T) *Kernel {
	t.Helper()
	return New(Config{FS: vfs.New(memfs.New(memfs.Options{}))})
}

func readLine(t *testing.T, tty *TTY) string {
	t.Helper()
	buf := make([]byte, 256)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, err := tty.ReadContext(ctx, buf)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(buf[:n])
}

func TestTTYCookedEditing(t *testing.T) {
	k := newKernel(t)
	var scr screen
	tty := k.NewTTY(80, 24, scr.write)
	tty.Input([]byte("helo\x7flo wrld\x17world\r"))
	if got := readLine(t, tty); got != "hello world\n" {
		t.Fatalf("line = %q", got)
	}
	if s := scr.String(); !strings.HasSuffix(s, "\r\n") || !strings.Contains(s, "\b \b") {
		t.Fatalf("echo = %q", s)
	}
	// A read returns one line at a time.
	tty.Input([]byte("one\rtwo\r"))
	if a, b := readLine(t, tty), readLine(t, tty); a != "one\n" || b != "two\n" {
		t.Fatalf("lines = %q %q", a, b)
	}
}

func TestTTYOutputNewlines(t *testing.T) {
	k := newKernel(t)
	var scr screen
	tty := k.NewTTY(80, 24, scr.write)
	tty.Write([]byte("a\nb\r\nc"))
	if got := scr.String(); got != "a\r\nb\r\nc" {
		t.Fatalf("output = %q", got)
	}
}

func TestTTYInterruptSignalsForegroundGroup(t *testing.T) {
	k := newKernel(t)
	tty := k.NewTTY(80, 24, func([]byte) {})
	started := make(chan struct{})
	p, err := k.Spawn(SpawnOptions{Args: []string{"reader"}, TTY: tty, Files: []*OpenFile{tty.OpenFile()}, Main: func(p *Process) int {
		close(started)
		buf := make([]byte, 10)
		p.Stdin().Read(buf) // blocks until the signal interrupts it
		return 0
	}})
	if err != nil {
		t.Fatal(err)
	}
	tty.SetForeground(p.PGID())
	<-started
	tty.Input([]byte("abc\x03"))
	select {
	case <-p.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("^C did not end the foreground process")
	}
	if st := p.Wait(); st != 128+int(SIGINT) {
		t.Fatalf("status = %d, want %d", st, 128+int(SIGINT))
	}
}

func TestTTYEOF(t *testing.T) {
	k := newKernel(t)
	tty := k.NewTTY(80, 24, func([]byte) {})
	tty.Input([]byte{0x04})
	n, err := tty.ReadContext(context.Background(), make([]byte, 4))
	if n != 0 || err == nil {
		t.Fatalf("^D on an empty line: %d, %v; want EOF", n, err)
	}
}
