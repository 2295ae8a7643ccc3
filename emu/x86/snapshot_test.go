package x86

import (
	"bytes"
	"errors"
	"testing"

	"github.com/nachoos/nacho/emu/bus"
)

// A run saved half way and restored into a fresh machine ends exactly as
// an uninterrupted run does.
func TestSaveLoad(t *testing.T) {
	img := assemble(t, "loop", "OUTER=5")
	for _, m := range []Model{I8086, I80286, I80386} {
		straight := bare(t, m, img, 0x1000)
		n := runToHalt(t, straight, 1e8)

		a := bare(t, m, img, 0x1000)
		half := int64(n / 2)
		if e := run(t, a, half); e.Executed != uint64(half) {
			t.Fatalf("%v: ran %d of %d", m, e.Executed, half)
		}
		var cpu, mem bytes.Buffer
		if err := a.Save(&cpu); err != nil {
			t.Fatal(err)
		}
		if err := a.mem.Save(&mem); err != nil {
			t.Fatal(err)
		}
		b := New(Config{Model: m, Memory: bus.NewMemory(a.mem.Size())})
		if err := b.mem.Load(bytes.NewReader(mem.Bytes())); err != nil {
			t.Fatal(err)
		}
		if err := b.Load(bytes.NewReader(cpu.Bytes())); err != nil {
			t.Fatal(err)
		}
		rest := runToHalt(t, b, 1e8)
		if uint64(half)+rest != n {
			t.Errorf("%v: %d + %d instructions, want %d", m, half, rest, n)
		}
		if b.r != straight.r || b.ip != straight.ip || b.getFlags() != straight.getFlags() {
			t.Errorf("%v: restored run ends in another state", m)
		}
		if !bytes.Equal(b.mem.RAM, straight.mem.RAM) {
			t.Errorf("%v: restored run ends with other memory", m)
		}
	}
}

// Load refuses what Save did not write, and snapshots of another model,
// without touching the CPU.
func TestLoadRejects(t *testing.T) {
	c := New(Config{Model: I80286})
	c.SetReg16(AX, 0x1234)
	var good bytes.Buffer
	if err := New(Config{Model: I8086}).Save(&good); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"empty":       nil,
		"short":       good.Bytes()[:10],
		"other model": good.Bytes(),
		"garbage":     bytes.Repeat([]byte{0x5A}, good.Len()),
	} {
		if err := c.Load(bytes.NewReader(data)); !errors.Is(err, ErrBadSnapshot) {
			t.Errorf("%s: err = %v, want ErrBadSnapshot", name, err)
		}
		if c.Reg16(AX) != 0x1234 {
			t.Fatalf("%s: a failed Load changed the CPU", name)
		}
	}
}
