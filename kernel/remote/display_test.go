package remote

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

type nullView struct{}

func (nullView) Opened(*kernel.Window)  {}
func (nullView) Changed(*kernel.Window) {}
func (nullView) Damaged(*kernel.Window) {}
func (nullView) Closed(*kernel.Window)  {}
func (nullView) Focused(*kernel.Window) {}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// A guest's window shows in the host's display; input there reaches the
// guest; title, size and scale follow; closing it in the guest closes it.
func TestGuestWindowsShowInHost(t *testing.T) {
	k := kernel.New(kernel.Config{FS: vfs.New(memfs.New(memfs.Options{}))})
	k.Display().SetView(nullView{})
	hostEnd, guestEnd := Pipe()
	tag := "port-7"
	standIn, _ := k.Spawn(kernel.SpawnOptions{Args: []string{"standin"}, Main: func(p *kernel.Process) int {
		code, _ := Host(p, hostEnd, HostOptions{Tag: tag})
		return code
	}})
	defer standIn.Signal(kernel.SIGKILL)
	keys := make(chan kernel.InputEvent, 8)
	proceed := make(chan struct{})
	var gw *kernel.Window
	go Guest(guestEnd, GuestOptions{Args: []string{"game"}, View: nullView{}, Main: func(g *kernel.Process) int {
		w, err := g.Kernel().Display().Open(g, kernel.WindowOptions{Title: "Game", Width: 320, Height: 200, Scale: 2})
		if err != nil {
			t.Error(err)
			return 1
		}
		gw = w
		for ev := range w.Events() {
			if ev.Kind == kernel.KeyDown {
				keys <- ev
				<-proceed
				w.SetTitle("Game - level 2")
				w.SetSurface(nil, 640, 400)
				<-proceed
				w.Close()
				<-proceed
				return 0
			}
		}
		return 0
	}})
	var hw *kernel.Window
	waitFor(t, "the window in the host", func() bool {
		ws := k.Display().Windows()
		if len(ws) == 1 {
			hw = ws[0]
		}
		return hw != nil
	})
	s, w, h, scale := hw.Surface()
	rw, ok := s.(*RemoteWindow)
	if !ok || rw.Tag != tag || w != 320 || h != 200 || scale != 2 || hw.Title() != "Game" || hw.Owner() != standIn {
		t.Fatalf("host window: %T %+v %dx%d@%d %q", s, rw, w, h, scale, hw.Title())
	}
	k.Display().Input(hw.ID(), kernel.InputEvent{Kind: kernel.KeyDown, Code: "Space", Key: " "})
	select {
	case ev := <-keys:
		if ev.Code != "Space" {
			t.Fatalf("guest got %+v", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the key never reached the guest")
	}
	rw.Rescale(3)
	waitFor(t, "the scale in the guest", func() bool { _, _, _, s := gw.Surface(); return s == 3 })
	proceed <- struct{}{}
	waitFor(t, "the new title and size", func() bool {
		_, w, h, _ := hw.Surface()
		return hw.Title() == "Game - level 2" && w == 640 && h == 400
	})
	proceed <- struct{}{}
	waitFor(t, "the window to close", func() bool { return len(k.Display().Windows()) == 0 })
	proceed <- struct{}{}
}

// slowView learns of windows late, as a busy presenter does.
type slowView struct {
	nullView
	mu    sync.Mutex
	known map[int]bool
}

func (v *slowView) Opened(w *kernel.Window) {
	time.Sleep(50 * time.Millisecond)
	v.mu.Lock()
	v.known[w.ID()] = true
	v.mu.Unlock()
}

// hostView checks, when the host learns of a guest's window, that what
// draws in the guest knows it already: the host's answer (a canvas) may
// come back at once.
type hostView struct {
	nullView
	guest *slowView
	err   chan error
}

func (v *hostView) Opened(w *kernel.Window) {
	s, _, _, _ := w.Surface()
	rw, ok := s.(*RemoteWindow)
	if !ok {
		v.err <- fmt.Errorf("host window has surface %T", s)
		return
	}
	v.guest.mu.Lock()
	known := v.guest.known[rw.ID]
	v.guest.mu.Unlock()
	if !known {
		v.err <- fmt.Errorf("the host saw window %d before the guest's view did", rw.ID)
		return
	}
	v.err <- nil
}

func TestGuestViewKnowsWindowBeforeHost(t *testing.T) {
	k := kernel.New(kernel.Config{FS: vfs.New(memfs.New(memfs.Options{}))})
	gv := &slowView{known: map[int]bool{}}
	hv := &hostView{guest: gv, err: make(chan error, 1)}
	k.Display().SetView(hv)
	hostEnd, guestEnd := Pipe()
	standIn, _ := k.Spawn(kernel.SpawnOptions{Args: []string{"standin"}, Main: func(p *kernel.Process) int {
		code, _ := Host(p, hostEnd, HostOptions{})
		return code
	}})
	defer standIn.Signal(kernel.SIGKILL)
	done := make(chan struct{})
	defer close(done)
	go Guest(guestEnd, GuestOptions{Args: []string{"game"}, View: gv, Main: func(g *kernel.Process) int {
		if _, err := g.Kernel().Display().Open(g, kernel.WindowOptions{Title: "Game", Width: 320, Height: 200}); err != nil {
			t.Error(err)
			return 1
		}
		<-done
		return 0
	}})
	select {
	case err := <-hv.err:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the window never reached the host")
	}
}
