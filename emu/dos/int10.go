package dos

import "fmt"

// int10 is the video BIOS.
func (m *Machine) int10() {
	ah := m.ah()
	switch ah {
	case 0x00, 0x05, 0x06, 0x07, 0x09, 0x0A, 0x13:
		m.termScreen() // a program drawing on the screen: show it whole
	case 0x02:
		if row, col := m.cursor(int(m.bh())); int(m.dh()) != row || int(m.dl()) != col {
			m.termScreen()
		}
	}
	switch ah {
	case 0x00:
		m.setMode(m.al())
	case 0x01: // cursor shape
		m.setBDA16(bdaCurShape, m.cx())
		m.vga.crtc[0x0A], m.vga.crtc[0x0B] = m.ch(), m.cl()
	case 0x02:
		m.setCursor(int(m.bh()), int(m.dh()), int(m.dl()))
	case 0x03:
		row, col := m.cursor(int(m.bh()))
		m.setDX(uint16(row)<<8 | uint16(col))
		m.setCX(m.bda16(bdaCurShape))
	case 0x04: // light pen: not triggered
		m.setAH(0)
	case 0x05:
		p := int(m.al()) & 7
		if p >= m.video.info.pages {
			break
		}
		m.setBDA8(bdaPage, uint8(p))
		start := p * int(m.bda16(bdaPageSize))
		m.setBDA16(bdaPageStart, uint16(start))
		m.vga.setStart(start / 2)
		row, col := m.cursor(p)
		m.setCursor(p, row, col)
	case 0x06, 0x07:
		n := int(m.al())
		if ah == 0x07 {
			n = -n
		}
		m.scroll(m.vpage(), int(m.ch()), int(m.cl()), int(m.dh()), int(m.dl()), n, m.bh())
	case 0x08:
		p := int(m.bh())
		row, col := m.cursor(p)
		if m.video.info.text {
			a := m.cellAddr(p, row, col)
			m.setAX(uint16(m.rbl(a+1))<<8 | uint16(m.rbl(a)))
		} else {
			m.setAX(uint16(m.readGlyph(row, col)))
		}
	case 0x09, 0x0A:
		p := int(m.bh())
		row, col := m.cursor(p)
		cols := m.vcols()
		for n := 0; n < int(m.cx()); n++ {
			c := col + n
			m.putCell(p, row+c/cols, c%cols, m.al(), m.bl(), ah == 0x09 || !m.video.info.text)
		}
	case 0x0B: // CGA palette
		if m.bh() == 0 {
			m.vga.cgaColor = m.vga.cgaColor&0xE0 | m.bl()&0x1F
		} else {
			m.vga.cgaColor = m.vga.cgaColor&^0x20 | (m.bl()&1)<<5
		}
		m.vga.dirtyPal = true
		m.setBDA8(bdaCGAPal, m.vga.cgaColor)
	case 0x0C:
		m.setPixel(int(m.cx()), int(m.dx()), m.al()&^0x80, m.al()&0x80 != 0 && m.video.info.bpp != 8)
	case 0x0D:
		m.setAL(m.getPixel(int(m.cx()), int(m.dx())))
	case 0x0E:
		m.teletype(m.vpage(), m.al(), m.bl())
		if m.window == nil {
			m.hostOut(m.al())
		}
	case 0x0F:
		m.setAL(m.bda8(bdaMode))
		m.setAH(uint8(m.vcols()))
		m.setBH(uint8(m.vpage()))
	case 0x10:
		m.int10Palette()
	case 0x11:
		m.int10Font()
	case 0x12:
		m.int10Alt()
	case 0x13:
		m.int10String()
	case 0x1A:
		if m.al() == 0 {
			m.setAL(0x1A)
			m.setBX(0x0008) // VGA with colour display
		}
	case 0x1B:
		if m.bx() == 0 {
			m.int10State()
			m.setAL(0x1B)
		}
	case 0x1C, 0x4F, 0xFE, 0xEF, 0xF0, 0xF1, 0xF2, 0xFA:
		// Save/restore state, VESA, TopView, the EGA register interface:
		// not present (AL not changed to the function number).
	default:
		m.logOnce(fmt.Sprintf("INT 10h: AH=%02Xh is not supported", ah))
	}
}

// readGlyph recognises the character drawn at a cell in a graphics mode
// (as the BIOS does, by matching the font), or 0.
func (m *Machine) readGlyph(row, col int) uint8 {
	h := m.glyphH()
	cell := make([]byte, h)
	for y := 0; y < h; y++ {
		for x := 0; x < 8; x++ {
			if m.getPixel(col*8+x, row*h+y) != 0 {
				cell[y] |= 0x80 >> x
			}
		}
	}
	for c := 0; c < 256; c++ {
		if string(m.fontGlyph(uint8(c))) == string(cell) {
			return uint8(c)
		}
	}
	return 0
}

func (m *Machine) int10Palette() {
	v := m.vga
	switch m.al() {
	case 0x00:
		if m.bl() < 16 {
			v.attr[m.bl()] = m.bh()
		}
	case 0x01:
		v.attr[0x11] = m.bh()
	case 0x02:
		t := m.read(m.es(), m.dx(), 17)
		copy(v.attr[:16], t)
		v.attr[0x11] = t[16]
	case 0x03:
		if m.bl() == 0 {
			v.attr[0x10] &^= 0x08
		} else {
			v.attr[0x10] |= 0x08
		}
	case 0x07:
		m.setBH(v.attr[m.bl()&31])
	case 0x08:
		m.setBH(v.attr[0x11])
	case 0x09:
		t := append(append([]byte{}, v.attr[:16]...), v.attr[0x11])
		m.write(m.es(), m.dx(), t)
	case 0x10:
		v.dac[uint8(m.bx())] = [3]uint8{m.dh() & 63, m.ch() & 63, m.cl() & 63}
	case 0x12:
		t := m.read(m.es(), m.dx(), int(m.cx())*3)
		for i := 0; i < int(m.cx()); i++ {
			v.dac[uint8(int(m.bx())+i)] = [3]uint8{t[i*3] & 63, t[i*3+1] & 63, t[i*3+2] & 63}
		}
	case 0x13:
		v.attr[0x14] = m.bh()
	case 0x15:
		c := v.dac[uint8(m.bx())]
		m.setDH(c[0])
		m.setCH(c[1])
		m.setCL(c[2])
	case 0x17:
		t := make([]byte, 0, int(m.cx())*3)
		for i := 0; i < int(m.cx()); i++ {
			c := v.dac[uint8(int(m.bx())+i)]
			t = append(t, c[:]...)
		}
		m.write(m.es(), m.dx(), t)
	case 0x18:
		v.pelMask = m.bl()
	case 0x19:
		m.setBL(v.pelMask)
	case 0x1A:
		m.setBX(uint16(v.attr[0x14])<<8 | uint16(v.attr[0x10]>>7))
	case 0x1B:
		for i := 0; i < int(m.cx()); i++ {
			c := &v.dac[uint8(int(m.bx())+i)]
			g := uint8((30*int(c[0]) + 59*int(c[1]) + 11*int(c[2]) + 50) / 100)
			*c = [3]uint8{g, g, g}
		}
	default:
		m.logOnce(fmt.Sprintf("INT 10h: AX=10%02Xh is not supported", m.al()))
	}
	v.dirtyPal = true
}

func (m *Machine) int10Font() {
	al := m.al()
	switch al {
	case 0x30:
		var off uint16
		seg := uint16(romSeg)
		switch m.bh() {
		case 0:
			seg, off = m.vector(0x1F)
		case 1:
			seg, off = m.vector(0x43)
		case 2, 5:
			off = romFont14
		case 3:
			off = romFont8
		case 4:
			off = romFont8 + 128*8
		case 6, 7:
			off = romFont16
		}
		m.setES(seg)
		m.setBP(off)
		m.setCX(uint16(m.bda8(bdaCharH)))
		m.setDL(uint8(m.vrows() - 1))
	case 0x01, 0x11, 0x02, 0x12, 0x04, 0x14, 0x24:
		// Load a ROM font and resize the text screen to fit it.
		h := map[uint8]int{0x01: 14, 0x11: 14, 0x02: 8, 0x12: 8, 0x04: 16, 0x14: 16, 0x24: 16}[al]
		if !m.video.info.text {
			break
		}
		lines := 400
		if m.video.scanLines == 350 {
			lines = 350
		}
		m.setBDA8(bdaCharH, uint8(h))
		m.setBDA8(bdaRows, uint8(lines/h-1))
		m.video.info.rows = lines / h
		m.setBDA16(bdaPageSize, uint16(((lines/h)*m.vcols()*2+0xFF)&^0xFF))
	case 0x00, 0x10, 0x03, 0x20, 0x21, 0x22, 0x23:
		// A program's own font, or the block specifier: the screen keeps
		// drawing with the built-in font.
		m.logOnce("INT 10h: user-defined fonts are accepted but not drawn")
	default:
		m.logOnce(fmt.Sprintf("INT 10h: AX=11%02Xh is not supported", al))
	}
}

func (m *Machine) int10Alt() {
	switch m.bl() {
	case 0x10: // EGA information
		m.setBX(0x0003)
		m.setCX(0x0009)
	case 0x30:
		m.video.scanLines = [...]int{200, 350, 400, 400}[m.al()&3]
		m.setAL(0x12)
	case 0x31, 0x32, 0x33, 0x34, 0x35, 0x36:
		m.setAL(0x12)
	}
}

func (m *Machine) int10String() {
	mode := m.al()
	p := int(m.bh())
	row, col := int(m.dh()), int(m.dl())
	oldRow, oldCol := m.cursor(p)
	m.setCursor(p, row, col)
	s := m.read(m.es(), m.bp(), int(m.cx())*2)
	attr := m.bl()
	for i := 0; i < int(m.cx()); i++ {
		var ch uint8
		if mode&2 != 0 {
			ch, attr = s[i*2], s[i*2+1]
		} else {
			ch = s[i]
		}
		switch ch {
		case 7, 8, 10, 13:
			m.teletype(p, ch, attr)
		default:
			r, c := m.cursor(p)
			m.putCell(p, r, c, ch, attr, true)
			m.teletype(p, ch, attr) // advance (rewrites the same character)
		}
	}
	if mode&1 == 0 {
		m.setCursor(p, oldRow, oldCol)
	}
}

// int10State fills the 64-byte functionality/state table (AH=1Bh).
func (m *Machine) int10State() {
	t := make([]byte, 64)
	put16(t[0:], 0)
	put16(t[2:], romSeg) // static functionality table: none worth giving
	t[4] = m.bda8(bdaMode)
	put16(t[5:], uint16(m.vcols()))
	put16(t[7:], m.bda16(bdaPageSize))
	put16(t[9:], m.bda16(bdaPageStart))
	for p := 0; p < 8; p++ {
		put16(t[0x0B+p*2:], m.bda16(bdaCursor+uint16(p)*2))
	}
	put16(t[0x1B:], m.bda16(bdaCurShape))
	t[0x1D] = uint8(m.vpage())
	put16(t[0x1E:], m.bda16(bdaCRTC))
	t[0x20] = m.bda8(bdaModeCtl)
	t[0x21] = m.bda8(bdaCGAPal)
	t[0x22] = uint8(m.vrows())
	put16(t[0x23:], uint16(m.bda8(bdaCharH)))
	t[0x25] = 0x08
	t[0x27] = 16
	if m.video.info.bpp == 8 {
		put16(t[0x27:], 256)
	}
	t[0x29] = uint8(m.video.info.pages)
	t[0x2A] = 2 // 400 scan lines
	t[0x31] = 3 // 256 KiB of video memory
	m.write(m.es(), m.di(), t)
}
