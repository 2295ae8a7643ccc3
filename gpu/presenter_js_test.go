//go:build js && wasm

package gpu

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/nachoos/nacho/gpu/surface"
)

// newCanvas returns a canvas the way the page hands one over: a DOM canvas
// transferred to an OffscreenCanvas (or a new OffscreenCanvas where there
// is no document, as in a worker).
func newCanvas(t testing.TB, w, h int) js.Value {
	t.Helper()
	doc := js.Global().Get("document")
	var c js.Value
	if doc.Truthy() {
		el := doc.Call("createElement", "canvas")
		el.Set("width", w)
		el.Set("height", h)
		doc.Get("body").Call("appendChild", el)
		t.Cleanup(func() { el.Call("remove") })
		c = el.Call("transferControlToOffscreen")
	} else {
		c = js.Global().Get("OffscreenCanvas").New(w, h)
	}
	return c
}

// clock is a settable time source for blink phases.
type clock struct{ now time.Duration }

func (c *clock) Now() time.Duration { return c.now }

// frames converts VGA frames (70.086 Hz) to a time in the middle of that frame.
func frames(n int) time.Duration {
	return time.Duration(n)*time.Second*1000/70086 + time.Second/70/2
}

// openDisplay opens a display with one backend, failing loudly when
// WebGPU is missing: the test environment must provide it.
func openDisplay(t testing.TB, backend string, clk *clock) *Display {
	t.Helper()
	d, err := Open(Options{Backend: backend, Clock: clk.Now})
	if err != nil {
		if errors.Is(err, ErrNoWebGPU) {
			t.Fatalf("WebGPU is required for this test and is missing: %v\n"+
				"run browser tests with PATH=$PWD/tools/chromium:$PATH so Chromium gets --enable-unsafe-webgpu (a SwiftShader adapter headless)", err)
		}
		t.Fatal(err)
	}
	if d.Backend() != backend {
		t.Fatalf("asked for %s, got %s", backend, d.Backend())
	}
	t.Cleanup(func() { d.Close() })
	t.Logf("%s", d.Describe())
	return d
}

// compare fails the test if got and want differ, listing a few pixels.
func compare(t *testing.T, what string, got, want *image.RGBA) {
	t.Helper()
	if got.Bounds() != want.Bounds() {
		t.Fatalf("%s: got %v pixels, want %v", what, got.Bounds(), want.Bounds())
	}
	bad := 0
	var first []string
	b := want.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g, w := got.RGBAAt(x, y), want.RGBAAt(x, y)
			if g != w {
				bad++
				if len(first) < 8 {
					first = append(first, fmt.Sprintf("(%d,%d) got %v want %v", x, y, g, w))
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d pixels differ from the reference: %s", what, bad, b.Dx()*b.Dy(), strings.Join(first, "; "))
	}
}

// testFrame is a 320x200 mode 13h frame using every palette entry, with a
// palette whose 256 colours are all different.
func testFrame() *surface.Indexed {
	f := surface.NewIndexed(320, 200)
	for y := 0; y < 200; y++ {
		for x := 0; x < 320; x++ {
			f.Set(x, y, byte(x+7*y+(x*y)>>5))
		}
	}
	for i := 0; i < 256; i++ {
		f.SetColor(byte(i), testColor(i))
	}
	return f
}

func testColor(i int) color.RGBA {
	return color.RGBA{byte(i), byte(i*37 + 11), byte(255 - i), 255}
}

// testGrid is an 80x25 text screen with all 256 characters in many
// attributes, blinking cells and a block cursor.
func testGrid() *surface.TextGrid {
	g := surface.NewTextGrid(80, 25)
	for r := 0; r < 25; r++ {
		for c := 0; c < 80; c++ {
			i := r*80 + c
			g.Set(c, r, byte(i), byte(i*13+r))
		}
	}
	g.Print(2, 20, []byte("\xC9\xCD\xCD Nacho \xCD\xCD\xBB"), 0x1F)
	g.Print(2, 21, []byte("\xC8\xCD\xCD blink \xCD\xCD\xBC"), 0x9E)
	g.SetCursor(surface.Cursor{Col: 10, Row: 5, Start: 0, End: 15, Visible: true})
	return g
}

func testRGBA() *surface.RGBA {
	f := surface.NewRGBA(200, 120)
	for y := 0; y < 120; y++ {
		for x := 0; x < 200; x++ {
			f.Set(x, y, color.RGBA{byte(x), byte(y * 2), byte(x ^ y), 255})
		}
	}
	return f
}

var backends = []string{WebGPU, Canvas2D}

func forEachBackend(t *testing.T, fn func(t *testing.T, d *Display, clk *clock)) {
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			clk := &clock{}
			fn(t, openDisplay(t, b, clk), clk)
		})
	}
}

type layout struct{ w, h, scale int }

// Each layout: exact fit at 2x, automatic scale with a border, 1x cut off.
var layouts = []layout{{640, 400, 2}, {700, 450, 0}, {300, 150, 1}}

// fatal ends the test, explaining the usual cause when WebGPU stops
// working as soon as it touches a canvas.
func fatal(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrDeviceLost) || strings.Contains(err.Error(), "Instance reference") {
		t.Fatalf("%v\nheadless Chromium could not present a WebGPU canvas: run it with the flags in scripts/gpu-chromium.sh (scripts/gpu-browser-test.sh does)", err)
	}
	t.Fatal(err)
}

func presentAndCompare(t *testing.T, p Presenter, s surface.Surface, ph surface.Phase, l layout, what string) *image.RGBA {
	t.Helper()
	if err := p.Resize(l.w, l.h, l.scale); err != nil {
		fatal(t, err)
	}
	if err := p.Present(s); err != nil {
		fatal(t, err)
	}
	got, err := p.Snapshot()
	if err != nil {
		fatal(t, err)
	}
	compare(t, fmt.Sprintf("%s on %dx%d scale %d", what, l.w, l.h, l.scale), got, Reference(s, ph, l.w, l.h, l.scale))
	return got
}

func TestIndexedFramebuffer(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *Display, clk *clock) {
		p, err := d.NewPresenter(newCanvas(t, 640, 400))
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		f := testFrame()
		for _, l := range layouts {
			got := presentAndCompare(t, p, f, surface.Phase{}, l, "mode 13h frame")
			if l.scale == 2 && l.w == 640 {
				// Independently of the reference renderer: each 2x2
				// block shows the palette colour of its index.
				for _, pt := range [][2]int{{0, 0}, {1, 0}, {5, 3}, {319, 199}, {160, 100}, {255, 1}} {
					x, y := pt[0], pt[1]
					want := testColor(int(f.At(x, y)))
					for _, q := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
						if c := got.RGBAAt(2*x+q[0], 2*y+q[1]); c != want {
							t.Errorf("pixel (%d,%d) shows %v, want palette[%d] = %v", x, y, c, f.At(x, y), want)
						}
					}
				}
			}
		}
		// Incremental: a few pixels and one palette entry change.
		l := layouts[0]
		f.Set(3, 4, 200)
		f.Set(319, 150, 1)
		presentAndCompare(t, p, f, surface.Phase{}, l, "after changing pixels")
		f.SetDAC(200, 63, 0, 32)
		presentAndCompare(t, p, f, surface.Phase{}, l, "after changing the palette")
		if c := mustSnapshot(t, p).RGBAAt(6, 8); c != (color.RGBA{255, 0, 130, 255}) {
			t.Errorf("DAC colour (63,0,32) shows as %v, want (255,0,130)", c)
		}
	})
}

func mustSnapshot(t *testing.T, p Presenter) *image.RGBA {
	t.Helper()
	img, err := p.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestTextGrid(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *Display, clk *clock) {
		p, err := d.NewPresenter(newCanvas(t, 640, 400))
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		g := testGrid()
		// Both blink phases, cursor on and off.
		for _, n := range []int{0, 10, 20, 30} {
			clk.now = frames(n)
			ph := surface.PhaseAt(clk.now)
			for _, l := range layouts {
				presentAndCompare(t, p, g, ph, l, fmt.Sprintf("text at frame %d %+v", n, ph))
			}
		}
		clk.now = 0
		l := layouts[0]
		got := presentAndCompare(t, p, g, surface.PhaseAt(0), l, "text")
		// Independently of the reference: the cursor is a solid block in
		// the foreground colour of its cell, and cell (0,0) is NUL in
		// attribute 00h, all black.
		_, attr := g.At(10, 5)
		fg := surface.DefaultTextPalette[attr&15]
		for y := 0; y < 32; y++ {
			for x := 0; x < 16; x++ {
				if c := got.RGBAAt(10*16+x, 5*32+y); c != fg {
					t.Fatalf("cursor pixel (%d,%d) = %v, want %v", x, y, c, fg)
				}
				if c := got.RGBAAt(x, y); c != (color.RGBA{0, 0, 0, 255}) {
					t.Fatalf("NUL cell pixel (%d,%d) = %v", x, y, c)
				}
			}
		}
		// Incremental changes: cells, cursor, palette, blink mode, nine dots.
		g.Print(0, 0, []byte("Hello, world"), 0x4E)
		g.SetCursor(surface.Cursor{Col: 79, Row: 24, Start: 14, End: 15, Visible: true})
		presentAndCompare(t, p, g, surface.PhaseAt(0), l, "after printing and moving the cursor")
		g.SetPalette(4, color.RGBA{0x12, 0x34, 0x56, 255})
		presentAndCompare(t, p, g, surface.PhaseAt(0), l, "after changing the palette")
		g.SetBlink(false)
		clk.now = frames(20)
		presentAndCompare(t, p, g, surface.PhaseAt(clk.now), l, "with bright backgrounds")
		g.SetNineDot(true)
		presentAndCompare(t, p, g, surface.PhaseAt(clk.now), layout{720, 400, 1}, "with nine-dot cells")
	})
}

func TestRGBAFramebuffer(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *Display, clk *clock) {
		p, err := d.NewPresenter(newCanvas(t, 400, 240))
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		f := testRGBA()
		presentAndCompare(t, p, f, surface.Phase{}, layout{400, 240, 2}, "RGBA frame")
		presentAndCompare(t, p, f, surface.Phase{}, layout{450, 300, 0}, "RGBA frame, auto scale")
	})
}

// One presenter shows whatever its window shows: a program switching from
// text mode to mode 13h and back.
func TestSwitchingSurfaces(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *Display, clk *clock) {
		p, err := d.NewPresenter(newCanvas(t, 640, 400))
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		l := layout{640, 400, 0}
		g, f := testGrid(), testFrame()
		presentAndCompare(t, p, g, surface.PhaseAt(0), l, "text")
		presentAndCompare(t, p, f, surface.Phase{}, l, "then mode 13h")
		presentAndCompare(t, p, g, surface.PhaseAt(0), l, "then text again")
		small := surface.NewTextGrid(40, 25)
		small.Print(0, 0, []byte("40 columns"), 0x0A)
		presentAndCompare(t, p, small, surface.PhaseAt(0), l, "then 40x25 text")
	})
}

// The comparison must catch a wrong shader: each of these small mistakes
// gives a picture that differs from the reference.
func TestBrokenShaderIsCaught(t *testing.T) {
	mutations := []struct {
		name      string
		kind      int
		old, new  string
		s         func() surface.Surface
		allDiffer bool
	}{
		{"palette lookup off by one", kindIndexed, "vec2<u32>(index, 0u)", "vec2<u32>((index + 1u) % 256u, 0u)",
			func() surface.Surface { return testFrame() }, true},
		{"glyphs mirrored", kindText, "(ch % 16u) * 8u + col", "(ch % 16u) * 8u + (7u - col)",
			func() surface.Surface { return testGrid() }, false},
		{"blinking ignored", kindText, "(flags & 2u) == 0u", "false",
			func() surface.Surface { return testGrid() }, false},
		{"cursor one scanline short", kindText, "gy <= P.cursor.w", "gy < P.cursor.w",
			func() surface.Surface { return testGrid() }, false},
		{"red and blue swapped", kindRGBA, "textureLoad(image, p, 0).rgb", "textureLoad(image, p, 0).bgr",
			func() surface.Surface { return testRGBA() }, false},
	}
	saved := shaderSources
	defer func() { shaderSources = saved }()
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			shaderSources = func() [numKinds]string {
				s := saved()
				broken := strings.Replace(s[m.kind], m.old, m.new, 1)
				if broken == s[m.kind] {
					panic("the shader no longer has the code this test breaks: " + m.old)
				}
				s[m.kind] = broken
				return s
			}
			clk := &clock{now: frames(20)} // blinking characters hidden
			d := openDisplay(t, WebGPU, clk)
			p, err := d.NewPresenter(newCanvas(t, 640, 400))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			s := m.s()
			if err := p.Present(s); err != nil {
				fatal(t, err)
			}
			got := mustSnapshot(t, p)
			want := Reference(s, surface.PhaseAt(clk.now), 640, 400, 0)
			same, differ := 0, 0
			for i := 0; i < len(got.Pix); i += 4 {
				if got.Pix[i] == want.Pix[i] && got.Pix[i+1] == want.Pix[i+1] && got.Pix[i+2] == want.Pix[i+2] {
					same++
				} else {
					differ++
				}
			}
			if differ == 0 {
				t.Fatal("a broken shader drew exactly the reference picture")
			}
			if m.allDiffer && same != 0 {
				t.Errorf("%d pixels still match the reference", same)
			}
			t.Logf("%d pixels differ", differ)
		})
	}
}

// A shader that does not compile makes WebGPU unavailable with a clear
// error, and the automatic choice falls back to Canvas2D.
func TestBadShaderFallsBack(t *testing.T) {
	saved := shaderSources
	defer func() { shaderSources = saved }()
	shaderSources = func() [numKinds]string {
		s := saved()
		s[kindText] += "\nfn broken() -> u32 { return 1.5; }\n"
		return s
	}
	if _, err := Open(Options{Backend: WebGPU}); !errors.Is(err, ErrNoWebGPU) || !strings.Contains(err.Error(), "shader") {
		t.Fatalf("Open with a bad shader: %v", err)
	}
	d, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Backend() != Canvas2D || d.FallbackReason() == nil {
		t.Fatalf("backend %s, reason %v", d.Backend(), d.FallbackReason())
	}
	t.Log(d.Describe())
}

// Without navigator.gpu the automatic choice is Canvas2D, says why, and
// draws correctly.
func TestFallbackWithoutWebGPU(t *testing.T) {
	saved := navigatorGPU
	defer func() { navigatorGPU = saved }()
	navigatorGPU = func() js.Value { return js.Undefined() }
	if _, err := Open(Options{Backend: WebGPU}); !errors.Is(err, ErrNoWebGPU) {
		t.Fatalf("forcing WebGPU without it: %v", err)
	}
	d, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Backend() != Canvas2D || !strings.Contains(d.Describe(), "navigator.gpu") {
		t.Fatalf("backend %s: %s", d.Backend(), d.Describe())
	}
	p, err := d.NewPresenter(newCanvas(t, 640, 400))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	presentAndCompare(t, p, testGrid(), surface.PhaseAt(0), layout{640, 400, 0}, "fallback text")
}

// Canvases come in rgba8unorm and bgra8unorm; both must show the same picture.
func TestBothCanvasFormats(t *testing.T) {
	saved := canvasFormat
	defer func() { canvasFormat = saved }()
	for _, format := range []string{"rgba8unorm", "bgra8unorm"} {
		t.Run(format, func(t *testing.T) {
			canvasFormat = func(js.Value) string { return format }
			d := openDisplay(t, WebGPU, &clock{})
			if d.gpu.format != format {
				t.Fatalf("format %s", d.gpu.format)
			}
			p, err := d.NewPresenter(newCanvas(t, 640, 400))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			presentAndCompare(t, p, testFrame(), surface.Phase{}, layout{640, 400, 0}, format+" canvas")
		})
	}
}

// Presenting faster than the GPU finishes frames defers drawing instead of
// queueing without bound, and the deferred changes are drawn later.
func TestBackpressure(t *testing.T) {
	d := openDisplay(t, WebGPU, &clock{})
	p, err := d.NewPresenter(newCanvas(t, 640, 400))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	f := testFrame()
	for i := 0; i < 10; i++ {
		f.Set(i, i, byte(i))
		if err := p.Present(f); err != nil {
			t.Fatal(err)
		}
	}
	st := p.Stats()
	if st.Frames != MaxFramesInFlight || st.Deferred != 10-MaxFramesInFlight {
		t.Fatalf("10 presents without yielding: %+v", st)
	}
	// Once the GPU catches up, the changes still pending are drawn.
	if err := p.(*gpuPresenter).wait(); err != nil {
		t.Fatal(err)
	}
	presentAndCompare(t, p, f, surface.Phase{}, layout{640, 400, 0}, "after deferred frames")
	if err := p.Present(f); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Unchanged == 0 {
		t.Errorf("presenting an unchanged frame counted no unchanged frame: %+v", st)
	}
}

// A lost device (driver reset, GPU process crash) is reported, not drawn
// over silently.
func TestDeviceLost(t *testing.T) {
	d := openDisplay(t, WebGPU, &clock{})
	p, err := d.NewPresenter(newCanvas(t, 64, 64))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Present(testFrame()); err != nil {
		t.Fatal(err)
	}
	d.gpu.device.Call("destroy")
	if _, err := await(d.gpu.device.Get("lost")); err != nil {
		t.Fatal(err)
	}
	if err := p.Present(testFrame()); !errors.Is(err, ErrDeviceLost) {
		t.Errorf("Present on a lost device: %v", err)
	}
}

// A 2D canvas whose context the browser lost and restored comes back
// cleared; the presenter draws everything again although the surface did
// not change.
func TestCanvasContextRestored(t *testing.T) {
	d := openDisplay(t, Canvas2D, &clock{})
	pr, err := d.NewPresenter(newCanvas(t, 640, 400))
	if err != nil {
		t.Fatal(err)
	}
	p := pr.(*canvasPresenter)
	f := testFrame()
	l := layout{640, 400, 2}
	presentAndCompare(t, p, f, surface.Phase{}, l, "before the loss")
	lost := true
	p.contextLost = func() bool { return lost }
	p.ctx.Call("clearRect", 0, 0, 640, 400) // what a restored context holds
	p.srcCtx.Call("clearRect", 0, 0, 320, 200)
	before := p.Stats()
	if err := p.Present(f); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Deferred != before.Deferred+1 || st.Frames != before.Frames {
		t.Fatalf("Present while lost: %+v, before %+v", st, before)
	}
	lost = false
	if err := p.Present(f); err != nil {
		t.Fatal(err)
	}
	got, err := p.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "after the context came back", got, Reference(f, surface.Phase{}, l.w, l.h, l.scale))
}

func TestAutoPicksWebGPU(t *testing.T) {
	p, err := NewPresenter(newCanvas(t, 320, 200), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Backend() != WebGPU {
		t.Fatalf("the automatic choice is %s where WebGPU works", p.Backend())
	}
}

func TestErrors(t *testing.T) {
	if _, err := Open(Options{Backend: "vulkan"}); err == nil {
		t.Error("an unknown backend was accepted")
	}
	forEachBackend(t, func(t *testing.T, d *Display, clk *clock) {
		if _, err := d.NewPresenter(js.ValueOf(3)); err == nil {
			t.Error("a number was accepted as a canvas")
		}
		p, err := d.NewPresenter(newCanvas(t, 64, 64))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Snapshot(); err == nil {
			t.Error("Snapshot before any Present succeeded")
		}
		for _, bad := range [][3]int{{0, 10, 1}, {10, -1, 1}, {10, 10, -2}, {1 << 20, 10, 1}} {
			if err := p.Resize(bad[0], bad[1], bad[2]); err == nil {
				t.Errorf("Resize%v accepted", bad)
			}
		}
		p.Close()
		if err := p.Present(testGrid()); !errors.Is(err, ErrClosed) {
			t.Errorf("Present after Close: %v", err)
		}
	})
}

// Benchmarks: the time the kernel's thread spends presenting a frame in
// which every row changed (the worst case: scrolling text, a game
// redrawing the screen) and one in which nothing did; for WebGPU also the
// time until the GPU has finished the frame.
func BenchmarkPresent(b *testing.B) {
	for _, backend := range backends {
		clk := &clock{}
		d := openDisplay(b, backend, clk)
		for _, sc := range []struct {
			name   string
			s      surface.Surface
			w, h   int
			change func(i int)
		}{
			{"text80x25", nil, 640, 400, nil},
			{"indexed320x200", nil, 640, 400, nil},
		} {
			var s surface.Surface
			var change func(i int)
			switch sc.name {
			case "text80x25":
				g := testGrid()
				s = g
				change = func(i int) {
					vram := g.Bytes()
					buf := make([]byte, len(vram))
					for j := range buf {
						buf[j] = byte(i + j)
					}
					g.Update(buf)
				}
			default:
				f := testFrame()
				s = f
				change = func(i int) {
					buf := make([]byte, 320*200)
					for j := range buf {
						buf[j] = byte(i + j)
					}
					f.Update(buf)
				}
			}
			p, err := d.NewPresenter(newCanvas(b, sc.w, sc.h))
			if err != nil {
				b.Fatal(err)
			}
			p.Present(s)
			// The kernel thread's cost. For WebGPU the GPU is let finish
			// each frame outside the timer, as a frame loop would.
			gp, _ := p.(*gpuPresenter)
			b.Run(backend+"/"+sc.name+"/full", func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					b.StopTimer()
					change(i)
					if gp != nil {
						if err := gp.wait(); err != nil {
							b.Fatal(err)
						}
					}
					b.StartTimer()
					if err := p.Present(s); err != nil {
						b.Fatal(err)
					}
				}
				if st := p.Stats(); st.Deferred != 0 {
					b.Fatalf("%d frames deferred", st.Deferred)
				}
			})
			if gp != nil {
				b.Run(backend+"/"+sc.name+"/full+gpu", func(b *testing.B) {
					for i := 0; b.Loop(); i++ {
						b.StopTimer()
						change(i)
						b.StartTimer()
						if err := p.Present(s); err != nil {
							b.Fatal(err)
						}
						if err := gp.wait(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			// Drawing again with nothing to upload (a resize, a blink).
			b.Run(backend+"/"+sc.name+"/redraw", func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					if gp != nil {
						if err := gp.wait(); err != nil {
							b.Fatal(err)
						}
					}
					p.Resize(sc.w, sc.h, 0)
					b.StartTimer()
					if err := p.Present(s); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(backend+"/"+sc.name+"/idle", func(b *testing.B) {
				for b.Loop() {
					if err := p.Present(s); err != nil {
						b.Fatal(err)
					}
				}
			})
			p.Close()
		}
	}
}
