package x86

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/nachoos/nacho/emu/bus"
)

// Seeds: a few real instructions of every kind, so plain `go test` runs the
// fuzz targets on them.
var fuzzSeeds = [][]byte{
	{0x00, 0xE1},                   // add cl,ah
	{0x66, 0x0F, 0xA4, 0xC8, 0x05}, // shld eax,ecx,5
	{0xF3, 0xA5},                   // rep movsw
	{0xF6, 0xF3},                   // div bl
	{0x67, 0x8B, 0x44, 0x8D, 0x10}, // mov ax,[ebp+ecx*4+0x10]
	{0x0F, 0x01, 0x0E, 0x00, 0x10}, // sidt [0x1000]
	{0xCD, 0x21},                   // int 0x21
	{0x2E, 0x26, 0x36, 0x3E, 0x2E, 0x26, 0x36, 0x3E, 0x2E, 0x26, 0x36, 0x3E, 0x2E, 0x26, 0x36, 0x3E, 0x90},
	{0xD2, 0xE0},                   // shl al,cl
	{0x8F, 0xC8},                   // pop (reg=1: #UD on the 186+)
	{0xC8, 0x10, 0x00, 0x03},       // enter 0x10,3
	{0xE8, 0x00, 0x00, 0xC3},       // call; ret
	{0xA3, 0x00, 0x00, 0xEB, 0xFB}, // mov [0],ax ; jmp back (rewrites itself)
}

func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code []byte) {
		for m := I8086; m <= I80386; m++ {
			for _, def32 := range []bool{false, true} {
				if def32 && m < I80386 {
					continue
				}
				text, n := Disasm(m, code, 0x100, def32)
				if n < 1 || n > 255 {
					t.Fatalf("%v: length %d for % x", m, n, code)
				}
				if text == "" || strings.Contains(text, "?") {
					t.Fatalf("%v: bad text %q for % x", m, text, code)
				}
			}
		}
	})
}

// fuzzMachine is a CPU reused across fuzz inputs (allocating 16 MiB per
// input would dominate).
type fuzzMachine struct {
	c   *CPU
	mem *bus.Memory
}

var fuzzMachines [4]*fuzzMachine

func machineFor(m Model) *fuzzMachine {
	if fuzzMachines[m] == nil {
		size := 1 << 20
		if m >= I80286 {
			size = 16 << 20
		}
		mem := bus.NewMemory(size)
		fuzzMachines[m] = &fuzzMachine{New(Config{Model: m, Memory: mem}), mem}
	}
	return fuzzMachines[m]
}

// state is everything a run can change that the test compares.
type state struct {
	regs  [8]uint32
	ip    uint32
	flags uint32
	segs  [6]uint16
	mem   []byte
}

// fuzzRun loads code and state from the fuzz input, runs up to budget
// instructions, and returns the resulting state. The memory window that a
// run can touch with 16-bit addressing around the segments is compared.
func fuzzRun(m Model, in []byte, cached bool, budget int64) (state, string) {
	fm := machineFor(m)
	c, mem := fm.c, fm.mem
	clear(mem.RAM[:1<<20])
	c.Reset()
	c.NoCache = !cached
	var regs [8]uint32
	for i := range regs {
		if len(in) >= 4 {
			regs[i] = binary.LittleEndian.Uint32(in)
			in = in[4:]
		}
	}
	for i := range regs {
		if m < I80386 {
			regs[i] &= 0xFFFF
		}
		c.SetReg32(Reg(i), regs[i])
	}
	var fl uint16
	if len(in) >= 2 {
		fl = binary.LittleEndian.Uint16(in) &^ FlagTF
		in = in[2:]
	}
	c.SetFlags(uint32(fl))
	// Segments: code at 1000:0100, data around it, stack at 2000.
	c.SetSeg(CS, 0x1000)
	c.SetSeg(DS, 0x1800)
	c.SetSeg(ES, 0x1900)
	c.SetSeg(SS, 0x2000)
	c.SetIP(0x100)
	copy(mem.RAM[0x10100:], in)
	// A vector table whose handlers all HLT, so faults end the run.
	for v := 0; v < 256; v++ {
		binary.LittleEndian.PutUint16(mem.RAM[v*4:], uint16(v))
		binary.LittleEndian.PutUint16(mem.RAM[v*4+2:], 0x3000)
		mem.RAM[0x30000+v] = 0xF4
	}
	var err error
	for left := budget; left > 0; {
		e, rerr := c.Run(left)
		if rerr != nil {
			err = rerr
			break
		}
		left -= int64(e.Executed)
		if e.Executed == 0 {
			break
		}
	}
	var st state
	copy(st.regs[:], c.r[:8])
	st.ip, st.flags = c.ip, c.getFlags()
	for i := range st.segs {
		st.segs[i] = c.seg[i].Sel
	}
	st.mem = bytes.Clone(mem.RAM[:1<<20])
	if err != nil {
		return st, err.Error()
	}
	return st, ""
}

// FuzzExecute runs random code from random registers on every model, through
// the block cache and with every instruction decoded afresh: it must not
// panic, must stop within its budget, and both paths must end in the same
// state.
func FuzzExecute(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(append(make([]byte, 34), s...))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for m := I8086; m <= I80386; m++ {
			a, errA := fuzzRun(m, in, true, 64)
			b, errB := fuzzRun(m, in, false, 64)
			for _, e := range []string{errA, errB} {
				if strings.Contains(e, "panic") {
					t.Fatalf("%v: %s", m, e)
				}
			}
			if errA != errB {
				t.Fatalf("%v: cached run says %q, uncached %q", m, errA, errB)
			}
			if a.regs != b.regs || a.ip != b.ip || a.flags != b.flags || a.segs != b.segs {
				t.Fatalf("%v: cached and uncached runs differ:\ncached   %+v ip=%x fl=%x\nuncached %+v ip=%x fl=%x",
					m, a.regs, a.ip, a.flags, b.regs, b.ip, b.flags)
			}
			if !bytes.Equal(a.mem, b.mem) {
				for i := range a.mem {
					if a.mem[i] != b.mem[i] {
						t.Fatalf("%v: memory differs first at %#x: cached %02x uncached %02x", m, i, a.mem[i], b.mem[i])
					}
				}
			}
		}
	})
}
