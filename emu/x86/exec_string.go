package x86

import "github.com/nachoos/nacho/emu"

// String instructions. On the 8086 and the 386 each iteration reads and
// writes memory before it commits SI, DI and the count, so a fault leaves
// the registers of the iterations done and the instruction restarts where
// it stopped. The 286 commits an iteration's SI, DI and count before its
// memory accesses, so an access that faults still moves them (the 286
// suite shows this for every string instruction). A REP instruction ends
// its block; with a 32-bit count it yields after repChunk iterations
// (restarting itself) so interrupts are not held off.

const repChunk = 1 << 16

func (c *CPU) strReg(n uint8, asz uint8) uint32 {
	if asz == sz16 {
		return c.r[n] & 0xFFFF
	}
	return c.r[n]
}

func (c *CPU) setStrReg(n uint8, asz uint8, v uint32) {
	if asz == sz16 {
		c.setReg16(n, v)
	} else {
		c.r[n] = v
	}
}

// strDelta is the step for operand size s and the direction flag.
func (c *CPU) strDelta(s uint8) uint32 {
	if c.flags&FlagDF != 0 {
		return -(uint32(1) << s)
	}
	return uint32(1) << s
}

// repeat runs body once, or under REP as many times as the count says.
// body returns false to stop a REPE/REPNE loop early.
func (c *CPU) repeat(in *inst, body func() bool) {
	if in.pfx&(pfxRep|pfxRepne) == 0 {
		body()
		return
	}
	early := c.model == I80286
	n := c.countReg(in)
	for i := 0; n != 0; i++ {
		if i == repChunk {
			c.ip = in.ip // yield; the instruction resumes with the count left
			return
		}
		n--
		if early {
			c.setCountReg(in, n)
		}
		more := body()
		if !early {
			c.setCountReg(in, n)
		}
		if !more {
			return
		}
	}
}

// strPtr returns a pointer register (SI or DI) for this iteration. The
// 286 moves each pointer just before its own access, so a faulting access
// leaves it moved; other models move both after the accesses (strDone).
func (c *CPU) strPtr(in *inst, r Reg, d uint32) uint32 {
	v := c.strReg(uint8(r), in.asz)
	if c.model == I80286 {
		c.setStrReg(uint8(r), in.asz, v+d)
	}
	return v
}

// strDone moves the pointers after the accesses (not on the 286).
func (c *CPU) strDone(in *inst, si, di bool, d uint32) {
	if c.model == I80286 {
		return
	}
	if si {
		c.setStrReg(uint8(ESI), in.asz, c.strReg(uint8(ESI), in.asz)+d)
	}
	if di {
		c.setStrReg(uint8(EDI), in.asz, c.strReg(uint8(EDI), in.asz)+d)
	}
}

// xMovs is A4, A5.
func xMovs(c *CPU, in *inst) {
	s := opSize(in)
	d := c.strDelta(s)
	c.repeat(in, func() bool {
		v := c.rdS(in.seg, c.strPtr(in, ESI, d), s)
		c.wrS(uint8(ES), c.strPtr(in, EDI, d), s, v)
		c.strDone(in, true, true, d)
		return true
	})
}

// xStos is AA, AB.
func xStos(c *CPU, in *inst) {
	s := opSize(in)
	d := c.strDelta(s)
	v := c.getReg(0, s)
	c.repeat(in, func() bool {
		c.wrS(uint8(ES), c.strPtr(in, EDI, d), s, v)
		c.strDone(in, false, true, d)
		return true
	})
}

// xLods is AC, AD.
func xLods(c *CPU, in *inst) {
	s := opSize(in)
	d := c.strDelta(s)
	c.repeat(in, func() bool {
		c.setReg(0, s, c.rdS(in.seg, c.strPtr(in, ESI, d), s))
		c.strDone(in, true, false, d)
		return true
	})
}

// repContinue says whether REPE/REPNE goes on after a compare.
func (c *CPU) repContinue(in *inst) bool {
	if in.pfx&pfxRep != 0 {
		return c.zf()
	}
	return !c.zf()
}

// xCmps is A6, A7: compare [seg:SI] with [ES:DI].
func xCmps(c *CPU, in *inst) {
	s := opSize(in)
	d := c.strDelta(s)
	c.repeat(in, func() bool {
		// The 286 reads the ES:DI operand first.
		b := c.rdS(uint8(ES), c.strPtr(in, EDI, d), s)
		a := c.rdS(in.seg, c.strPtr(in, ESI, d), s)
		c.alu(7, a, b, s)
		c.strDone(in, true, true, d)
		return c.repContinue(in)
	})
}

// xScas is AE, AF: compare AL/eAX with [ES:DI].
func xScas(c *CPU, in *inst) {
	s := opSize(in)
	d := c.strDelta(s)
	a := c.getReg(0, s)
	c.repeat(in, func() bool {
		c.alu(7, a, c.rdS(uint8(ES), c.strPtr(in, EDI, d), s), s)
		c.strDone(in, false, true, d)
		return c.repContinue(in)
	})
}

// xIns is 6C, 6D: [ES:DI] = port DX.
func xIns(c *CPU, in *inst) {
	s := opSize(in)
	d := c.strDelta(s)
	port := uint16(c.r[EDX])
	c.repeat(in, func() bool {
		di := c.strPtr(in, EDI, d)
		c.checkAccess(uint8(ES), di, 1<<s)
		v, _ := c.portIn(port, 1<<s, false)
		c.wrS(uint8(ES), di, s, v)
		c.strDone(in, false, true, d)
		return true
	})
}

// xOuts is 6E, 6F: port DX = [seg:SI].
func xOuts(c *CPU, in *inst) {
	s := opSize(in)
	d := c.strDelta(s)
	port := uint16(c.r[EDX])
	c.repeat(in, func() bool {
		v := c.rdS(in.seg, c.strPtr(in, ESI, d), s)
		c.portOut(port, 1<<s, v, false)
		c.strDone(in, true, false, d)
		return true
	})
}

// Port I/O.

// portIn reads a port through the hook and the bus. With canExit it may
// report that the hook asked Run to return instead.
func (c *CPU) portIn(port uint16, size int, canExit bool) (uint32, bool) {
	if h := c.Hooks.Port; h != nil {
		switch act, v := h(c, port, size, false, 0); act {
		case Handled:
			return v, false
		case Exit:
			if canExit {
				c.exitReq = emu.ExitPort
				c.exit.Port, c.exit.Size, c.exit.Write = port, uint8(size), false
				return 0, true
			}
		}
	}
	return c.ports.In(port, size), false
}

func (c *CPU) portOut(port uint16, size int, v uint32, canExit bool) bool {
	if h := c.Hooks.Port; h != nil {
		switch act, _ := h(c, port, size, true, v); act {
		case Handled:
			return false
		case Exit:
			if canExit {
				c.exitReq = emu.ExitPort
				c.exit.Port, c.exit.Size, c.exit.Write, c.exit.Value = port, uint8(size), true, v
				return true
			}
		}
	}
	c.ports.Out(port, size, v)
	return false
}

// ioSize is the access size of IN/OUT: byte for even opcodes.
func ioSize(in *inst) (uint8, int) {
	s := opSize(in)
	return s, 1 << s
}

// xIn is E4, E5, EC, ED.
func xIn(c *CPU, in *inst) {
	s, n := ioSize(in)
	port := uint16(in.imm)
	if in.op >= 0xEC {
		port = uint16(c.r[EDX])
	}
	v, exit := c.portIn(port, n, true)
	if !exit {
		c.setReg(0, s, v)
	}
}

// xOut is E6, E7, EE, EF.
func xOut(c *CPU, in *inst) {
	s, n := ioSize(in)
	port := uint16(in.imm)
	if in.op >= 0xEE {
		port = uint16(c.r[EDX])
	}
	c.portOut(port, n, c.getReg(0, s), true)
}
