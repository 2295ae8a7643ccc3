package dos

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nachoos/nacho/gpu/surface"
	"github.com/nachoos/nacho/kernel"
	_ "github.com/nachoos/nacho/kernel/coreutils"
	_ "github.com/nachoos/nacho/kernel/sh"
	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

// A kernel whose /dos holds the test programs and some FreeDOS ones.
func testKernel(t *testing.T) *kernel.Kernel {
	t.Helper()
	v := vfs.New(memfs.New(memfs.Options{}))
	files := freedos(t, "SORT.COM", "FIND.COM")
	files["HELLO.COM"] = assemble(t, "hello")
	files["FRUIT.TXT"] = []byte(fruit)
	v.MkdirAll("/dos", 0o755)
	for n, b := range files {
		if err := v.WriteFile("/dos/"+n, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return kernel.New(kernel.Config{FS: v})
}

func shell(t *testing.T, k *kernel.Kernel, cmd string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	var mu sync.Mutex
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code, err := k.Run(ctx, kernel.RunOptions{Cmd: cmd, Cwd: "/dos",
		Stdout: func(b []byte) { mu.Lock(); out.Write(b); mu.Unlock() },
		Stderr: func(b []byte) { mu.Lock(); errb.Write(b); mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return code, out.String(), errb.String()
}

func TestRunnerInShell(t *testing.T) {
	k := testKernel(t)
	if !Match("X.EXE", nil) || !Match("x.com", nil) || !Match("prog", []byte("MZ\x90\x00")) || Match("x.elf", []byte("\x7fELF")) {
		t.Errorf("Match")
	}
	// run FILE, with the exit code.
	code, out, errs := shell(t, k, "run /dos/HELLO.COM")
	if code != 5 || out != "Hello, DOS!\r\n" {
		t.Errorf("run HELLO.COM: exit %d, out %q, err %q", code, out, errs)
	}
	// ./FILE, redirection and a pipe into a Nacho program.
	code, out, errs = shell(t, k, "./SORT.COM < FRUIT.TXT | cat")
	if code != 0 || out != "apple\r\nbanana\r\ncherry\r\n" {
		t.Errorf("SORT through a pipe: exit %d, out %q, err %q", code, out, errs)
	}
	_, out, _ = shell(t, k, `./FIND.COM "kiwi" FRUIT.TXT; echo status $?`)
	if !strings.HasSuffix(out, "status 1\n") {
		t.Errorf("FIND's exit code in $?: %q", out)
	}
	// Output redirected to a file stays bytes (no terminal translation).
	shell(t, k, "./SORT.COM /R < FRUIT.TXT > SORTED.TXT")
	b, _ := k.FS().ReadFile("/dos/SORTED.TXT")
	if string(b) != "cherry\r\nbanana\r\napple\r\n" {
		t.Errorf("SORTED.TXT holds %q", b)
	}
	// The process's memory was charged and given back.
	if used, _ := k.MemoryUsed(); used != 0 {
		t.Errorf("%d bytes still charged after the programs ended", used)
	}
}

// view is a display view that records windows.
type view struct {
	mu     sync.Mutex
	opened chan *kernel.Window
	damage int
}

func (v *view) Opened(w *kernel.Window) { v.opened <- w }
func (v *view) Changed(*kernel.Window)  {}
func (v *view) Damaged(*kernel.Window)  { v.mu.Lock(); v.damage++; v.mu.Unlock() }
func (v *view) Closed(*kernel.Window)   {}
func (v *view) Focused(*kernel.Window)  {}

func TestRunnerWindow(t *testing.T) {
	k := testKernel(t)
	vw := &view{opened: make(chan *kernel.Window, 1)}
	k.Display().SetView(vw)
	k.FS().WriteFile("/dos/WAIT.COM", assemble(t, "idle", "BIOS"), 0o755)
	// As from a terminal in the page: standard handles are the console,
	// which is the window.
	var termOut bytes.Buffer
	tty := k.NewTTY(80, 25, func(b []byte) { termOut.Write(b) })
	spawn := func(prog string) *kernel.Process {
		f := tty.OpenFile()
		p, err := k.Spawn(kernel.SpawnOptions{Args: []string{"dos", prog}, Main: Main, Cwd: "/dos",
			Files: []*kernel.OpenFile{f, f, f}, TTY: tty})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := spawn("/dos/HELLO.COM")
	w := <-vw.opened
	if c := p.Wait(); c != 5 {
		t.Errorf("HELLO.COM in a window: exit %d", c)
	}
	g, ok := surfaceOf(w).(*surface.TextGrid)
	if !ok {
		t.Fatalf("window surface %T", surfaceOf(w))
	}
	if ch, attr := g.At(0, 0); ch != 'H' || attr != 0x07 {
		t.Errorf("cell 0,0 = %q %02X", ch, attr)
	}
	if !strings.HasPrefix(string(rowText(g, 0)), "Hello, DOS!") {
		t.Errorf("row 0: %q", rowText(g, 0))
	}
	// Keys typed in the window reach the program; closing a window
	// ends its program.
	if termOut.Len() != 0 {
		t.Errorf("with a window, the terminal got %q", termOut.String())
	}
	p = spawn("/dos/WAIT.COM")
	w = <-vw.opened
	for _, ev := range typeEvents("k") {
		k.Display().Input(w.ID(), ev)
	}
	if !waitDone(p, 5*time.Second) {
		t.Fatalf("WAIT.COM did not end after a key")
	}
	p = spawn("/dos/WAIT.COM")
	w = <-vw.opened
	k.Display().RequestClose(w.ID())
	if !waitDone(p, 5*time.Second) {
		t.Fatalf("closing the window did not end WAIT.COM")
	}
}

func surfaceOf(w *kernel.Window) any {
	s, _, _, _ := w.Surface()
	return s
}

func rowText(g *surface.TextGrid, row int) []byte {
	var b []byte
	for c := 0; c < g.Cols(); c++ {
		ch, _ := g.At(c, row)
		b = append(b, ch)
	}
	return b
}

func waitDone(p *kernel.Process, d time.Duration) bool {
	select {
	case <-p.Done():
		return true
	case <-time.After(d):
		return false
	}
}
