package dos

import (
	"io"

	"github.com/nachoos/nacho/emu"
)

// The VGA's four planes: video memory at A0000h as the 16-colour EGA/VGA
// modes (0Dh, 0Eh, 10h, 12h) and unchained 256-colour "mode X" see it,
// with the latches, the four write modes, both read modes, the map mask,
// the bit mask and the logical operations. Until a program needs it the
// 64 KiB at A0000h are plain RAM (mode 13h runs at full speed there); the
// first planar mode, or mode 13h with chain-4 turned off, maps this device
// over it for the rest of the machine's life, taking over what the RAM
// held.

type planes struct {
	m      *Machine
	p      [4][0x10000]byte
	latch  [4]byte
	mapped bool
	gen    uint64 // counts writes, so an unchanged picture is not converted again
}

var _ emu.MMIO = (*planes)(nil)

func (v *planes) Name() string         { return "vga-planes" }
func (v *planes) Reset()               {}
func (v *planes) Save(io.Writer) error { return nil }
func (v *planes) Load(io.Reader) error { return nil }

// mapPlanes puts the planes over A0000h, keeping what the RAM showed (a
// mode 13h picture goes in the chain-4 layout).
func (m *Machine) mapPlanes() {
	v := &m.vmem
	if v.mapped {
		return
	}
	v.m = m
	ram := m.mem.RAM[0xA0000:0xB0000]
	for a, b := range ram {
		v.p[a&3][a>>2] = b
	}
	if err := m.mem.MapMMIO(0xA0000, 0x10000, v, "vga"); err != nil {
		m.log("VGA planes: " + err.Error())
		return
	}
	v.mapped = true
	m.cpu.FlushBlocks()
}

func (v *planes) chain4() bool { return v.m.vga.seq[4]&0x08 != 0 }

// ReadMMIO implements emu.MMIO.
func (v *planes) ReadMMIO(off uint32, size int) uint32 {
	var r uint32
	for i := 0; i < size; i++ {
		r |= uint32(v.read(off+uint32(i))) << (8 * i)
	}
	return r
}

// WriteMMIO implements emu.MMIO.
func (v *planes) WriteMMIO(off uint32, size int, val uint32) {
	for i := 0; i < size; i++ {
		v.write(off+uint32(i), uint8(val>>(8*i)))
	}
}

func (v *planes) read(a uint32) uint8 {
	if v.chain4() {
		return v.p[a&3][a>>2&0x3FFF]
	}
	a &= 0xFFFF
	for i := range v.latch {
		v.latch[i] = v.p[i][a]
	}
	gc := &v.m.vga.gc
	if gc[5]&0x08 == 0 {
		return v.latch[gc[4]&3]
	}
	// Read mode 1: colour compare, planes in "don't care" ignored.
	var r uint8
	for bit := 0; bit < 8; bit++ {
		match := true
		for i := 0; i < 4; i++ {
			if gc[7]&(1<<i) == 0 {
				continue
			}
			pb := v.latch[i] >> bit & 1
			if pb != gc[2]>>i&1 {
				match = false
				break
			}
		}
		if match {
			r |= 1 << bit
		}
	}
	return r
}

func (v *planes) write(a uint32, b uint8) {
	v.gen++
	seq, gc := &v.m.vga.seq, &v.m.vga.gc
	if v.chain4() {
		if seq[2]&(1<<(a&3)) != 0 {
			v.p[a&3][a>>2&0x3FFF] = b
		}
		return
	}
	a &= 0xFFFF
	rot := gc[3] & 7
	rb := b>>rot | b<<(8-rot)
	mask := gc[8]
	op := gc[3] >> 3 & 3
	for i := 0; i < 4; i++ {
		if seq[2]&(1<<i) == 0 {
			continue
		}
		var d uint8
		switch gc[5] & 3 {
		case 0:
			d = rb
			if gc[1]&(1<<i) != 0 {
				d = -(gc[0] >> i & 1) // 0x00 or 0xFF
			}
		case 1:
			v.p[i][a] = v.latch[i]
			continue
		case 2:
			d = -(b >> i & 1)
		case 3:
			d = -(gc[0] >> i & 1)
		}
		m := mask
		if gc[5]&3 == 3 {
			m &= rb
		}
		switch op {
		case 1:
			d &= v.latch[i]
		case 2:
			d |= v.latch[i]
		case 3:
			d ^= v.latch[i]
		}
		v.p[i][a] = d&m | v.latch[i]&^m
	}
}

// Pixel access for the BIOS (INT 10h AH=0Ch/0Dh, text drawn in graphics
// modes) in the planar modes: straight to the planes, as the BIOS's
// write mode 2 and read mode 1 amount to.

func (m *Machine) planarSet(x, y int, c uint8, xor bool) {
	i := m.video.info
	if x < 0 || y < 0 || x >= i.width || y >= i.height {
		return
	}
	off := y*(i.width/8) + x/8
	bit := uint8(0x80) >> (x & 7)
	m.vmem.gen++
	for p := 0; p < 4; p++ {
		on := c>>p&1 != 0
		switch {
		case xor && on:
			m.vmem.p[p][off] ^= bit
		case xor:
		case on:
			m.vmem.p[p][off] |= bit
		default:
			m.vmem.p[p][off] &^= bit
		}
	}
}

func (m *Machine) planarGet(x, y int) uint8 {
	i := m.video.info
	if x < 0 || y < 0 || x >= i.width || y >= i.height {
		return 0
	}
	off := y*(i.width/8) + x/8
	bit := uint8(0x80) >> (x & 7)
	var c uint8
	for p := 0; p < 4; p++ {
		if m.vmem.p[p][off]&bit != 0 {
			c |= 1 << p
		}
	}
	return c
}

// planarPixels turns the planes into one palette index a pixel, as the
// CRTC scans them out from its start address.
func (m *Machine) planarPixels(dst []byte) []byte {
	i := m.video.info
	_, start := m.vga.cursorAddr()
	bpl := int(m.vga.crtc[0x13]) * 2
	if bpl == 0 {
		bpl = i.width / 8
	}
	for y := 0; y < i.height; y++ {
		row := start + y*bpl
		for x := 0; x < i.width; x += 8 {
			off := (row + x/8) & 0xFFFF
			p0, p1, p2, p3 := m.vmem.p[0][off], m.vmem.p[1][off], m.vmem.p[2][off], m.vmem.p[3][off]
			for b := 7; b >= 0; b-- {
				dst = append(dst, p0>>b&1|(p1>>b&1)<<1|(p2>>b&1)<<2|(p3>>b&1)<<3)
			}
		}
	}
	return dst
}

// unchainedPixels is mode 13h's picture from the planes: chain-4 or mode X
// (pixel x of a row in plane x mod 4).
func (m *Machine) unchainedPixels(dst []byte) []byte {
	_, start := m.vga.cursorAddr()
	for i := 0; i < 320*200; i++ {
		if m.vmem.chain4() {
			dst = append(dst, m.vmem.p[i&3][i>>2])
			continue
		}
		off := (start + i>>2) & 0xFFFF
		dst = append(dst, m.vmem.p[i&3][off])
	}
	return dst
}
