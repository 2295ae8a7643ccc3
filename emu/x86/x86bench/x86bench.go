// Package x86bench measures the x86 interpreter on a fixed guest program
// (emu/x86/testdata/loop.asm: a tight loop of ALU work, memory loads and
// stores and branches, about 200 million instructions) and measures
// references on the same machine in the same run, so that speeds are
// reported as ratios: the same algorithm compiled by Go, and where the
// tools exist, the same instructions run natively and under qemu-i386.
//
// `nacho bench` and the package's Go benchmarks use it. It must not import
// syscall/js.
package x86bench

import (
	_ "embed"
	"fmt"
	"time"

	"github.com/nachoos/nacho/emu"
	"github.com/nachoos/nacho/emu/bus"
	"github.com/nachoos/nacho/emu/x86"
)

// The loop, assembled from ../testdata/loop.asm (a test checks that these
// bytes are what nasm makes of it). loopBeside keeps its data in the
// code's own 4 KiB page.
var (
	//go:embed loop.bin
	loopImage []byte
	//go:embed loop_beside.bin
	loopBesideImage []byte
)

// Outer is the outer count assembled into the images.
const (
	Outer      = 1820
	innerCount = 10000
)

// Insns is the number of instructions one run of the loop executes.
func Insns(beside bool) uint64 {
	if beside {
		return insns(Outer, 6)
	}
	return insns(Outer, 7)
}

// insns counts a run with outer turns and setup instructions before them.
func insns(outer, setup int) uint64 { return uint64(setup + outer*(4+innerCount*11+2) + 2) }

// Checksum is what the loop leaves in AX, computed by Model.
var Checksum = Model(Outer)

// Model is the loop's algorithm in Go: what AX holds at the end. It is the
// independent check of the interpreter's result, and timed, the "same
// work compiled by Go" reference.
func Model(outer int) uint16 {
	var ring [258]byte
	var bp, ax uint16
	for cx := uint16(outer); cx != 0; cx-- {
		si, di, bx, dx := uint16(0), uint16(0x80), cx, uint16(innerCount)
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

// Result is one timed run.
type Result struct {
	Insns    uint64
	Duration time.Duration
}

// IPS is instructions per second.
func (r Result) IPS() float64 { return float64(r.Insns) / r.Duration.Seconds() }

// Run runs the loop once on a fresh CPU of model m (its data in a page of
// its own, or beside the code) and checks the checksum.
func Run(m x86.Model, beside bool) (Result, error) {
	img := loopImage
	if beside {
		img = loopBesideImage
	}
	size := 1 << 20
	if m >= x86.I80286 {
		size = 16 << 20
	}
	mem := bus.NewMemory(size)
	if err := mem.LoadImage(0x10000, img); err != nil {
		return Result{}, err
	}
	c := x86.New(x86.Config{Model: m, Memory: mem})
	c.SetSeg(x86.CS, 0x1000)
	c.SetIP(0)
	start := time.Now()
	var n uint64
	for {
		e, err := c.Run(1 << 62)
		n += e.Executed
		if err != nil {
			return Result{}, err
		}
		if e.Reason == emu.ExitHalt {
			break
		}
		if e.Reason != emu.ExitBudget {
			return Result{}, fmt.Errorf("x86bench: unexpected exit %v", e)
		}
	}
	d := time.Since(start)
	if got := c.Reg16(x86.AX); got != Checksum {
		return Result{}, fmt.Errorf("x86bench: checksum %04x, want %04x", got, Checksum)
	}
	if n != Insns(beside) {
		return Result{}, fmt.Errorf("x86bench: executed %d instructions, want %d", n, Insns(beside))
	}
	return Result{Insns: n, Duration: d}, nil
}

// RunModel times Model, counting the guest instructions it stands for.
func RunModel() Result {
	start := time.Now()
	sink = Model(Outer)
	return Result{Insns: Insns(false), Duration: time.Since(start)}
}

var sink uint16
