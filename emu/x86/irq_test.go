package x86

import (
	"encoding/binary"
	"testing"

	"github.com/nachoos/nacho/emu"
)

// pic is an interrupt controller with one line: Acknowledge gives vector
// 0x20 and drops the line.
type pic struct {
	c    *CPU
	acks int
}

func (p *pic) Acknowledge() uint8 {
	p.acks++
	p.c.SetINTR(false)
	return 0x20
}

func run(t *testing.T, c *CPU, budget int64) emu.Exit {
	t.Helper()
	e, err := c.Run(budget)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestInterrupts(t *testing.T) {
	img := assemble(t, "irq")
	vars := len(img) - 8
	word := func(c *CPU, i int) uint16 { return binary.LittleEndian.Uint16(c.mem.RAM[0x10000+vars+2*i:]) }
	for _, m := range []Model{I8086, I80286, I80386} {
		t.Run(m.String(), func(t *testing.T) {
			c := bare(t, m, img, 0x1000)
			p := &pic{c: c}
			c.pic = p

			// 1: HLT with IF=0 stays halted though INTR is high.
			if e := run(t, c, 1000); e.Reason != emu.ExitHalt {
				t.Fatalf("want halt, got %v", e)
			}
			c.SetINTR(true)
			if e := run(t, c, 1000); e.Reason != emu.ExitHalt || e.Executed != 0 {
				t.Fatalf("INTR woke a CPU with IF=0: %v", e)
			}
			c.SetHalted(false)

			// 2, 3: after STI the interrupt waits one instruction, then the
			// handler runs; the next HLT halts.
			if e := run(t, c, 1000); e.Reason != emu.ExitHalt {
				t.Fatalf("want halt, got %v", e)
			}
			if word(c, 0) != 1 || p.acks != 1 {
				t.Fatalf("count %d, acks %d; want 1, 1", word(c, 0), p.acks)
			}
			if word(c, 1) != 0x2222 {
				t.Errorf("interrupt taken with AX=%04x, want 2222 (after the instruction that follows STI)", word(c, 1))
			}
			// A halted CPU with IF=1 wakes for INTR.
			c.SetINTR(true)
			e := run(t, c, 1000)
			if word(c, 0) != 2 {
				t.Fatalf("HLT did not wake for INTR (count %d)", word(c, 0))
			}
			// 4: single steps: the instruction after POPF-with-TF, the four
			// NOPs, PUSHF POP AND PUSH, and the POPF that clears TF: 9.
			if e.Reason != emu.ExitHalt {
				t.Fatalf("want halt, got %v", e)
			}
			if got := word(c, 3); got != 9 {
				t.Errorf("single steps: %d, want 9", got)
			}

			// NMI: taken with IF=0; a second one waits for IRET.
			c.SetHalted(false)
			c.SetIP(0) // anywhere; the NMI comes first
			c.NMI()
			if e := run(t, c, 1000); e.Reason != emu.ExitHalt || word(c, 2) != 1 {
				t.Fatalf("NMI: %v, nmis %d", e, word(c, 2))
			}
			c.NMI()
			c.SetHalted(false)
			run(t, c, 2) // IRET out of the handler, then the pending NMI
			if got := word(c, 2); got != 2 {
				t.Errorf("second NMI: nmis %d, want 2", got)
			}
		})
	}
}
