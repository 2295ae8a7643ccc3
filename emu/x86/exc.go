package x86

import (
	"fmt"

	"github.com/nachoos/nacho/emu"
)

// Exception vectors.
const (
	vecDE  = 0  // divide error
	vecDB  = 1  // debug (single step)
	vecNMI = 2  // non-maskable interrupt
	vecBP  = 3  // INT3
	vecOF  = 4  // INTO
	vecBR  = 5  // BOUND range
	vecUD  = 6  // invalid opcode
	vecNM  = 7  // coprocessor not available
	vecDF  = 8  // double fault
	vecTS  = 10 // invalid TSS
	vecNP  = 11 // segment not present
	vecSS  = 12 // stack fault
	vecGP  = 13 // general protection
	vecPF  = 14 // page fault
	vecMF  = 16 // coprocessor error
)

// pendingFault is a fault raised by the executing instruction, delivered
// once the instruction has been abandoned.
type pendingFault struct {
	pending bool
	vec     uint8
	code    uint32
	hasCode bool // protected mode pushes an error code
	nextIP  bool // the return address is the next instruction (8086 divide error)
}

// Signals that unwind an instruction (see protect).
type (
	faultSignal  struct{}
	resumeSignal struct{} // the rest of the block was rewritten; decode again
)

// InternalError is what Run returns when the emulator itself fails (a
// bug, or a feature that does not exist yet); guest faults never come here.
type InternalError struct {
	CS   uint16
	IP   uint32
	Inst string
	Msg  string
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("x86: %s at %04x:%08x (%s)", e.Msg, e.CS, e.IP, e.Inst)
}

type unimplemented string

func (c *CPU) unimplemented(what string) { panic(unimplemented(what)) }

// raise abandons the executing instruction with a fault.
func (c *CPU) raise(vec uint8) { c.raiseCode(vec, 0, false) }

func (c *CPU) raiseCode(vec uint8, code uint32, has bool) {
	c.fault = pendingFault{pending: true, vec: vec, code: code, hasCode: has}
	panic(faultSignal{})
}

func (c *CPU) limitFault(s uint8) {
	if s == uint8(SS) && c.model >= I80386 {
		c.raiseCode(vecSS, 0, true)
	}
	c.raiseCode(vecGP, 0, true)
}

// divideError raises #DE. The 8086 pushes the address of the next
// instruction, the 286 and later that of the divide (Ralf Brown's list,
// INT 00). No source characterises the 80186; it is treated as the 286.
func (c *CPU) divideError() {
	c.fault = pendingFault{pending: true, vec: vecDE, nextIP: c.model == I8086}
	panic(faultSignal{})
}

// protect runs f, turning the signals that unwind an instruction into
// results. Go panics that are not ours become an InternalError.
func (c *CPU) protect(f func()) (sig int, err error) {
	defer func() {
		r := recover()
		switch r := r.(type) {
		case nil:
		case faultSignal:
			sig = 1
		case resumeSignal:
			sig = 2
		case stopSignal:
			sig = 3
		case unimplemented:
			err = c.internalError("not implemented: " + string(r))
		default:
			err = c.internalError(fmt.Sprint("panic: ", r))
		}
	}()
	f()
	return 0, nil
}

func (c *CPU) internalError(msg string) *InternalError {
	e := &InternalError{CS: c.seg[CS].Sel, IP: c.ip, Msg: msg}
	if c.cur != nil {
		e.IP = c.cur.ip
		e.Inst = c.disasmInst(c.cur)
	}
	return e
}

// deliverFault delivers c.fault. A fault while delivering one becomes a
// double fault; a fault while delivering that shuts the CPU down.
func (c *CPU) deliverFault() {
	f := c.fault
	c.fault.pending = false
	c.delivering++
	if c.delivering > 1 {
		if c.delivering > 2 || f.vec == vecDF {
			c.exitReq = emu.ExitShutdown
			c.exit.Vector = f.vec
			c.delivering = 0
			return
		}
		f = pendingFault{vec: vecDF, hasCode: true}
	}
	ret := c.ip
	if f.nextIP && c.cur != nil {
		ret = c.cur.next
	}
	if h := c.Hooks.Exception; h != nil {
		h(c, f.vec)
	}
	c.interrupt(f.vec, ret)
	c.delivering = 0
}

// interrupt enters the handler for vec, with ret as the return offset.
func (c *CPU) interrupt(vec uint8, ret uint32) {
	if c.protected() {
		c.unimplemented("protected-mode interrupt delivery")
	}
	off := uint32(vec) << 2
	if c.model >= I80286 && off+3 > c.idtr.Limit {
		c.raiseCode(vecGP, off|2, true)
	}
	sp := c.sp()
	c.pushAt(&sp, sz16, c.getFlags())
	c.pushAt(&sp, sz16, uint32(c.seg[CS].Sel))
	c.pushAt(&sp, sz16, ret)
	ip := c.lread16(c.idtr.Base + off)
	cs := c.lread16(c.idtr.Base + off + 2)
	c.setSP(sp)
	c.flags &^= FlagIF | FlagTF
	c.loadSegReal(uint8(CS), cs)
	c.ip = uint32(ip)
	c.halted = false
}

// softInt is INT n, INT3, INTO, ICEBP: the hook sees it first.
func (c *CPU) softInt(in *inst, vec uint8) {
	if h := c.Hooks.Interrupt; h != nil {
		switch h(c, vec) {
		case Handled:
			return
		case Exit:
			c.exitReq = emu.ExitInterrupt
			c.exit.Vector = vec
			return
		}
	}
	c.swInt = true
	c.interrupt(vec, in.next)
}

// xRaise raises the fault chosen at decode time (instruction too long,
// fetch past the code segment limit).
func xRaise(c *CPU, in *inst) { c.raiseCode(in.vec, 0, in.vec == vecGP) }

// xUD is an undefined opcode: #UD from the 80186 on. The 8086 has no such
// exception; its table never points here.
func xUD(c *CPU, in *inst) { c.raise(vecUD) }
