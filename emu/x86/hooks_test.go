package x86

import (
	"encoding/binary"
	"testing"

	"github.com/nachoos/nacho/emu"
)

func TestHooks(t *testing.T) {
	img := assemble(t, "hooks")
	vars := len(img) - 16
	c := bare(t, I8086, img, 0x1000)
	ints := 0
	c.Hooks.Interrupt = func(c *CPU, v uint8) Action {
		if v != 0x21 {
			t.Errorf("hook saw vector %#x", v)
		}
		ints++
		return [...]Action{Exit, Handled, Continue}[ints-1]
	}
	c.Hooks.Port = func(c *CPU, port uint16, size int, write bool, v uint32) (Action, uint32) {
		switch {
		case port == 0x80 && write:
			return Exit, 0
		case port == 0x60 && !write:
			return Handled, 0x99
		}
		return Continue, 0
	}
	e := run(t, c, 1000)
	if e.Reason != emu.ExitInterrupt || e.Vector != 0x21 {
		t.Fatalf("want interrupt 21 exit, got %v", e)
	}
	if c.Reg8(AH) != 0x09 {
		t.Errorf("AH = %#x at the exit", c.Reg8(AH))
	}
	c.SetReg16(AX, 0xBEEF) // the personality's answer
	e = run(t, c, 1000)
	if e.Reason != emu.ExitPort || e.Port != 0x80 || !e.Write || e.Value != 0x55 || e.Size != 1 {
		t.Fatalf("want port 80 write exit, got %+v", e)
	}
	if e = run(t, c, 1000); e.Reason != emu.ExitHalt {
		t.Fatalf("want halt, got %v", e)
	}
	mem := c.mem.RAM[0x10000+vars:]
	if got := binary.LittleEndian.Uint16(mem); got != 0xBEEF {
		t.Errorf("AX after the interrupt exit: %#x, want BEEF", got)
	}
	if mem[2] != 0x99 || mem[3] != 0xFF {
		t.Errorf("IN results %#x %#x, want 99 FF", mem[2], mem[3])
	}
	if mem[4] != 1 {
		t.Errorf("vector table reached %d times, want 1 (only for Continue)", mem[4])
	}
}

func TestModelDifferences(t *testing.T) {
	img := assemble(t, "models")
	vars := len(img) - 16
	type result struct {
		pushsp  uint16
		shift   uint8
		idivq   uint8
		deip    uint16 // the last #DE's return address, relative to the DIV
		decount uint8
		udd     uint8
		aaa     uint16
		flagtop uint16
		wrap    bool // FFFF:0010 wrote physical 0
	}
	// The 8086 pushes the address after a faulting DIV/IDIV (its last #DE
	// is the IDIV, 9 bytes after the DIV); later models push the faulting
	// instruction's. divz comes from the 286, whose only #DE is the DIV.
	want := map[Model]result{
		I8086:  {pushsp: 0xFFFE, shift: 0, idivq: 0xDE, deip: 9, decount: 2, udd: 0x66 ^ 0x66, aaa: 0x0105, flagtop: 0xF000, wrap: true},
		I80186: {pushsp: 0xFFFE, shift: 2, idivq: 0x80, deip: 0, decount: 1, udd: 0x66, aaa: 0x0105, flagtop: 0xF000, wrap: true},
		I80286: {pushsp: 0, shift: 2, idivq: 0x80, deip: 0, decount: 1, udd: 0x66, aaa: 0x0205, flagtop: 0, wrap: false},
		I80386: {pushsp: 0, shift: 2, idivq: 0x80, deip: 0, decount: 1, udd: 0x66, aaa: 0x0205, flagtop: 0, wrap: false},
	}
	divz := uint16(0)
	for _, m := range []Model{I80286, I8086, I80186, I80386} {
		c := bare(t, m, img, 0x1000)
		runToHalt(t, c, 10000)
		v := c.mem.RAM[0x10000+vars:]
		deip := binary.LittleEndian.Uint16(v[4:])
		if m == I80286 {
			divz = deip
		}
		got := result{
			pushsp: binary.LittleEndian.Uint16(v), shift: v[2], idivq: v[3],
			deip: deip - divz, decount: v[6], udd: v[7],
			aaa: binary.LittleEndian.Uint16(v[8:]), flagtop: binary.LittleEndian.Uint16(v[10:]),
			wrap: c.mem.RAM[0] == 0x5A,
		}
		w := want[m]
		if m == I8086 {
			w.udd = got.udd // the 8086 pops into AX: whatever was on the stack
		}
		if got != w {
			t.Errorf("%v:\n got %+v\nwant %+v", m, got, w)
		}
		if !w.wrap && c.mem.RAM[0x100000] != 0x5A {
			t.Errorf("%v: FFFF:0010 did not reach 100000", m)
		}
	}
}

func TestBreakpoints(t *testing.T) {
	// mov cx,3 / l: inc ax / loop l / hlt
	code := []byte{0xB9, 3, 0, 0x40, 0xE2, 0xFD, 0xF4}
	c := bare(t, I8086, code, 0x1000)
	c.SetBreakpoint(0x10003, true) // inc ax
	for i := 0; i < 3; i++ {
		e := run(t, c, 100)
		if e.Reason != emu.ExitBreakpoint || c.IP() != 3 || c.Reg16(AX) != uint16(i) {
			t.Fatalf("stop %d: %v at %04x, ax=%d", i, e, c.IP(), c.Reg16(AX))
		}
	}
	c.SetBreakpoint(0x10003, false)
	if e := run(t, c, 100); e.Reason != emu.ExitHalt || c.Reg16(AX) != 3 {
		t.Fatalf("after clearing: %v, ax=%d", e, c.Reg16(AX))
	}
}
