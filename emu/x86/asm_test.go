package x86

import (
	"path/filepath"
	"testing"

	"github.com/nachoos/nacho/internal/nasmtest"

	"github.com/nachoos/nacho/emu"
	"github.com/nachoos/nacho/emu/bus"
)

// assemble builds testdata/name.asm with nasm (flat binary) and returns the
// bytes. Tests that need it skip when nasm is not installed.
func assemble(t testing.TB, name string, defs ...string) []byte {
	t.Helper()
	return nasmtest.File(t, filepath.Join("testdata", name+".asm"), defs...)
}

// bare makes a CPU of model m with 1 MiB (16 MiB from the 286) of RAM and
// the image loaded at seg:0000, CS:IP pointing at it.
func bare(t testing.TB, m Model, image []byte, seg uint16) *CPU {
	t.Helper()
	size := 1 << 20
	if m >= I80286 {
		size = 16 << 20
	}
	mem := bus.NewMemory(size)
	if err := mem.LoadImage(uint32(seg)<<4, image); err != nil {
		t.Fatal(err)
	}
	c := New(Config{Model: m, Memory: mem})
	c.SetSeg(CS, seg)
	c.SetIP(0)
	return c
}

// runToHalt runs until HLT, failing on any other exit or after limit
// instructions.
func runToHalt(t testing.TB, c *CPU, limit int64) uint64 {
	t.Helper()
	var total uint64
	for total < uint64(limit) {
		e, err := c.Run(limit - int64(total))
		total += e.Executed
		if err != nil {
			t.Fatalf("after %d instructions: %v", total, err)
		}
		switch e.Reason {
		case emu.ExitHalt:
			return total
		case emu.ExitBudget:
		default:
			t.Fatalf("unexpected exit %v at %04x:%04x", e, c.Seg(CS), c.IP())
		}
	}
	t.Fatalf("no HLT within %d instructions (at %04x:%04x)", limit, c.Seg(CS), c.IP())
	return total
}
