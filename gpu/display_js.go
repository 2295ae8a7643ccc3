//go:build js && wasm

package gpu

import (
	"fmt"
	"syscall/js"
	"time"

	"github.com/nachoos/nacho/gpu/surface"
)

// Display is the kernel's connection to the screen: the backend chosen
// once, and for WebGPU the device every window's presenter shares.
type Display struct {
	opts    Options
	backend string
	reason  error // why WebGPU is not in use, when it is not
	gpu     *gpuDevice
	start   time.Time
	closed  bool
}

// Open chooses the backend: WebGPU when the browser has it and an adapter
// and device can be had (unless opts.Backend says otherwise), else
// Canvas2D. It awaits the browser's promises, so call it from a goroutine
// and not from inside a JavaScript callback.
func Open(opts Options) (*Display, error) {
	d := &Display{opts: opts, start: time.Now()}
	switch opts.Backend {
	case Canvas2D:
		d.backend = Canvas2D
	case WebGPU, "":
		g, err := openWebGPU(opts)
		switch {
		case err == nil:
			d.gpu, d.backend = g, WebGPU
		case opts.Backend == WebGPU:
			return nil, err
		default:
			d.backend, d.reason = Canvas2D, err
		}
	default:
		return nil, fmt.Errorf("gpu: unknown backend %q (want %q or %q)", opts.Backend, WebGPU, Canvas2D)
	}
	return d, nil
}

// Backend is WebGPU or Canvas2D.
func (d *Display) Backend() string { return d.backend }

// Describe says which backend draws, in words for the page: the adapter
// for WebGPU, or why WebGPU is not used.
func (d *Display) Describe() string {
	switch {
	case d.gpu != nil:
		return "WebGPU (" + d.gpu.describe + ")"
	case d.reason != nil:
		return "Canvas2D (" + d.reason.Error() + ")"
	default:
		return "Canvas2D"
	}
}

// FallbackReason is why WebGPU is not in use, or nil.
func (d *Display) FallbackReason() error { return d.reason }

// NewPresenter starts presenting on canvas: an OffscreenCanvas (what the
// page transfers to the kernel worker) or an HTMLCanvasElement. A canvas
// holds one kind of context for life, so a canvas used with one backend
// cannot later take the other.
func (d *Display) NewPresenter(canvas js.Value) (Presenter, error) {
	if d.closed {
		return nil, ErrClosed
	}
	if canvas.Type() != js.TypeObject || canvas.Get("getContext").Type() != js.TypeFunction {
		return nil, fmt.Errorf("gpu: NewPresenter needs a canvas, got %s", canvas.Type())
	}
	if d.gpu != nil {
		return newGPUPresenter(d, canvas)
	}
	return newCanvasPresenter(d, canvas)
}

// Close destroys the GPU device; the display's presenters stop working.
func (d *Display) Close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	if d.gpu != nil {
		d.gpu.close()
	}
	return nil
}

func (d *Display) phase() surface.Phase {
	if d.opts.Clock != nil {
		return surface.PhaseAt(d.opts.Clock())
	}
	return surface.PhaseAt(time.Since(d.start))
}

// NewPresenter opens a display of its own for one canvas; closing the
// presenter closes it. A kernel with several windows should Open one
// Display and share it.
func NewPresenter(canvas js.Value, opts Options) (Presenter, error) {
	d, err := Open(opts)
	if err != nil {
		return nil, err
	}
	p, err := d.NewPresenter(canvas)
	if err != nil {
		d.Close()
		return nil, err
	}
	return &ownedPresenter{Presenter: p, d: d}, nil
}

type ownedPresenter struct {
	Presenter
	d *Display
}

func (p *ownedPresenter) Close() error {
	err := p.Presenter.Close()
	p.d.Close()
	return err
}

// canvasSize reads a canvas's size in pixels.
func canvasSize(canvas js.Value) (int, int) {
	return canvas.Get("width").Int(), canvas.Get("height").Int()
}

func checkCanvasSize(w, h, limit int) error {
	if w < 1 || h < 1 || w > limit || h > limit {
		return fmt.Errorf("gpu: canvas size %dx%d out of range (1 to %d)", w, h, limit)
	}
	return nil
}
