package kernel

import (
	"sync"
	"testing"
	"time"
)

type recView struct {
	mu     sync.Mutex
	events []string
	focus  int
}

func (v *recView) add(s string)      { v.mu.Lock(); v.events = append(v.events, s); v.mu.Unlock() }
func (v *recView) Opened(w *Window)  { v.add("open " + w.Title()) }
func (v *recView) Changed(w *Window) { v.add("change " + w.Title()) }
func (v *recView) Damaged(w *Window) { v.add("damage " + w.Title()) }
func (v *recView) Closed(w *Window)  { v.add("close " + w.Title()) }
func (v *recView) Focused(w *Window) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.focus = 0
	if w != nil {
		v.focus = w.ID()
	}
}

func TestDisplayNeedsAView(t *testing.T) {
	k := newKernel(t)
	p, _ := k.Spawn(SpawnOptions{Args: []string{"x"}, Main: func(p *Process) int { <-p.Context().Done(); return 0 }})
	defer p.Signal(SIGKILL)
	if _, err := k.Display().Open(p, WindowOptions{Title: "x"}); err != ErrNoDisplay {
		t.Fatalf("open without a view: %v", err)
	}
}

func TestDisplayFocusInputAndClose(t *testing.T) {
	k := newKernel(t)
	d := k.Display()
	v := &recView{}
	d.SetView(v)
	spawn := func() *Process {
		p, _ := k.Spawn(SpawnOptions{Args: []string{"guest"}, Main: func(p *Process) int { <-p.Context().Done(); return 0 }})
		return p
	}
	pa, pb := spawn(), spawn()
	a, err := d.Open(pa, WindowOptions{Title: "A", Width: 320, Height: 200})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := d.Open(pb, WindowOptions{Title: "B"})
	// The newest window has focus, its owner the scheduler's priority.
	if d.Focused() != b || k.Sched().Focus() != pb.PID() || v.focus != b.ID() {
		t.Fatalf("focus after opening B: %v, sched %d, view %d", d.Focused(), k.Sched().Focus(), v.focus)
	}
	d.Focus(a.ID())
	if ws := d.Windows(); ws[len(ws)-1] != a {
		t.Fatal("focused window not raised to the top")
	}
	// Input reaches only the window it is for.
	d.Input(a.ID(), InputEvent{Kind: KeyDown, Code: "KeyQ", Key: "q"})
	got := drain(a)
	if len(got) == 0 || got[len(got)-1].Code != "KeyQ" {
		t.Fatalf("A got %+v", got)
	}
	for _, ev := range drain(b) {
		if ev.Kind == KeyDown {
			t.Fatal("B got A's key")
		}
	}
	// Closing a window ends its owner; focus moves to the next window.
	d.RequestClose(a.ID())
	select {
	case <-pa.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("closing the window did not end its process")
	}
	if d.Focused() != b {
		t.Fatalf("focus after closing A: %v", d.Focused())
	}
	// A process that exits takes its window with it.
	pb.Signal(SIGTERM)
	deadline := time.Now().Add(2 * time.Second)
	for len(d.Windows()) > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := len(d.Windows()); n != 0 {
		t.Fatalf("%d windows left after their owners exited", n)
	}
	for range b.Events() { // ends only if the channel was closed
	}
	// Input to a closed window is dropped, not a panic.
	d.Input(b.ID(), InputEvent{Kind: KeyDown})
	b.send(InputEvent{Kind: KeyDown})
}

func TestDisplayInputNeverBlocks(t *testing.T) {
	k := newKernel(t)
	d := k.Display()
	d.SetView(&recView{})
	p, _ := k.Spawn(SpawnOptions{Args: []string{"deaf"}, Main: func(p *Process) int { <-p.Context().Done(); return 0 }})
	defer p.Signal(SIGKILL)
	w, _ := d.Open(p, WindowOptions{Title: "deaf"})
	for i := 0; i < 10*inputQueue; i++ {
		d.Input(w.ID(), InputEvent{Kind: KeyDown, Code: "KeyA"})
	}
	d.Input(w.ID(), InputEvent{Kind: KeyDown, Code: "Enter"})
	got := drain(w)
	if len(got) != inputQueue || got[len(got)-1].Code != "Enter" {
		t.Fatalf("queue kept %d events, last %+v; want the newest kept", len(got), got[len(got)-1])
	}
}

func drain(w *Window) []InputEvent {
	var out []InputEvent
	for {
		select {
		case ev, ok := <-w.Events():
			if !ok {
				return out
			}
			out = append(out, ev)
		default:
			return out
		}
	}
}
