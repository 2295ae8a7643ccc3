package coreutils

import (
	"fmt"
	"image/color"

	"github.com/nachoos/nacho/gpu/font"
	"github.com/nachoos/nacho/gpu/surface"
	"github.com/nachoos/nacho/kernel"
)

func init() {
	prog("testcard", "open a window with a test card (t: text mode, g: graphics, q: quit)", testcard)
}

// Test card layout (graphics mode, 320x200, 256 colours): a 16x16 grid of
// every palette entry, 16x10 pixels each, top-left at (32, 20) on colour
// 0; a status line at the bottom (y 184); palette: TestCardColor.
const (
	tcW, tcH         = 320, 200
	tcGridX, tcGridY = 32, 20
	tcCellW, tcCellH = 16, 10
)

// TestCardColor is the colour of palette entry i on the test card: the
// 16 CGA colours, then a ramp (i, 255-i, 7i mod 256).
func TestCardColor(i int) color.RGBA {
	if i < 16 {
		return cga[i]
	}
	return color.RGBA{uint8(i), uint8(255 - i), uint8(i * 7), 255}
}

var cga = [16]color.RGBA{
	{0, 0, 0, 255}, {0, 0, 170, 255}, {0, 170, 0, 255}, {0, 170, 170, 255},
	{170, 0, 0, 255}, {170, 0, 170, 255}, {170, 85, 0, 255}, {170, 170, 170, 255},
	{85, 85, 85, 255}, {85, 85, 255, 255}, {85, 255, 85, 255}, {85, 255, 255, 255},
	{255, 85, 85, 255}, {255, 85, 255, 255}, {255, 255, 85, 255}, {255, 255, 255, 255},
}

// testcard opens a window that shows every colour and every character,
// and echoes the keys and the mouse it gets: a check of the display, the
// presenter and input routing.
func testcard(p *kernel.Process) int {
	d := p.Kernel().Display()
	if !d.HasView() {
		fmt.Fprintln(p.Stderr(), "testcard: no display here (it draws in the page's windows)")
		return 1
	}
	gfx := surface.NewIndexed(tcW, tcH)
	for i := 0; i < 256; i++ {
		gfx.SetColor(byte(i), TestCardColor(i))
	}
	for i := 0; i < 256; i++ {
		x0, y0 := tcGridX+(i%16)*tcCellW, tcGridY+(i/16)*tcCellH
		for y := y0; y < y0+tcCellH; y++ {
			for x := x0; x < x0+tcCellW; x++ {
				gfx.Set(x, y, byte(i))
			}
		}
	}
	text := surface.NewTextGrid(80, 25)
	for i := 0; i < 256; i++ {
		text.Set(8+(i%64), 2+i/64, byte(i), 0x07)
	}
	for a := 0; a < 128; a++ {
		text.Set(8+(a%64), 8+a/64, 'A', byte(a))
	}
	text.Print(8, 0, []byte("Nacho test card: every character, every attribute"), 0x0f)
	w, err := d.Open(p, kernel.WindowOptions{Title: "Test card", Surface: gfx, Width: tcW, Height: tcH, Scale: 2})
	if err != nil {
		fmt.Fprintf(p.Stderr(), "testcard: %v\n", err)
		return 1
	}
	defer w.Close()
	status := func(s string) {
		// Graphics: draw the line with the font in colour 15 on 0.
		for y := 184; y < 184+16 && y < tcH; y++ {
			for x := 0; x < tcW; x++ {
				gfx.Set(x, y, 0)
			}
		}
		for i, c := range []byte(s) {
			for y := 0; y < font.Height && 184+y < tcH; y++ {
				for x := 0; x < 8; x++ {
					if font.Pixel(c, x, y) && 4+i*8+x < tcW {
						gfx.Set(4+i*8+x, 184+y, 15)
					}
				}
			}
		}
		line := make([]byte, 80)
		copy(line, fmt.Sprintf("%-80s", s))
		text.Print(0, 24, line, 0x1f)
		w.Damage()
	}
	status("keys and mouse are echoed here")
	for ev := range w.Events() {
		switch ev.Kind {
		case kernel.KeyDown:
			switch ev.Key {
			case "q", "Escape":
				return 0
			case "t":
				tw, th := text.Size()
				w.SetSurface(text, tw, th)
			case "g":
				w.SetSurface(gfx, tcW, tcH)
			}
			status(fmt.Sprintf("key %s (%s) mods %d", ev.Code, ev.Key, ev.Mods))
		case kernel.MouseDown:
			status(fmt.Sprintf("click at %d,%d buttons %d", ev.X, ev.Y, ev.Buttons))
		case kernel.Paste:
			status(fmt.Sprintf("pasted %q", ev.Text))
		}
	}
	return 0
}
