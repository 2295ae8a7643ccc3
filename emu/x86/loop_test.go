package x86

import (
	"fmt"
	"testing"
	"time"
)

// loopModel computes what testdata/loop.asm leaves in AX, the plain way.
func loopModel(outer int) uint16 {
	var ring [258]byte
	var bp, ax uint16
	for cx := uint16(outer); cx != 0; cx-- {
		si, di, bx, dx := uint16(0), uint16(0x80), cx, uint16(10000)
		for dx != 0 {
			ax = uint16(ring[si]) | uint16(ring[si+1])<<8
			ax += bx
			ax ^= dx
			ring[di], ring[di+1] = byte(ax), byte(ax>>8)
			si, di = (si+2)&0xFF, (di+2)&0xFF
			bx++
			dx--
		}
		bp += ax
	}
	return bp
}

// loopInsns is the number of instructions loop.asm executes, HLT included.
func loopInsns(outer, data int) uint64 { return uint64(6 + data + outer*(4+10000*11+2) + 2) }

func TestLoopChecksum(t *testing.T) {
	for _, data := range []int{1, 0} {
		for _, m := range []Model{I8086, I80286, I80386} {
			t.Run(fmt.Sprintf("data%d/%v", data, m), func(t *testing.T) {
				img := assemble(t, "loop", "OUTER=7", fmt.Sprintf("DATA=%d", data))
				c := bare(t, m, img, 0x1000)
				n := runToHalt(t, c, 1e8)
				if want := loopModel(7); c.Reg16(AX) != want {
					t.Errorf("AX = %04x, want %04x", c.Reg16(AX), want)
				}
				if want := loopInsns(7, data); n != want {
					t.Errorf("executed %d instructions, want %d", n, want)
				}
			})
		}
	}
}

// BenchmarkLoop runs loop.asm (about 200 million instructions) and reports
// guest instructions per second. DATA=0 keeps the data in the code's page.
func BenchmarkLoop(b *testing.B) {
	for _, data := range []int{1, 0} {
		b.Run(fmt.Sprintf("data%d", data), func(b *testing.B) {
			img := assemble(b, "loop", fmt.Sprintf("DATA=%d", data))
			var insns uint64
			start := time.Now()
			for i := 0; i < b.N; i++ {
				c := bare(b, I80386, img, 0x1000)
				insns += runToHalt(b, c, 1e10)
			}
			b.ReportMetric(float64(insns)/time.Since(start).Seconds()/1e6, "MIPS")
		})
	}
}
