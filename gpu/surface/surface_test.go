package surface

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nachoos/nacho/gpu/font"
)

func spans(d *Damage) string {
	s := ""
	d.Spans(func(y0, y1 int) { s += fmt.Sprintf("[%d,%d)", y0, y1) })
	return s
}

func TestDamageSpans(t *testing.T) {
	var d Damage
	d.reset(200)
	if !d.Empty() || spans(&d) != "" {
		t.Fatal("fresh damage is not empty")
	}
	d.markRows(3, 5)
	d.markRows(5, 6)
	d.markRows(63, 130) // crosses two word boundaries, fills word 1
	d.markRows(199, 250)
	d.markRows(-5, 1)
	if got, want := spans(&d), "[0,1)[3,6)[63,130)[199,200)"; got != want {
		t.Errorf("spans %s, want %s", got, want)
	}
	if !d.Row(64) || d.Row(2) || d.Row(-1) || d.Row(200) {
		t.Error("Row disagrees with the spans")
	}
	d.Full = true
	if got := spans(&d); got != "[0,200)" {
		t.Errorf("full damage spans %s", got)
	}
}

// Spans agrees with a row-by-row model for random marks.
func TestDamageSpansRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 500; iter++ {
		n := 1 + r.IntN(300)
		var d Damage
		d.reset(n)
		model := make([]bool, n)
		for k := r.IntN(6); k > 0; k-- {
			a := r.IntN(n+10) - 5
			b := a + r.IntN(80)
			d.markRows(a, b)
			for y := max(a, 0); y < min(b, n); y++ {
				model[y] = true
			}
		}
		got := make([]bool, n)
		last := -1
		d.Spans(func(y0, y1 int) {
			if y0 <= last || y1 <= y0 {
				t.Fatalf("spans out of order or empty: [%d,%d) after %d", y0, y1, last)
			}
			if y0 == last {
				t.Fatalf("adjacent spans not merged at %d", y0)
			}
			last = y1
			for y := y0; y < y1; y++ {
				got[y] = true
			}
		})
		for y := range model {
			if got[y] != model[y] || d.Row(y) != model[y] {
				t.Fatalf("n=%d row %d: spans %v, Row %v, want %v", n, y, got[y], d.Row(y), model[y])
			}
		}
	}
}

func TestTakeDamage(t *testing.T) {
	g := NewTextGrid(80, 25)
	var d Damage
	g.TakeDamage(&d)
	if !d.Full || d.Len() != 25 {
		t.Fatalf("a new grid's damage is %+v", d)
	}
	g.TakeDamage(&d)
	if !d.Empty() {
		t.Fatal("damage not cleared by TakeDamage")
	}
	g.Set(5, 7, 'x', 0x1F)
	g.Set(5, 7, 'x', 0x1F) // unchanged: no damage of its own
	g.Set(90, 7, 'x', 0x1F)
	g.SetCursor(Cursor{Col: 0, Row: 20, Start: 14, End: 15, Visible: true})
	g.TakeDamage(&d)
	if got, want := spans(&d), "[0,1)[7,8)[20,21)"; got != want {
		t.Errorf("damage %s, want %s (cell row 7, cursor left row 0 for row 20)", got, want)
	}
	g.SetPalette(3, color.RGBA{1, 2, 3, 0})
	g.TakeDamage(&d)
	if !d.Palette || spans(&d) != "" {
		t.Errorf("palette change gave %+v", d)
	}
	if g.Palette(3) != (color.RGBA{1, 2, 3, 255}) {
		t.Errorf("palette entry %v", g.Palette(3))
	}
}

func TestUpdateMarksChangedRows(t *testing.T) {
	f := NewIndexed(320, 200)
	var d Damage
	f.TakeDamage(&d)
	frame := make([]byte, 320*200)
	f.Update(frame)
	f.TakeDamage(&d)
	if !d.Empty() {
		t.Fatalf("an identical frame damaged %s", spans(&d))
	}
	frame[10*320+5] = 9
	frame[11*320] = 1
	frame[199*320+319] = 255
	f.Update(frame)
	f.TakeDamage(&d)
	if got := spans(&d); got != "[10,12)[199,200)" {
		t.Errorf("damage %s", got)
	}
	if f.At(5, 10) != 9 || f.At(319, 199) != 255 || !bytes.Equal(f.Pix(), frame) {
		t.Error("pixels not copied")
	}

	g := NewTextGrid(80, 25)
	g.TakeDamage(&d)
	vram := bytes.Clone(g.Bytes())
	vram[2*(80*3+79)] = 'Z'
	g.Update(vram[:2*80*4]) // a short copy covers rows 0–3
	g.TakeDamage(&d)
	if got := spans(&d); got != "[3,4)" {
		t.Errorf("text damage %s", got)
	}
	if ch, attr := g.At(79, 3); ch != 'Z' || attr != 0x07 {
		t.Errorf("cell (79,3) = %q %02x", ch, attr)
	}
}

func FuzzUpdate(f *testing.F) {
	f.Add(uint8(3), uint8(2), []byte{1, 2, 3, 4, 5, 6, 7})
	f.Add(uint8(1), uint8(1), []byte{})
	f.Add(uint8(40), uint8(9), bytes.Repeat([]byte{0xAA}, 1000))
	f.Fuzz(func(t *testing.T, w, h uint8, src []byte) {
		W, H := int(w%64)+1, int(h%64)+1
		check := func(name string, s Surface, pix []byte, stride int, update func([]byte)) {
			var d Damage
			s.TakeDamage(&d)
			before := bytes.Clone(pix)
			update(src)
			s.TakeDamage(&d)
			n := min(len(src), len(pix))
			if !bytes.Equal(pix[:n], src[:n]) || !bytes.Equal(pix[n:], before[n:]) {
				t.Fatalf("%s: pixels are not src followed by what was there", name)
			}
			for y := 0; y*stride < len(pix); y++ {
				changed := !bytes.Equal(pix[y*stride:(y+1)*stride], before[y*stride:(y+1)*stride])
				if d.Row(y) != changed {
					t.Fatalf("%s: row %d damaged=%v changed=%v", name, y, d.Row(y), changed)
				}
			}
		}
		fi := NewIndexed(W, H)
		check("indexed", fi, fi.Pix(), W, fi.Update)
		fr := NewRGBA(W, H)
		check("rgba", fr, fr.Pix(), 4*W, fr.Update)
		g := NewTextGrid(W, H)
		check("text", g, g.Bytes(), 2*W, g.Update)

		// Planar frames of any shape: indices stay 0–15, no panic.
		var planes [4][]byte
		for p := range planes {
			planes[p] = src[min(p, len(src)):]
		}
		fp := NewIndexed(W, H)
		fp.UpdatePlanar(&planes, int(w%16)-1)
		for _, v := range fp.Pix() {
			if v > 15 {
				t.Fatalf("planar index %d", v)
			}
		}
	})
}

func TestDAC6(t *testing.T) {
	for v, want := range map[uint8]uint8{0: 0, 1: 4, 16: 65, 32: 130, 42: 170, 21: 85, 63: 255} {
		if got := DAC6(v); got != want {
			t.Errorf("DAC6(%d) = %d, want %d", v, got, want)
		}
	}
	prev := -1
	for v := uint8(0); v < 64; v++ {
		if int(DAC6(v)) <= prev {
			t.Fatalf("DAC6 not increasing at %d", v)
		}
		prev = int(DAC6(v))
	}
}

func TestPhaseAt(t *testing.T) {
	frame := time.Second / 70 // a little more than one VGA frame
	cases := []struct {
		frames         int
		cursor, blinkt bool
	}{
		{0, true, true}, {7, true, true}, {9, false, true}, {17, true, false}, {25, false, false}, {33, true, true},
	}
	for _, c := range cases {
		// Step from the middle of a frame so rounding cannot matter.
		at := time.Duration(c.frames)*time.Second*1000/70086 + frame/2
		if got := PhaseAt(at); got != (Phase{c.cursor, c.blinkt}) {
			t.Errorf("frame %d: %+v", c.frames, got)
		}
	}
}

// px returns the RGBA of one pixel.
func px(img *image.RGBA, x, y int) color.RGBA { return img.RGBAAt(x, y) }

// The text renderer draws glyph pixels from the font in the palette colours
// of the attribute: checked against the font's own bitmaps, pixel by pixel.
func TestRenderText(t *testing.T) {
	g := NewTextGrid(4, 2)
	g.SetCursor(Cursor{Visible: false})
	g.Set(0, 0, 'A', 0x1E)  // yellow on blue
	g.Set(1, 0, 0xDB, 0x4F) // █ white on red
	g.Set(2, 0, 'A', 0x9C)  // blinking light red on blue (background 9&7)
	g.Set(3, 1, 0xC4, 0x07) // ─
	img := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for _, ph := range []Phase{{BlinkOn: true}, {BlinkOn: false}} {
		Render(img, g, ph)
		for y := 0; y < 16; y++ {
			for x := 0; x < 8; x++ {
				on := font.Pixel('A', x, y)
				want := DefaultTextPalette[1]
				if on {
					want = DefaultTextPalette[14]
				}
				if got := px(img, x, y); got != want {
					t.Fatalf("A at (%d,%d) = %v, want %v", x, y, got, want)
				}
				if got := px(img, 8+x, y); got != DefaultTextPalette[15] {
					t.Fatalf("█ at (%d,%d) = %v", x, y, got)
				}
				want = DefaultTextPalette[1] // background 9 & 7 = blue
				if on && ph.BlinkOn {
					want = DefaultTextPalette[12]
				}
				if got := px(img, 16+x, y); got != want {
					t.Fatalf("blinking A (phase %+v) at (%d,%d) = %v, want %v", ph, x, y, got, want)
				}
				want = DefaultTextPalette[0]
				if font.Pixel(0xC4, x, y) {
					want = DefaultTextPalette[7]
				}
				if got := px(img, 24+x, 16+y); got != want {
					t.Fatalf("─ at (%d,%d) = %v, want %v", x, y, got, want)
				}
			}
		}
	}
	// Without blinking, bit 7 selects bright backgrounds and nothing blinks.
	g.SetBlink(false)
	Render(img, g, Phase{BlinkOn: false})
	if got := px(img, 16, 0); got != DefaultTextPalette[9] {
		t.Errorf("bright background = %v, want %v", got, DefaultTextPalette[9])
	}
	if got := px(img, 16+3, 2); got != DefaultTextPalette[12] {
		t.Errorf("non-blinking A's top pixel = %v", got)
	}
}

func TestRenderCursor(t *testing.T) {
	g := NewTextGrid(3, 2)
	g.Set(1, 1, ' ', 0x2A) // light green on green
	g.SetCursor(Cursor{Col: 1, Row: 1, Start: 3, End: 5, Visible: true})
	img := image.NewRGBA(image.Rect(0, 0, 24, 32))
	for _, on := range []bool{true, false} {
		Render(img, g, Phase{CursorOn: on, BlinkOn: true})
		for y := 0; y < 16; y++ {
			for x := 0; x < 8; x++ {
				want := DefaultTextPalette[2]
				if on && y >= 3 && y <= 5 {
					want = DefaultTextPalette[10]
				}
				if got := px(img, 8+x, 16+y); got != want {
					t.Fatalf("cursor on=%v (%d,%d) = %v, want %v", on, x, y, got, want)
				}
			}
		}
	}
	// Start after End hides it, as on a VGA.
	g.SetCursor(Cursor{Col: 1, Row: 1, Start: 6, End: 5, Visible: true})
	Render(img, g, Phase{CursorOn: true})
	if got := px(img, 8, 16+5); got != DefaultTextPalette[2] {
		t.Errorf("cursor with Start > End drew %v", got)
	}
}

func TestRenderNineDot(t *testing.T) {
	g := NewTextGrid(2, 1)
	g.SetNineDot(true)
	g.Set(0, 0, 0xC4, 0x07) // ─ is a line-drawing character: column 9 repeats column 8
	g.Set(1, 0, 'A', 0x07)  // letters get a background ninth column
	if w, h := g.Size(); w != 18 || h != 16 {
		t.Fatalf("size %dx%d", w, h)
	}
	img := image.NewRGBA(image.Rect(0, 0, 18, 16))
	Render(img, g, Phase{})
	for y := 0; y < 16; y++ {
		want := DefaultTextPalette[0]
		if font.Pixel(0xC4, 7, y) {
			want = DefaultTextPalette[7]
		}
		if got := px(img, 8, y); got != want {
			t.Errorf("─ ninth column row %d = %v, want %v", y, got, want)
		}
		if got := px(img, 17, y); got != DefaultTextPalette[0] {
			t.Errorf("A ninth column row %d = %v", y, got)
		}
		for x := 0; x < 8; x++ {
			want := DefaultTextPalette[0]
			if font.Pixel('A', x, y) {
				want = DefaultTextPalette[7]
			}
			if got := px(img, 9+x, y); got != want {
				t.Fatalf("A at (%d,%d) = %v", x, y, got)
			}
		}
	}
}

func TestRenderIndexed(t *testing.T) {
	f := NewIndexed(256, 2)
	for i := 0; i < 256; i++ {
		f.Set(i, 0, byte(i))
		f.Set(255-i, 1, byte(i))
		f.SetDAC(byte(i), uint8(i%64), uint8(63-i%64), uint8(i/4))
	}
	img := image.NewRGBA(image.Rect(0, 0, 256, 2))
	Render(img, f, Phase{})
	for i := 0; i < 256; i++ {
		want := color.RGBA{DAC6(uint8(i % 64)), DAC6(uint8(63 - i%64)), DAC6(uint8(i / 4)), 255}
		if got := px(img, i, 0); got != want {
			t.Fatalf("index %d drew %v, want %v", i, got, want)
		}
		if got := px(img, 255-i, 1); got != want {
			t.Fatalf("index %d (row 1) drew %v, want %v", i, got, want)
		}
	}
}

func TestRenderRGBA(t *testing.T) {
	f := NewRGBA(3, 2)
	src := []byte{1, 2, 3, 0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}
	f.Update(src)
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	Render(img, f, Phase{})
	for i := 0; i < 6; i++ {
		want := color.RGBA{src[4*i], src[4*i+1], src[4*i+2], 255}
		if got := px(img, i%3, i/3); got != want {
			t.Errorf("pixel %d = %v, want %v (alpha forced opaque)", i, got, want)
		}
	}
}

func TestRenderRowsOnlyTouchesThoseRows(t *testing.T) {
	f := NewIndexed(4, 4)
	f.Update(bytes.Repeat([]byte{15}, 16))
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	RenderRows(img, f, Phase{}, 1, 3)
	for y := 0; y < 4; y++ {
		want := color.RGBA{}
		if y == 1 || y == 2 {
			want = DefaultTextPalette[15]
		}
		if got := px(img, 0, y); got != want {
			t.Errorf("row %d = %v, want %v", y, got, want)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	text := NewTextGrid(80, 25)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range text.cells {
		text.cells[i] = byte(r.Uint32())
	}
	idx := NewIndexed(320, 200)
	for i := range idx.pix {
		idx.pix[i] = byte(r.Uint32())
	}
	rgba := NewRGBA(640, 480)
	// The reference: copying as many bytes as the 640x400 text render writes.
	b.Run("memmove640x400", func(b *testing.B) {
		src, dst := make([]byte, 4*640*400), make([]byte, 4*640*400)
		b.SetBytes(int64(len(dst)))
		for b.Loop() {
			copy(dst, src)
		}
	})
	for _, bc := range []struct {
		name string
		s    Surface
	}{{"text80x25", text}, {"indexed320x200", idx}, {"rgba640x480", rgba}} {
		b.Run(bc.name, func(b *testing.B) {
			w, h := bc.s.Size()
			img := image.NewRGBA(image.Rect(0, 0, w, h))
			b.SetBytes(int64(4 * w * h))
			for b.Loop() {
				Render(img, bc.s, Phase{CursorOn: true, BlinkOn: true})
			}
		})
	}
}

func BenchmarkUpdate(b *testing.B) {
	f := NewIndexed(320, 200)
	frame := make([]byte, 320*200)
	var d Damage
	b.SetBytes(int64(len(frame)))
	for i := 0; b.Loop(); i++ {
		frame[(i*321)%len(frame)]++ // one changed row a frame
		f.Update(frame)
		f.TakeDamage(&d)
	}
}

func TestUpdatePlanar(t *testing.T) {
	f := NewIndexed(640, 480)
	var d Damage
	f.TakeDamage(&d)
	var planes [4][]byte
	for p := range planes {
		planes[p] = make([]byte, 80*480)
	}
	// Pixel (0,0): planes 0 and 2 set → 5. Pixel (9,1): all planes → 15.
	// Pixel (639,479): plane 3 only → 8.
	planes[0][0] |= 0x80
	planes[2][0] |= 0x80
	for p := range planes {
		planes[p][80+1] |= 0x40
	}
	planes[3][80*479+79] |= 0x01
	f.UpdatePlanar(&planes, 80)
	f.TakeDamage(&d)
	if f.At(0, 0) != 5 || f.At(9, 1) != 15 || f.At(639, 479) != 8 || f.At(1, 0) != 0 || f.At(8, 1) != 0 {
		t.Errorf("indices %d %d %d %d %d", f.At(0, 0), f.At(9, 1), f.At(639, 479), f.At(1, 0), f.At(8, 1))
	}
	if got := spans(&d); got != "[0,2)[479,480)" {
		t.Errorf("damage %s", got)
	}
	f.UpdatePlanar(&planes, 80)
	f.TakeDamage(&d)
	if !d.Empty() {
		t.Errorf("the same frame again damaged %s", spans(&d))
	}
}
