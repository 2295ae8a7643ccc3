// Package emu defines the seams between a guest machine and the rest of
// Nacho: a CPU that runs a bounded number of guest instructions and says why
// it stopped, the buses that carry its memory and I/O traffic, the devices on
// them, and snapshots.
//
// A personality (emu/dos, emu/linux) drives a CPU through this package only:
// it calls Run with a budget, looks at the Exit, services what the guest asked
// for (an interrupt, a port, a halt) and calls Run again. The kernel never
// learns which guest architecture a process runs.
//
// This package holds interfaces and small value types only. It must not
// import syscall/js, the kernel, the JIT, or any concrete architecture
// (emu/x86, emu/arm); those import it.
package emu

import (
	"fmt"
	"io"
)

// ExitReason says why Run returned.
type ExitReason uint8

const (
	// ExitBudget: the CPU retired the whole budget and can go on.
	ExitBudget ExitReason = iota
	// ExitHalt: the guest halted (x86 HLT) and waits for an external
	// interrupt; Run returns at once until one is raised. A personality
	// sleeps until its next event.
	ExitHalt
	// ExitInterrupt: a software interrupt (INT n, SVC) that the personality
	// asked to see. The CPU stands after the instruction; Vector is its
	// number. Service it and call Run again.
	ExitInterrupt
	// ExitPort: a port access that a hook asked to see. The access did not
	// happen on the bus; Port, Size, Write and Value describe it.
	ExitPort
	// ExitStop: Stop was called, from a hook or another goroutine.
	ExitStop
	// ExitShutdown: the CPU cannot go on (x86 triple fault or a fault
	// while delivering a double fault). Reset it.
	ExitShutdown
	// ExitBreakpoint: a breakpoint set by the host (debugger, tests) hit.
	ExitBreakpoint
)

var exitNames = [...]string{"budget", "halt", "interrupt", "port", "stop", "shutdown", "breakpoint"}

func (r ExitReason) String() string {
	if int(r) < len(exitNames) {
		return exitNames[r]
	}
	return fmt.Sprintf("exit(%d)", r)
}

// Exit describes why Run stopped and how far it got.
type Exit struct {
	Reason   ExitReason
	Executed uint64 // guest instructions retired by this Run
	Vector   uint8  // ExitInterrupt, ExitShutdown: the vector involved
	Port     uint16 // ExitPort
	Size     uint8  // ExitPort: 1, 2 or 4 bytes
	Write    bool   // ExitPort: OUT rather than IN
	Value    uint32 // ExitPort: the value written
}

func (e Exit) String() string {
	switch e.Reason {
	case ExitInterrupt:
		return fmt.Sprintf("interrupt %#02x after %d instructions", e.Vector, e.Executed)
	case ExitPort:
		dir := "in"
		if e.Write {
			dir = "out"
		}
		return fmt.Sprintf("port %s %#04x/%d after %d instructions", dir, e.Port, e.Size, e.Executed)
	case ExitShutdown:
		return fmt.Sprintf("shutdown (vector %d) after %d instructions", e.Vector, e.Executed)
	}
	return fmt.Sprintf("%s after %d instructions", e.Reason, e.Executed)
}

// CPU is one guest processor. It is not safe for concurrent use, except
// for Stop and the interrupt lines of the concrete type, which a device on
// another goroutine may call.
type CPU interface {
	// Reset puts the CPU in its power-on state.
	Reset()
	// Run executes at most budget guest instructions (a REP string
	// instruction counts once) and reports why it stopped. An error means
	// the emulator itself is broken (never a guest fault: guest faults are
	// delivered to the guest).
	Run(budget int64) (Exit, error)
	// Stop makes the current or next Run return ExitStop soon.
	Stop()
	Snapshotter
}

// Snapshotter saves and restores state. Load accepts only what Save of the
// same type wrote and leaves the receiver unchanged when it returns an error.
type Snapshotter interface {
	Save(w io.Writer) error
	Load(r io.Reader) error
}

// Memory is a physical address space as a device or a host sees it. CPUs
// reach RAM through a faster concrete path; this interface is for devices
// (DMA), loaders and debuggers.
type Memory interface {
	ReadPhys(addr uint64, p []byte)  // unmapped bytes read as 0xFF
	WritePhys(addr uint64, p []byte) // writes to ROM or unmapped space are dropped
}

// MMIO is a device mapped into the physical address space (video RAM,
// memory-mapped registers). off is relative to the start of the mapping;
// size is 1, 2 or 4.
type MMIO interface {
	ReadMMIO(off uint32, size int) uint32
	WriteMMIO(off uint32, size int, v uint32)
}

// PortDevice answers port I/O. port is absolute; size is 1, 2 or 4.
type PortDevice interface {
	In(port uint16, size int) uint32
	Out(port uint16, size int, v uint32)
}

// InterruptController is what a CPU asks for the vector of a pending
// external interrupt (an 8259 PIC, an APIC). Acknowledge is called once per
// delivered interrupt, with interrupts enabled in the CPU.
type InterruptController interface {
	Acknowledge() uint8
}

// Device is anything on a bus that takes part in reset and snapshots.
type Device interface {
	Name() string
	Reset()
	Snapshotter
}
