package x86

// Specialised handlers for the instruction forms that dominate real code.
// Each does exactly what the generic handler for its opcode does; the
// choice is made once, at decode time (specialize), and a test runs every
// specialised form against the generic one on random state.
//
// They keep the whole instruction in one function the compiler can
// optimise: register access, the address, the limit check and the RAM
// fast path inline, with the generic accessors only on the slow path.

import (
	"encoding/binary"

	"github.com/nachoos/nacho/emu/bus"
)

// Inline memory fast paths: plain RAM inside the segment limit; anything
// else goes through the full accessors.

func (c *CPU) rd8f(s uint8, off uint32) uint8 {
	sg := &c.seg[s]
	if off <= sg.Limit {
		p := (sg.Base + off) & c.amask
		if c.pflags[p>>bus.PageShift]&bus.SlowRead == 0 {
			return c.ram[p]
		}
	}
	return c.rd8(s, off)
}

func (c *CPU) rd16f(s uint8, off uint32) uint16 {
	sg := &c.seg[s]
	if off < sg.Limit {
		p := (sg.Base + off) & c.amask
		if p&(bus.PageSize-1) != bus.PageSize-1 && c.pflags[p>>bus.PageShift]&bus.SlowRead == 0 {
			return binary.LittleEndian.Uint16(c.ram[p:])
		}
	}
	return c.rd16(s, off)
}

func (c *CPU) rd32f(s uint8, off uint32) uint32 {
	sg := &c.seg[s]
	if uint64(off)+3 <= uint64(sg.Limit) {
		p := (sg.Base + off) & c.amask
		if p&(bus.PageSize-1) <= bus.PageSize-4 && c.pflags[p>>bus.PageShift]&bus.SlowRead == 0 {
			return binary.LittleEndian.Uint32(c.ram[p:])
		}
	}
	return c.rd32(s, off)
}

func (c *CPU) wr8f(s uint8, off uint32, v uint8) {
	sg := &c.seg[s]
	if off <= sg.Limit {
		p := (sg.Base + off) & c.amask
		if c.pflags[p>>bus.PageShift] == 0 {
			c.ram[p] = v
			return
		}
	}
	c.wr8(s, off, v)
}

func (c *CPU) wr16f(s uint8, off uint32, v uint16) {
	sg := &c.seg[s]
	if off < sg.Limit {
		p := (sg.Base + off) & c.amask
		if p&(bus.PageSize-1) != bus.PageSize-1 && c.pflags[p>>bus.PageShift] == 0 {
			binary.LittleEndian.PutUint16(c.ram[p:], v)
			return
		}
	}
	c.wr16(s, off, v)
}

func (c *CPU) wr32f(s uint8, off uint32, v uint32) {
	sg := &c.seg[s]
	if uint64(off)+3 <= uint64(sg.Limit) {
		p := (sg.Base + off) & c.amask
		if p&(bus.PageSize-1) <= bus.PageSize-4 && c.pflags[p>>bus.PageShift] == 0 {
			binary.LittleEndian.PutUint32(c.ram[p:], v)
			return
		}
	}
	c.wr32(s, off, v)
}

// ea16 is the effective address of a 16-bit ModRM operand.
func (c *CPU) ea16(in *inst) uint32 { return (c.r[in.base] + c.r[in.idxr] + in.disp) & 0xFFFF }

func addRR8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), uint32(c.reg8(in.src))
	r := (a + b) & 0xFF
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzAdd|sz8, a, b, r
}

func addRI8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), in.imm
	r := (a + b) & 0xFF
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzAdd|sz8, a, b, r
}

func addRM8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), uint32(c.rd8f(in.seg, c.ea16(in)))
	r := (a + b) & 0xFF
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzAdd|sz8, a, b, r
}

func addRR16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, c.r[in.src]&0xFFFF
	r := (a + b) & 0xFFFF
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzAdd|sz16, a, b, r
}

func addRI16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, in.imm
	r := (a + b) & 0xFFFF
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzAdd|sz16, a, b, r
}

func addRM16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, uint32(c.rd16f(in.seg, c.ea16(in)))
	r := (a + b) & 0xFFFF
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzAdd|sz16, a, b, r
}

func addRR32(c *CPU, in *inst) {
	a, b := c.r[in.dst], c.r[in.src]
	r := (a + b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzAdd|sz32, a, b, r
}

func addRI32(c *CPU, in *inst) {
	a, b := c.r[in.dst], in.imm
	r := (a + b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzAdd|sz32, a, b, r
}

func addRM32(c *CPU, in *inst) {
	a, b := c.r[in.dst], c.rd32f(in.seg, c.ea16(in))
	r := (a + b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzAdd|sz32, a, b, r
}

func orRR8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), uint32(c.reg8(in.src))
	r := (a | b)
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz8, 0, 0, r
}

func orRI8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), in.imm
	r := (a | b)
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz8, 0, 0, r
}

func orRM8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), uint32(c.rd8f(in.seg, c.ea16(in)))
	r := (a | b)
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz8, 0, 0, r
}

func orRR16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, c.r[in.src]&0xFFFF
	r := (a | b)
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
}

func orRI16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, in.imm
	r := (a | b)
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
}

func orRM16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, uint32(c.rd16f(in.seg, c.ea16(in)))
	r := (a | b)
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
}

func orRR32(c *CPU, in *inst) {
	a, b := c.r[in.dst], c.r[in.src]
	r := (a | b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz32, 0, 0, r
}

func orRI32(c *CPU, in *inst) {
	a, b := c.r[in.dst], in.imm
	r := (a | b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz32, 0, 0, r
}

func orRM32(c *CPU, in *inst) {
	a, b := c.r[in.dst], c.rd32f(in.seg, c.ea16(in))
	r := (a | b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz32, 0, 0, r
}

func andRR8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), uint32(c.reg8(in.src))
	r := (a & b)
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz8, 0, 0, r
}

func andRI8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), in.imm
	r := (a & b)
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz8, 0, 0, r
}

func andRM8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), uint32(c.rd8f(in.seg, c.ea16(in)))
	r := (a & b)
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz8, 0, 0, r
}

func andRR16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, c.r[in.src]&0xFFFF
	r := (a & b)
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
}

func andRI16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, in.imm
	r := (a & b)
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
}

func andRM16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, uint32(c.rd16f(in.seg, c.ea16(in)))
	r := (a & b)
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
}

func andRR32(c *CPU, in *inst) {
	a, b := c.r[in.dst], c.r[in.src]
	r := (a & b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz32, 0, 0, r
}

func andRI32(c *CPU, in *inst) {
	a, b := c.r[in.dst], in.imm
	r := (a & b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz32, 0, 0, r
}

func andRM32(c *CPU, in *inst) {
	a, b := c.r[in.dst], c.rd32f(in.seg, c.ea16(in))
	r := (a & b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz32, 0, 0, r
}

func subRR8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), uint32(c.reg8(in.src))
	r := (a - b) & 0xFF
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz8, a, b, r
}

func subRI8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), in.imm
	r := (a - b) & 0xFF
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz8, a, b, r
}

func subRM8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), uint32(c.rd8f(in.seg, c.ea16(in)))
	r := (a - b) & 0xFF
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz8, a, b, r
}

func subRR16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, c.r[in.src]&0xFFFF
	r := (a - b) & 0xFFFF
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz16, a, b, r
}

func subRI16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, in.imm
	r := (a - b) & 0xFFFF
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz16, a, b, r
}

func subRM16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, uint32(c.rd16f(in.seg, c.ea16(in)))
	r := (a - b) & 0xFFFF
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz16, a, b, r
}

func subRR32(c *CPU, in *inst) {
	a, b := c.r[in.dst], c.r[in.src]
	r := (a - b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz32, a, b, r
}

func subRI32(c *CPU, in *inst) {
	a, b := c.r[in.dst], in.imm
	r := (a - b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz32, a, b, r
}

func subRM32(c *CPU, in *inst) {
	a, b := c.r[in.dst], c.rd32f(in.seg, c.ea16(in))
	r := (a - b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz32, a, b, r
}

func xorRR8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), uint32(c.reg8(in.src))
	r := (a ^ b)
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz8, 0, 0, r
}

func xorRI8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), in.imm
	r := (a ^ b)
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz8, 0, 0, r
}

func xorRM8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), uint32(c.rd8f(in.seg, c.ea16(in)))
	r := (a ^ b)
	c.setReg8(in.dst, uint8(r))
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz8, 0, 0, r
}

func xorRR16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, c.r[in.src]&0xFFFF
	r := (a ^ b)
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
}

func xorRI16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, in.imm
	r := (a ^ b)
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
}

func xorRM16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, uint32(c.rd16f(in.seg, c.ea16(in)))
	r := (a ^ b)
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
}

func xorRR32(c *CPU, in *inst) {
	a, b := c.r[in.dst], c.r[in.src]
	r := (a ^ b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz32, 0, 0, r
}

func xorRI32(c *CPU, in *inst) {
	a, b := c.r[in.dst], in.imm
	r := (a ^ b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz32, 0, 0, r
}

func xorRM32(c *CPU, in *inst) {
	a, b := c.r[in.dst], c.rd32f(in.seg, c.ea16(in))
	r := (a ^ b)
	c.r[in.dst] = r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz32, 0, 0, r
}

func cmpRR8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), uint32(c.reg8(in.src))
	r := (a - b) & 0xFF
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz8, a, b, r
}

func cmpRI8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), in.imm
	r := (a - b) & 0xFF
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz8, a, b, r
}

func cmpRM8(c *CPU, in *inst) {
	a, b := uint32(c.reg8(in.dst)), uint32(c.rd8f(in.seg, c.ea16(in)))
	r := (a - b) & 0xFF
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz8, a, b, r
}

func cmpRR16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, c.r[in.src]&0xFFFF
	r := (a - b) & 0xFFFF
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz16, a, b, r
}

func cmpRI16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, in.imm
	r := (a - b) & 0xFFFF
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz16, a, b, r
}

func cmpRM16(c *CPU, in *inst) {
	a, b := c.r[in.dst]&0xFFFF, uint32(c.rd16f(in.seg, c.ea16(in)))
	r := (a - b) & 0xFFFF
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz16, a, b, r
}

func cmpRR32(c *CPU, in *inst) {
	a, b := c.r[in.dst], c.r[in.src]
	r := (a - b)
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz32, a, b, r
}

func cmpRI32(c *CPU, in *inst) {
	a, b := c.r[in.dst], in.imm
	r := (a - b)
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz32, a, b, r
}

func cmpRM32(c *CPU, in *inst) {
	a, b := c.r[in.dst], c.rd32f(in.seg, c.ea16(in))
	r := (a - b)
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz32, a, b, r
}

var aluRR = [8][3]func(*CPU, *inst){
	0: {addRR8, addRR16, addRR32},
	1: {orRR8, orRR16, orRR32},
	4: {andRR8, andRR16, andRR32},
	5: {subRR8, subRR16, subRR32},
	6: {xorRR8, xorRR16, xorRR32},
	7: {cmpRR8, cmpRR16, cmpRR32},
}

var aluRI = [8][3]func(*CPU, *inst){
	0: {addRI8, addRI16, addRI32},
	1: {orRI8, orRI16, orRI32},
	4: {andRI8, andRI16, andRI32},
	5: {subRI8, subRI16, subRI32},
	6: {xorRI8, xorRI16, xorRI32},
	7: {cmpRI8, cmpRI16, cmpRI32},
}

var aluRM = [8][3]func(*CPU, *inst){
	0: {addRM8, addRM16, addRM32},
	1: {orRM8, orRM16, orRM32},
	4: {andRM8, andRM16, andRM32},
	5: {subRM8, subRM16, subRM32},
	6: {xorRM8, xorRM16, xorRM32},
	7: {cmpRM8, cmpRM16, cmpRM32},
}
