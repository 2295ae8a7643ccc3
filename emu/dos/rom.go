package dos

import (
	"github.com/nachoos/nacho/emu/x86"
	"github.com/nachoos/nacho/gpu/font"
)

// The BIOS ROM at F000h. It holds no BIOS: its stubs trap into Go with an
// INT instruction the interrupt hook recognises by its address, and the
// rest is data programs read (fonts, the configuration table, the date).

// Callback ids above the vector numbers.
const (
	cbTimer    = 0x100 + iota // IRQ 0, before INT 1Ch and the EOI
	cbKeyboard                // IRQ 1, before the EOI
	cbAfter23                 // a program's Ctrl-C handler returned
	cbCPM                     // CALL 5, the CP/M entry
	cbReset                   // a jump to the reset vector
	cbCount
)

// Fixed ROM offsets.
const (
	romStubs    = 0x1000 // per-vector stubs, 4 bytes each
	romSpecial  = 0x1400 // the other code
	romFont8    = 0xA000 // 8x8 font, 256 characters
	romFont14   = 0xB000 // 8x14 font
	romFont16   = 0xC000 // 8x16 font
	romConfig   = 0xE6F5 // INT 15h C0h configuration table
	romReset    = 0xE05B
	romCaseMap  = 0x2000 // a RETF: the country case-map routine
	romUpperTab = 0x2010 // upper-case table for 80h-FFh
	romTermTab  = 0x20A0 // file name terminators
	romCollTab  = 0x2100 // collating sequence
	romDBCSTab  = 0x2210 // an empty DBCS lead-byte table
	romFont8Low = 0xFA6E // the CGA's copy of the first 128 characters
	romVector   = 0xFFF0
)

// Vectors whose default handler is Go code reached through "INT n; IRET":
// the interrupt hook answers a program's INT n to them directly, without
// running the stub, while the vector table still points at the stub.
var goVectors = [...]uint8{
	0x00, 0x05, 0x06, 0x07, 0x08, 0x0A, 0x0B, 0x0C, 0x0D, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1A, 0x20, 0x21, 0x23, 0x24, 0x27, 0x28, 0x29, 0x2A, 0x2E, 0x2F, 0x33, 0x67,
}

// Vectors that CPU faults use (from the 80186/80286 on some share a
// vector with an IRQ). A fault the program did not hook ends it.
var faultVectors = map[uint8]string{
	0x00: "divide overflow",
	0x05: "BOUND range exceeded",
	0x06: "invalid opcode",
	0x07: "coprocessor not available",
	0x08: "double fault",
	0x0A: "invalid TSS",
	0x0B: "segment not present",
	0x0C: "stack fault",
	0x0D: "general protection fault",
	0x10: "coprocessor error",
}

type rom struct {
	b   []byte
	pos uint16
	m   *Machine
}

func (r *rom) emit(b ...byte) {
	copy(r.b[r.pos:], b)
	r.pos += uint16(len(b))
}

// callback emits INT vec and records that reaching it means callback id.
func (r *rom) callback(vec uint8, id uint16) {
	r.emit(0xCD, vec)
	r.m.romCB[r.pos] = id + 1
}

// eoi emits the end of an IRQ handler: EOI to the master PIC (and the
// slave for IRQ 8-15), then IRET.
func (r *rom) eoi(slave bool) {
	r.emit(0x50, 0xB0, 0x20) // push ax; mov al,20h
	if slave {
		r.emit(0xE6, 0xA0) // out a0h,al
	}
	r.emit(0xE6, 0x20, 0x58, 0xCF) // out 20h,al; pop ax; iret
}

func (m *Machine) buildROM() {
	m.romCB = make([]uint16, romSize)
	r := &rom{b: make([]byte, romSize), m: m}
	ivt := make([]byte, 0x400)
	setVec := func(v int, seg, off uint16) {
		put16(ivt[v*4:], off)
		put16(ivt[v*4+2:], seg)
	}
	isGo := map[uint8]bool{}
	for _, v := range goVectors {
		isGo[v] = true
	}
	// Generic stubs: Go vectors trap, the rest return at once.
	for v := 0; v < 256; v++ {
		r.pos = romStubs + uint16(v)*4
		if isGo[uint8(v)] {
			r.callback(uint8(v), uint16(v))
			m.direct[v] = true
		}
		switch v {
		case 0x25, 0x26:
			r.callback(uint8(v), uint16(v))
			r.emit(0xCB) // absolute disk I/O returns with the flags left on the stack
		default:
			r.emit(0xCF)
		}
	}
	// Every vector that a PC BIOS and DOS fill points at its stub; the
	// user vectors stay zero, as programs looking for a free one expect.
	for v := 0; v < 256; v++ {
		if (v >= 0x30 && v <= 0x3F && v != 0x33) || (v >= 0x60 && v <= 0x66) || v >= 0x78 {
			continue
		}
		setVec(v, romSeg, romStubs+uint16(v)*4)
	}
	r.pos = romSpecial
	// IRQ 0: the BIOS tick, then the user's INT 1Ch, then the EOI.
	setVec(0x08, romSeg, r.pos)
	r.callback(0x08, cbTimer)
	r.emit(0xCD, 0x1C)
	r.eoi(false)
	// IRQ 1: read and translate the scan code, then the EOI.
	setVec(0x09, romSeg, r.pos)
	r.callback(0x09, cbKeyboard)
	r.eoi(false)
	// IRQ 2-7 and 8-15 nobody handles: acknowledge and return.
	master := r.pos
	r.eoi(false)
	slave := r.pos
	r.eoi(true)
	for v := 0x0A; v <= 0x0F; v++ {
		if faultVectors[uint8(v)] == "" {
			setVec(v, romSeg, master)
		}
	}
	for v := 0x70; v <= 0x77; v++ {
		setVec(v, romSeg, slave)
	}
	// Return from a program's Ctrl-C handler.
	m.dos.after23 = r.pos
	r.callback(0x23, cbAfter23)
	// CP/M's CALL 5: 0000:00C0 (vectors 30h/31h) holds a far jump here.
	cpm := r.pos
	r.callback(0x21, cbCPM)
	ivt[0xC0] = 0xEA
	put16(ivt[0xC1:], cpm)
	put16(ivt[0xC3:], romSeg)
	// The reset vector ends the machine.
	r.pos = romReset
	r.callback(0x19, cbReset)
	r.pos = romVector
	r.emit(0xEA)
	r.emit(byte(romReset&0xFF), byte(romReset>>8), byte(romSeg&0xFF), byte(romSeg>>8))
	// Country tables (INT 21h AH=38h, 65h).
	r.b[romCaseMap] = 0xCB
	put16(r.b[romUpperTab:], 128)
	for c := 0; c < 128; c++ {
		u := byte(0x80 + c)
		if v, ok := cp437Upper[u]; ok {
			u = v
		}
		r.b[romUpperTab+2+c] = u
	}
	term := append([]byte{0x01, 0x00, 0xFF, 0x00, 0x00, 0x20, 0x02, 14}, `."/\[]:|<>+=;,`...)
	put16(r.b[romTermTab:], uint16(len(term)))
	copy(r.b[romTermTab+2:], term)
	put16(r.b[romCollTab:], 256)
	for c := 0; c < 256; c++ {
		u := upper(byte(c))
		if v, ok := cp437Upper[byte(c)]; ok {
			u = v
		}
		r.b[romCollTab+2+c] = u
	}
	put16(r.b[romDBCSTab:], 0)
	copy(r.b[0xFFF5:], "01/01/92")
	r.b[0xFFFE] = 0xFC // model: AT
	// Configuration table: 8 bytes, model FC, submodel 01, two PICs, an
	// RTC, the keyboard intercept (INT 15h/4Fh) called.
	copy(r.b[romConfig:], []byte{0x08, 0x00, 0xFC, 0x01, 0x00, 0x70, 0x00, 0x00, 0x00, 0x00})
	// Fonts: 8x16 from the VGA font, 8x14 and 8x8 derived from it.
	for c := 0; c < 256; c++ {
		g := font.Glyph(byte(c))
		copy(r.b[romFont16+c*16:], g[:])
		for y := 0; y < 14; y++ {
			r.b[romFont14+c*14+y] = g[y+1]
		}
		f8 := font8(g)
		copy(r.b[romFont8+c*8:], f8[:])
	}
	copy(r.b[romFont8Low:], r.b[romFont8:romFont8+128*8])
	setVec(0x1F, romSeg, romFont8+128*8)
	setVec(0x43, romSeg, romFont8)
	setVec(0x1D, 0, 0)
	setVec(0x1E, 0, 0)
	setVec(0x41, 0, 0)
	setVec(0x46, 0, 0)
	setVec(0x22, romSeg, romReset) // replaced per program by its PSP's terminate address
	m.mem.LoadImage(0, ivt)
	m.mem.MapROM(romBase, r.b)
	m.romBytes = r.b
}

// font8 squeezes a 16-row glyph into 8 rows, each the union of a pair,
// so thin strokes survive.
func font8(g *[16]byte) [8]byte {
	var f [8]byte
	for y := 0; y < 8; y++ {
		f[y] = g[2*y] | g[2*y+1]
	}
	return f
}

// vector reads an interrupt vector from the table.
func (m *Machine) vector(v uint8) (seg, off uint16) {
	base := m.cpu.IDTR().Base
	a := base + uint32(v)*4
	return m.rwl(a + 2), m.rwl(a)
}

func (m *Machine) setVector(v uint8, seg, off uint16) {
	a := m.cpu.IDTR().Base + uint32(v)*4
	m.wwl(a, off)
	m.wwl(a+2, seg)
}

// isDefault says whether vector v still points at its ROM stub.
func (m *Machine) isDefault(v uint8) bool {
	seg, off := m.vector(v)
	return seg == romSeg && off == romStubs+uint16(v)*4
}

// intHook is the CPU's software interrupt hook.
func (m *Machine) intHook(c *x86.CPU, vec uint8) x86.Action {
	if c.Seg(x86.CS) == romSeg {
		if ip := c.IP(); ip < romSize {
			if id := m.romCB[ip]; id != 0 {
				m.pending = dispatch{id: id - 1, frame: true, fss: c.Seg(x86.SS), fsp: c.Reg16(x86.SP)}
				return x86.Exit
			}
		}
	}
	if m.direct[vec] && m.isDefault(vec) {
		m.pending = dispatch{id: uint16(vec)}
		return x86.Exit
	}
	return x86.Continue
}

// excHook is told about CPU faults before they are delivered. A fault
// whose vector the program left alone ends the program with a clear
// message instead of entering a handler that would only repeat it.
func (m *Machine) excHook(c *x86.CPU, vec uint8) {
	what, ok := faultVectors[vec]
	if !ok || !m.isDefault(vec) {
		return
	}
	m.fault = &guestFault{vec: vec, cs: c.Seg(x86.CS), ip: c.IP(), text: what}
	c.Stop()
}

// cp437Upper maps code page 437's lower-case letters above 7Fh to their
// capitals, as the United States country table does.
var cp437Upper = map[byte]byte{
	0x81: 0x9A, 0x82: 0x90, 0x83: 'A', 0x84: 0x8E, 0x85: 'A', 0x86: 0x8F, 0x87: 0x80,
	0x88: 'E', 0x89: 'E', 0x8A: 'E', 0x8B: 'I', 0x8C: 'I', 0x8D: 'I', 0x91: 0x92,
	0x93: 'O', 0x94: 0x99, 0x95: 'O', 0x96: 'U', 0x97: 'U', 0x98: 'Y', 0xA0: 'A',
	0xA1: 'I', 0xA2: 'O', 0xA3: 'U', 0xA4: 0xA5,
}
