package x86_test

import (
	"fmt"

	"github.com/nachoos/nacho/emu"
	"github.com/nachoos/nacho/emu/bus"
	"github.com/nachoos/nacho/emu/x86"
)

// A personality's loop: run the CPU in slices, service the software
// interrupts it asked to see, sleep on HLT.
func ExampleCPU_Run() {
	mem := bus.NewMemory(1 << 20)
	// At 1000:0000: mov ah,2 / mov dl,'A' / int 21h / mov dl,'B' / int 21h / hlt
	mem.LoadImage(0x10000, []byte{0xB4, 0x02, 0xB2, 'A', 0xCD, 0x21, 0xB2, 'B', 0xCD, 0x21, 0xF4})
	c := x86.New(x86.Config{Model: x86.I8086, Memory: mem})
	c.SetSeg(x86.CS, 0x1000)
	c.SetIP(0)
	c.Hooks.Interrupt = func(c *x86.CPU, v uint8) x86.Action {
		if v == 0x21 {
			return x86.Exit // let the loop below service it
		}
		return x86.Continue
	}
	total := uint64(0)
	for {
		e, err := c.Run(10000)
		total += e.Executed
		if err != nil {
			fmt.Println(err)
			return
		}
		switch e.Reason {
		case emu.ExitInterrupt:
			if c.Reg8(x86.AH) == 2 { // DOS: write the character in DL
				fmt.Printf("%c", c.Reg8(x86.DL))
			}
		case emu.ExitHalt:
			fmt.Printf("\nhalted before %04x:%04x after %d instructions\n", c.Seg(x86.CS), c.IP(), total)
			return
		}
	}
	// Output:
	// AB
	// halted before 1000:000b after 6 instructions
}
