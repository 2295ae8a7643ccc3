//go:build js && wasm

package webworker

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall/js"
	"time"

	"github.com/nachoos/nacho/gpu"
	"github.com/nachoos/nacho/gpu/font"
	"github.com/nachoos/nacho/gpu/surface"
	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/kernel/remote"
	"github.com/nachoos/nacho/perf"
)

// Presenter is a kernel display's view in the browser. The page draws the
// window frames (DOM) and hands each window's <canvas> to the worker that
// runs its program, as an OffscreenCanvas; the Presenter draws the
// window's surface on it (gpu: WebGPU, or Canvas2D), once per animation
// frame while windows are open. In the kernel's worker it also tells the
// page about windows (Notify); in a guest's worker the canvases come from
// the kernel, which forwards them for the guest's windows (RemoteWindow).
//
//	kernel → page: win-open {id, title, width, height, scale}, win-title,
//	               win-size {id, width, height, scale}, win-close, win-focus,
//	               display {backend}
//	page → kernel: win-canvas {id, canvas}, win-input {id, ...event},
//	               win-focus {id}, win-close {id}, win-scale {id, scale},
//	               win-text {id} (reply: the text of a text window)
type Presenter struct {
	notify bool
	// OnRecanvas, in a guest's worker, asks for a fresh canvas for window
	// id (the kernel's presenter posts win-recanvas itself).
	OnRecanvas func(id int)
	// Sink gets the time each frame took to present (perf.FrameTime), per
	// window owner; nil drops it.
	Sink perf.Sink

	mu       sync.Mutex
	disp     *gpu.Display
	dispErr  error
	ready    chan struct{} // closed once the display backend is chosen
	windows  map[int]*pageWindow
	frameOn  bool
	noRAF    bool // no requestAnimationFrame here: frames come from a timer
	frameCB  js.Func
	describe string
}

type pageWindow struct {
	w      *kernel.Window
	pres   gpu.Presenter
	failed bool
}

// NewPresenter starts choosing the backend (backend "" picks WebGPU where
// it works, else Canvas2D). With notify, window events are posted to the
// page (the kernel's worker); without, only drawn (a guest's worker).
func NewPresenter(backend string, notify bool) *Presenter {
	v := &Presenter{notify: notify, ready: make(chan struct{}), windows: map[int]*pageWindow{}}
	v.frameCB = js.FuncOf(func(js.Value, []js.Value) any { go v.frame(); return nil })
	go v.open(backend)
	return v
}

var _ kernel.DisplayView = (*Presenter)(nil)

// post tells the page, when this presenter speaks for the kernel.
func (v *Presenter) post(m Obj) {
	if v.notify {
		Post(m)
	}
}

// open chooses the backend (WebGPU if the browser has an adapter, else
// Canvas2D; or the one the page asked for) and tells the page which.
func (v *Presenter) open(backend string) {
	d, err := gpu.Open(gpu.Options{Backend: backend})
	v.mu.Lock()
	v.disp, v.dispErr = d, err
	if d != nil {
		v.describe = d.Describe()
	}
	v.mu.Unlock()
	close(v.ready)
	if err != nil {
		logf("display: %v", err)
		v.post(Obj{"type": "display", "backend": "none", "describe": err.Error()})
		return
	}
	v.post(Obj{"type": "display", "backend": d.Backend(), "describe": d.Describe()})
}

func (v *Presenter) Opened(w *kernel.Window) {
	v.mu.Lock()
	v.windows[w.ID()] = &pageWindow{w: w}
	v.mu.Unlock()
	_, width, height, scale := w.Surface()
	v.post(Obj{"type": "win-open", "id": w.ID(), "pid": w.Owner().PID(), "title": w.Title(), "width": width, "height": height, "scale": scale})
}

func (v *Presenter) Changed(w *kernel.Window) {
	s, width, height, scale := w.Surface()
	v.post(Obj{"type": "win-size", "id": w.ID(), "title": w.Title(), "width": width, "height": height, "scale": scale})
	if rw, ok := s.(*remote.RemoteWindow); ok {
		// The guest draws it: tell it the scale the page asked for.
		rw.Rescale(scale)
		return
	}
	v.mu.Lock()
	pw := v.windows[w.ID()]
	v.mu.Unlock()
	if pw != nil && pw.pres != nil {
		pw.pres.Resize(width*scale, height*scale, scale)
	}
	v.Damaged(w)
}

func (v *Presenter) Damaged(*kernel.Window) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.scheduleLocked()
}

func (v *Presenter) scheduleLocked() {
	if v.frameOn {
		return
	}
	v.frameOn = true
	if !v.noRAF {
		// Workers started by workers have no requestAnimationFrame in
		// some browsers (it throws): fall back to a 60 Hz timer there.
		ok := func() (ok bool) {
			defer func() {
				if recover() != nil {
					ok = false
				}
			}()
			js.Global().Call("requestAnimationFrame", v.frameCB)
			return true
		}()
		if ok {
			return
		}
		v.noRAF = true
	}
	time.AfterFunc(16*time.Millisecond, v.frame)
}

func (v *Presenter) Closed(w *kernel.Window) {
	v.mu.Lock()
	pw := v.windows[w.ID()]
	delete(v.windows, w.ID())
	v.mu.Unlock()
	if pw != nil && pw.pres != nil {
		pw.pres.Close()
	}
	v.post(Obj{"type": "win-close", "id": w.ID()})
}

func (v *Presenter) Focused(w *kernel.Window) {
	id := 0
	if w != nil {
		id = w.ID()
	}
	v.post(Obj{"type": "win-focus", "id": id})
}

// Canvas binds the OffscreenCanvas the page made for window id. A window
// whose program runs in another worker gets the canvas forwarded there.
func (v *Presenter) Canvas(id int, canvas js.Value) {
	v.mu.Lock()
	pw0 := v.windows[id]
	v.mu.Unlock()
	if pw0 != nil {
		if s, _, _, _ := pw0.w.Surface(); s != nil {
			if rw, ok := s.(*remote.RemoteWindow); ok {
				if port, ok := rw.Tag.(js.Value); ok {
					port.Call("postMessage", map[string]any{"canvas": canvas, "win": rw.ID}, []any{canvas})
				}
				return
			}
		}
	}
	v.mu.Lock()
	ready := v.ready
	v.mu.Unlock()
	<-ready
	v.mu.Lock()
	pw := v.windows[id]
	disp := v.disp
	v.mu.Unlock()
	if pw == nil || disp == nil {
		return
	}
	p, err := disp.NewPresenter(canvas)
	if err != nil {
		logf("display: window %d: %v", id, err)
		return
	}
	_, width, height, scale := pw.w.Surface()
	p.Resize(width*scale, height*scale, scale)
	v.mu.Lock()
	pw.pres = p
	v.scheduleLocked()
	v.mu.Unlock()
}

// frame presents every window once; it keeps running while windows are
// open, since text windows blink and Present is cheap when nothing changed.
func (v *Presenter) frame() {
	v.mu.Lock()
	v.frameOn = false
	ws := make([]*pageWindow, 0, len(v.windows))
	for _, pw := range v.windows {
		ws = append(ws, pw)
	}
	v.mu.Unlock()
	for _, pw := range ws {
		if pw.pres == nil || pw.failed {
			continue
		}
		s, _, _, _ := pw.w.Surface()
		surf, ok := s.(surface.Surface)
		if !ok {
			continue
		}
		start := time.Now()
		err := pw.pres.Present(surf)
		if v.Sink != nil {
			v.Sink.Publish(perf.Sample{Name: perf.FrameTime, PID: pw.w.Owner().PID(), Value: time.Since(start).Seconds(), At: start})
		}
		if err != nil {
			pw.failed = true
			logf("display: window %d: %v", pw.w.ID(), err)
			if errors.Is(err, gpu.ErrDeviceLost) {
				go v.fallBack(err)
			}
		}
	}
	if len(ws) > 0 {
		v.mu.Lock()
		v.scheduleLocked()
		v.mu.Unlock()
	}
}

// fallBack switches every window to Canvas2D after the WebGPU device was
// lost (a driver reset, or a browser that cannot present WebGPU canvases):
// a canvas keeps the kind of context it first had, so each window gets a
// fresh canvas from the page.
func (v *Presenter) fallBack(cause error) {
	v.mu.Lock()
	if v.disp == nil || v.disp.Backend() != gpu.WebGPU {
		v.mu.Unlock()
		return
	}
	v.disp = nil
	v.ready = make(chan struct{})
	ids := make([]int, 0, len(v.windows))
	for id, pw := range v.windows {
		if pw.pres != nil {
			pw.pres.Close()
		}
		pw.pres, pw.failed = nil, false
		ids = append(ids, id)
	}
	v.mu.Unlock()
	d, err := gpu.Open(gpu.Options{Backend: gpu.Canvas2D})
	v.mu.Lock()
	v.disp, v.dispErr = d, err
	close(v.ready)
	v.mu.Unlock()
	if err != nil {
		logf("display: %v", err)
		return
	}
	why := "Canvas2D (WebGPU failed: " + cause.Error() + ")"
	v.post(Obj{"type": "display", "backend": d.Backend(), "describe": why})
	if v.notify {
		// Programs started from now on draw with Canvas2D from the start.
		childBackend.Store(gpu.Canvas2D)
	}
	for _, id := range ids {
		v.Recanvas(id)
	}
}

// Recanvas gets window id a fresh canvas from the page.
func (v *Presenter) Recanvas(id int) {
	switch {
	case v.notify:
		v.post(Obj{"type": "win-recanvas", "id": id})
	case v.OnRecanvas != nil:
		v.OnRecanvas(id)
	}
}

// childBackend is the backend guests started from now on should use: the
// kernel's, once it has fallen back from WebGPU.
var childBackend atomic.Value

// Text is what a text window shows, one line per row, for copying.
func (v *Presenter) Text(id int) string {
	v.mu.Lock()
	pw := v.windows[id]
	v.mu.Unlock()
	if pw == nil {
		return ""
	}
	w := pw.w
	s, _, _, _ := w.Surface()
	g, ok := s.(*surface.TextGrid)
	if !ok {
		return ""
	}
	var b strings.Builder
	for r := 0; r < g.Rows(); r++ {
		var line strings.Builder
		for c := 0; c < g.Cols(); c++ {
			ch, _ := g.At(c, r)
			if ch == 0 {
				ch = ' '
			}
			line.WriteRune(font.ToRune(ch))
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// InputFromJS reads an input event the page sent.
func InputFromJS(m js.Value) kernel.InputEvent {
	str := func(k string) string {
		if v := m.Get(k); v.Type() == js.TypeString {
			return v.String()
		}
		return ""
	}
	num := func(k string) int {
		if v := m.Get(k); v.Type() == js.TypeNumber {
			return v.Int()
		}
		return 0
	}
	ev := kernel.InputEvent{
		Code: str("code"), Key: str("key"), Text: str("text"),
		Mods: num("mods"), Repeat: m.Get("repeat").Truthy(),
		X: num("x"), Y: num("y"), Buttons: num("buttons"), DX: num("dx"), DY: num("dy"),
	}
	switch str("kind") {
	case "keydown":
		ev.Kind = kernel.KeyDown
	case "keyup":
		ev.Kind = kernel.KeyUp
	case "mousemove":
		ev.Kind = kernel.MouseMove
	case "mousedown":
		ev.Kind = kernel.MouseDown
	case "mouseup":
		ev.Kind = kernel.MouseUp
	case "wheel":
		ev.Kind = kernel.MouseWheel
	case "paste":
		ev.Kind = kernel.Paste
	}
	return ev
}

// logf sends a line to the page's console.
func logf(format string, a ...any) {
	Post(Obj{"type": "log", "level": "info", "text": fmt.Sprintf(format, a...)})
}
