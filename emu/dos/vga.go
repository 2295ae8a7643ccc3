package dos

import (
	"io"
	"time"

	"github.com/nachoos/nacho/emu"
)

// vga is the VGA's register file (ports 3B0h-3DFh): the attribute
// controller, sequencer, DAC, graphics controller, CRT controller and
// input status, plus the CGA mode and colour registers. Video memory is
// ordinary RAM at A0000h and B8000h; what the registers change is how it
// is shown.
type vga struct {
	m        *Machine
	attr     [32]uint8
	attrIdx  uint8
	attrFlip bool // false: next 3C0h write is an index
	misc     uint8
	seqIdx   uint8
	seq      [8]uint8
	gcIdx    uint8
	gc       [16]uint8
	crtcIdx  uint8
	crtc     [32]uint8
	pelMask  uint8
	dac      [256][3]uint8 // 6-bit components
	dacRead  uint8
	dacWrite uint8
	dacComp  int
	dacState uint8 // 0: write mode, 3: read mode
	cgaMode  uint8
	cgaColor uint8
	dirtyPal bool
	t0       time.Time
	seenVR   time.Time // the frame whose retrace the program has seen
}

var _ emu.PortDevice = (*vga)(nil)

// Vertical timing of 70 Hz VGA modes. The retrace bit stays set for the
// length of the vertical blank, and at least until the program has seen
// it, so a program waiting for it never misses a frame to a late wake.
const (
	vgaFrame = time.Second / 70
	vgaBlank = 1500 * time.Microsecond
)

func newVGA(m *Machine) *vga {
	v := &vga{m: m, pelMask: 0xFF, t0: m.now(), misc: 0x67}
	v.defaultAttr()
	v.loadDefaultDAC()
	return v
}

func (v *vga) Name() string         { return "vga" }
func (v *vga) Reset()               {}
func (v *vga) Save(io.Writer) error { return nil }
func (v *vga) Load(io.Reader) error { return nil }

func (v *vga) defaultAttr() {
	copy(v.attr[:16], defaultAttrPal[:])
	v.attr[0x10] = 0x0C // text, blink on
	v.attr[0x12] = 0x0F
	v.attr[0x14] = 0
}

// loadDefaultDAC loads the palette the VGA BIOS sets for mode 13h: the 16
// EGA colours, 16 greys, then nine blocks of 24 hues.
func (v *vga) loadDefaultDAC() {
	for i := 0; i < 16; i++ {
		v.dac[i] = egaColor(v.attr[i])
	}
	grays := [16]uint8{0, 5, 8, 11, 14, 17, 20, 24, 28, 32, 36, 40, 45, 50, 56, 63}
	for i, g := range grays {
		v.dac[16+i] = [3]uint8{g, g, g}
	}
	levels := [9][5]uint8{
		{0, 16, 31, 47, 63}, {31, 39, 47, 55, 63}, {45, 49, 54, 58, 63},
		{0, 7, 14, 21, 28}, {14, 17, 21, 24, 28}, {20, 22, 24, 26, 28},
		{0, 4, 8, 12, 16}, {8, 10, 12, 14, 16}, {11, 12, 13, 15, 16},
	}
	// Index into L for (r, g, b) around the colour wheel, blue first.
	wheel := [24][3]int{
		{0, 0, 4}, {1, 0, 4}, {2, 0, 4}, {3, 0, 4}, {4, 0, 4}, {4, 0, 3}, {4, 0, 2}, {4, 0, 1},
		{4, 0, 0}, {4, 1, 0}, {4, 2, 0}, {4, 3, 0}, {4, 4, 0}, {3, 4, 0}, {2, 4, 0}, {1, 4, 0},
		{0, 4, 0}, {0, 4, 1}, {0, 4, 2}, {0, 4, 3}, {0, 4, 4}, {0, 3, 4}, {0, 2, 4}, {0, 1, 4},
	}
	n := 32
	for _, l := range levels {
		for _, w := range wheel {
			v.dac[n] = [3]uint8{l[w[0]], l[w[1]], l[w[2]]}
			n++
		}
	}
	for ; n < 256; n++ {
		v.dac[n] = [3]uint8{}
	}
	v.dirtyPal = true
}

// loadTextDAC loads the 64 EGA colours, as the BIOS does for text and
// 16-colour modes.
func (v *vga) loadTextDAC() {
	for i := 0; i < 64; i++ {
		v.dac[i] = egaColor(uint8(i))
	}
	v.dirtyPal = true
}

// egaColor is the 6-bit DAC value of an EGA colour (rgbRGB bits).
func egaColor(c uint8) [3]uint8 {
	comp := func(hi, lo uint8) uint8 { return 42*(c>>hi&1) + 21*(c>>lo&1) }
	return [3]uint8{comp(2, 5), comp(1, 4), comp(0, 3)}
}

// retrace reports whether the vertical retrace bit is set now, and when
// it next changes. A program that wakes late into a frame (its host
// thread slept past the blank) still sees that frame's retrace once, in
// the first half of the frame.
func (v *vga) retrace(now time.Time) (bool, time.Time) {
	frame := now.Sub(v.t0) / vgaFrame
	start := v.t0.Add(frame * vgaFrame)
	in := now.Sub(start)
	next := start.Add(vgaFrame)
	if in < vgaBlank {
		v.seenVR = start
		return true, start.Add(vgaBlank)
	}
	if v.seenVR.Before(start) && in < vgaFrame/2 {
		v.seenVR = start
		return true, next
	}
	return false, next
}

// In implements emu.PortDevice.
func (v *vga) In(port uint16, size int) uint32 {
	switch port {
	case 0x3C0:
		return uint32(v.attrIdx)
	case 0x3C1:
		return uint32(v.attr[v.attrIdx&31])
	case 0x3C2:
		return 0x10
	case 0x3C4:
		return uint32(v.seqIdx)
	case 0x3C5:
		return uint32(v.seq[v.seqIdx&7])
	case 0x3C6:
		return uint32(v.pelMask)
	case 0x3C7:
		return uint32(v.dacState)
	case 0x3C8:
		return uint32(v.dacWrite)
	case 0x3C9:
		c := v.dac[v.dacRead][v.dacComp]
		v.dacComp++
		if v.dacComp == 3 {
			v.dacComp = 0
			v.dacRead++
		}
		return uint32(c)
	case 0x3CC:
		return uint32(v.misc)
	case 0x3CE:
		return uint32(v.gcIdx)
	case 0x3CF:
		return uint32(v.gc[v.gcIdx&15])
	case 0x3B4, 0x3D4:
		return uint32(v.crtcIdx)
	case 0x3B5, 0x3D5:
		return uint32(v.crtc[v.crtcIdx&31])
	case 0x3BA, 0x3DA:
		v.attrFlip = false
		now := v.m.now()
		vr, next := v.retrace(now)
		var s uint32
		if vr {
			s = 0x09
		} else if (now.Sub(v.t0)/(32*time.Microsecond))&1 != 0 {
			s = 0x01 // horizontal blank, about every other line
		}
		v.m.poll(next)
		return s
	case 0x3D8:
		return uint32(v.cgaMode)
	case 0x3D9:
		return uint32(v.cgaColor)
	}
	return 0xFF
}

// Out implements emu.PortDevice.
func (v *vga) Out(port uint16, size int, val uint32) {
	if size == 2 {
		// OUT DX, AX writes an index and its data to two ports.
		v.Out(port, 1, val&0xFF)
		v.Out(port+1, 1, val>>8&0xFF)
		return
	}
	b := uint8(val)
	switch port {
	case 0x3C0:
		if !v.attrFlip {
			v.attrIdx = b
		} else {
			v.attr[v.attrIdx&31] = b
			v.dirtyPal = true
		}
		v.attrFlip = !v.attrFlip
	case 0x3C2:
		v.misc = b
	case 0x3C4:
		v.seqIdx = b
	case 0x3C5:
		v.seq[v.seqIdx&7] = b
		if v.seqIdx&7 == 4 && b&0x08 == 0 && v.m.video.info.bpp == 8 {
			v.m.mapPlanes() // mode 13h unchained: mode X
		}
	case 0x3C6:
		v.pelMask = b
		v.dirtyPal = true
	case 0x3C7:
		v.dacRead, v.dacComp, v.dacState = b, 0, 3
	case 0x3C8:
		v.dacWrite, v.dacComp, v.dacState = b, 0, 0
	case 0x3C9:
		v.dac[v.dacWrite][v.dacComp] = b & 63
		v.dacComp++
		if v.dacComp == 3 {
			v.dacComp = 0
			v.dacWrite++
		}
		v.dirtyPal = true
	case 0x3CE:
		v.gcIdx = b
	case 0x3CF:
		v.gc[v.gcIdx&15] = b
	case 0x3B4, 0x3D4:
		v.crtcIdx = b
	case 0x3B5, 0x3D5:
		v.crtc[v.crtcIdx&31] = b
	case 0x3D8:
		v.cgaMode = b
	case 0x3D9:
		v.cgaColor = b
		v.dirtyPal = true
	}
}

// cursorAddr is the CRTC's cursor location (in character cells from the
// start of video memory) and its start address.
func (v *vga) cursorAddr() (loc, start int) {
	return int(v.crtc[0x0E])<<8 | int(v.crtc[0x0F]), int(v.crtc[0x0C])<<8 | int(v.crtc[0x0D])
}

func (v *vga) setCursorAddr(loc int) {
	v.crtc[0x0E], v.crtc[0x0F] = uint8(loc>>8), uint8(loc)
}

func (v *vga) setStart(start int) {
	v.crtc[0x0C], v.crtc[0x0D] = uint8(start>>8), uint8(start)
}
