package x86

// The block loop's dispatch. The commonest 16-bit forms run inside one
// switch, with their RAM fast paths written out, so a typical instruction
// costs no function call at all (which matters most in WebAssembly, where
// Go calls are expensive); every other instruction, and the slow paths,
// go through the instruction's handler. The switch cases do exactly what
// their handlers do; TestSpecialisedMatchGeneric compares both with the
// generic handlers.

import "github.com/nachoos/nacho/emu/bus"

// Instruction kinds the switch runs inline (inst.kind).
const (
	kGeneric uint8 = iota
	kAddRR16
	kAddRI16
	kAddRM16
	kOrRR16
	kOrRI16
	kOrRM16
	kAndRR16
	kAndRI16
	kAndRM16
	kSubRR16
	kSubRI16
	kSubRM16
	kXorRR16
	kXorRI16
	kXorRM16
	kCmpRR16
	kCmpRI16
	kCmpRM16
	kMovRR16
	kMovRM16
	kMovMR16
	kMovRI16
	kMovRR8
	kMovRM8
	kMovMR8
	kMovRI8
	kCmpRI8
	kCmpRR8
	kInc16
	kDec16
	kJz
	kJnz
	kJc
	kJnc
	kJcc
	kJmp
	kLoop16
	kPush16
	kPop16
)

var kindAluRR16 = [8]uint8{
	0: kAddRR16,
	1: kOrRR16,
	4: kAndRR16,
	5: kSubRR16,
	6: kXorRR16,
	7: kCmpRR16,
}

var kindAluRI16 = [8]uint8{
	0: kAddRI16,
	1: kOrRI16,
	4: kAndRI16,
	5: kSubRI16,
	6: kXorRI16,
	7: kCmpRI16,
}

var kindAluRM16 = [8]uint8{
	0: kAddRM16,
	1: kOrRM16,
	4: kAndRM16,
	5: kSubRM16,
	6: kXorRM16,
	7: kCmpRM16,
}

// execInsts runs a block's instructions (or a prefix of them).
func (c *CPU) execInsts(insts []inst) {
	for i := range insts {
		in := &insts[i]
		c.cur = in
		switch in.kind {
		case kAddRR16:
			a, b := c.r[in.dst]&0xFFFF, c.r[in.src]&0xFFFF
			r := (a + b) & 0xFFFF
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzAdd|sz16, a, b, r
		case kAddRI16:
			a, b := c.r[in.dst]&0xFFFF, in.imm
			r := (a + b) & 0xFFFF
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzAdd|sz16, a, b, r
		case kAddRM16:
			off := (c.r[in.base] + c.r[in.idxr] + in.disp) & 0xFFFF
			sg := &c.seg[in.seg]
			p := (sg.Base + off) & c.amask
			var b uint32
			if off < sg.Limit && p&(bus.PageSize-1) != bus.PageSize-1 && c.pflags[p>>bus.PageShift]&bus.SlowRead == 0 {
				b = uint32(c.ram[p]) | uint32(c.ram[p+1])<<8
			} else {
				b = uint32(c.rd16(in.seg, off))
			}
			a := c.r[in.dst] & 0xFFFF
			r := (a + b) & 0xFFFF
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzAdd|sz16, a, b, r
		case kOrRR16:
			a, b := c.r[in.dst]&0xFFFF, c.r[in.src]&0xFFFF
			r := a | b
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
		case kOrRI16:
			a, b := c.r[in.dst]&0xFFFF, in.imm
			r := a | b
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
		case kOrRM16:
			off := (c.r[in.base] + c.r[in.idxr] + in.disp) & 0xFFFF
			sg := &c.seg[in.seg]
			p := (sg.Base + off) & c.amask
			var b uint32
			if off < sg.Limit && p&(bus.PageSize-1) != bus.PageSize-1 && c.pflags[p>>bus.PageShift]&bus.SlowRead == 0 {
				b = uint32(c.ram[p]) | uint32(c.ram[p+1])<<8
			} else {
				b = uint32(c.rd16(in.seg, off))
			}
			a := c.r[in.dst] & 0xFFFF
			r := a | b
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
		case kAndRR16:
			a, b := c.r[in.dst]&0xFFFF, c.r[in.src]&0xFFFF
			r := a & b
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
		case kAndRI16:
			a, b := c.r[in.dst]&0xFFFF, in.imm
			r := a & b
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
		case kAndRM16:
			off := (c.r[in.base] + c.r[in.idxr] + in.disp) & 0xFFFF
			sg := &c.seg[in.seg]
			p := (sg.Base + off) & c.amask
			var b uint32
			if off < sg.Limit && p&(bus.PageSize-1) != bus.PageSize-1 && c.pflags[p>>bus.PageShift]&bus.SlowRead == 0 {
				b = uint32(c.ram[p]) | uint32(c.ram[p+1])<<8
			} else {
				b = uint32(c.rd16(in.seg, off))
			}
			a := c.r[in.dst] & 0xFFFF
			r := a & b
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
		case kSubRR16:
			a, b := c.r[in.dst]&0xFFFF, c.r[in.src]&0xFFFF
			r := (a - b) & 0xFFFF
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz16, a, b, r
		case kSubRI16:
			a, b := c.r[in.dst]&0xFFFF, in.imm
			r := (a - b) & 0xFFFF
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz16, a, b, r
		case kSubRM16:
			off := (c.r[in.base] + c.r[in.idxr] + in.disp) & 0xFFFF
			sg := &c.seg[in.seg]
			p := (sg.Base + off) & c.amask
			var b uint32
			if off < sg.Limit && p&(bus.PageSize-1) != bus.PageSize-1 && c.pflags[p>>bus.PageShift]&bus.SlowRead == 0 {
				b = uint32(c.ram[p]) | uint32(c.ram[p+1])<<8
			} else {
				b = uint32(c.rd16(in.seg, off))
			}
			a := c.r[in.dst] & 0xFFFF
			r := (a - b) & 0xFFFF
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz16, a, b, r
		case kXorRR16:
			a, b := c.r[in.dst]&0xFFFF, c.r[in.src]&0xFFFF
			r := a ^ b
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
		case kXorRI16:
			a, b := c.r[in.dst]&0xFFFF, in.imm
			r := a ^ b
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
		case kXorRM16:
			off := (c.r[in.base] + c.r[in.idxr] + in.disp) & 0xFFFF
			sg := &c.seg[in.seg]
			p := (sg.Base + off) & c.amask
			var b uint32
			if off < sg.Limit && p&(bus.PageSize-1) != bus.PageSize-1 && c.pflags[p>>bus.PageShift]&bus.SlowRead == 0 {
				b = uint32(c.ram[p]) | uint32(c.ram[p+1])<<8
			} else {
				b = uint32(c.rd16(in.seg, off))
			}
			a := c.r[in.dst] & 0xFFFF
			r := a ^ b
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzLogic|sz16, 0, 0, r
		case kCmpRR16:
			a, b := c.r[in.dst]&0xFFFF, c.r[in.src]&0xFFFF
			r := (a - b) & 0xFFFF
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz16, a, b, r
		case kCmpRI16:
			a, b := c.r[in.dst]&0xFFFF, in.imm
			r := (a - b) & 0xFFFF
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz16, a, b, r
		case kCmpRM16:
			off := (c.r[in.base] + c.r[in.idxr] + in.disp) & 0xFFFF
			sg := &c.seg[in.seg]
			p := (sg.Base + off) & c.amask
			var b uint32
			if off < sg.Limit && p&(bus.PageSize-1) != bus.PageSize-1 && c.pflags[p>>bus.PageShift]&bus.SlowRead == 0 {
				b = uint32(c.ram[p]) | uint32(c.ram[p+1])<<8
			} else {
				b = uint32(c.rd16(in.seg, off))
			}
			a := c.r[in.dst] & 0xFFFF
			r := (a - b) & 0xFFFF
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz16, a, b, r
		case kMovRR16:
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | c.r[in.src]&0xFFFF
		case kMovRI16:
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | in.imm
		case kMovRM16:
			off := (c.r[in.base] + c.r[in.idxr] + in.disp) & 0xFFFF
			sg := &c.seg[in.seg]
			p := (sg.Base + off) & c.amask
			if off < sg.Limit && p&(bus.PageSize-1) != bus.PageSize-1 && c.pflags[p>>bus.PageShift]&bus.SlowRead == 0 {
				c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | uint32(c.ram[p]) | uint32(c.ram[p+1])<<8
			} else {
				c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | uint32(c.rd16(in.seg, off))
			}
		case kMovMR16:
			off := (c.r[in.base] + c.r[in.idxr] + in.disp) & 0xFFFF
			sg := &c.seg[in.seg]
			p := (sg.Base + off) & c.amask
			v := c.r[in.src]
			if f := c.pflags[p>>bus.PageShift]; off < sg.Limit && p&(bus.PageSize-1) != bus.PageSize-1 && f&^bus.FlagWatch == 0 {
				c.ram[p], c.ram[p+1] = byte(v), byte(v>>8)
				if f != 0 {
					c.noteWrite(p, 2) // beside (or into) decoded code
				}
			} else {
				c.wr16(in.seg, off, uint16(v))
			}
		case kMovRR8:
			c.setReg8(in.dst, c.reg8(in.src))
		case kMovRI8:
			c.setReg8(in.dst, uint8(in.imm))
		case kMovRM8:
			off := (c.r[in.base] + c.r[in.idxr] + in.disp) & 0xFFFF
			sg := &c.seg[in.seg]
			p := (sg.Base + off) & c.amask
			if off <= sg.Limit && c.pflags[p>>bus.PageShift]&bus.SlowRead == 0 {
				c.setReg8(in.dst, c.ram[p])
			} else {
				c.setReg8(in.dst, c.rd8(in.seg, off))
			}
		case kMovMR8:
			off := (c.r[in.base] + c.r[in.idxr] + in.disp) & 0xFFFF
			sg := &c.seg[in.seg]
			p := (sg.Base + off) & c.amask
			if f := c.pflags[p>>bus.PageShift]; off <= sg.Limit && f&^bus.FlagWatch == 0 {
				c.ram[p] = c.reg8(in.src)
				if f != 0 {
					c.noteWrite(p, 1)
				}
			} else {
				c.wr8(in.seg, off, c.reg8(in.src))
			}
		case kCmpRI8:
			a, b := uint32(c.reg8(in.dst)), in.imm&0xFF
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz8, a, b, (a-b)&0xFF
		case kCmpRR8:
			a, b := uint32(c.reg8(in.dst)), uint32(c.reg8(in.src))
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzSub|sz8, a, b, (a-b)&0xFF
		case kInc16:
			c.keepCF()
			a := c.r[in.dst] & 0xFFFF
			r := (a + 1) & 0xFFFF
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzInc|sz16, a, 1, r
		case kDec16:
			c.keepCF()
			a := c.r[in.dst] & 0xFFFF
			r := (a - 1) & 0xFFFF
			c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
			c.lzOp, c.lzA, c.lzB, c.lzRes = lzDec|sz16, a, 1, r
		case kJz:
			if c.zf() {
				c.ip = in.imm
			}
		case kJnz:
			if !c.zf() {
				c.ip = in.imm
			}
		case kJc:
			if c.cf() {
				c.ip = in.imm
			}
		case kJnc:
			if !c.cf() {
				c.ip = in.imm
			}
		case kJcc:
			if c.cond(uint8(in.op & 15)) {
				c.ip = in.imm
			}
		case kJmp:
			c.ip = in.imm
		case kLoop16:
			n := (c.r[ECX] - 1) & 0xFFFF
			c.r[ECX] = c.r[ECX]&0xFFFF0000 | n
			if n != 0 {
				c.ip = in.imm
			}
		case kPush16:
			push16r(c, in)
		case kPop16:
			pop16r(c, in)
		default:
			in.fn(c, in)
		}
	}
}
