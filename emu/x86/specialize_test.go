package x86

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/nachoos/nacho/emu/bus"
)

// TestSpecialisedMatchGeneric runs random instructions of the forms that
// have specialised handlers on two CPUs from the same state, one with the
// specialised handlers and one with the generic ones, and requires the
// same registers, flags, IP, memory and faults.
func TestSpecialisedMatchGeneric(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for _, m := range []Model{I8086, I80286, I80386} {
		memA, memB := bus.NewMemory(1<<20), bus.NewMemory(1<<20)
		r.Read(memA.RAM)
		copy(memB.RAM, memA.RAM)
		a := New(Config{Model: m, Memory: memA})
		b := New(Config{Model: m, Memory: memB})
		b.generic = true
		// Opcodes with specialised forms; ModRM and immediates are random.
		ops := []byte{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x0B, 0x0D, 0x20, 0x23, 0x25, 0x28, 0x29, 0x2B, 0x2C,
			0x30, 0x31, 0x33, 0x35, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x80, 0x81, 0x83, 0x88, 0x89, 0x8A, 0x8B,
			0x40, 0x43, 0x47, 0x48, 0x4B, 0x4F, 0x50, 0x53, 0x57, 0x58, 0x5B, 0x5F, 0xB0, 0xB4, 0xB8, 0xBF,
			0x70, 0x72, 0x74, 0x75, 0x77, 0x7C, 0x7E, 0x7F, 0xEB, 0xE2}
		for i := 0; i < 30000; i++ {
			code := make([]byte, 16)
			r.Read(code)
			n := 0
			if m >= I80386 && r.Intn(3) == 0 {
				code[0] = 0x66
				n = 1
			}
			code[n] = ops[r.Intn(len(ops))]
			var regs [8]uint32
			for j := range regs {
				regs[j] = r.Uint32()
				if m < I80386 {
					regs[j] &= 0xFFFF
				}
			}
			flags := uint32(r.Intn(1 << 12))
			segs := [4]uint16{uint16(r.Intn(0xF000)), 0x0800, uint16(r.Intn(0xF000)), uint16(r.Intn(0xF000))}
			if r.Intn(4) == 0 {
				segs[DS] = 0x0800 // stores into the code's own page
			}
			// The block loop's inline switch, or each handler alone.
			a.NoCache = r.Intn(2) == 0
			for _, c := range []*CPU{a, b} {
				c.Reset()
				for j, v := range regs {
					c.SetReg32(Reg(j), v)
				}
				c.SetFlags(flags &^ FlagTF)
				for j, v := range segs {
					c.SetSeg(SegReg(j), v)
				}
				c.SetIP(0x100)
				c.mem.LoadImage(0x8100, code)
				// Run the instruction before, so flags are lazy going in.
				if _, err := c.Run(1); err != nil {
					t.Fatal(err)
				}
			}
			text, _ := Disasm(m, code, 0x100, false)
			if a.r != b.r || a.ip != b.ip || a.getFlags() != b.getFlags() || a.seg != b.seg {
				t.Fatalf("%v % x (%s):\nspecialised r=%x ip=%x fl=%x\ngeneric     r=%x ip=%x fl=%x",
					m, code[:8], text, a.r, a.ip, a.getFlags(), b.r, b.ip, b.getFlags())
			}
			if i%500 == 0 && !bytes.Equal(memA.RAM, memB.RAM) {
				t.Fatalf("%v % x (%s): memory differs", m, code[:8], text)
			}
		}
		if !bytes.Equal(memA.RAM, memB.RAM) {
			t.Fatalf("%v: memory differs at the end", m)
		}
	}
}
