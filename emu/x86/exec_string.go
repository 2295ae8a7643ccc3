package x86

import (
	"github.com/nachoos/nacho/emu"
	"github.com/nachoos/nacho/emu/bus"
)

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

// bulkRange checks whether n bytes at seg:off are plain RAM the CPU may
// touch directly (forward, inside the limit, no offset or address wrap,
// no device, and for writes no decoded code). It returns the physical
// start.
func (c *CPU) bulkRange(seg uint8, off, n uint32, asz uint8, write bool) (uint32, bool) {
	sg := &c.seg[seg]
	end := uint64(off) + uint64(n) - 1
	if end > uint64(sg.Limit) || asz == sz16 && end > 0xFFFF {
		return 0, false
	}
	lin := sg.Base + off
	p := lin & c.amask
	if uint64(p)+uint64(n) > uint64(len(c.ram)) || (lin+n-1)&c.amask != p+n-1 {
		return 0, false
	}
	for pg := p >> bus.PageShift; pg <= (p+n-1)>>bus.PageShift; pg++ {
		f := c.pflags[pg]
		if write && f != 0 || f&bus.SlowRead != 0 {
			return 0, false
		}
	}
	return p, true
}

// repBulk runs REP MOVS or REP STOS (DF clear) as one copy or fill when
// nothing in the way can fault, wrap, reach a device or rewrite code; it
// says whether it did.
func (c *CPU) repBulk(in *inst, s uint8, movs bool) bool {
	if c.flags&FlagDF != 0 || c.noBulk {
		return false
	}
	n := c.countReg(in)
	if n == 0 || n > repChunk {
		return false
	}
	size := n << s
	di := c.strReg(uint8(EDI), in.asz)
	dst, ok := c.bulkRange(uint8(ES), di, size, in.asz, true)
	if !ok {
		return false
	}
	if movs {
		si := c.strReg(uint8(ESI), in.asz)
		src, ok := c.bulkRange(in.seg, si, size, in.asz, false)
		if !ok || dst > src && dst < src+size {
			return false // the forward copy would read what it wrote: go element by element
		}
		copy(c.ram[dst:dst+size], c.ram[src:src+size])
		c.setStrReg(uint8(ESI), in.asz, si+size)
	} else {
		v := c.getReg(0, s)
		b := c.ram[dst : dst+size]
		for i := uint32(0); i < size; i++ {
			b[i] = byte(v >> (8 * (i & (1<<s - 1))))
		}
	}
	c.setStrReg(uint8(EDI), in.asz, di+size)
	c.setCountReg(in, 0)
	return true
}

// xMovs is A4, A5.
func xMovs(c *CPU, in *inst) {
	s := opSize(in)
	if in.pfx&(pfxRep|pfxRepne) != 0 && c.repBulk(in, s, true) {
		return
	}
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
	if in.pfx&(pfxRep|pfxRepne) != 0 && c.repBulk(in, s, false) {
		return
	}
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
