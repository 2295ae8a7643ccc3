package x86

import (
	"encoding/binary"
	"testing"
)

// TestI386RealMode runs testdata/i386.asm on the 386 and compares its
// results with values computed here.
func TestI386RealMode(t *testing.T) {
	img := assemble(t, "i386")
	c := bare(t, I80386, img, 0x1000)
	runToHalt(t, c, 100000)
	res := c.mem.RAM[0x10000+len(img)-32:]
	d := func(i int) uint32 { return binary.LittleEndian.Uint32(res[4*i:]) }
	var arr [16]uint32
	var sum uint32
	for i := range arr {
		arr[i] = uint32(i*i) * 0x01010101
		sum += arr[i]
	}
	want := []uint32{
		sum,
		4 * arr[3],
		0x01 + uint32(int32(int16(arr[15]>>16))),
		1<<8 | 8 | 8<<16,
		0,
		sum,
		0,
		5,
	}
	for i, w := range want {
		if d(i) != w {
			t.Errorf("result %d = %#x, want %#x", i, d(i), w)
		}
	}
}
