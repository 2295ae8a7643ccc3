package x86

import (
	"testing"
)

// vram is a device mapped over video memory: it records every access.
type vram struct {
	mem           [0x8000]byte
	reads, writes int
	wordW, byteW  int
}

func (v *vram) ReadMMIO(off uint32, size int) uint32 {
	v.reads++
	var x uint32
	for i := 0; i < size; i++ {
		x |= uint32(v.mem[off+uint32(i)]) << (8 * i)
	}
	return x
}

func (v *vram) WriteMMIO(off uint32, size int, x uint32) {
	v.writes++
	if size == 2 {
		v.wordW++
	} else if size == 1 {
		v.byteW++
	}
	for i := 0; i < size; i++ {
		v.mem[off+uint32(i)] = byte(x >> (8 * i))
	}
}

// Instructions reach a mapped device through every path: MOV, REP STOSW,
// LODSB; code that runs from a device is decoded afresh every time.
func TestMMIO(t *testing.T) {
	// mov ax,0xB800 / mov es,ax / xor di,di / mov ax,0x0741 / mov cx,80 /
	// rep stosw / mov byte [es:0x10],0x42 / push es / pop ds / mov si,0x10 /
	// lodsb / hlt
	code := []byte{0xB8, 0x00, 0xB8, 0x8E, 0xC0, 0x31, 0xFF, 0xB8, 0x41, 0x07, 0xB9, 80, 0,
		0xF3, 0xAB, 0x26, 0xC6, 0x06, 0x10, 0x00, 0x42, 0x06, 0x1F, 0xBE, 0x10, 0x00, 0xAC, 0xF4}
	for _, m := range []Model{I8086, I80286, I80386} {
		c := bare(t, m, code, 0x1000)
		v := &vram{}
		if err := c.mem.MapMMIO(0xB8000, 0x8000, v, "vram"); err != nil {
			t.Fatal(err)
		}
		runToHalt(t, c, 1000)
		if v.mem[0] != 0x41 || v.mem[1] != 0x07 || v.mem[158] != 0x41 || v.mem[160] != 0 {
			t.Errorf("%v: REP STOSW wrote % x ... % x", m, v.mem[:4], v.mem[156:162])
		}
		if v.wordW != 80 || v.byteW != 1 {
			t.Errorf("%v: %d word and %d byte writes, want 80 and 1", m, v.wordW, v.byteW)
		}
		if c.Reg8(AL) != 0x42 || v.reads != 1 {
			t.Errorf("%v: LODSB read %#x in %d device reads", m, c.Reg8(AL), v.reads)
		}
	}

	// Code in a device: a ROM at D0000 that increments AX and returns.
	rom := &vram{}
	copy(rom.mem[:], []byte{0x40, 0xCB}) // inc ax / retf
	// call far D000:0000 three times, then hlt
	caller := []byte{0x9A, 0, 0, 0x00, 0xD0, 0x9A, 0, 0, 0x00, 0xD0, 0x9A, 0, 0, 0x00, 0xD0, 0xF4}
	c := bare(t, I8086, caller, 0x1000)
	c.SetSeg(SS, 0x2000)
	c.SetReg16(SP, 0x100)
	if err := c.mem.MapMMIO(0xD0000, 0x8000, rom, "rom"); err != nil {
		t.Fatal(err)
	}
	runToHalt(t, c, 100)
	if c.Reg16(AX) != 3 {
		t.Errorf("code in a device ran %d times, want 3", c.Reg16(AX))
	}
	copy(rom.mem[:], []byte{0x48, 0xCB}) // the device changes its code: dec ax
	c.SetHalted(false)
	c.SetIP(0)
	runToHalt(t, c, 100)
	if c.Reg16(AX) != 0 {
		t.Errorf("after the device changed its code AX=%d, want 0 (stale decode?)", c.Reg16(AX))
	}
}
