package x86

import (
	"encoding/binary"
	"testing"
)

func TestSelfModifyingCode(t *testing.T) {
	img := assemble(t, "smc")
	res := len(img) - 16 // res is the last 16 bytes of the image
	want := []uint16{0x42, 0x0201, 0x77, 0x1234, 0x5A}
	for _, m := range []Model{I8086, I80286, I80386} {
		for _, cached := range []bool{true, false} {
			c := bare(t, m, img, 0x1000)
			c.NoCache = !cached
			runToHalt(t, c, 10000)
			for i, w := range want {
				got := binary.LittleEndian.Uint16(c.mem.RAM[0x10000+res+2*i:])
				if i == 0 || i == 2 || i == 4 {
					got &= 0xFF
				}
				if got != w {
					t.Errorf("%v cached=%v: result %d = %#x, want %#x", m, cached, i+1, got, w)
				}
			}
		}
	}
}

// Writes beside decoded code must not throw blocks away; writes into it
// must throw away exactly the blocks they touch.
func TestInvalidationGrain(t *testing.T) {
	// 1000:0000: a loop that stores to a word right after its own code.
	//   mov cx,100 / l: mov [0x20],cx / loop l / hlt
	code := []byte{0xB9, 100, 0, 0x89, 0x0E, 0x20, 0x00, 0xE2, 0xFA, 0xF4}
	c := bare(t, I8086, code, 0x1000)
	c.SetSeg(DS, 0x1000)
	runToHalt(t, c, 1000)
	if n := c.cache.invalidations; n != 0 {
		t.Errorf("stores beside the code invalidated %d blocks", n)
	}
	blocks := c.Blocks()
	if blocks == 0 {
		t.Fatal("nothing cached")
	}
	// A write to the loop's own bytes drops the block that holds them.
	c.mem.Write8(0x10004, 0x0E)
	if c.cache.invalidations == 0 {
		t.Error("a write into decoded code invalidated nothing")
	}
	if c.Blocks() >= blocks {
		t.Errorf("blocks: %d before, %d after writing into one", blocks, c.Blocks())
	}
}

// Toggling A20 drops only blocks in the HMA; code below 1 MiB stays.
func TestA20KeepsLowBlocks(t *testing.T) {
	code := []byte{0xB9, 10, 0, 0xE2, 0xFE, 0xF4} // mov cx,10 / loop $ / hlt
	c := bare(t, I80286, code, 0x1000)
	runToHalt(t, c, 1000)
	n := c.Blocks()
	c.SetA20(false)
	c.SetA20(true)
	if c.Blocks() != n || c.cache.invalidations != 0 {
		t.Errorf("A20 toggle: %d blocks before, %d after, %d invalidated", n, c.Blocks(), c.cache.invalidations)
	}
	// Code in the HMA (FFFF:0010 = 100000) is dropped when A20 moves.
	hma := bare(t, I80286, nil, 0xFFFF)
	copy(hma.mem.RAM[0x100000:], code)
	hma.SetIP(0x10)
	runToHalt(t, hma, 1000)
	hma.SetA20(false)
	if hma.Blocks() != 0 {
		t.Errorf("HMA blocks survive closing A20: %d", hma.Blocks())
	}
}
