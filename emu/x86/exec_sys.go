package x86

// Flags, coprocessor escapes and system instructions.

// xFlagOp is F5 CMC, F8 CLC, F9 STC, FA CLI, FB STI, FC CLD, FD STD.
func xFlagOp(c *CPU, in *inst) {
	switch in.op {
	case 0xF5:
		c.setArith(FlagCF, ^c.getFlags())
	case 0xF8:
		c.setArith(FlagCF, 0)
	case 0xF9:
		c.setArith(FlagCF, FlagCF)
	case 0xFA:
		c.flags &^= FlagIF
	case 0xFB:
		if c.flags&FlagIF == 0 {
			c.shadow, c.shadowInst = true, c.cur // interrupts wait one more instruction
		}
		c.flags |= FlagIF
	case 0xFC:
		c.flags &^= FlagDF
	case 0xFD:
		c.flags |= FlagDF
	}
}

// xWait is 9B: with no coprocessor attached it waits for nothing; from the
// 286 on, MP and TS together raise #NM.
func xWait(c *CPU, in *inst) {
	if c.model >= I80286 && c.cr0&0xA == 0xA {
		c.raise(vecNM)
	}
}

// xEsc is D8-DF, a coprocessor instruction. There is no x87 yet: the
// 8086 computes the address and reads it for the coprocessor (nothing
// visible); the 286 checks the operand against the segment limit; EM or TS
// in CR0 raise #NM from the 286 on.
func xEsc(c *CPU, in *inst) {
	if c.model >= I80286 {
		if c.cr0&0xC != 0 {
			c.raise(vecNM)
		}
		if in.mod != 3 {
			c.rd16(in.seg, c.ea(in))
		}
	}
}

// xBound is 62: #BR unless lower <= index <= upper (signed).
func xBound(c *CPU, in *inst) {
	s := in.osz
	idx := sext(c.getReg(in.reg, s), s)
	off := c.ea(in)
	lo := sext(c.rdS(in.seg, off, s), s)
	hi := sext(c.rdS(in.seg, off+uint32(2)<<(s-sz16), s), s)
	if idx < lo || idx > hi {
		c.raise(vecBR)
	}
}

// xArpl is 63: a protected-mode instruction, #UD in real mode.
func xArpl(c *CPU, in *inst) {
	if !c.protected() {
		c.raise(vecUD)
	}
	c.unimplemented("ARPL")
}

// xGrp6 is 0F 00 (SLDT STR LLDT LTR VERR VERW): #UD in real mode.
func xGrp6(c *CPU, in *inst) {
	if !c.protected() {
		c.raise(vecUD)
	}
	c.unimplemented("0F 00 in protected mode")
}

// xLarLsl is 0F 02, 0F 03: #UD in real mode.
func xLarLsl(c *CPU, in *inst) {
	if !c.protected() {
		c.raise(vecUD)
	}
	c.unimplemented("LAR/LSL")
}

// xSdt is SGDT, SIDT: limit, then the base (24 bits and FF on the 286).
func xSdt(c *CPU, in *inst) {
	t := c.gdtr
	if in.reg == 1 {
		t = c.idtr
	}
	off := c.ea(in)
	base := t.Base
	switch {
	case c.model == I80286:
		base = base&0xFFFFFF | 0xFF000000
	case in.osz == sz16:
		base &= 0xFFFFFF
	}
	c.checkAccess(in.seg, off, 6)
	c.wr16(in.seg, off, uint16(t.Limit))
	c.wr32(in.seg, off+2, base)
}

// xLdt is LGDT, LIDT.
func xLdt(c *CPU, in *inst) {
	if c.protected() && c.cpl != 0 {
		c.raiseCode(vecGP, 0, true)
	}
	off := c.ea(in)
	lim := uint32(c.rd16(in.seg, off))
	base := c.rd32(in.seg, off+2)
	if in.osz == sz16 {
		base &= 0xFFFFFF
	}
	if in.reg == 2 {
		c.gdtr = DescTable{base, lim}
	} else {
		c.idtr = DescTable{base, lim}
	}
}

// msw is the machine status word as SMSW reads it: the 286 reads its
// unused bits as ones.
func (c *CPU) msw() uint32 {
	if c.model == I80286 {
		return c.cr0&0xF | 0xFFF0
	}
	return c.cr0 & 0xFFFF
}

// xSmsw is 0F 01 /4.
func xSmsw(c *CPU, in *inst) {
	if in.mod == 3 && in.osz == sz32 {
		c.r[in.rm] = c.cr0
		return
	}
	c.writeE(in, sz16, c.msw())
}

// xLmsw is 0F 01 /6: loads PE, MP, EM, TS; PE cannot be cleared this way.
func xLmsw(c *CPU, in *inst) {
	if c.protected() && c.cpl != 0 {
		c.raiseCode(vecGP, 0, true)
	}
	v := c.readE(in, sz16) & 0xF
	v |= c.cr0 & 1
	c.cr0 = c.cr0&^0xF | v
	if c.model == I80286 {
		c.cr0 |= 0xFFF0
	}
}

// xClts is 0F 06.
func xClts(c *CPU, in *inst) {
	if c.protected() && c.cpl != 0 {
		c.raiseCode(vecGP, 0, true)
	}
	c.cr0 &^= 8
}

// MOV to and from control, debug and test registers (386). The register
// operand is always the r/m field and always 32 bits.

func (c *CPU) privileged() {
	if c.protected() && c.cpl != 0 {
		c.raiseCode(vecGP, 0, true)
	}
}

func xMovRC(c *CPU, in *inst) {
	c.privileged()
	var v uint32
	switch in.reg {
	case 0:
		v = c.cr0
	case 2:
		v = c.cr2
	case 3:
		v = c.cr3
	default:
		c.raise(vecUD)
	}
	c.r[in.rm] = v
}

func xMovCR(c *CPU, in *inst) {
	c.privileged()
	v := c.r[in.rm]
	switch in.reg {
	case 0:
		c.cr0 = v | 0x10 // ET is fixed on the 386DX
		if v&0x80000000 != 0 {
			c.unimplemented("paging")
		}
	case 2:
		c.cr2 = v
	case 3:
		c.cr3 = v
	default:
		c.raise(vecUD)
	}
}

func xMovRD(c *CPU, in *inst) { c.privileged(); c.r[in.rm] = c.dr[in.reg] }
func xMovDR(c *CPU, in *inst) { c.privileged(); c.dr[in.reg] = c.r[in.rm] }

func xMovRT(c *CPU, in *inst) {
	c.privileged()
	if in.reg < 6 {
		c.raise(vecUD)
	}
	c.r[in.rm] = c.tr6[in.reg-6]
}

func xMovTR(c *CPU, in *inst) {
	c.privileged()
	if in.reg < 6 {
		c.raise(vecUD)
	}
	c.tr6[in.reg-6] = c.r[in.rm]
}
