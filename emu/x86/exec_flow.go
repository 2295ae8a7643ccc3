package x86

// Control transfers. A block's last instruction finds c.ip already set to
// the fall-through offset; a taken branch overwrites it.

// stopSignal ends the block after an instruction that changed how the
// rest must be decoded (MOV/POP CS on the 8086); the instruction counts.
type stopSignal struct{}

// xJcc is 70-7F, 0F 80-8F (and 60-6F on the 8086).
func xJcc(c *CPU, in *inst) {
	if c.cond(uint8(in.op & 15)) {
		c.ip = in.imm
	}
}

// xJmpRel is E9, EB.
func xJmpRel(c *CPU, in *inst) { c.ip = in.imm }

// xCallRel is E8.
func xCallRel(c *CPU, in *inst) {
	c.push(in.osz, in.next)
	c.ip = in.imm
}

// xJmpInd is FF /4.
func xJmpInd(c *CPU, in *inst) { c.ip = c.readE(in, in.osz) }

// xCallInd is FF /2.
func xCallInd(c *CPU, in *inst) {
	t := c.readE(in, in.osz)
	c.push(in.osz, in.next)
	c.ip = t
}

// farJump loads CS:IP for a far transfer.
func (c *CPU) farJump(sel uint16, off uint32) {
	if c.protected() {
		c.unimplemented("protected-mode far transfer")
	}
	c.loadSegReal(uint8(CS), sel)
	c.ip = off
}

// xJmpFarImm is EA.
func xJmpFarImm(c *CPU, in *inst) { c.farJump(uint16(in.imm2), in.imm) }

// xCallFarImm is 9A.
func xCallFarImm(c *CPU, in *inst) {
	sp := c.sp()
	c.pushAt(&sp, in.osz, uint32(c.seg[CS].Sel))
	c.pushAt(&sp, in.osz, in.next)
	c.setSP(sp)
	c.farJump(uint16(in.imm2), in.imm)
}

// readFarPtr reads an offset:selector pair at the memory operand.
func (c *CPU) readFarPtr(in *inst) (uint16, uint32) {
	off := c.ea(in)
	if in.osz == sz32 {
		return c.rd16(in.seg, off+4), c.rd32(in.seg, off)
	}
	return c.rd16(in.seg, off+2), uint32(c.rd16(in.seg, off))
}

// xJmpFarInd is FF /5.
func xJmpFarInd(c *CPU, in *inst) {
	sel, off := c.readFarPtr(in)
	c.farJump(sel, off)
}

// xCallFarInd is FF /3.
func xCallFarInd(c *CPU, in *inst) {
	sel, off := c.readFarPtr(in)
	sp := c.sp()
	c.pushAt(&sp, in.osz, uint32(c.seg[CS].Sel))
	c.pushAt(&sp, in.osz, in.next)
	c.setSP(sp)
	c.farJump(sel, off)
}

// xRet is C2, C3 (and C0, C1 on the 8086): even opcodes take an immediate.
func xRet(c *CPU, in *inst) {
	sp := c.sp()
	ip := c.popAt(&sp, in.osz)
	if in.op&1 == 0 {
		sp = c.spAdd(sp, int32(in.imm&0xFFFF))
	}
	c.setSP(sp)
	c.ip = ip
}

// xRetf is CA, CB (and C8, C9 on the 8086).
func xRetf(c *CPU, in *inst) {
	sp := c.sp()
	ip := c.popAt(&sp, in.osz)
	cs := c.popAt(&sp, in.osz)
	if in.op&1 == 0 {
		sp = c.spAdd(sp, int32(in.imm&0xFFFF))
	}
	c.farJump(uint16(cs), ip)
	c.setSP(sp)
}

// xIret is CF.
func xIret(c *CPU, in *inst) {
	if c.protected() {
		c.unimplemented("protected-mode IRET")
	}
	sp := c.sp()
	ip := c.popAt(&sp, in.osz)
	cs := c.popAt(&sp, in.osz)
	fl := c.popAt(&sp, in.osz)
	c.farJump(uint16(cs), ip)
	c.setSP(sp)
	c.setFlagsFrom(fl, in.osz)
	c.nmiBusy = false
}

// countReg is CX or ECX by address size.
func (c *CPU) countReg(in *inst) uint32 {
	if in.asz == sz16 {
		return c.r[ECX] & 0xFFFF
	}
	return c.r[ECX]
}

func (c *CPU) setCountReg(in *inst, v uint32) {
	if in.asz == sz16 {
		c.setReg16(uint8(ECX), v)
	} else {
		c.r[ECX] = v
	}
}

// xLoop is E0 LOOPNE, E1 LOOPE, E2 LOOP.
func xLoop(c *CPU, in *inst) {
	n := c.countReg(in) - 1
	c.setCountReg(in, n)
	if in.asz == sz16 {
		n &= 0xFFFF
	}
	take := n != 0
	switch in.op {
	case 0xE0:
		take = take && !c.zf()
	case 0xE1:
		take = take && c.zf()
	}
	if take {
		c.ip = in.imm
	}
}

// xJcxz is E3.
func xJcxz(c *CPU, in *inst) {
	if c.countReg(in) == 0 {
		c.ip = in.imm
	}
}

// xInt3 is CC.
func xInt3(c *CPU, in *inst) { c.softInt(in, vecBP) }

// xInt is CD.
func xInt(c *CPU, in *inst) { c.softInt(in, uint8(in.imm)) }

// xInto is CE.
func xInto(c *CPU, in *inst) {
	if c.of() {
		c.softInt(in, vecOF)
	}
}

// xIcebp is F1 on the 386: a debug trap through vector 1.
func xIcebp(c *CPU, in *inst) { c.softInt(in, vecDB) }

// xHlt is F4: wait for an interrupt. Run returns ExitHalt.
func xHlt(c *CPU, in *inst) {
	if c.protected() && c.cpl != 0 {
		c.raiseCode(vecGP, 0, true)
	}
	c.halted = true
}

// xFE8086 is FE /2../7 on the 8086, which later models reject. The 8086
// runs the matching FF operation; it is not characterised by any test
// suite, so this runs the FF row.
func xFE8086(c *CPU, in *inst) {
	c.tab.def(0xFF, in.reg).fn(c, in)
}
