package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
	"github.com/nachoos/nacho/vfs/vfstest"
)

// standIn starts a host kernel with an idle stand-in process and serves a
// guest connection for it; it returns the guest's end.
func standIn(t *testing.T, files []*kernel.OpenFile) (*kernel.Kernel, *kernel.Process, Conn, <-chan hostResult) {
	t.Helper()
	v := vfs.New(memfs.New(memfs.Options{}))
	k := kernel.New(kernel.Config{FS: v})
	hostEnd, guestEnd := Pipe()
	res := make(chan hostResult, 1)
	p, err := k.Spawn(kernel.SpawnOptions{Args: []string{"standin"}, Files: files, Main: func(p *kernel.Process) int {
		code, err := Host(p, hostEnd, HostOptions{})
		res <- hostResult{code, err}
		return code
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Signal(kernel.SIGKILL); p.Wait() })
	return k, p, guestEnd, res
}

type hostResult struct {
	code int
	err  error
}

// The remote file system passes the same conformance suite as the local
// ones, through the wire.
func TestRemoteFilesystemConformance(t *testing.T) {
	vfstest.Run(t, vfstest.Config{
		New: func(t *testing.T) vfs.Filesystem {
			_, _, conn, _ := standIn(t, nil)
			return remoteFS{c: newClient(conn), cache: &dirCache{}}
		},
	})
}

func TestGuestRunsProgramThroughHost(t *testing.T) {
	var mu sync.Mutex
	var out strings.Builder
	stdin := kernel.NewOpenFile(kernel.ReaderFile{R: strings.NewReader("line one\nline two\n")})
	stdout := kernel.NewOpenFile(kernel.NewWriterFile(func(b []byte) { mu.Lock(); out.Write(b); mu.Unlock() }))
	k, p, conn, res := standIn(t, []*kernel.OpenFile{stdin, stdout, stdout})
	if err := k.FS().WriteFile("/data.txt", []byte("from the host"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stats []Stats
	_ = stats
	code, err := Guest(conn, GuestOptions{
		Args: []string{"prog"},
		Main: func(g *kernel.Process) int {
			if k := kernel.KindOf(g.File(0)); k != kernel.KindCapture {
				fmt.Fprintf(g.Stderr(), "stdin kind %d across the wire", k)
				return 4
			}
			data, err := g.Kernel().FS().ReadFile("/data.txt")
			if err != nil {
				fmt.Fprintln(g.Stderr(), err)
				return 1
			}
			in, _ := io.ReadAll(g.Stdin())
			fmt.Fprintf(g.Stdout(), "%s|%s", data, in)
			if err := g.Kernel().FS().WriteFile("/made-by-guest", []byte("ok"), 0o644); err != nil {
				return 2
			}
			if err := g.Charge(3 << 20); err != nil {
				return 3
			}
			return 42
		},
	})
	if err != nil || code != 42 {
		t.Fatalf("guest: %d, %v", code, err)
	}
	r := <-res
	if r.err != nil || r.code != 42 {
		t.Fatalf("host saw %d, %v", r.code, r.err)
	}
	mu.Lock()
	got := out.String()
	mu.Unlock()
	if got != "from the host|line one\nline two\n" {
		t.Fatalf("output %q", got)
	}
	if b, err := k.FS().ReadFile("/made-by-guest"); err != nil || string(b) != "ok" {
		t.Fatalf("file written by the guest: %q %v", b, err)
	}
	_ = p
}

func TestSignalsReachTheGuest(t *testing.T) {
	// stdin is a pipe nobody writes: the guest blocks reading it until
	// SIGINT arrives through the host.
	r, w := kernel.NewPipe()
	defer w.Close()
	k, p, conn, res := standIn(t, []*kernel.OpenFile{r, nil, nil})
	_ = k
	reading := make(chan struct{})
	go func() {
		<-reading
		time.Sleep(20 * time.Millisecond)
		p.Signal(kernel.SIGINT)
	}()
	code, err := Guest(conn, GuestOptions{Args: []string{"reader"}, Main: func(g *kernel.Process) int {
		close(reading)
		buf := make([]byte, 10)
		_, err := g.Stdin().Read(buf)
		if !errors.Is(err, kernel.ErrInterrupted) {
			fmt.Println("read:", err)
		}
		return 0
	}})
	if err != nil || code != 130 {
		t.Fatalf("guest after SIGINT: %d, %v", code, err)
	}
	if h := <-res; h.code != 130 {
		t.Fatalf("host: %+v", h)
	}
}

func TestKillEndsHostAtOnce(t *testing.T) {
	_, p, conn, res := standIn(t, nil)
	go Guest(conn, GuestOptions{Args: []string{"spin"}, Main: func(g *kernel.Process) int {
		<-g.Context().Done() // a stubborn guest would never return; the host must not wait
		select {}
	}})
	time.Sleep(20 * time.Millisecond)
	p.Signal(kernel.SIGKILL)
	select {
	case h := <-res:
		if h.code != 137 {
			t.Fatalf("host after kill: %+v", h)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("host did not return after SIGKILL")
	}
}

func TestMemoryLimitHoldsForGuests(t *testing.T) {
	v := vfs.New(memfs.New(memfs.Options{}))
	k := kernel.New(kernel.Config{FS: v, ProcMemLimit: 8 << 20})
	hostEnd, guestEnd := Pipe()
	res := make(chan hostResult, 1)
	k.Spawn(kernel.SpawnOptions{Args: []string{"standin"}, Main: func(p *kernel.Process) int {
		code, err := Host(p, hostEnd, HostOptions{})
		res <- hostResult{code, err}
		return code
	}})
	go Guest(guestEnd, GuestOptions{Args: []string{"hog"}, StatsEvery: 10 * time.Millisecond, Main: func(g *kernel.Process) int {
		g.Charge(16 << 20) // the guest's own kernel has its own limit; the host's is smaller
		<-g.Context().Done()
		return 0
	}})
	select {
	case h := <-res:
		if !errors.Is(h.err, kernel.ErrNoMemory) {
			t.Fatalf("host: %+v, want an out-of-memory error", h)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("host never enforced its memory limit")
	}
}

func TestHostRejectsMalformedMessages(t *testing.T) {
	for _, msg := range [][]byte{
		{},
		{9, 1, 1},
		{kindRequest, 1, 200},
		{kindEvent, 0, 77},
		{kindEvent, 0, evExit, 0xff},
	} {
		_, _, conn, res := standIn(t, nil)
		conn.Send(msg)
		select {
		case h := <-res:
			if h.err == nil {
				t.Errorf("message %v accepted", msg)
			}
		case <-time.After(2 * time.Second):
			t.Errorf("message %v: host neither failed nor answered", msg)
		}
	}
}

func FuzzHostRequest(f *testing.F) {
	f.Add([]byte{kindRequest, 1, opLstat, 1, 'a'})
	f.Add([]byte{kindRequest, 2, opOpen, 1, 'x', 0x42, 0x80, 0x03})
	f.Add([]byte{kindRequest, 3, opHRead, 1, 0, 0xff, 0xff, 0x7f})
	f.Add([]byte{kindRequest, 4, opFdWrite, 2, 3, 'a', 'b', 'c'})
	v := vfs.New(memfs.New(memfs.Options{}))
	v.WriteFile("/a", []byte("hello"), 0o644)
	k := kernel.New(kernel.Config{FS: v})
	p, _ := k.Spawn(kernel.SpawnOptions{Args: []string{"fuzz"}, Main: func(p *kernel.Process) int { <-p.Context().Done(); return 0 }})
	defer p.Signal(kernel.SIGKILL)
	h := &host{p: p, files: map[uint64]*vfs.File{}, calls: map[uint64]context.CancelFunc{}}
	f.Fuzz(func(t *testing.T, msg []byte) {
		m, err := parse(msg)
		if err != nil || m.kind != kindRequest || m.op == 0 || m.op >= opMax {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		reply := h.serve(ctx, m)
		if _, err := parse(reply); err != nil {
			t.Fatalf("reply does not parse: %v", err)
		}
	})
}
