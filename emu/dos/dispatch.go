package dos

import (
	"fmt"

	"github.com/nachoos/nacho/emu/x86"
)

// handlers holds the Go code behind every callback id: interrupt vectors
// below 256, the special ROM callbacks above.
type handlerTable [cbCount]func(m *Machine)

var handlers handlerTable

func init() {
	h := &handlers
	h[0x00] = (*Machine).int00
	h[0x05] = func(*Machine) {} // print screen: nothing to print to
	h[0x06] = func(*Machine) {}
	h[0x07] = func(*Machine) {}
	h[0x0A] = func(*Machine) {}
	h[0x0B] = func(*Machine) {}
	h[0x0C] = func(*Machine) {}
	h[0x0D] = func(*Machine) {}
	h[0x10] = (*Machine).int10
	h[0x11] = (*Machine).int11
	h[0x12] = (*Machine).int12
	h[0x13] = (*Machine).int13
	h[0x14] = (*Machine).int14
	h[0x15] = (*Machine).int15
	h[0x16] = (*Machine).int16
	h[0x17] = (*Machine).int17
	h[0x18] = (*Machine).int18
	h[0x19] = (*Machine).int19
	h[0x1A] = (*Machine).int1A
	h[0x20] = (*Machine).int20
	h[0x21] = (*Machine).int21
	h[0x23] = (*Machine).int23
	h[0x24] = (*Machine).int24
	h[0x25] = (*Machine).int25
	h[0x26] = (*Machine).int25
	h[0x27] = (*Machine).int27
	h[0x28] = (*Machine).int28
	h[0x29] = (*Machine).int29
	h[0x2A] = func(m *Machine) { m.setAH(0) } // network: not installed
	h[0x2E] = (*Machine).int2E
	h[0x2F] = (*Machine).int2F
	h[0x33] = (*Machine).int33
	h[0x67] = func(m *Machine) { m.setAH(0x84) } // EMS: function not supported
	h[cbTimer] = (*Machine).timerTick
	h[cbKeyboard] = (*Machine).keyboardIRQ
	h[cbAfter23] = (*Machine).after23
	h[cbCPM] = (*Machine).cpmCall
	h[cbReset] = func(m *Machine) { m.exit(0, nil) }
}

// dispatch runs the Go handler of the interrupt the CPU stopped for.
func (m *Machine) dispatch() {
	d := m.pending
	h := handlers[d.id]
	if h == nil {
		return
	}
	if d.frame && d.id < 256 {
		// The caller's flags are in its IRET frame: work on them, and
		// put the result back for the stub's IRET.
		ff := uint32(m.rw(d.fss, d.fsp+4))
		m.cpu.SetFlags(m.cpu.Flags()&^arithFlags | ff&arithFlags)
	}
	if m.cfg.Trace != nil && d.id != 0x21 {
		m.tracef("INT/callback %02Xh AX=%04X BX=%04X CX=%04X DX=%04X frame=%v at %04X:%04X", d.id, m.ax(), m.bx(), m.cx(), m.dx(), d.frame, m.cs(), m.cpu.IP())
	}
	m.leftFrame = false
	// A call that waited runs again from its INT; interrupts handled
	// meanwhile do not count.
	ip := uint16(m.cpu.IP()) - 2
	m.retry = m.blockCS == m.cs() && m.blockIP == ip && m.blockID == d.id && m.blockSet
	if m.retry || d.id == m.blockID {
		m.blockSet = false
	}
	h(m)
	if d.frame && d.id < 256 && !m.leftFrame {
		ff := uint32(m.rw(d.fss, d.fsp+4))
		ff = ff&^arithFlags | m.cpu.Flags()&arithFlags
		m.ww(d.fss, d.fsp+4, uint16(ff))
	}
}

// transfer says the handler moved the CPU elsewhere (a program started or
// ended): the caller's frame is no longer where it was.
func (m *Machine) transfer() { m.leftFrame = true }

// block makes the current call wait: the INT runs again once an event
// came, as a BIOS would loop with interrupts enabled.
func (m *Machine) block() {
	m.blocked = true
	m.cpu.SetIP(m.cpu.IP() - 2)
	m.blockCS, m.blockIP, m.blockID, m.blockSet = m.cs(), uint16(m.cpu.IP()), m.pending.id, true
	m.setFlag(x86.FlagIF, true)
	m.leftFrame = true // the frame stays as it is until the call completes
}

// int00 is the divide error DOS answers: "Divide overflow", and the
// program ends.
func (m *Machine) int00() {
	m.conWriteString("\r\nDivide overflow\r\n")
	m.terminate(0xFF, termNormal)
}

// guestFault ends the program that took a CPU fault it had no handler for.
func (m *Machine) guestFault(f *guestFault) {
	if f.vec == 0 {
		// DOS's own handler: the message and the end of the program.
		m.conWriteString("\r\nDivide overflow\r\n")
		m.terminate(0xFF, termNormal)
		return
	}
	code := m.read(f.cs, uint16(f.ip), 6)
	m.terminateFault(fmt.Sprintf("%s at %04X:%04X (code % X)", f.text, f.cs, f.ip, code))
}

// terminateFault ends the running program with an error that names it.
// A child of a shell returns to the shell; the first program ends the
// machine with the error.
func (m *Machine) terminateFault(msg string) {
	name := m.progName()
	if m.dos.depth() > 1 {
		m.log(name + ": " + msg)
		m.conWriteString("\r\n" + name + ": " + msg + "\r\n")
		m.terminate(0xFF, termNormal)
		return
	}
	m.exit(0xFF, &Error{Program: name, Msg: msg})
}
