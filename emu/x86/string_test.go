package x86

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/nachoos/nacho/emu/bus"
)

// REP MOVS and REP STOS take a bulk path when they can; it must end
// exactly where element-by-element execution ends, for every kind of
// overlap, size and position, including ranges that wrap or reach code.
func TestRepBulkMatchesElementwise(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	background := make([]byte, 0x30000)
	r.Read(background)
	for _, m := range []Model{I8086, I80286, I80386} {
		var cpus [2]*CPU
		for k := range cpus {
			cpus[k] = New(Config{Model: m, Memory: bus.NewMemory(1 << 20)})
		}
		cpus[1].noBulk = true
		for i := 0; i < 1500; i++ {
			op := []byte{0xA4, 0xA5, 0xAA, 0xAB}[r.Intn(4)]
			code := []byte{0xF3, op, 0xF4}
			if m == I80386 && r.Intn(3) == 0 {
				code = []byte{0xF3, 0x66, op, 0xF4}
			}
			si, di := uint16(r.Intn(0x10000)), uint16(r.Intn(0x10000))
			if r.Intn(2) == 0 { // near each other, to overlap
				di = si + uint16(r.Intn(9)) - 4
			}
			cx := uint16(r.Intn(300))
			ds, es := uint16(0x2000+r.Intn(0x100)), uint16(0x2000+r.Intn(0x100))
			if r.Intn(10) == 0 {
				es = 0x1000 // into the code's segment
			}
			for _, c := range cpus {
				c.Reset()
				c.mem.LoadImage(0x10000, background)
				c.mem.LoadImage(0x10100, code)
				c.SetSeg(CS, 0x1000)
				c.SetIP(0x100)
				c.SetSeg(DS, ds)
				c.SetSeg(ES, es)
				c.SetReg16(SI, si)
				c.SetReg16(DI, di)
				c.SetReg16(CX, cx)
				c.SetReg16(AX, 0xA55A)
				if _, err := c.Run(3); err != nil {
					t.Fatal(err)
				}
			}
			a, b := cpus[0], cpus[1]
			if a.r != b.r || a.ip != b.ip || !bytes.Equal(a.mem.RAM[0x10000:0x40000], b.mem.RAM[0x10000:0x40000]) {
				t.Fatalf("%v % x si=%04x di=%04x cx=%d ds=%04x es=%04x: bulk and element-wise runs differ", m, code, si, di, cx, ds, es)
			}
		}
	}
}
