package dos

import (
	"bytes"
	"strings"

	"github.com/nachoos/nacho/gpu/font"
)

// Screen is what the display shows at one moment, in the form a window's
// surface takes it: a text grid of code page 437 characters and attribute
// bytes (VGA text memory's layout) or an indexed framebuffer, with the
// palette that colours either.
type Screen struct {
	Mode   uint8
	Text   bool
	Cols   int // text: size in cells
	Rows   int
	Cells  []byte // text: character, attribute pairs, row by row
	Cursor Cursor
	// Blink says attribute bit 7 blinks the character (rather than
	// selecting a bright background).
	Blink bool
	// CharHeight is the text font's height in pixels (8, 14 or 16).
	CharHeight int
	Width      int // graphics: size in pixels
	Height     int
	Pixels     []byte // graphics: palette indices, row by row
	// Palette holds 8-bit RGB colours: the 16 text colours in text
	// modes, the 256 DAC colours in mode 13h, the four CGA colours in
	// modes 4 and 5.
	Palette [256][3]uint8
}

// Cursor is the text cursor.
type Cursor struct {
	Col, Row   int
	Start, End int // scan lines of the cell it covers
	Visible    bool
}

func dac8(c [3]uint8) [3]uint8 {
	f := func(v uint8) uint8 { v &= 63; return v<<2 | v>>4 }
	return [3]uint8{f(c[0]), f(c[1]), f(c[2])}
}

// snapshot fills s with the screen as it is now.
func (m *Machine) snapshot(s *Screen) {
	info := m.video.info
	v := m.vga
	*s = Screen{Mode: m.bda8(bdaMode), Text: info.text, Cells: s.Cells[:0], Pixels: s.Pixels[:0]}
	if info.text {
		s.Cols, s.Rows = m.vcols(), m.vrows()
		s.CharHeight = int(m.bda8(bdaCharH))
		loc, start := v.cursorAddr()
		base := info.base + uint32(start)*2
		n := s.Cols * s.Rows * 2
		s.Cells = append(s.Cells, m.readl(base, n)...)
		c := loc - start
		s.Cursor = Cursor{Col: c % max(s.Cols, 1), Row: c / max(s.Cols, 1), Start: int(v.crtc[0x0A] & 0x1F), End: int(v.crtc[0x0B] & 0x1F)}
		s.Cursor.Visible = v.crtc[0x0A]&0x20 == 0 && c >= 0 && c < s.Cols*s.Rows && s.Cursor.Start <= s.Cursor.End
		s.Blink = v.attr[0x10]&0x08 != 0
		for i := 0; i < 16; i++ {
			idx := (v.attr[i]&0x3F | (v.attr[0x14]&0x0C)<<4) & v.pelMask
			s.Palette[i] = dac8(v.dac[idx])
		}
		return
	}
	s.Width, s.Height = info.width, info.height
	switch info.bpp {
	case 8:
		if m.vmem.mapped {
			s.Pixels = m.unchainedPixels(s.Pixels)
		} else {
			s.Pixels = append(s.Pixels, m.readl(info.base, info.width*info.height)...)
		}
		for i := 0; i < 256; i++ {
			s.Palette[i] = dac8(v.dac[uint8(i)&v.pelMask])
		}
	case 4:
		s.Pixels = m.planarPixels(s.Pixels)
		for i := 0; i < 16; i++ {
			idx := (v.attr[i]&0x3F | (v.attr[0x14]&0x0C)<<4) & v.pelMask
			s.Palette[i] = dac8(v.dac[idx])
		}
	default:
		for y := 0; y < info.height; y++ {
			row := m.readl(info.base+uint32(y&1)*0x2000+uint32(y>>1)*80, 80)
			for x := 0; x < info.width; x++ {
				if info.bpp == 2 {
					s.Pixels = append(s.Pixels, row[x/4]>>(6-2*(x&3))&3)
				} else {
					s.Pixels = append(s.Pixels, row[x/8]>>(7-x&7)&1)
				}
			}
		}
		ega := func(c uint8) [3]uint8 { return dac8(egaColor(defaultAttrPal[c&15])) }
		sel := v.cgaColor
		if info.bpp == 1 {
			s.Palette[0] = ega(0)
			s.Palette[1] = ega(sel & 0x0F)
			if sel&0x0F == 0 {
				s.Palette[1] = ega(15)
			}
			break
		}
		s.Palette[0] = ega(sel & 0x0F)
		fg := [3]uint8{2, 4, 6}
		if sel&0x20 != 0 {
			fg = [3]uint8{3, 5, 7}
		}
		if s.Mode == 5 {
			fg = [3]uint8{3, 4, 7}
		}
		for i, c := range fg {
			if sel&0x10 != 0 {
				c += 8
			}
			s.Palette[i+1] = ega(c)
		}
	}
}

var defaultAttrPal = [16]uint8{0, 1, 2, 3, 4, 5, 20, 7, 56, 57, 58, 59, 60, 61, 62, 63}

func (s *Screen) equal(o *Screen) bool {
	return s.Mode == o.Mode && s.Text == o.Text && s.Cols == o.Cols && s.Rows == o.Rows &&
		s.Cursor == o.Cursor && s.Blink == o.Blink && s.Width == o.Width && s.Height == o.Height &&
		s.CharHeight == o.CharHeight && s.Palette == o.Palette &&
		bytes.Equal(s.Cells, o.Cells) && bytes.Equal(s.Pixels, o.Pixels)
}

func (s *Screen) copyFrom(o *Screen) {
	cells, pix := s.Cells, s.Pixels
	*s = *o
	s.Cells = append(cells[:0], o.Cells...)
	s.Pixels = append(pix[:0], o.Pixels...)
}

// present shows the screen in the window if it changed (or always, with
// force).
func (m *Machine) present(force bool) {
	if m.window == nil {
		return
	}
	// A picture in the planes is converted only when something wrote
	// them or changed how they are shown.
	if m.vmem.mapped && !m.video.info.text {
		loc, start := m.vga.cursorAddr()
		key := planeKey{gen: m.vmem.gen, mode: m.bda8(bdaMode), start: start, loc: loc, offset: m.vga.crtc[0x13], seq4: m.vga.seq[4]}
		if !force && !m.vga.dirtyPal && key == m.video.planeKey {
			return
		}
		m.video.planeKey = key
		m.vga.dirtyPal = false
	}
	s := &m.video.screen
	m.snapshot(s)
	if !force && s.equal(&m.video.shown) {
		return
	}
	m.video.shown.copyFrom(s)
	m.debugf("frame: mode %02Xh", s.Mode)
	m.window.Frame(s)
}

// Screen returns what the screen shows now.
func (m *Machine) Screen() *Screen {
	s := new(Screen)
	m.snapshot(s)
	return s
}

// Dump is a text screen as lines of UTF-8, trailing blanks and empty
// lines removed; a graphics screen gives "".
func (s *Screen) Dump() string {
	if !s.Text {
		return ""
	}
	var lines []string
	for r := 0; r < s.Rows; r++ {
		var b strings.Builder
		for c := 0; c < s.Cols; c++ {
			ch := s.Cells[(r*s.Cols+c)*2]
			if ch == 0 {
				ch = ' '
			}
			b.WriteRune(font.ToRune(ch))
		}
		lines = append(lines, strings.TrimRight(b.String(), " \u00a0"))
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// planeKey is what a planar picture on screen depends on.
type planeKey struct {
	gen        uint64
	mode       uint8
	start, loc int
	offset     uint8
	seq4       uint8
}
