package remote

import (
	"github.com/nachoos/nacho/kernel"
)

// RemoteWindow is the surface of a window whose program runs at the other
// end of a connection: the host's display shows it, but the guest draws
// it. What presents windows in the host hands the guest a drawing target
// (in the page, the window's OffscreenCanvas) using Tag (HostOptions.Tag:
// in the page, the worker's port) and ID (the guest's own window id).
type RemoteWindow struct {
	ID  int
	Tag any
	h   *host
}

// Rescale asks the guest to draw its window at a new integer scale.
func (r *RemoteWindow) Rescale(scale int) {
	e := header(kindEvent, 0, evWinScale)
	e.svar(int64(r.ID))
	e.svar(int64(scale))
	r.h.conn.Send(e.b)
}

// winOpen shows a guest's new window in the host's display.
func (h *host) winOpen(wi winInfo) {
	d := h.p.Kernel().Display()
	if !d.HasView() {
		return
	}
	rw := &RemoteWindow{ID: wi.id, Tag: h.opts.Tag, h: h}
	w, err := d.Open(h.p, kernel.WindowOptions{Title: wi.title, Surface: rw, Width: wi.width, Height: wi.height, Scale: wi.scale})
	if err != nil {
		return
	}
	h.mu.Lock()
	if h.windows == nil {
		h.windows = map[int]*kernel.Window{}
	}
	h.windows[wi.id] = w
	h.mu.Unlock()
	go func() {
		for ev := range w.Events() {
			e := header(kindEvent, 0, evWinInput)
			e.svar(int64(wi.id))
			e.input(ev)
			if h.conn.Send(e.b) != nil {
				return
			}
		}
	}()
}

func (h *host) window(id int) *kernel.Window {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.windows[id]
}

// winChange follows a guest window's new title, size or scale.
func (h *host) winChange(wi winInfo) {
	w := h.window(wi.id)
	if w == nil {
		return
	}
	if w.Title() != wi.title {
		w.SetTitle(wi.title)
	}
	s, width, height, scale := w.Surface()
	if width != wi.width || height != wi.height {
		w.SetSurface(s, wi.width, wi.height)
	}
	if scale != wi.scale && wi.scale > 0 {
		w.SetScale(wi.scale)
	}
}

func (h *host) winClose(id int) {
	h.mu.Lock()
	w := h.windows[id]
	delete(h.windows, id)
	h.mu.Unlock()
	if w != nil {
		w.Close()
	}
}

// guestView is the guest kernel's display view: it tells the host about
// the guest's windows and passes everything on to what draws them here.
type guestView struct {
	c     *client
	inner kernel.DisplayView // may be nil
}

func info(w *kernel.Window) winInfo {
	_, width, height, scale := w.Surface()
	return winInfo{id: w.ID(), title: w.Title(), width: width, height: height, scale: scale}
}

// Opened tells what draws here before the host: the host's answer (a
// canvas for the window, forwarded back) may arrive at once, and must find
// the window known.
func (v *guestView) Opened(w *kernel.Window) {
	if v.inner != nil {
		v.inner.Opened(w)
	}
	v.c.event(evWinOpen, func(e *encoder) { e.win(info(w)) })
}

func (v *guestView) Changed(w *kernel.Window) {
	if v.inner != nil {
		v.inner.Changed(w)
	}
	v.c.event(evWinChange, func(e *encoder) { e.win(info(w)) })
}

func (v *guestView) Damaged(w *kernel.Window) {
	if v.inner != nil {
		v.inner.Damaged(w)
	}
}

func (v *guestView) Closed(w *kernel.Window) {
	v.c.event(evWinClose, func(e *encoder) { e.svar(int64(w.ID())) })
	if v.inner != nil {
		v.inner.Closed(w)
	}
}

func (v *guestView) Focused(w *kernel.Window) {
	if v.inner != nil {
		v.inner.Focused(w)
	}
}
