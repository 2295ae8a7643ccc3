package surface

import (
	"encoding/binary"
	"image"
	"time"
	"unsafe"

	"github.com/nachoos/nacho/gpu/font"
)

// Phase is where text mode's two blinkers are: whether the cursor shows,
// and whether blinking characters show.
type Phase struct {
	CursorOn bool
	BlinkOn  bool
}

// VGA text mode refreshes at 70.086 Hz; its cursor toggles every 8 frames
// and blinking characters every 16.
const vgaFrame = time.Second * 1000 / 70086

// PhaseAt returns the blink phase a VGA would be in after running for
// elapsed: the cursor about 4.4 times a second on and off, blinking text
// half as fast, both on at time zero.
func PhaseAt(elapsed time.Duration) Phase {
	if elapsed < 0 {
		elapsed = 0
	}
	f := int64(elapsed / vgaFrame)
	return Phase{CursorOn: (f/8)%2 == 0, BlinkOn: (f/16)%2 == 0}
}

// Render draws all of s into dst at scale 1, dst's top-left at the
// surface's top-left. dst must be at least s.Size().
func Render(dst *image.RGBA, s Surface, ph Phase) {
	_, h := s.Size()
	RenderRows(dst, s, ph, 0, h)
}

// RenderRows draws pixel rows [y0, y1) of s into the same rows of dst, at
// scale 1. It is the reference for what presenters show: every pixel
// opaque, text through the font, blink and cursor, indexed pixels through
// their palette, RGBA pixels as they are with alpha 255.
func RenderRows(dst *image.RGBA, s Surface, ph Phase, y0, y1 int) {
	w, h := s.Size()
	y0, y1 = max(y0, 0), min(y1, h)
	if b := dst.Bounds(); b.Dx() < w || b.Dy() < y1 {
		panic("surface: render target smaller than the surface")
	}
	rowAt := func(y int) []byte { return dst.Pix[dst.PixOffset(dst.Rect.Min.X, dst.Rect.Min.Y+y):][:4*w] }
	switch s := s.(type) {
	case *TextGrid:
		pal := s.palette32()
		for y := y0; y < y1; y++ {
			s.renderLine(rowAt(y), y, ph, &pal)
		}
	case *Indexed:
		var pal [256]uint32
		for i := range pal {
			pal[i] = binary.NativeEndian.Uint32(s.pal[4*i:])
		}
		for y := y0; y < y1; y++ {
			out := pixels32(rowAt(y))
			src := s.pix[y*s.w : (y+1)*s.w]
			out = out[:len(src)]
			for x, idx := range src {
				out[x] = pal[idx]
			}
		}
	case *RGBA:
		for y := y0; y < y1; y++ {
			row := rowAt(y)
			copy(row, s.pix[4*y*s.w:4*(y+1)*s.w])
			for x := 3; x < len(row); x += 4 {
				row[x] = 255
			}
		}
	}
}

// CellColors resolves one cell to the palette indices of its glyph
// pixels and its background at the given phase: background colours are 0–7
// with blinking on (bit 7 then blinks), and a blinking character in its
// off phase draws in its background colour.
func CellColors(attr byte, blink bool, ph Phase) (fg, bg byte) {
	fg, bg = attr&15, attr>>4
	if blink {
		bg &= 7
		if attr&0x80 != 0 && !ph.BlinkOn {
			fg = bg
		}
	}
	return fg, bg
}

// GlyphBits returns the 9-bit-wide pixel row (bit 8 is the leftmost
// pixel) that character ch shows on scanline y of a cell, with the
// VGA's ninth column: a copy of the eighth for C0h–DFh, else background.
func GlyphBits(ch byte, y int) uint16 {
	b := uint16(font.Glyph(ch)[y]) << 1
	if ch >= 0xC0 && ch <= 0xDF {
		b |= b >> 1 & 1
	}
	return b
}

func (g *TextGrid) palette32() (pal [16]uint32) {
	for i := range pal {
		pal[i] = binary.NativeEndian.Uint32(g.pal[4*i:])
	}
	return pal
}

// expand[b] holds, for the 8 pixels of glyph row b (leftmost in the high
// bit), all ones where the pixel is set and zero where it is not.
var expand = func() (t [256][8]uint32) {
	for b := range t {
		for x := 0; x < 8; x++ {
			if b&(0x80>>x) != 0 {
				t[b][x] = ^uint32(0)
			}
		}
	}
	return t
}()

// pixels32 views 4-byte pixels as native-endian words, so one store writes
// one pixel; colours are read from their bytes the same way, so the bytes
// land in R, G, B, A order on any machine.
func pixels32(row []byte) []uint32 {
	if len(row) < 4 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(&row[0])), len(row)/4)
}

// renderLine draws pixel row y of the grid into row (4 bytes a pixel).
func (g *TextGrid) renderLine(row []byte, y int, ph Phase, pal *[16]uint32) {
	r, sy := y/CellHeight, y%CellHeight
	cw := g.CellWidth()
	cur := g.cursor
	cursorHere := ph.CursorOn && cur.Shown(g.cols, g.rows) && cur.Row == r && sy >= cur.Start && sy <= cur.End
	cells := g.cells[2*r*g.cols : 2*(r+1)*g.cols]
	out := pixels32(row)
	for c := 0; c < g.cols; c++ {
		ch, attr := cells[2*c], cells[2*c+1]
		fg, bg := CellColors(attr, g.blink, ph)
		bits := GlyphBits(ch, sy)
		if cursorHere && c == cur.Col {
			// The cursor takes the cell's own foreground colour, even
			// while a blinking character is hidden.
			bits, fg = 0x1FF, attr&15
		}
		fgc, bgc := pal[fg], pal[bg]
		diff := fgc ^ bgc
		m := &expand[bits>>1]
		d := out[c*cw : c*cw+cw]
		d[0] = bgc ^ diff&m[0]
		d[1] = bgc ^ diff&m[1]
		d[2] = bgc ^ diff&m[2]
		d[3] = bgc ^ diff&m[3]
		d[4] = bgc ^ diff&m[4]
		d[5] = bgc ^ diff&m[5]
		d[6] = bgc ^ diff&m[6]
		d[7] = bgc ^ diff&m[7]
		if cw == 9 {
			d[8] = bgc ^ diff&-uint32(bits&1)
		}
	}
}
