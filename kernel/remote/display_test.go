package remote

import (
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
