package x86

import (
	"encoding/binary"

	"github.com/nachoos/nacho/emu/bus"
)

// Physical access. The fast path is one page-flag test and a direct RAM
// access; ROM, devices, unmapped space and pages holding decoded code take
// the slow path.

func (c *CPU) pread8(p uint32) uint8 {
	if c.pflags[p>>bus.PageShift]&bus.SlowRead == 0 {
		return c.ram[p]
	}
	return c.mem.Read8(p)
}

func (c *CPU) pwrite8(p uint32, v uint8) {
	if c.pflags[p>>bus.PageShift] == 0 {
		c.ram[p] = v
		return
	}
	c.pwriteSlow(p, uint32(v), 1)
}

// pwriteSlow writes n bytes of v at physical p, byte by byte through the
// memory map, and tells the block cache about writes to code.
func (c *CPU) pwriteSlow(p uint32, v uint32, n int) {
	f := c.pflags[p>>bus.PageShift]
	if f == bus.FlagWatch && (p&(bus.PageSize-1))+uint32(n) <= bus.PageSize {
		for i := 0; i < n; i++ {
			c.ram[p+uint32(i)] = uint8(v >> (8 * i))
		}
		c.noteWrite(p, uint32(n))
		return
	}
	if f&bus.FlagMMIO != 0 && n > 1 {
		c.mem.Write(p, n, v) // one device access when the device covers it
		return
	}
	for i := 0; i < n; i++ {
		c.mem.Write8(p+uint32(i), uint8(v>>(8*i)))
	}
}

// Linear access: the physical mask (bus width, A20) is applied to every
// byte, so a word at FFFFF wraps to 0 on an 8086 just as on the bus.

func (c *CPU) lread16(lin uint32) uint16 {
	p := lin & c.amask
	if p&(bus.PageSize-1) != bus.PageSize-1 && c.pflags[p>>bus.PageShift]&bus.SlowRead == 0 {
		return binary.LittleEndian.Uint16(c.ram[p:])
	}
	if c.pflags[p>>bus.PageShift]&bus.FlagMMIO != 0 && (lin+1)&c.amask == p+1 {
		return uint16(c.mem.Read(p, 2))
	}
	return uint16(c.pread8(p)) | uint16(c.pread8((lin+1)&c.amask))<<8
}

func (c *CPU) lread32(lin uint32) uint32 {
	p := lin & c.amask
	if p&(bus.PageSize-1) <= bus.PageSize-4 && c.pflags[p>>bus.PageShift]&bus.SlowRead == 0 {
		return binary.LittleEndian.Uint32(c.ram[p:])
	}
	if c.pflags[p>>bus.PageShift]&bus.FlagMMIO != 0 && (lin+3)&c.amask == p+3 {
		return c.mem.Read(p, 4)
	}
	return uint32(c.lread16(lin)) | uint32(c.lread16(lin+2))<<16
}

func (c *CPU) lwrite16(lin uint32, v uint16) {
	p := lin & c.amask
	if p&(bus.PageSize-1) != bus.PageSize-1 {
		if c.pflags[p>>bus.PageShift] == 0 {
			binary.LittleEndian.PutUint16(c.ram[p:], v)
			return
		}
		if (lin+1)&c.amask == p+1 {
			c.pwriteSlow(p, uint32(v), 2)
			return
		}
	}
	c.pwrite8(p, uint8(v))
	c.pwrite8((lin+1)&c.amask, uint8(v>>8))
}

func (c *CPU) lwrite32(lin uint32, v uint32) {
	p := lin & c.amask
	if p&(bus.PageSize-1) <= bus.PageSize-4 {
		if c.pflags[p>>bus.PageShift] == 0 {
			binary.LittleEndian.PutUint32(c.ram[p:], v)
			return
		}
		if (lin+3)&c.amask == p+3 {
			c.pwriteSlow(p, v, 4)
			return
		}
	}
	c.lwrite16(lin, uint16(v))
	c.lwrite16(lin+2, uint16(v>>16))
}

// Segmented access with the limit check. On the 8086 and 80186 an offset
// past FFFF wraps inside the segment byte by byte (the limit is always
// FFFF there); from the 286 on it faults: #GP, or #SS for the stack
// segment on the 386 (the 286 raises #GP for both in real mode).

func (c *CPU) rd8(s uint8, off uint32) uint8 {
	sg := &c.seg[s]
	if off > sg.Limit {
		c.limitFault(s)
	}
	return c.pread8((sg.Base + off) & c.amask)
}

func (c *CPU) rd16(s uint8, off uint32) uint16 {
	sg := &c.seg[s]
	if uint64(off)+1 > uint64(sg.Limit) {
		if c.model <= I80186 {
			return uint16(c.rd8(s, off&0xFFFF)) | uint16(c.rd8(s, (off+1)&0xFFFF))<<8
		}
		c.limitFault(s)
	}
	return c.lread16(sg.Base + off)
}

func (c *CPU) rd32(s uint8, off uint32) uint32 {
	sg := &c.seg[s]
	if uint64(off)+3 > uint64(sg.Limit) {
		if c.model <= I80186 {
			return uint32(c.rd16(s, off)) | uint32(c.rd16(s, (off+2)&0xFFFF))<<16
		}
		c.limitFault(s)
	}
	return c.lread32(sg.Base + off)
}

func (c *CPU) wr8(s uint8, off uint32, v uint8) {
	sg := &c.seg[s]
	if off > sg.Limit {
		c.limitFault(s)
	}
	c.pwrite8((sg.Base+off)&c.amask, v)
}

func (c *CPU) wr16(s uint8, off uint32, v uint16) {
	sg := &c.seg[s]
	if uint64(off)+1 > uint64(sg.Limit) {
		if c.model <= I80186 {
			c.wr8(s, off&0xFFFF, uint8(v))
			c.wr8(s, (off+1)&0xFFFF, uint8(v>>8))
			return
		}
		c.limitFault(s)
	}
	c.lwrite16(sg.Base+off, v)
}

func (c *CPU) wr32(s uint8, off uint32, v uint32) {
	sg := &c.seg[s]
	if uint64(off)+3 > uint64(sg.Limit) {
		if c.model <= I80186 {
			c.wr16(s, off, uint16(v))
			c.wr16(s, (off+2)&0xFFFF, uint16(v>>16))
			return
		}
		c.limitFault(s)
	}
	c.lwrite32(sg.Base+off, v)
}

// checkWrite faults now if a write of n bytes at s:off would fault, so an
// instruction can check before it changes anything.
func (c *CPU) checkAccess(s uint8, off uint32, n uint32) {
	if c.model >= I80286 && uint64(off)+uint64(n)-1 > uint64(c.seg[s].Limit) {
		c.limitFault(s)
	}
}

// Sized access: s is sz8, sz16 or sz32.

func (c *CPU) rdS(seg uint8, off uint32, s uint8) uint32 {
	switch s {
	case sz8:
		return uint32(c.rd8(seg, off))
	case sz16:
		return uint32(c.rd16(seg, off))
	}
	return c.rd32(seg, off)
}

func (c *CPU) wrS(seg uint8, off uint32, s uint8, v uint32) {
	switch s {
	case sz8:
		c.wr8(seg, off, uint8(v))
	case sz16:
		c.wr16(seg, off, uint16(v))
	default:
		c.wr32(seg, off, v)
	}
}

func (c *CPU) getReg(n uint8, s uint8) uint32 {
	switch s {
	case sz8:
		return uint32(c.reg8(n))
	case sz16:
		return c.r[n] & 0xFFFF
	}
	return c.r[n]
}

func (c *CPU) setReg(n uint8, s uint8, v uint32) {
	switch s {
	case sz8:
		c.setReg8(n, uint8(v))
	case sz16:
		c.r[n] = c.r[n]&0xFFFF0000 | v&0xFFFF
	default:
		c.r[n] = v
	}
}

// The r/m operand of a ModRM instruction.

func (c *CPU) readE(in *inst, s uint8) uint32 {
	if in.mod == 3 {
		return c.getReg(in.rm, s)
	}
	return c.rdS(in.seg, c.ea(in), s)
}

func (c *CPU) writeE(in *inst, s uint8, v uint32) {
	if in.mod == 3 {
		c.setReg(in.rm, s, v)
		return
	}
	c.wrS(in.seg, c.ea(in), s, v)
}

// Stack. The stack segment's B bit picks SP or ESP.

func (c *CPU) stack32() bool { return c.seg[SS].Attr&AttrDB != 0 }

// sp is the stack pointer as an offset.
func (c *CPU) sp() uint32 {
	if c.stack32() {
		return c.r[ESP]
	}
	return c.r[ESP] & 0xFFFF
}

// setSP stores a stack pointer, keeping the upper half of ESP for a
// 16-bit stack.
func (c *CPU) setSP(v uint32) {
	if c.stack32() {
		c.r[ESP] = v
	} else {
		c.r[ESP] = c.r[ESP]&0xFFFF0000 | v&0xFFFF
	}
}

// spAdd is sp+d wrapped to the stack size.
func (c *CPU) spAdd(sp uint32, d int32) uint32 {
	if c.stack32() {
		return sp + uint32(d)
	}
	return (sp + uint32(d)) & 0xFFFF
}

func (c *CPU) push16(v uint16) {
	sp := c.spAdd(c.sp(), -2)
	c.wr16(uint8(SS), sp, v)
	c.setSP(sp)
}

func (c *CPU) push32(v uint32) {
	sp := c.spAdd(c.sp(), -4)
	c.wr32(uint8(SS), sp, v)
	c.setSP(sp)
}

// push pushes v with operand size s (sz16 or sz32).
func (c *CPU) push(s uint8, v uint32) {
	if s == sz32 {
		c.push32(v)
	} else {
		c.push16(uint16(v))
	}
}

func (c *CPU) pop16() uint16 {
	sp := c.sp()
	v := c.rd16(uint8(SS), sp)
	c.setSP(c.spAdd(sp, 2))
	return v
}

func (c *CPU) pop32() uint32 {
	sp := c.sp()
	v := c.rd32(uint8(SS), sp)
	c.setSP(c.spAdd(sp, 4))
	return v
}

func (c *CPU) pop(s uint8) uint32 {
	if s == sz32 {
		return c.pop32()
	}
	return uint32(c.pop16())
}

// Stack access at an explicit stack pointer, for instructions that must
// not change SP until all their accesses succeeded.

func (c *CPU) pushAt(sp *uint32, s uint8, v uint32) {
	if s == sz32 {
		*sp = c.spAdd(*sp, -4)
		c.wr32(uint8(SS), *sp, v)
	} else {
		*sp = c.spAdd(*sp, -2)
		c.wr16(uint8(SS), *sp, uint16(v))
	}
}

func (c *CPU) popAt(sp *uint32, s uint8) uint32 {
	var v uint32
	if s == sz32 {
		v = c.rd32(uint8(SS), *sp)
		*sp = c.spAdd(*sp, 4)
	} else {
		v = uint32(c.rd16(uint8(SS), *sp))
		*sp = c.spAdd(*sp, 2)
	}
	return v
}
