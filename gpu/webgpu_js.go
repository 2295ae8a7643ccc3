//go:build js && wasm

package gpu

// Why not cogentcore/webgpu's js backend?
//
// The issue asks for WebGPU through github.com/cogentcore/webgpu (v0.23.0).
// Its js backend can reach WebGPU from a worker — navigator.gpu exists
// there and Instance.CreateSurface calls getContext("webgpu") on whatever
// canvas it is given, OffscreenCanvas included — but it cannot upload a
// byte in our kernel worker or in the browser test runner:
// Queue.WriteTexture and Queue.WriteBuffer pass data through
// jsx.BytesToJS, which reads the module's memory from a global `wasm`
// object (globalThis.wasm.instance.exports.mem) that only cogentcore's own
// page loader defines. Our worker (web/static/worker.js) and
// wasmbrowsertest keep the instance in a local variable, and Go offers no
// way to reach its own WebAssembly.Memory, so every upload panics with
// "call of Value.Get on undefined" (tried with v0.23.0 in headless
// Chromium). It also drops every error: the Create* methods always return
// nil, there are no error scopes, a rejected mapAsync is reported as
// success, and device loss is not surfaced — and a presenter must fall
// back to Canvas2D or report a lost device instead of drawing nothing.
// So this file drives the WebGPU JavaScript API directly through
// syscall/js: a few dozen calls, with uploads through js.CopyBytesToJS
// into a reusable Uint8Array, validation through error scopes at set-up
// and the uncapturederror event afterwards, and device loss through
// device.lost.

import (
	"errors"
	"fmt"
	"image"
	"syscall/js"

	"github.com/nachoos/nacho/gpu/font"
	"github.com/nachoos/nacho/gpu/surface"
)

// WebGPU usage flags (GPUTextureUsage, GPUBufferUsage, GPUMapMode).
const (
	texCopySrc       = 0x01
	texCopyDst       = 0x02
	texBinding       = 0x04
	texRenderAttach  = 0x10
	bufMapRead       = 0x0001
	bufCopyDst       = 0x0008
	bufUniform       = 0x0040
	mapModeRead      = 0x0001
	copyRowAlignment = 256
)

// navigatorGPU returns navigator.gpu; tests replace it to stand for a
// browser without WebGPU.
var navigatorGPU = func() js.Value {
	nav := js.Global().Get("navigator")
	if !nav.Truthy() {
		return js.Undefined()
	}
	return nav.Get("gpu")
}

// canvasFormat picks the canvas texture format; tests replace it to cover
// the format the adapter does not prefer (bgra8unorm on most desktop GPUs,
// rgba8unorm on SwiftShader), which Snapshot must swizzle.
var canvasFormat = func(gpu js.Value) string { return gpu.Call("getPreferredCanvasFormat").String() }

// gpuDevice is what every presenter of a Display shares: the device, the
// pipelines for the three surface kinds and the glyph atlas.
type gpuDevice struct {
	device, queue js.Value
	format        string // the canvas texture format
	pipelines     [numKinds]js.Value
	atlas         js.Value
	maxTexture    int
	describe      string

	lost       error // set when device.lost resolves
	uncaptured error // the first error no scope caught, reported by the next Present
	funcs      []js.Func
}

func openWebGPU(opts Options) (*gpuDevice, error) {
	gpu := navigatorGPU()
	if !gpu.Truthy() {
		return nil, fmt.Errorf("%w: this browser has no navigator.gpu", ErrNoWebGPU)
	}
	ao := map[string]any{}
	if opts.PowerPreference != "" {
		ao["powerPreference"] = opts.PowerPreference
	}
	adapter, err := await(gpu.Call("requestAdapter", obj(ao)))
	if err != nil {
		return nil, fmt.Errorf("%w: requestAdapter: %v", ErrNoWebGPU, err)
	}
	if !adapter.Truthy() {
		return nil, fmt.Errorf("%w: no adapter", ErrNoWebGPU)
	}
	device, err := await(adapter.Call("requestDevice"))
	if err != nil || !device.Truthy() {
		return nil, fmt.Errorf("%w: requestDevice: %v", ErrNoWebGPU, err)
	}
	g := &gpuDevice{
		device:     device,
		queue:      device.Get("queue"),
		format:     canvasFormat(gpu),
		maxTexture: device.Get("limits").Get("maxTextureDimension2D").Int(),
		describe:   adapterInfo(adapter),
	}
	onLost := js.FuncOf(func(_ js.Value, args []js.Value) any {
		info := arg0(args)
		msg := "unknown reason"
		if info.Truthy() {
			msg = fmt.Sprintf("%v: %v", info.Get("reason"), info.Get("message"))
		}
		g.lost = fmt.Errorf("%w (%s)", ErrDeviceLost, msg)
		// Nothing calls back into Go for this device any more (destroy
		// resolves device.lost too, so this also runs after close).
		for _, f := range g.funcs {
			f.Release()
		}
		g.funcs = nil
		return nil
	})
	onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if g.uncaptured == nil {
			g.uncaptured = fmt.Errorf("gpu: WebGPU error: %v", jsError(arg0(args).Get("error")))
		}
		return nil
	})
	g.funcs = append(g.funcs, onLost, onError)
	device.Get("lost").Call("then", onLost)
	device.Call("addEventListener", "uncapturederror", onError)

	if err := g.build(); err != nil {
		g.close()
		return nil, err
	}
	return g, nil
}

func adapterInfo(adapter js.Value) string {
	info := adapter.Get("info")
	if !info.Truthy() {
		return "adapter"
	}
	var parts []string
	for _, k := range []string{"vendor", "architecture", "description"} {
		if v := info.Get(k); v.Type() == js.TypeString && v.String() != "" {
			parts = append(parts, v.String())
		}
	}
	if len(parts) == 0 {
		return "adapter"
	}
	s := parts[0]
	for _, p := range parts[1:] {
		s += " " + p
	}
	return s
}

// build compiles the shaders, creates the pipelines and uploads the glyph
// atlas, inside an error scope so that a bad shader fails Open (and the
// Display falls back to Canvas2D) instead of drawing nothing.
func (g *gpuDevice) build() error {
	g.device.Call("pushErrorScope", "validation")
	g.device.Call("pushErrorScope", "internal")
	var compileErrs []error
	src := shaderSources()
	for k := 0; k < numKinds; k++ {
		module := g.device.Call("createShaderModule", obj(map[string]any{"code": src[k]}))
		if info, err := await(module.Call("getCompilationInfo")); err == nil && info.Truthy() {
			msgs := info.Get("messages")
			for i := 0; i < msgs.Length(); i++ {
				m := msgs.Index(i)
				if m.Get("type").String() == "error" {
					compileErrs = append(compileErrs, fmt.Errorf("shader %d line %d: %s", k, m.Get("lineNum").Int(), m.Get("message").String()))
				}
			}
		}
		g.pipelines[k] = g.device.Call("createRenderPipeline", obj(map[string]any{
			"layout": "auto",
			"vertex": map[string]any{"module": module, "entryPoint": "vs"},
			"fragment": map[string]any{
				"module": module, "entryPoint": "fs",
				"targets": []any{map[string]any{"format": g.format}},
			},
			"primitive": map[string]any{"topology": "triangle-list"},
		}))
	}
	pix, w, h := font.Atlas()
	g.atlas = g.device.Call("createTexture", obj(map[string]any{
		"size": []any{w, h}, "format": "r8uint", "usage": texBinding | texCopyDst,
	}))
	data := js.Global().Get("Uint8Array").New(len(pix))
	js.CopyBytesToJS(data, pix)
	g.queue.Call("writeTexture", obj(map[string]any{"texture": g.atlas}), data,
		obj(map[string]any{"bytesPerRow": w}), []any{w, h})

	var errs []error
	for _, scope := range []string{"internal", "validation"} {
		e, err := await(g.device.Call("popErrorScope"))
		if err != nil {
			errs = append(errs, fmt.Errorf("popErrorScope: %v", err))
		} else if e.Truthy() {
			errs = append(errs, fmt.Errorf("%s error: %s", scope, e.Get("message").String()))
		}
	}
	if err := errors.Join(append(compileErrs, errs...)...); err != nil {
		return fmt.Errorf("%w: setting up the pipelines: %v", ErrNoWebGPU, err)
	}
	return nil
}

// close destroys the device; device.lost then resolves and releases the
// callbacks.
func (g *gpuDevice) close() {
	if g.device.Truthy() {
		g.device.Call("destroy")
	}
}

// upload is a reusable writeTexture call: the destination, layout and size
// objects are built once and only their numbers change per call.
type upload struct {
	dst, origin, layout, size js.Value
}

func newUpload(texture js.Value, width, bytesPerRow int) *upload {
	u := &upload{
		origin: obj(map[string]any{"x": 0, "y": 0}),
		layout: obj(map[string]any{"offset": 0, "bytesPerRow": bytesPerRow}),
		size:   obj(map[string]any{"width": width, "height": 1}),
	}
	u.dst = obj(map[string]any{"texture": texture, "origin": u.origin})
	return u
}

// gpuPresenter draws one canvas with WebGPU.
type gpuPresenter struct {
	d   *Display
	g   *gpuDevice
	ctx js.Value // GPUCanvasContext

	canvas           js.Value
	width, height    int
	scale            int
	copySrc          bool // the canvas is configured for readback
	needDraw         bool
	drawn            bool
	closed           bool
	damage           surface.Damage
	uniformBytes     [paramsSize]byte
	uniformStaging   js.Value
	uniform          js.Value // GPUBuffer
	pass             js.Value // render pass descriptor, reused
	attachment       js.Value // its colour attachment
	staging          js.Value // Uint8Array for uploads
	stagingLen       int
	last             params
	lastValid        bool
	cur              surface.Surface
	kind, tw, th     int // what the textures were made for
	content, pal     js.Value
	contentUp, palUp *upload
	bind             js.Value
	stats            Stats
	inFlight         int     // frames submitted and not yet finished
	onDone           js.Func // counts a finished frame
}

var _ Presenter = (*gpuPresenter)(nil)

func newGPUPresenter(d *Display, canvas js.Value) (*gpuPresenter, error) {
	var ctx js.Value
	if err := try(func() { ctx = canvas.Call("getContext", "webgpu") }); err != nil || !ctx.Truthy() {
		return nil, fmt.Errorf("gpu: the canvas has no webgpu context (it may already have another kind): %v", err)
	}
	p := &gpuPresenter{d: d, g: d.gpu, ctx: ctx, canvas: canvas, needDraw: true}
	p.width, p.height = canvasSize(canvas)
	if err := p.configure(false); err != nil {
		return nil, err
	}
	p.uniform = p.g.device.Call("createBuffer", obj(map[string]any{"size": paramsSize, "usage": bufUniform | bufCopyDst}))
	p.uniformStaging = js.Global().Get("Uint8Array").New(paramsSize)
	p.attachment = obj(map[string]any{
		"loadOp": "clear", "storeOp": "store",
		"clearValue": map[string]any{"r": 0, "g": 0, "b": 0, "a": 1},
	})
	p.pass = obj(map[string]any{"colorAttachments": []any{p.attachment}})
	p.onDone = js.FuncOf(func(js.Value, []js.Value) any {
		p.inFlight--
		if p.closed && p.inFlight == 0 {
			p.onDone.Release()
		}
		return nil
	})
	return p, nil
}

func (p *gpuPresenter) configure(copySrc bool) error {
	usage := texRenderAttach
	if copySrc {
		usage |= texCopySrc
	}
	err := try(func() {
		p.ctx.Call("configure", obj(map[string]any{
			"device": p.g.device, "format": p.g.format, "alphaMode": "opaque", "usage": usage,
		}))
	})
	if err != nil {
		return fmt.Errorf("gpu: configuring the canvas: %w", err)
	}
	p.copySrc = copySrc
	p.needDraw = true
	return nil
}

func (p *gpuPresenter) Backend() string { return WebGPU }

func (p *gpuPresenter) check() error {
	switch {
	case p.closed:
		return ErrClosed
	case p.g.lost != nil:
		return p.g.lost
	case p.g.uncaptured != nil:
		err := p.g.uncaptured
		p.g.uncaptured = nil
		return err
	}
	return nil
}

func (p *gpuPresenter) Resize(width, height, scale int) error {
	if err := p.check(); err != nil {
		return err
	}
	if err := checkCanvasSize(width, height, p.g.maxTexture); err != nil {
		return err
	}
	if scale < 0 {
		return fmt.Errorf("gpu: negative scale %d", scale)
	}
	if width != p.width || height != p.height {
		p.canvas.Set("width", width)
		p.canvas.Set("height", height)
		p.width, p.height = width, height
	}
	p.scale = scale
	p.needDraw = true
	return nil
}

// kindOf returns the shader kind for s and the size of its content texture.
func kindOf(s surface.Surface) (kind, tw, th int) {
	switch s := s.(type) {
	case *surface.TextGrid:
		return kindText, s.Cols(), s.Rows()
	case *surface.Indexed:
		w, h := s.Size()
		return kindIndexed, w, h
	case *surface.RGBA:
		w, h := s.Size()
		return kindRGBA, w, h
	}
	panic("gpu: unknown surface type")
}

// contentOf returns s's texels as bytes and the bytes per texel row.
func contentOf(s surface.Surface) (data []byte, stride int) {
	switch s := s.(type) {
	case *surface.TextGrid:
		return s.Bytes(), 2 * s.Cols()
	case *surface.Indexed:
		w, _ := s.Size()
		return s.Pix(), w
	case *surface.RGBA:
		w, _ := s.Size()
		return s.Pix(), 4 * w
	}
	panic("gpu: unknown surface type")
}

func paletteOf(s surface.Surface) []byte {
	switch s := s.(type) {
	case *surface.TextGrid:
		return s.PaletteBytes()
	case *surface.Indexed:
		return s.PaletteBytes()
	}
	return nil
}

// setup makes the textures and bind group for a new surface, its kind or size.
func (p *gpuPresenter) setup(kind, tw, th int) {
	p.destroyContent()
	dev := p.g.device
	format := [numKinds]string{kindText: "rg8uint", kindIndexed: "r8uint", kindRGBA: "rgba8unorm"}[kind]
	bpp := [numKinds]int{kindText: 2, kindIndexed: 1, kindRGBA: 4}[kind]
	p.content = dev.Call("createTexture", obj(map[string]any{
		"size": []any{tw, th}, "format": format, "usage": texBinding | texCopyDst,
	}))
	p.contentUp = newUpload(p.content, tw, bpp*tw)
	// The staging array also carries palettes (up to 256 colours).
	if need := max(bpp*tw*th, 256*4); need > p.stagingLen {
		p.staging = js.Global().Get("Uint8Array").New(need)
		p.stagingLen = need
	}
	entries := []any{
		map[string]any{"binding": 0, "resource": map[string]any{"buffer": p.uniform}},
		map[string]any{"binding": 1, "resource": p.content.Call("createView")},
	}
	if kind != kindRGBA {
		n := 256
		if kind == kindText {
			n = 16
		}
		p.pal = dev.Call("createTexture", obj(map[string]any{
			"size": []any{n, 1}, "format": "rgba8unorm", "usage": texBinding | texCopyDst,
		}))
		p.palUp = newUpload(p.pal, n, 4*n)
		entries = append(entries, map[string]any{"binding": 2, "resource": p.pal.Call("createView")})
	}
	if kind == kindText {
		entries = append(entries, map[string]any{"binding": 3, "resource": p.g.atlas.Call("createView")})
	}
	p.bind = dev.Call("createBindGroup", obj(map[string]any{
		"layout":  p.g.pipelines[kind].Call("getBindGroupLayout", 0),
		"entries": entries,
	}))
	p.kind, p.tw, p.th = kind, tw, th
}

func (p *gpuPresenter) destroyContent() {
	for _, t := range []js.Value{p.content, p.pal} {
		if t.Truthy() {
			t.Call("destroy")
		}
	}
	p.content, p.pal, p.bind = js.Undefined(), js.Undefined(), js.Undefined()
	p.contentUp, p.palUp = nil, nil
}

// write uploads rows [y0, y1) of data (stride bytes a row) through u.
func (p *gpuPresenter) write(u *upload, data []byte, stride, y0, y1 int) {
	js.CopyBytesToJS(p.staging, data[y0*stride:y1*stride])
	p.stats.UploadedBytes += uint64((y1 - y0) * stride)
	u.origin.Set("y", y0)
	u.size.Set("height", y1-y0)
	p.g.queue.Call("writeTexture", u.dst, p.staging, u.layout, u.size)
}

func (p *gpuPresenter) Stats() Stats { return p.stats }

func (p *gpuPresenter) Present(s surface.Surface) error {
	if err := p.check(); err != nil {
		return err
	}
	if p.inFlight >= MaxFramesInFlight {
		p.stats.Deferred++
		return nil
	}
	s.TakeDamage(&p.damage)
	kind, tw, th := kindOf(s)
	full := p.damage.Full
	if s != p.cur || kind != p.kind || tw != p.tw || th != p.th || !p.content.Truthy() {
		p.setup(kind, tw, th)
		p.cur = s
		full = true
	}
	drew := false
	data, stride := contentOf(s)
	if full {
		p.write(p.contentUp, data, stride, 0, th)
		drew = true
	} else {
		p.damage.Spans(func(y0, y1 int) {
			p.write(p.contentUp, data, stride, y0, y1)
			drew = true
		})
	}
	if pal := paletteOf(s); pal != nil && (full || p.damage.Palette) {
		p.write(p.palUp, pal, len(pal), 0, 1)
		drew = true
	}
	sw, sh := s.Size()
	prm := shaderParams(s, Fit(p.width, p.height, sw, sh, p.scale), p.d.phase())
	if !p.lastValid || prm != p.last {
		prm.bytes(&p.uniformBytes)
		js.CopyBytesToJS(p.uniformStaging, p.uniformBytes[:])
		p.g.queue.Call("writeBuffer", p.uniform, 0, p.uniformStaging)
		p.last, p.lastValid = prm, true
		drew = true
	}
	if drew || p.needDraw {
		p.draw(nil)
		p.stats.Frames++
	} else {
		p.stats.Unchanged++
	}
	return nil
}

// draw renders the current surface onto the canvas's current texture;
// extra may add commands (a readback copy) to the same submission.
func (p *gpuPresenter) draw(extra func(enc, tex js.Value)) {
	tex := p.ctx.Call("getCurrentTexture")
	p.attachment.Set("view", tex.Call("createView"))
	enc := p.g.device.Call("createCommandEncoder")
	pass := enc.Call("beginRenderPass", p.pass)
	pass.Call("setPipeline", p.g.pipelines[p.kind])
	pass.Call("setBindGroup", 0, p.bind)
	pass.Call("draw", 3)
	pass.Call("end")
	if extra != nil {
		extra(enc, tex)
	}
	p.g.queue.Call("submit", []any{enc.Call("finish")})
	p.inFlight++
	p.g.queue.Call("onSubmittedWorkDone").Call("then", p.onDone)
	p.needDraw, p.drawn = false, true
}

// Snapshot draws the last presented state again into the canvas's
// current texture and copies that texture back, so it reads what the
// canvas shows through the same pipeline.
func (p *gpuPresenter) Snapshot() (*image.RGBA, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if !p.drawn || !p.bind.Truthy() {
		return nil, errors.New("gpu: nothing presented yet")
	}
	if !p.copySrc {
		if err := p.configure(true); err != nil {
			return nil, err
		}
	}
	w, h := p.width, p.height
	bpr := (4*w + copyRowAlignment - 1) / copyRowAlignment * copyRowAlignment
	buf := p.g.device.Call("createBuffer", obj(map[string]any{"size": bpr * h, "usage": bufMapRead | bufCopyDst}))
	defer buf.Call("destroy")
	p.draw(func(enc, tex js.Value) {
		enc.Call("copyTextureToBuffer",
			obj(map[string]any{"texture": tex}),
			obj(map[string]any{"buffer": buf, "bytesPerRow": bpr, "rowsPerImage": h}),
			[]any{w, h})
	})
	if _, err := await(buf.Call("mapAsync", mapModeRead)); err != nil {
		return nil, fmt.Errorf("gpu: reading the canvas back: %w", err)
	}
	raw := make([]byte, bpr*h)
	js.CopyBytesToGo(raw, js.Global().Get("Uint8Array").New(buf.Call("getMappedRange")))
	buf.Call("unmap")
	// Let the frames counted in flight be counted finished, so the next
	// Present draws (their callbacks run before this promise's).
	if err := p.wait(); err != nil {
		return nil, err
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	bgra := p.g.format == "bgra8unorm"
	for y := 0; y < h; y++ {
		src, dst := raw[y*bpr:y*bpr+4*w], img.Pix[y*img.Stride:y*img.Stride+4*w]
		copy(dst, src)
		if bgra {
			for x := 0; x < len(dst); x += 4 {
				dst[x], dst[x+2] = dst[x+2], dst[x]
			}
		}
	}
	return img, nil
}

// wait returns once the GPU has finished everything submitted.
func (p *gpuPresenter) wait() error {
	_, err := await(p.g.queue.Call("onSubmittedWorkDone"))
	return err
}

func (p *gpuPresenter) Close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	p.destroyContent()
	if p.uniform.Truthy() {
		p.uniform.Call("destroy")
	}
	try(func() { p.ctx.Call("unconfigure") })
	p.cur = nil
	if p.inFlight == 0 {
		p.onDone.Release()
	}
	return nil
}
