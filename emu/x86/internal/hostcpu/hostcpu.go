// Package hostcpu runs single x86 instructions on the host processor, so
// that tests can compare the interpreter with real hardware. Only
// register-to-register forms are safe to run; the caller must not pass
// instructions that touch memory, the stack pointer, or fault (a divide
// that overflows kills the process).
//
// It works on linux/amd64 only; elsewhere Supported is false. It must not
// import syscall/js.
package hostcpu

import "errors"

// State is the register file an instruction runs on: EAX..EDI in x86
// encoding order (ESP is ignored) and the flags (only CF PF AF ZF SF OF
// and DF=0 are loaded; all of RFLAGS comes back).
type State struct {
	Regs  [8]uint32
	Flags uint64
}

// ErrUnsupported: this host cannot run x86 code for us.
var ErrUnsupported = errors.New("hostcpu: needs linux/amd64")
