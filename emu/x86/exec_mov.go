package x86

// xNop is 90 (and a lone prefix past the decoder's prefix limit).
func xNop(c *CPU, in *inst) {}

// xMovEG is 88, 89.
func xMovEG(c *CPU, in *inst) {
	s := opSize(in)
	c.writeE(in, s, c.getReg(in.reg, s))
}

// xMovGE is 8A, 8B.
func xMovGE(c *CPU, in *inst) {
	s := opSize(in)
	c.setReg(in.reg, s, c.readE(in, s))
}

// xMovZI is B0-BF.
func xMovZI(c *CPU, in *inst) {
	if in.op < 0xB8 {
		c.setReg8(in.reg, uint8(in.imm))
		return
	}
	c.setReg(in.reg, in.osz, in.imm)
}

// xMovEI is C6/C7 /0 (any reg on the 8086).
func xMovEI(c *CPU, in *inst) { c.writeE(in, opSize(in), in.imm) }

// xMovAO is A0, A1: AL/eAX = [moffs].
func xMovAO(c *CPU, in *inst) {
	s := opSize(in)
	c.setReg(0, s, c.rdS(in.seg, c.ea(in), s))
}

// xMovOA is A2, A3: [moffs] = AL/eAX.
func xMovOA(c *CPU, in *inst) {
	s := opSize(in)
	c.wrS(in.seg, c.ea(in), s, c.getReg(0, s))
}

// xLea is 8D.
func xLea(c *CPU, in *inst) { c.setReg(in.reg, in.osz, c.ea(in)) }

// xXchg is 86, 87.
func xXchg(c *CPU, in *inst) {
	s := opSize(in)
	r := c.getReg(in.reg, s)
	if in.mod == 3 {
		c.setReg(in.reg, s, c.getReg(in.rm, s))
		c.setReg(in.rm, s, r)
		return
	}
	off := c.ea(in)
	m := c.rdS(in.seg, off, s)
	c.wrS(in.seg, off, s, r)
	c.setReg(in.reg, s, m)
}

// xXchgAX is 91-97.
func xXchgAX(c *CPU, in *inst) {
	a := c.getReg(0, in.osz)
	c.setReg(0, in.osz, c.getReg(in.reg, in.osz))
	c.setReg(in.reg, in.osz, a)
}

// xCbw is 98: CBW / CWDE.
func xCbw(c *CPU, in *inst) {
	if in.osz == sz16 {
		c.setReg16(0, uint32(int32(int8(c.r[EAX]))))
	} else {
		c.r[EAX] = uint32(int32(int16(c.r[EAX])))
	}
}

// xCwd is 99: CWD / CDQ.
func xCwd(c *CPU, in *inst) {
	if in.osz == sz16 {
		c.setReg16(2, uint32(int32(int16(c.r[EAX]))>>16))
	} else {
		c.r[EDX] = uint32(int32(c.r[EAX]) >> 31)
	}
}

// xLahf is 9F.
func xLahf(c *CPU, in *inst) { c.setReg8(4, uint8(c.getFlags())) }

// xSahf is 9E.
func xSahf(c *CPU, in *inst) {
	c.setArith(FlagSF|FlagZF|FlagAF|FlagPF|FlagCF, uint32(c.reg8(4)))
}

// xXlat is D7: AL = [seg:BX+AL].
func xXlat(c *CPU, in *inst) {
	off := c.r[EBX] + uint32(c.reg8(0))
	if in.asz == sz16 {
		off &= 0xFFFF
	}
	c.setReg8(0, c.rd8(in.seg, off))
}

// Segment registers.

// sregValid says whether segment register number n exists on this model
// for a MOV; the 8086 decodes only two bits of it.
func (c *CPU) sreg(in *inst) (uint8, bool) {
	n := in.reg
	switch {
	case c.model <= I80186:
		return n & 3, true
	case c.model == I80286:
		return n, n < 4
	}
	return n, n < 6
}

// loadSeg loads segment register s with a selector, as MOV, POP and the
// far transfers do.
func (c *CPU) loadSeg(s uint8, sel uint16) {
	if c.protected() {
		c.unimplemented("protected-mode segment load")
	}
	c.loadSegReal(s, sel)
	if s == uint8(SS) {
		c.shadow, c.shadowInst = true, c.cur
	}
}

// xMovEwSw is 8C.
func xMovEwSw(c *CPU, in *inst) {
	n, ok := c.sreg(in)
	if !ok {
		c.raise(vecUD)
	}
	v := uint32(c.seg[n].Sel)
	if in.mod == 3 {
		c.setReg(in.rm, in.osz, v)
		return
	}
	c.wr16(in.seg, c.ea(in), uint16(v))
}

// xMovSwEw is 8E. Loading CS this way works only on the 8086.
func xMovSwEw(c *CPU, in *inst) {
	n, ok := c.sreg(in)
	if !ok || n == uint8(CS) && c.model >= I80286 {
		c.raise(vecUD)
	}
	v := uint16(c.readE(in, sz16))
	c.loadSeg(n, v)
	if n == uint8(CS) {
		c.ip = in.next
		panic(stopSignal{})
	}
}

// xLoadFar is LES, LDS, LSS, LFS, LGS: a far pointer from memory into a
// segment register and a general register.
func xLoadFar(c *CPU, in *inst) {
	var s uint8
	switch in.op {
	case 0xC4:
		s = uint8(ES)
	case 0xC5:
		s = uint8(DS)
	case 0x1B2:
		s = uint8(SS)
	case 0x1B4:
		s = uint8(FS)
	default:
		s = uint8(GS)
	}
	off := c.ea(in)
	var v uint32
	var sel uint16
	if in.osz == sz32 {
		v = c.rd32(in.seg, off)
		sel = c.rd16(in.seg, off+4)
	} else {
		v = uint32(c.rd16(in.seg, off))
		sel = c.rd16(in.seg, off+2)
	}
	c.loadSeg(s, sel)
	c.setReg(in.reg, in.osz, v)
}
