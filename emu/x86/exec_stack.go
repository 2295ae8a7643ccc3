package x86

// xPushReg is 50-57. The 8086 and 80186 push SP after decrementing it;
// the 286 and later push the value it had before.
func xPushReg(c *CPU, in *inst) {
	v := c.getReg(in.reg, in.osz)
	if in.reg == uint8(ESP) && c.model <= I80186 {
		v = (v - 2) & 0xFFFF
	}
	c.push(in.osz, v)
}

// xPopReg is 58-5F.
func xPopReg(c *CPU, in *inst) {
	v := c.pop(in.osz)
	c.setReg(in.reg, in.osz, v)
}

// xPushSeg is PUSH ES/CS/SS/DS/FS/GS.
func xPushSeg(c *CPU, in *inst) {
	c.push(in.osz, uint32(c.seg[c.tab.def(in.op, 0).fixed].Sel))
}

// xPopSeg is POP ES/SS/DS/FS/GS, and POP CS on the 8086.
func xPopSeg(c *CPU, in *inst) {
	s := c.tab.def(in.op, 0).fixed
	sp := c.sp()
	v := c.popAt(&sp, in.osz)
	c.loadSeg(s, uint16(v))
	c.setSP(sp)
	if s == uint8(CS) {
		c.ip = in.next
		panic(stopSignal{})
	}
}

// xPushImm is 68, 6A.
func xPushImm(c *CPU, in *inst) { c.push(in.osz, in.imm) }

// xPushEv is FF /6.
func xPushEv(c *CPU, in *inst) {
	v := c.readE(in, in.osz)
	if in.mod == 3 && in.rm == uint8(ESP) && c.model <= I80186 {
		v = (v - 2) & 0xFFFF
	}
	c.push(in.osz, v)
}

// xPopEv is 8F /0. The address is formed after SP moved, as the 386
// documents for an ESP base; SP changes only if the store succeeds.
func xPopEv(c *CPU, in *inst) {
	sp := c.sp()
	v := c.popAt(&sp, in.osz)
	if in.mod == 3 {
		c.setSP(sp)
		c.setReg(in.rm, in.osz, v)
		return
	}
	old := c.r[ESP]
	c.setSP(sp)
	off := c.ea(in)
	c.r[ESP] = old
	c.wrS(in.seg, off, in.osz, v)
	c.setSP(sp)
}

// xPusha is 60.
func xPusha(c *CPU, in *inst) {
	sp := c.sp()
	orig := c.getReg(uint8(ESP), in.osz)
	for r := uint8(0); r < 8; r++ {
		v := c.getReg(r, in.osz)
		if r == uint8(ESP) {
			v = orig
		}
		c.pushAt(&sp, in.osz, v)
	}
	c.setSP(sp)
}

// xPopa is 61; the SP slot is skipped.
func xPopa(c *CPU, in *inst) {
	sp := c.sp()
	var v [8]uint32
	for r := 7; r >= 0; r-- {
		v[r] = c.popAt(&sp, in.osz)
	}
	for r := uint8(0); r < 8; r++ {
		if r != uint8(ESP) {
			c.setReg(r, in.osz, v[r])
		}
	}
	c.setSP(sp)
}

// pushedFlags is FLAGS as PUSHF and interrupts store it: VM and RF read
// as zero.
func (c *CPU) pushedFlags() uint32 { return c.getFlags() &^ (FlagVM | FlagRF) }

// xPushf is 9C.
func xPushf(c *CPU, in *inst) { c.push(in.osz, c.pushedFlags()) }

// setFlagsFrom loads FLAGS from a POPF or IRET image of size s. In real
// mode (CPL 0) every writable bit may change; VM and RF are kept.
func (c *CPU) setFlagsFrom(v uint32, s uint8) {
	cur := c.getFlags()
	if s == sz16 {
		v = cur&0xFFFF0000 | v&0xFFFF
	} else {
		v = v&^(FlagVM|FlagRF) | cur&(FlagVM|FlagRF)
	}
	c.flags = c.fixFlags(v)
	c.lzOp = 0
}

// xPopf is 9D.
func xPopf(c *CPU, in *inst) {
	if c.protected() {
		c.unimplemented("protected-mode POPF")
	}
	c.setFlagsFrom(c.pop(in.osz), in.osz)
}

// xEnter is C8: make a stack frame of imm bytes, nesting level imm2.
func xEnter(c *CPU, in *inst) {
	s := in.osz
	level := in.imm2 & 31
	sp := c.sp()
	bp := c.getReg(uint8(EBP), s)
	c.pushAt(&sp, s, bp)
	frame := sp
	if level > 0 {
		step := int32(2)
		if s == sz32 {
			step = 4
		}
		for i := uint32(1); i < level; i++ {
			bp = c.spAdd(bp, -step)
			c.pushAt(&sp, s, c.rdS(uint8(SS), bp, s))
		}
		c.pushAt(&sp, s, frame)
	}
	sp = c.spAdd(sp, -int32(in.imm&0xFFFF))
	c.setReg(uint8(EBP), s, frame)
	c.setSP(sp)
}

// xLeave is C9: SP = BP, then pop BP.
func xLeave(c *CPU, in *inst) {
	sp := c.getReg(uint8(EBP), sz16)
	if c.stack32() {
		sp = c.r[EBP]
	}
	v := c.popAt(&sp, in.osz)
	c.setSP(sp)
	c.setReg(uint8(EBP), in.osz, v)
}
