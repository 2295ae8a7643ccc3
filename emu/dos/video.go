package dos

import (
	"fmt"

	"github.com/nachoos/nacho/gpu/font"
)

// Video: the modes a VGA BIOS sets, INT 10h, and teletype output. The
// BIOS data area holds the state programs read (mode, columns, rows,
// page, cursors); video memory is RAM.

// BIOS data area offsets (segment 40h).
const (
	bdaEquip     = 0x10
	bdaMemKB     = 0x13
	bdaKbdFlags  = 0x17
	bdaKbdFlags2 = 0x18
	bdaKbdHead   = 0x1A
	bdaKbdTail   = 0x1C
	bdaKbdBuf    = 0x1E
	bdaMode      = 0x49
	bdaCols      = 0x4A
	bdaPageSize  = 0x4C
	bdaPageStart = 0x4E
	bdaCursor    = 0x50
	bdaCurShape  = 0x60
	bdaPage      = 0x62
	bdaCRTC      = 0x63
	bdaModeCtl   = 0x65
	bdaCGAPal    = 0x66
	bdaTicks     = 0x6C
	bdaMidnight  = 0x70
	bdaBreak     = 0x71
	bdaKbdStart  = 0x80
	bdaKbdEnd    = 0x82
	bdaRows      = 0x84
	bdaCharH     = 0x85
	bdaVGAFlags  = 0x89
	bdaKbdMode   = 0x96
	bdaKbdLEDs   = 0x97
)

const bdaSeg = 0x40

type modeInfo struct {
	text          bool
	cols, rows    int
	width, height int
	bpp           int // graphics: bits per pixel (1, 2, 8)
	base          uint32
	pageSize      int
	pages         int
}

var modes = map[uint8]modeInfo{
	0x00: {text: true, cols: 40, rows: 25, base: 0xB8000, pageSize: 0x800, pages: 8},
	0x01: {text: true, cols: 40, rows: 25, base: 0xB8000, pageSize: 0x800, pages: 8},
	0x02: {text: true, cols: 80, rows: 25, base: 0xB8000, pageSize: 0x1000, pages: 8},
	0x03: {text: true, cols: 80, rows: 25, base: 0xB8000, pageSize: 0x1000, pages: 8},
	0x04: {cols: 40, rows: 25, width: 320, height: 200, bpp: 2, base: 0xB8000, pageSize: 0x4000, pages: 1},
	0x05: {cols: 40, rows: 25, width: 320, height: 200, bpp: 2, base: 0xB8000, pageSize: 0x4000, pages: 1},
	0x06: {cols: 80, rows: 25, width: 640, height: 200, bpp: 1, base: 0xB8000, pageSize: 0x4000, pages: 1},
	0x07: {text: true, cols: 80, rows: 25, base: 0xB0000, pageSize: 0x1000, pages: 8},
	0x0D: {cols: 40, rows: 25, width: 320, height: 200, bpp: 4, base: 0xA0000, pageSize: 0x2000, pages: 8},
	0x0E: {cols: 80, rows: 25, width: 640, height: 200, bpp: 4, base: 0xA0000, pageSize: 0x4000, pages: 4},
	0x10: {cols: 80, rows: 25, width: 640, height: 350, bpp: 4, base: 0xA0000, pageSize: 0x8000, pages: 2},
	0x12: {cols: 80, rows: 30, width: 640, height: 480, bpp: 4, base: 0xA0000, pageSize: 0xA000, pages: 1},
	0x13: {cols: 40, rows: 25, width: 320, height: 200, bpp: 8, base: 0xA0000, pageSize: 0x10000, pages: 1},
}

type video struct {
	info      modeInfo
	scanLines int // for the next text mode set: 200, 350 or 400
	screen    Screen
	shown     Screen // what the window shows now
	planeKey  planeKey
}

func (m *Machine) bda8(off uint16) uint8       { return m.rb(bdaSeg, off) }
func (m *Machine) bda16(off uint16) uint16     { return m.rw(bdaSeg, off) }
func (m *Machine) setBDA8(off uint16, v uint8) { m.wb(bdaSeg, off, v) }
func (m *Machine) setBDA16(off uint16, v uint16) {
	m.ww(bdaSeg, off, v)
}

func (m *Machine) vcols() int { return int(m.bda16(bdaCols)) }
func (m *Machine) vrows() int { return int(m.bda8(bdaRows)) + 1 }
func (m *Machine) vpage() int { return int(m.bda8(bdaPage)) & 7 }

// cursor returns a page's cursor (row, column).
func (m *Machine) cursor(page int) (row, col int) {
	v := m.bda16(bdaCursor + uint16(page&7)*2)
	return int(v >> 8), int(v & 0xFF)
}

func (m *Machine) setCursor(page, row, col int) {
	m.setBDA16(bdaCursor+uint16(page&7)*2, uint16(row)<<8|uint16(col&0xFF))
	if page == m.vpage() {
		start := int(m.bda16(bdaPageStart)) / 2
		m.vga.setCursorAddr(start + row*m.vcols() + col)
	}
}

// setMode sets a video mode as INT 10h AH=00h does. It reports false for
// a mode that is not emulated.
func (m *Machine) setMode(mode uint8) bool {
	keep := mode&0x80 != 0
	mode &= 0x7F
	info, ok := modes[mode]
	if !ok {
		m.logOnce(fmt.Sprintf("INT 10h: video mode %02Xh is not emulated (text, CGA 4-6, EGA/VGA 0Dh, 0Eh, 10h, 12h and 13h are)", mode))
		return false
	}
	if info.text && mode != 7 {
		switch m.video.scanLines {
		case 200:
			m.setBDA8(bdaCharH, 8)
		case 350:
			m.setBDA8(bdaCharH, 14)
		default:
			m.setBDA8(bdaCharH, 16)
		}
	} else {
		switch mode {
		case 0x07, 0x10:
			m.setBDA8(bdaCharH, 14)
		case 0x12:
			m.setBDA8(bdaCharH, 16)
		default:
			m.setBDA8(bdaCharH, 8)
		}
	}
	m.video.info = info
	m.setBDA8(bdaMode, mode)
	m.setBDA16(bdaCols, uint16(info.cols))
	m.setBDA8(bdaRows, uint8(info.rows-1))
	m.setBDA16(bdaPageSize, uint16(info.pageSize))
	m.setBDA16(bdaPageStart, 0)
	m.setBDA8(bdaPage, 0)
	for p := 0; p < 8; p++ {
		m.setBDA16(bdaCursor+uint16(p)*2, 0)
	}
	m.setBDA16(bdaCurShape, 0x0607)
	m.vga.crtc[0x0A], m.vga.crtc[0x0B] = 0x06, 0x07
	if m.bda8(bdaCharH) == 16 {
		m.setBDA16(bdaCurShape, 0x0D0E)
		m.vga.crtc[0x0A], m.vga.crtc[0x0B] = 0x0D, 0x0E
	}
	m.vga.setStart(0)
	m.vga.setCursorAddr(0)
	m.vga.defaultAttr()
	if info.text {
		m.vga.loadTextDAC()
		m.setBDA8(bdaModeCtl, 0x29)
	} else {
		m.vga.attr[0x10] = 0x01
		if info.bpp == 8 {
			m.vga.attr[0x10] = 0x41
			m.vga.loadDefaultDAC()
		} else {
			m.vga.loadTextDAC()
		}
		m.setBDA8(bdaModeCtl, 0x2A)
	}
	m.vga.cgaColor = 0x30
	m.setBDA8(bdaCGAPal, 0x30)
	if mode == 7 {
		m.setBDA16(bdaCRTC, 0x3B4)
	} else {
		m.setBDA16(bdaCRTC, 0x3D4)
	}
	m.setPlaneRegs(info)
	if !keep {
		switch {
		case info.text:
			blank := make([]byte, info.pageSize*info.pages)
			for i := 0; i < len(blank); i += 2 {
				blank[i], blank[i+1] = ' ', 0x07
			}
			m.writel(info.base, blank)
		case info.bpp == 4 || info.bpp == 8 && m.vmem.mapped:
			m.vmem.p = [4][0x10000]byte{}
			m.vmem.gen++
		default:
			m.filll(info.base, 0, max(info.pageSize, 0x8000))
		}
	}
	eq := m.bda16(bdaEquip) &^ 0x30
	if mode == 7 {
		eq |= 0x30
	} else {
		eq |= 0x20
	}
	m.setBDA16(bdaEquip, eq)
	return true
}

// cellAddr is the linear address of a text cell.
func (m *Machine) cellAddr(page, row, col int) uint32 {
	i := m.video.info
	return i.base + uint32(page*int(m.bda16(bdaPageSize))) + uint32((row*m.vcols()+col)*2)
}

// putCell writes a character (and attribute) at a position, in text or
// graphics modes.
func (m *Machine) putCell(page, row, col int, ch, attr uint8, withAttr bool) {
	i := m.video.info
	if row < 0 || row >= m.vrows() || col < 0 || col >= m.vcols() {
		return
	}
	if i.text {
		a := m.cellAddr(page, row, col)
		m.wbl(a, ch)
		if withAttr {
			m.wbl(a+1, attr)
		}
		return
	}
	m.drawGlyph(row, col, ch, attr)
}

// drawGlyph draws an 8x8 character in a graphics mode; attr is the
// foreground colour, bit 7 XORs it in.
func (m *Machine) drawGlyph(row, col int, ch, attr uint8) {
	h := m.glyphH()
	g := m.fontGlyph(ch)
	xor := attr&0x80 != 0 && m.video.info.bpp != 8
	color := attr
	if !xor {
		color &= 0xFF
	}
	for y := 0; y < h; y++ {
		bits := g[y]
		for x := 0; x < 8; x++ {
			px, py := col*8+x, row*h+y
			if bits&(0x80>>x) != 0 {
				m.setPixel(px, py, color&^0x80, xor)
			} else if !xor {
				m.setPixel(px, py, 0, false)
			}
		}
	}
}

// pixelAddr locates a pixel: the byte and the bit shift in it.
func (m *Machine) pixelAddr(x, y int) (uint32, uint, uint8, bool) {
	i := m.video.info
	if x < 0 || y < 0 || x >= i.width || y >= i.height {
		return 0, 0, 0, false
	}
	switch i.bpp {
	case 8:
		if m.vmem.mapped {
			return 0, 0, 0, false // the planes: see setPixel
		}
		return i.base + uint32(y*i.width+x), 0, 0xFF, true
	case 2:
		a := i.base + uint32(y&1)*0x2000 + uint32(y>>1)*80 + uint32(x/4)
		sh := uint(6 - 2*(x&3))
		return a, sh, 3, true
	case 1:
		a := i.base + uint32(y&1)*0x2000 + uint32(y>>1)*80 + uint32(x/8)
		return a, uint(7 - x&7), 1, true
	}
	return 0, 0, 0, false
}

func (m *Machine) setPixel(x, y int, c uint8, xor bool) {
	switch i := m.video.info; {
	case i.bpp == 4:
		m.planarSet(x, y, c, xor)
		return
	case i.bpp == 8 && m.vmem.mapped:
		if x >= 0 && y >= 0 && x < 320 && y < 200 {
			n := y*320 + x
			m.vmem.p[n&3][n>>2] = c
			m.vmem.gen++
		}
		return
	}
	a, sh, mask, ok := m.pixelAddr(x, y)
	if !ok {
		return
	}
	old := m.rbl(a)
	v := (c & mask) << sh
	if xor {
		m.wbl(a, old^v)
	} else {
		m.wbl(a, old&^(mask<<sh)|v)
	}
}

func (m *Machine) getPixel(x, y int) uint8 {
	switch i := m.video.info; {
	case i.bpp == 4:
		return m.planarGet(x, y)
	case i.bpp == 8 && m.vmem.mapped:
		if x < 0 || y < 0 || x >= 320 || y >= 200 {
			return 0
		}
		n := y*320 + x
		return m.vmem.p[n&3][n>>2]
	}
	a, sh, mask, ok := m.pixelAddr(x, y)
	if !ok {
		return 0
	}
	return m.rbl(a) >> sh & mask
}

// scroll moves a window of the page up (n > 0) or down (n < 0) by |n|
// rows, filling with blanks of attr; n == 0 clears it.
func (m *Machine) scroll(page, top, left, bottom, right, n int, attr uint8) {
	rows, cols := m.vrows(), m.vcols()
	bottom, right = min(bottom, rows-1), min(right, cols-1)
	if top > bottom || left > right {
		return
	}
	h := bottom - top + 1
	if n == 0 || n >= h || -n >= h {
		n = h
	}
	info := m.video.info
	if !info.text {
		m.scrollGraphics(top, left, bottom, right, n, attr)
		return
	}
	w := (right - left + 1) * 2
	move := func(dst, src int) {
		m.writel(m.cellAddr(page, dst, left), m.readl(m.cellAddr(page, src, left), w))
	}
	blank := make([]byte, w)
	for i := 0; i < w; i += 2 {
		blank[i], blank[i+1] = ' ', attr
	}
	if n > 0 {
		for r := top; r <= bottom-n; r++ {
			move(r, r+n)
		}
		for r := bottom - n + 1; r <= bottom; r++ {
			m.writel(m.cellAddr(page, r, left), blank)
		}
	} else {
		n = -n
		for r := bottom; r >= top+n; r-- {
			move(r, r-n)
		}
		for r := top; r < top+n; r++ {
			m.writel(m.cellAddr(page, r, left), blank)
		}
	}
}

func (m *Machine) scrollGraphics(top, left, bottom, right, n int, attr uint8) {
	if m.video.info.bpp != 8 {
		attr &= 0x7F
	}
	x0, x1 := left*8, (right+1)*8
	copyRow := func(dst, src int) {
		for x := x0; x < x1; x++ {
			m.setPixel(x, dst, m.getPixel(x, src), false)
		}
	}
	clearRow := func(y int) {
		for x := x0; x < x1; x++ {
			m.setPixel(x, y, attr, false)
		}
	}
	h := m.glyphH()
	y0, y1 := top*h, (bottom+1)*h
	if n > 0 {
		for y := y0; y < y1-n*h; y++ {
			copyRow(y, y+n*h)
		}
		for y := y1 - n*h; y < y1; y++ {
			clearRow(y)
		}
	} else {
		n = -n
		for y := y1 - 1; y >= y0+n*h; y-- {
			copyRow(y, y-n*h)
		}
		for y := y0; y < y0+n*h; y++ {
			clearRow(y)
		}
	}
}

// teletype writes a character at the cursor of a page and advances it,
// as INT 10h AH=0Eh does: BEL, backspace, line feed and carriage return
// act, everything else is drawn. color is used in graphics modes.
func (m *Machine) teletype(page int, ch, color uint8) {
	row, col := m.cursor(page)
	rows, cols := m.vrows(), m.vcols()
	switch ch {
	case 7:
		return
	case 8:
		if col > 0 {
			col--
		}
	case 10:
		row++
	case 13:
		col = 0
	default:
		attr := color
		if m.video.info.text {
			attr = m.rbl(m.cellAddr(page, row, col) + 1)
		}
		m.putCell(page, row, col, ch, attr, false)
		m.termTrack(page, row, col, false)
		col++
		if col >= cols {
			col = 0
			row++
		}
	}
	if row >= rows {
		attr := uint8(0)
		if m.video.info.text {
			attr = m.rbl(m.cellAddr(page, rows-1, 0) + 1)
		}
		m.scroll(page, 0, 0, rows-1, cols-1, 1, attr)
		m.termTrack(page, 0, 0, true)
		row = rows - 1
	}
	m.setCursor(page, row, col)
}

// conOut writes one byte to the console as DOS does: through the BIOS
// teletype (tabs expanded) and, without a window, to the host console.
func (m *Machine) conOut(b byte) {
	if b == 9 {
		_, col := m.cursor(m.vpage())
		n := 8 - col%8
		for i := 0; i < n; i++ {
			m.conOut(' ')
		}
		return
	}
	m.teletype(m.vpage(), b, 7)
	m.hostOut(b)
}

// hostOut sends console output to the host when there is no window.
func (m *Machine) hostOut(b byte) {
	if m.window != nil || m.cfg.IO.Console == nil || m.term.screen {
		return
	}
	m.outMu.Lock()
	defer m.outMu.Unlock()
	if !m.cfg.IO.Terminal {
		m.out = append(m.out, b)
		return
	}
	switch {
	case b == 7 || b == 8 || b == 10 || b == 13 || (b >= 0x20 && b < 0x7F):
		m.out = append(m.out, b)
	case b == 0:
		m.out = append(m.out, ' ')
	default:
		m.out = append(m.out, string(font.ToRune(b))...)
	}
}

func (m *Machine) conWriteString(s string) {
	for i := 0; i < len(s); i++ {
		m.conOut(s[i])
	}
}

// setPlaneRegs loads the sequencer, graphics controller and CRTC offset a
// mode sets, mapping the planes for the modes that use them.
func (m *Machine) setPlaneRegs(info modeInfo) {
	v := m.vga
	v.seq[2] = 0x0F
	v.gc = [16]uint8{}
	v.gc[7], v.gc[8] = 0x0F, 0xFF
	switch {
	case info.bpp == 4:
		m.mapPlanes()
		v.seq[4] = 0x06
		v.gc[6] = 0x05
		v.crtc[0x13] = uint8(info.width / 16)
	case info.bpp == 8:
		v.seq[4] = 0x0E // chain-4
		v.gc[5] = 0x40
		v.gc[6] = 0x05
		v.crtc[0x13] = 0x28
	default:
		v.seq[4] = 0x02
		v.gc[5] = 0x10
		v.gc[6] = 0x0E
		v.crtc[0x13] = uint8(info.cols / 2)
	}
}

// glyphH is the height of the characters a graphics mode draws.
func (m *Machine) glyphH() int {
	switch h := int(m.bda8(bdaCharH)); h {
	case 14, 16:
		return h
	}
	return 8
}

// fontGlyph is a character's rows in the current graphics font.
func (m *Machine) fontGlyph(ch uint8) []byte {
	switch h := m.glyphH(); h {
	case 14:
		return m.romBytes[romFont14+int(ch)*14:][:14]
	case 16:
		return m.romBytes[romFont16+int(ch)*16:][:16]
	}
	return m.romBytes[romFont8+int(ch)*8:][:8]
}
