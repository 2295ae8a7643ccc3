//go:build js && wasm

package main

import (
	"errors"
	"strings"
	"sync"
	"syscall/js"

	"github.com/nachoos/nacho/gpu"
	"github.com/nachoos/nacho/gpu/font"
	"github.com/nachoos/nacho/gpu/surface"
	"github.com/nachoos/nacho/kernel"
)

// pageView is the kernel display's view in the page. The page draws the
// window frames (DOM) and hands each guest window's <canvas> to the kernel
// as an OffscreenCanvas; the kernel presents the window's surface on it
// itself (gpu: WebGPU, or Canvas2D), once per animation frame while
// anything changed. Input comes back as messages.
//
//	kernel → page: win-open {id, title, width, height, scale}, win-title,
//	               win-size {id, width, height, scale}, win-close, win-focus,
//	               display {backend}
//	page → kernel: win-canvas {id, canvas}, win-input {id, ...event},
//	               win-focus {id}, win-close {id}, win-scale {id, scale},
//	               win-text {id} (reply: the text of a text window)
type pageView struct {
	k *kernel.Kernel

	mu       sync.Mutex
	disp     *gpu.Display
	dispErr  error
	ready    chan struct{} // closed once the display backend is chosen
	windows  map[int]*pageWindow
	frameOn  bool
	frameCB  js.Func
	describe string
}

type pageWindow struct {
	w      *kernel.Window
	pres   gpu.Presenter
	failed bool
}

func newPageView(k *kernel.Kernel, backend string) *pageView {
	v := &pageView{k: k, ready: make(chan struct{}), windows: map[int]*pageWindow{}}
	v.frameCB = js.FuncOf(func(js.Value, []js.Value) any { go v.frame(); return nil })
	go v.open(backend)
	return v
}

// open chooses the backend (WebGPU if the browser has an adapter, else
// Canvas2D; or the one the page asked for) and tells the page which.
func (v *pageView) open(backend string) {
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
		post(obj{"type": "display", "backend": "none", "describe": err.Error()})
		return
	}
	post(obj{"type": "display", "backend": d.Backend(), "describe": d.Describe()})
}

func (v *pageView) Opened(w *kernel.Window) {
	v.mu.Lock()
	v.windows[w.ID()] = &pageWindow{w: w}
	v.mu.Unlock()
	_, width, height, scale := w.Surface()
	post(obj{"type": "win-open", "id": w.ID(), "pid": w.Owner().PID(), "title": w.Title(), "width": width, "height": height, "scale": scale})
}

func (v *pageView) Changed(w *kernel.Window) {
	_, width, height, scale := w.Surface()
	post(obj{"type": "win-size", "id": w.ID(), "title": w.Title(), "width": width, "height": height, "scale": scale})
	v.mu.Lock()
	pw := v.windows[w.ID()]
	v.mu.Unlock()
	if pw != nil && pw.pres != nil {
		pw.pres.Resize(width*scale, height*scale, scale)
	}
	v.Damaged(w)
}

func (v *pageView) Damaged(*kernel.Window) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.scheduleLocked()
}

func (v *pageView) scheduleLocked() {
	if v.frameOn {
		return
	}
	v.frameOn = true
	js.Global().Call("requestAnimationFrame", v.frameCB)
}

func (v *pageView) Closed(w *kernel.Window) {
	v.mu.Lock()
	pw := v.windows[w.ID()]
	delete(v.windows, w.ID())
	v.mu.Unlock()
	if pw != nil && pw.pres != nil {
		pw.pres.Close()
	}
	post(obj{"type": "win-close", "id": w.ID()})
}

func (v *pageView) Focused(w *kernel.Window) {
	id := 0
	if w != nil {
		id = w.ID()
	}
	post(obj{"type": "win-focus", "id": id})
}

// canvas binds the OffscreenCanvas the page made for window id.
func (v *pageView) canvas(id int, canvas js.Value) {
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
func (v *pageView) frame() {
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
		if err := pw.pres.Present(surf); err != nil {
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
func (v *pageView) fallBack(cause error) {
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
	post(obj{"type": "display", "backend": d.Backend(), "describe": why})
	for _, id := range ids {
		post(obj{"type": "win-recanvas", "id": id})
	}
}

// text is what a text window shows, one line per row, for copying.
func (v *pageView) text(id int) string {
	w, ok := v.k.Display().Window(id)
	if !ok {
		return ""
	}
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

// inputFromJS reads an input event the page sent.
func inputFromJS(m js.Value) kernel.InputEvent {
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
