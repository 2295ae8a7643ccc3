package dos

import "github.com/nachoos/nacho/emu/x86"

// Register access for the Go handlers of DOS and BIOS calls.

func (m *Machine) ax() uint16 { return m.cpu.Reg16(x86.AX) }
func (m *Machine) bx() uint16 { return m.cpu.Reg16(x86.BX) }
func (m *Machine) cx() uint16 { return m.cpu.Reg16(x86.CX) }
func (m *Machine) dx() uint16 { return m.cpu.Reg16(x86.DX) }
func (m *Machine) si() uint16 { return m.cpu.Reg16(x86.SI) }
func (m *Machine) di() uint16 { return m.cpu.Reg16(x86.DI) }
func (m *Machine) bp() uint16 { return m.cpu.Reg16(x86.BP) }
func (m *Machine) sp() uint16 { return m.cpu.Reg16(x86.SP) }
func (m *Machine) ah() uint8  { return m.cpu.Reg8(x86.AH) }
func (m *Machine) al() uint8  { return m.cpu.Reg8(x86.AL) }
func (m *Machine) bh() uint8  { return m.cpu.Reg8(x86.BH) }
func (m *Machine) bl() uint8  { return m.cpu.Reg8(x86.BL) }
func (m *Machine) ch() uint8  { return m.cpu.Reg8(x86.CH) }
func (m *Machine) cl() uint8  { return m.cpu.Reg8(x86.CL) }
func (m *Machine) dh() uint8  { return m.cpu.Reg8(x86.DH) }
func (m *Machine) dl() uint8  { return m.cpu.Reg8(x86.DL) }
func (m *Machine) ds() uint16 { return m.cpu.Seg(x86.DS) }
func (m *Machine) es() uint16 { return m.cpu.Seg(x86.ES) }
func (m *Machine) ss() uint16 { return m.cpu.Seg(x86.SS) }
func (m *Machine) cs() uint16 { return m.cpu.Seg(x86.CS) }

func (m *Machine) setAX(v uint16) { m.cpu.SetReg16(x86.AX, v) }
func (m *Machine) setBX(v uint16) { m.cpu.SetReg16(x86.BX, v) }
func (m *Machine) setCX(v uint16) { m.cpu.SetReg16(x86.CX, v) }
func (m *Machine) setDX(v uint16) { m.cpu.SetReg16(x86.DX, v) }
func (m *Machine) setSI(v uint16) { m.cpu.SetReg16(x86.SI, v) }
func (m *Machine) setDI(v uint16) { m.cpu.SetReg16(x86.DI, v) }
func (m *Machine) setBP(v uint16) { m.cpu.SetReg16(x86.BP, v) }
func (m *Machine) setSP(v uint16) { m.cpu.SetReg16(x86.SP, v) }
func (m *Machine) setAL(v uint8)  { m.cpu.SetReg8(x86.AL, v) }
func (m *Machine) setAH(v uint8)  { m.cpu.SetReg8(x86.AH, v) }
func (m *Machine) setBL(v uint8)  { m.cpu.SetReg8(x86.BL, v) }
func (m *Machine) setBH(v uint8)  { m.cpu.SetReg8(x86.BH, v) }
func (m *Machine) setCL(v uint8)  { m.cpu.SetReg8(x86.CL, v) }
func (m *Machine) setCH(v uint8)  { m.cpu.SetReg8(x86.CH, v) }
func (m *Machine) setDL(v uint8)  { m.cpu.SetReg8(x86.DL, v) }
func (m *Machine) setDH(v uint8)  { m.cpu.SetReg8(x86.DH, v) }
func (m *Machine) setDS(v uint16) { m.cpu.SetSeg(x86.DS, v) }
func (m *Machine) setES(v uint16) { m.cpu.SetSeg(x86.ES, v) }
func (m *Machine) setSS(v uint16) { m.cpu.SetSeg(x86.SS, v) }

const arithFlags = x86.FlagCF | x86.FlagPF | x86.FlagAF | x86.FlagZF | x86.FlagSF | x86.FlagOF

func (m *Machine) flag(f uint32) bool { return m.cpu.Flags()&f != 0 }

func (m *Machine) setFlag(f uint32, on bool) {
	fl := m.cpu.Flags()
	if on {
		fl |= f
	} else {
		fl &^= f
	}
	m.cpu.SetFlags(fl)
}

func (m *Machine) setCF(on bool) { m.setFlag(x86.FlagCF, on) }
func (m *Machine) setZF(on bool) { m.setFlag(x86.FlagZF, on) }

// jump sets CS:IP.
func (m *Machine) jump(cs, ip uint16) {
	m.cpu.SetSeg(x86.CS, cs)
	m.cpu.SetIP(uint32(ip))
}

// regs is a saved register file, for EXEC and Ctrl-C handling.
type regs struct {
	ax, bx, cx, dx, si, di, bp, sp uint16
	ds, es, ss, cs                 uint16
	ip                             uint16
	flags                          uint32
}

func (m *Machine) saveRegs() regs {
	return regs{
		ax: m.ax(), bx: m.bx(), cx: m.cx(), dx: m.dx(), si: m.si(), di: m.di(), bp: m.bp(), sp: m.sp(),
		ds: m.ds(), es: m.es(), ss: m.ss(), cs: m.cs(), ip: uint16(m.cpu.IP()), flags: m.cpu.Flags(),
	}
}

func (m *Machine) loadRegs(r regs) {
	m.setAX(r.ax)
	m.setBX(r.bx)
	m.setCX(r.cx)
	m.setDX(r.dx)
	m.setSI(r.si)
	m.setDI(r.di)
	m.setBP(r.bp)
	m.setSP(r.sp)
	m.setDS(r.ds)
	m.setES(r.es)
	m.setSS(r.ss)
	m.jump(r.cs, r.ip)
	m.cpu.SetFlags(r.flags)
}

// push pushes a word on the guest stack.
func (m *Machine) push(v uint16) {
	sp := m.sp() - 2
	m.setSP(sp)
	m.ww(m.ss(), sp, v)
}

// pop pops a word from the guest stack.
func (m *Machine) pop() uint16 {
	sp := m.sp()
	v := m.rw(m.ss(), sp)
	m.setSP(sp + 2)
	return v
}
