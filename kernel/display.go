package kernel

import (
	"errors"
	"sort"
	"sync"
)

// The display server. Processes open windows that own a surface (a text
// grid, an indexed or an RGBA framebuffer: the gpu package's surface
// types, which the kernel passes through without looking inside). The
// display keeps their z-order and focus, routes input to the window's
// owner, and tells a view (the page's desktop; none natively) what to draw.
// Closing a window ends the process that owns it.

// InputKind is the kind of an input event.
type InputKind uint8

const (
	KeyDown InputKind = iota + 1
	KeyUp
	MouseMove
	MouseDown
	MouseUp
	MouseWheel
	Paste
	FocusIn
	FocusOut
)

// Modifier keys held during an input event.
const (
	ModShift = 1 << iota
	ModCtrl
	ModAlt
	ModMeta
)

// InputEvent is keyboard or mouse input for a window. Keys use the DOM's
// names: Code is the physical key ("KeyA", "ArrowLeft"), Key what it
// means with the layout and modifiers ("a", "A", "ArrowLeft"). Mouse
// coordinates are in surface pixels (cells for a text grid).
type InputEvent struct {
	Kind    InputKind
	Code    string
	Key     string
	Mods    int
	Repeat  bool
	X, Y    int
	Buttons int // bit 0 left, 1 right, 2 middle
	DX, DY  int // wheel
	Text    string
}

// WindowOptions describe a new window.
type WindowOptions struct {
	Title   string
	Surface any // *gpu.TextGrid, *gpu.Indexed, *gpu.RGBA, ...
	// Width and Height are the surface's size in pixels; Scale the
	// integer zoom the window starts with (1 when zero).
	Width, Height, Scale int
}

// Window is a process's window.
type Window struct {
	d      *Display
	id     int
	owner  *Process
	events chan InputEvent

	mu      sync.Mutex
	title   string
	surface any
	w, h    int
	scale   int
	closed  bool
	damaged bool
}

// DisplayView is told what changed. Calls come from any goroutine, without
// the display's lock held; Damaged may be called often and should only
// schedule a redraw.
type DisplayView interface {
	Opened(w *Window)
	Changed(w *Window) // title, surface or size
	Damaged(w *Window)
	Closed(w *Window)
	Focused(w *Window) // nil: no window has focus
}

// Display is the kernel's display server.
type Display struct {
	k *Kernel

	mu      sync.Mutex
	nextID  int
	windows map[int]*Window
	z       []int // back to front
	focus   int
	view    DisplayView
}

// ErrNoDisplay is returned by Open where nothing can show a window (a
// native run without a desktop).
var ErrNoDisplay = errors.New("no display")

const inputQueue = 256

// Display is the kernel's display server.
func (k *Kernel) Display() *Display {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.display == nil {
		k.display = &Display{k: k, nextID: 1, windows: map[int]*Window{}}
	}
	return k.display
}

// SetView connects the display to what draws it; nil disconnects.
func (d *Display) SetView(v DisplayView) {
	d.mu.Lock()
	d.view = v
	d.mu.Unlock()
}

// HasView reports whether windows can be shown.
func (d *Display) HasView() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.view != nil
}

// Open makes a window owned by p. It fails with ErrNoDisplay when no view
// is connected. The window closes when p exits.
func (d *Display) Open(p *Process, opts WindowOptions) (*Window, error) {
	d.mu.Lock()
	view := d.view
	if view == nil {
		d.mu.Unlock()
		return nil, ErrNoDisplay
	}
	w := &Window{
		d: d, id: d.nextID, owner: p, events: make(chan InputEvent, inputQueue),
		title: opts.Title, surface: opts.Surface, w: opts.Width, h: opts.Height, scale: max(1, opts.Scale),
	}
	d.nextID++
	d.windows[w.id] = w
	d.z = append(d.z, w.id)
	d.mu.Unlock()
	go func() {
		<-p.Done()
		w.Close()
	}()
	view.Opened(w)
	d.focusWindow(w.id)
	return w, nil
}

// Windows lists the open windows, back to front.
func (d *Display) Windows() []*Window {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]*Window, 0, len(d.z))
	for _, id := range d.z {
		out = append(out, d.windows[id])
	}
	return out
}

// Window finds a window by id.
func (d *Display) Window(id int) (*Window, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	w, ok := d.windows[id]
	return w, ok
}

// Focused is the focused window, or nil.
func (d *Display) Focused() *Window {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.windows[d.focus]
}

// Focus raises the window and gives it the keyboard; its owner gets the
// scheduler's priority. id 0 takes focus away from every window (a
// terminal or another page element has it).
func (d *Display) Focus(id int) { d.focusWindow(id) }

func (d *Display) focusWindow(id int) {
	d.mu.Lock()
	old := d.windows[d.focus]
	w := d.windows[id]
	if w == nil {
		id = 0
	}
	if id == d.focus {
		d.mu.Unlock()
		return
	}
	d.focus = id
	if w != nil {
		for i, zid := range d.z {
			if zid == id {
				d.z = append(append(d.z[:i:i], d.z[i+1:]...), id)
				break
			}
		}
	}
	view := d.view
	d.mu.Unlock()
	if old != nil {
		old.send(InputEvent{Kind: FocusOut})
	}
	pid := 0
	if w != nil {
		w.send(InputEvent{Kind: FocusIn})
		pid = w.owner.pid
	}
	d.k.sched.SetFocus(pid)
	if view != nil {
		view.Focused(w)
	}
}

// Input delivers an event to window id (the page forwards what the user
// does). Events for a closed window are dropped.
func (d *Display) Input(id int, ev InputEvent) {
	if w, ok := d.Window(id); ok {
		w.send(ev)
	}
}

// RequestClose is the user closing window id: its owner is ended.
func (d *Display) RequestClose(id int) {
	w, ok := d.Window(id)
	if !ok {
		return
	}
	w.owner.Signal(SIGKILL)
	w.Close()
}

// send queues an event; when the owner is not reading and the queue is
// full, the oldest pointer-motion events give way first, then the event is
// dropped (input must never block the display).
func (w *Window) send(ev InputEvent) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	select {
	case w.events <- ev:
	default:
		if ev.Kind == MouseMove {
			return
		}
		select {
		case <-w.events:
		default:
		}
		select {
		case w.events <- ev:
		default:
		}
	}
}

// ID is the window's number.
func (w *Window) ID() int { return w.id }

// Owner is the process that opened the window.
func (w *Window) Owner() *Process { return w.owner }

// Events delivers the window's input. It is closed when the window closes.
func (w *Window) Events() <-chan InputEvent { return w.events }

// Title is the window's title.
func (w *Window) Title() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.title
}

// SetTitle changes the title.
func (w *Window) SetTitle(t string) {
	w.mu.Lock()
	w.title = t
	w.mu.Unlock()
	w.changed()
}

// Surface returns what the window shows and its size in pixels and scale.
func (w *Window) Surface() (s any, width, height, scale int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.surface, w.w, w.h, w.scale
}

// SetSurface replaces what the window shows (a video mode change).
func (w *Window) SetSurface(s any, width, height int) {
	w.mu.Lock()
	w.surface, w.w, w.h = s, width, height
	w.mu.Unlock()
	w.changed()
}

// SetScale sets the window's integer zoom.
func (w *Window) SetScale(scale int) {
	w.mu.Lock()
	w.scale = max(1, scale)
	w.mu.Unlock()
	w.changed()
}

func (w *Window) changed() {
	w.d.mu.Lock()
	view := w.d.view
	w.d.mu.Unlock()
	if view != nil && !w.isClosed() {
		view.Changed(w)
	}
}

// Damage says the surface changed and should be presented again.
func (w *Window) Damage() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.damaged = true
	w.mu.Unlock()
	w.d.mu.Lock()
	view := w.d.view
	w.d.mu.Unlock()
	if view != nil {
		view.Damaged(w)
	}
}

// TakeDamage reports whether the surface changed since the last call, and
// clears the mark (the presenter calls it once per frame).
func (w *Window) TakeDamage() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	d := w.damaged
	w.damaged = false
	return d
}

func (w *Window) isClosed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closed
}

// Close removes the window. The owner keeps running.
func (w *Window) Close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	close(w.events)
	w.mu.Unlock()
	d := w.d
	d.mu.Lock()
	delete(d.windows, w.id)
	for i, id := range d.z {
		if id == w.id {
			d.z = append(d.z[:i], d.z[i+1:]...)
			break
		}
	}
	wasFocused := d.focus == w.id
	var next int
	if wasFocused {
		d.focus = 0
		if len(d.z) > 0 {
			next = d.z[len(d.z)-1]
		}
	}
	view := d.view
	d.mu.Unlock()
	if view != nil {
		view.Closed(w)
	}
	if wasFocused {
		d.focusWindow(next)
	}
}

// sortedIDs is for tests and debugging.
func (d *Display) sortedIDs() []int {
	d.mu.Lock()
	defer d.mu.Unlock()
	ids := make([]int, 0, len(d.windows))
	for id := range d.windows {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}
