//go:build js && wasm

package gpu

import (
	"errors"
	"fmt"
	"image"
	"syscall/js"

	"github.com/nachoos/nacho/gpu/surface"
)

// canvasPresenter draws with the 2D canvas API when WebGPU is missing.
// The CPU reference renderer draws the changed rows into a Go image, they
// are copied into an ImageData and put onto a surface-sized source
// canvas, and drawImage scales that onto the window's canvas with
// smoothing off (nearest neighbour at integer scales).
type canvasPresenter struct {
	d      *Display
	canvas js.Value
	ctx    js.Value // CanvasRenderingContext2D or OffscreenCanvasRenderingContext2D

	width, height, scale int
	needDraw             bool
	drawn                bool
	closed               bool
	placed               Placement

	cur        surface.Surface
	sw, sh     int
	img        *image.RGBA
	src        js.Value // surface-sized OffscreenCanvas
	srcCtx     js.Value
	imageData  js.Value
	data       js.Value // imageData.data
	damage     surface.Damage
	lastPhase  surface.Phase
	phaseValid bool
	spans      [][2]int
	stats      Stats

	// contextLost says whether the browser has taken the contexts' backing
	// stores away (a GPU process restart, memory pressure); lost remembers
	// that it did, so everything is drawn again when they come back.
	contextLost func() bool
	lost        bool
}

var _ Presenter = (*canvasPresenter)(nil)

func newCanvasPresenter(d *Display, canvas js.Value) (*canvasPresenter, error) {
	if !js.Global().Get("OffscreenCanvas").Truthy() {
		return nil, errors.New("gpu: this browser has no OffscreenCanvas")
	}
	var ctx js.Value
	err := try(func() { ctx = canvas.Call("getContext", "2d", obj(map[string]any{"alpha": false})) })
	if err != nil || !ctx.Truthy() {
		return nil, fmt.Errorf("gpu: the canvas has no 2d context (it may already have another kind): %v", err)
	}
	p := &canvasPresenter{d: d, canvas: canvas, ctx: ctx, needDraw: true}
	p.width, p.height = canvasSize(canvas)
	p.contextLost = func() bool { return false }
	if ctx.Get("isContextLost").Type() == js.TypeFunction {
		p.contextLost = func() bool {
			return p.ctx.Call("isContextLost").Bool() || p.srcCtx.Truthy() && p.srcCtx.Call("isContextLost").Bool()
		}
	}
	return p, nil
}

func (p *canvasPresenter) Backend() string { return Canvas2D }

func (p *canvasPresenter) Resize(width, height, scale int) error {
	if p.closed {
		return ErrClosed
	}
	if err := checkCanvasSize(width, height, 16384); err != nil {
		return err
	}
	if scale < 0 {
		return fmt.Errorf("gpu: negative scale %d", scale)
	}
	if width != p.width || height != p.height {
		// Resizing clears the canvas and resets the context's state.
		p.canvas.Set("width", width)
		p.canvas.Set("height", height)
		p.width, p.height = width, height
	}
	p.scale = scale
	p.needDraw = true
	return nil
}

func (p *canvasPresenter) setup(s surface.Surface) {
	p.sw, p.sh = s.Size()
	p.img = image.NewRGBA(image.Rect(0, 0, p.sw, p.sh))
	p.src = js.Global().Get("OffscreenCanvas").New(p.sw, p.sh)
	p.srcCtx = p.src.Call("getContext", "2d", obj(map[string]any{"alpha": false}))
	p.imageData = p.srcCtx.Call("createImageData", p.sw, p.sh)
	p.data = p.imageData.Get("data")
	p.cur = s
}

// rowsToRender lists the pixel rows of s to draw again: its damage, and
// for a text grid the rows whose look the blink phase changed.
func (p *canvasPresenter) rowsToRender(s surface.Surface, full bool, ph surface.Phase) {
	p.spans = p.spans[:0]
	if full || p.damage.Full || p.damage.Palette {
		p.spans = append(p.spans, [2]int{0, p.sh})
		return
	}
	g, text := s.(*surface.TextGrid)
	if text && p.phaseValid && ph.BlinkOn != p.lastPhase.BlinkOn && g.Blink() {
		p.spans = append(p.spans, [2]int{0, p.sh})
		return
	}
	unit := 1
	if text {
		unit = surface.CellHeight
	}
	p.damage.Spans(func(y0, y1 int) { p.spans = append(p.spans, [2]int{y0 * unit, y1 * unit}) })
	if text && p.phaseValid && ph.CursorOn != p.lastPhase.CursorOn {
		if c := g.Cursor(); c.Shown(g.Cols(), g.Rows()) && !p.damage.Row(c.Row) {
			p.spans = append(p.spans, [2]int{c.Row * unit, (c.Row + 1) * unit})
		}
	}
}

func (p *canvasPresenter) Stats() Stats { return p.stats }

func (p *canvasPresenter) Present(s surface.Surface) error {
	if p.closed {
		return ErrClosed
	}
	if p.contextLost() {
		// Nothing drawn now would show. A restored context comes back
		// cleared, so then everything is uploaded and drawn again: a
		// program that is waiting for a key draws nothing new itself.
		p.lost = true
		p.stats.Deferred++
		return nil
	}
	if p.lost {
		p.lost, p.cur, p.needDraw = false, nil, true
	}
	s.TakeDamage(&p.damage)
	full := false
	if w, h := s.Size(); s != p.cur || w != p.sw || h != p.sh {
		p.setup(s)
		full = true
	}
	ph := p.d.phase()
	p.rowsToRender(s, full, ph)
	p.lastPhase, p.phaseValid = ph, true
	for _, sp := range p.spans {
		y0, y1 := sp[0], sp[1]
		surface.RenderRows(p.img, s, ph, y0, y1)
		off, end := y0*p.img.Stride, y1*p.img.Stride
		js.CopyBytesToJS(p.data.Call("subarray", off, end), p.img.Pix[off:end])
		p.stats.UploadedBytes += uint64(end - off)
		p.srcCtx.Call("putImageData", p.imageData, 0, 0, 0, y0, p.sw, y1-y0)
	}
	pl := Fit(p.width, p.height, p.sw, p.sh, p.scale)
	if len(p.spans) > 0 || p.needDraw || pl != p.placed {
		p.ctx.Set("imageSmoothingEnabled", false)
		p.ctx.Set("fillStyle", fmt.Sprintf("rgb(%d,%d,%d)", Border.R, Border.G, Border.B))
		p.ctx.Call("fillRect", 0, 0, p.width, p.height)
		p.ctx.Call("drawImage", p.src, 0, 0, p.sw, p.sh, pl.X, pl.Y, p.sw*pl.Scale, p.sh*pl.Scale)
		p.placed, p.needDraw, p.drawn = pl, false, true
		p.stats.Frames++
	} else {
		p.stats.Unchanged++
	}
	return nil
}

func (p *canvasPresenter) Snapshot() (*image.RGBA, error) {
	if p.closed {
		return nil, ErrClosed
	}
	if !p.drawn {
		return nil, errors.New("gpu: nothing presented yet")
	}
	var data js.Value
	if err := try(func() { data = p.ctx.Call("getImageData", 0, 0, p.width, p.height).Get("data") }); err != nil {
		return nil, fmt.Errorf("gpu: reading the canvas back: %w", err)
	}
	img := image.NewRGBA(image.Rect(0, 0, p.width, p.height))
	js.CopyBytesToGo(img.Pix, data)
	return img, nil
}

func (p *canvasPresenter) Close() error {
	p.closed = true
	p.cur, p.img = nil, nil
	p.src, p.srcCtx, p.imageData, p.data = js.Undefined(), js.Undefined(), js.Undefined(), js.Undefined()
	return nil
}
