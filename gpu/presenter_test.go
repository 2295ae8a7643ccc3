package gpu

import (
	"encoding/binary"
	"errors"
	"runtime"
	"testing"

	"github.com/nachoos/nacho/gpu/surface"
)

func TestFit(t *testing.T) {
	cases := []struct {
		cw, ch, w, h, scale int
		want                Placement
	}{
		{640, 400, 320, 200, 2, Placement{0, 0, 2}},
		{640, 400, 320, 200, 0, Placement{0, 0, 2}},      // auto: exact 2x
		{700, 450, 320, 200, 0, Placement{30, 25, 2}},    // auto with a border, centred
		{1000, 1000, 320, 200, 0, Placement{20, 200, 3}}, // limited by width
		{300, 150, 320, 200, 1, Placement{0, 0, 1}},      // too small: cut off
		{300, 150, 320, 200, 0, Placement{0, 0, 1}},      // auto never goes below 1
		{720, 400, 640, 400, 1, Placement{40, 0, 1}},
	}
	for _, c := range cases {
		if got := Fit(c.cw, c.ch, c.w, c.h, c.scale); got != c.want {
			t.Errorf("Fit(%d,%d,%d,%d,%d) = %+v, want %+v", c.cw, c.ch, c.w, c.h, c.scale, got, c.want)
		}
	}
}

// Reference replicates each surface pixel scale x scale times at the
// placement and paints the rest Border.
func TestReference(t *testing.T) {
	f := surface.NewIndexed(2, 2)
	f.Set(0, 0, 1)
	f.Set(1, 0, 2)
	f.Set(0, 1, 3)
	f.Set(1, 1, 4)
	img := Reference(f, surface.Phase{}, 8, 6, 2) // placed at (2,1)
	pal := surface.DefaultTextPalette
	for y := 0; y < 6; y++ {
		for x := 0; x < 8; x++ {
			want := Border
			if sx, sy := x-2, y-1; sx >= 0 && sy >= 0 && sx < 4 && sy < 4 {
				want = pal[1+sx/2+2*(sy/2)]
			}
			if got := img.RGBAAt(x, y); got != want {
				t.Errorf("(%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
}

func TestShaderParams(t *testing.T) {
	g := surface.NewTextGrid(80, 25)
	g.SetCursor(surface.Cursor{Col: 3, Row: 4, Start: 6, End: 7, Visible: true})
	pl := Placement{X: 5, Y: 6, Scale: 2}
	p := shaderParams(g, pl, surface.Phase{CursorOn: true, BlinkOn: false})
	want := params{w: 640, h: 400, originX: 5, originY: 6, scale: 2, cellW: 8,
		flags: flagCursor | flagBlinkMode, curCol: 3, curRow: 4, curStart: 6, curEnd: 7}
	if p != want {
		t.Errorf("params %+v, want %+v", p, want)
	}
	// Cursor off in this phase, hidden, or outside: no cursor flag.
	if p := shaderParams(g, pl, surface.Phase{BlinkOn: true}); p.flags != flagBlinkMode|flagBlinkOn {
		t.Errorf("flags %b with the cursor in its off phase", p.flags)
	}
	g.SetCursor(surface.Cursor{Col: 80, Row: 4, Start: 6, End: 7, Visible: true})
	if p := shaderParams(g, pl, surface.Phase{CursorOn: true}); p.flags&flagCursor != 0 {
		t.Error("cursor outside the grid is drawn")
	}
	g.SetBlink(false)
	g.SetNineDot(true)
	if p := shaderParams(g, pl, surface.Phase{}); p.flags != 0 || p.cellW != 9 || p.w != 720 {
		t.Errorf("nine-dot, no blink: %+v", p)
	}
	if p := shaderParams(surface.NewIndexed(320, 200), pl, surface.Phase{CursorOn: true, BlinkOn: true}); p.flags != 0 {
		t.Errorf("indexed frame has text flags %b", p.flags)
	}
}

// The uniform block's bytes follow WGSL's layout of Params: three
// vec4<u32>, little-endian.
func TestParamsBytes(t *testing.T) {
	p := params{w: 1, h: 2, originX: 3, originY: 4, scale: 5, cellW: 6, flags: 7, curCol: 9, curRow: 10, curStart: 11, curEnd: 0x01020304}
	var b [paramsSize]byte
	p.bytes(&b)
	want := []uint32{1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 0x01020304}
	for i, w := range want {
		if got := binary.LittleEndian.Uint32(b[4*i:]); got != w {
			t.Errorf("word %d = %#x, want %#x", i, got, w)
		}
	}
}

func TestShaderSources(t *testing.T) {
	for k, src := range shaderSources() {
		if len(src) < len(commonWGSL)+100 {
			t.Errorf("shader %d is too short", k)
		}
	}
}

func TestNativeOpenUnsupported(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("the browser build has a display")
	}
	if _, err := Open(Options{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Open natively: %v", err)
	}
}
