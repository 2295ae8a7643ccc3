package x86

// Prefix bits in inst.pfx.
const (
	pfxRep   = 1 << iota // F3
	pfxRepne             // F2
	pfxLock              // F0 (F1 on the 8086..286)
	pfxOpsz              // 66
	pfxAdsz              // 67
	pfxSeg               // a segment override
	pfxEnd               // not a prefix: the decoder chose a fault, so the block ends here
)

const noReg = 8 // r[8] is always zero: an absent base or index

// inst is one decoded instruction: everything its handler needs, so that
// executing it never looks at the instruction bytes again. A compiler tier
// lowers the same fields.
type inst struct {
	fn   func(*CPU, *inst)
	ip   uint32 // offset of the first byte (the first prefix)
	next uint32 // offset of the next instruction
	disp uint32 // displacement, or the moffs of A0-A3
	imm  uint32 // first immediate; for J operands the target offset; for Ap the offset
	imm2 uint32 // second immediate (ENTER level, the selector of Ap)
	op   uint16 // 0x000-0x0FF one-byte page, 0x100-0x1FF the 0F page
	pfx  uint8
	len  uint8
	idx  uint8 // position in its block
	osz  uint8 // operand size: sz16 or sz32 (byte forms are told by the opcode)
	asz  uint8 // address size: sz16 or sz32
	seg  uint8 // segment of the memory operand (default or override)
	mod  uint8 // ModRM.mod; 3 means the r/m operand is a register
	reg  uint8 // ModRM.reg (or the register of Z forms)
	rm   uint8 // ModRM.rm: the register when mod == 3
	base uint8 // address base register, noReg if none
	idxr uint8 // address index register, noReg if none
	sc   uint8 // index scale shift (0..3)
	vec  uint8 // for handlers that raise a fault decided at decode time
	dst  uint8 // specialised register forms: destination register
	src  uint8 // specialised register forms: source register
	kind uint8 // what the block loop's switch runs inline (kGeneric: call fn)
}

// next offset as the operand size wraps it.
func ipMask(osz uint8) uint32 {
	if osz == sz32 {
		return 0xFFFFFFFF
	}
	return 0xFFFF
}

// fetcher reads instruction bytes at CS:offset, wrapping the offset as the
// code segment's size does and noting fetches past the segment limit.
type fetcher struct {
	c        *CPU
	buf      []byte // when set, bytes come from here (disassembly), not memory
	base     uint32
	ip       uint32
	mask     uint32
	limit    uint32
	n        uint32
	overrun  bool // a byte lay past CS.limit (286+): #GP at execution
	wrapped  bool // the offset wrapped (8086) or the physical address did
	lastPhys uint32
}

func (f *fetcher) u8() uint8 {
	if f.buf != nil {
		var b uint8
		if int(f.n) < len(f.buf) {
			b = f.buf[f.n]
		} else {
			f.overrun = true
		}
		f.n++
		return b
	}
	off := (f.ip + f.n) & f.mask
	if off != f.ip+f.n {
		f.wrapped = true
	}
	if off > f.limit {
		f.overrun = true
	}
	p := (f.base + off) & f.c.amask
	if f.n > 0 && p != f.lastPhys+1 {
		f.wrapped = true
	}
	f.lastPhys = p
	f.n++
	return f.c.mem.Read8(p)
}

func (f *fetcher) u16() uint32 { lo := uint32(f.u8()); return lo | uint32(f.u8())<<8 }
func (f *fetcher) u32() uint32 { lo := f.u16(); return lo | f.u16()<<16 }

// maxInstLen is the longest instruction a model accepts; past it the 286
// and 386 raise #GP (the 286 suite shows #GP, not the #UD its notes say). The 8086 and 80186 take any number of
// prefixes; the decoder stops at 240 so a length fits a byte (the byte
// after the 240th prefix then runs as a one-byte instruction of its own).
func (m Model) maxInstLen() uint32 {
	switch m {
	case I80286:
		return 10
	case I80386:
		return 15
	}
	return 255
}

// decode fills in from the instruction at base+ip. def32 is the code
// segment's default size. It never faults: an instruction that cannot run
// gets a handler that raises the fault when it executes. It reports the
// bytes' physical start and whether they are contiguous in physical
// memory.
func (c *CPU) decode(in *inst, base, ip uint32, def32 bool) fetcher {
	f := fetcher{c: c, base: base, ip: ip, mask: 0xFFFF, limit: c.seg[CS].Limit}
	if def32 {
		f.mask = 0xFFFFFFFF
	}
	c.decodeWith(in, &f, ip, def32)
	return f
}

// decodeWith is decode with the bytes coming from f.
func (c *CPU) decodeWith(in *inst, f *fetcher, ip uint32, def32 bool) {
	*in = inst{ip: ip, base: noReg, idxr: noReg, seg: uint8(DS), osz: sz16, asz: sz16}
	if def32 {
		in.osz, in.asz = sz32, sz32
	}
	t := c.tab
	segOv := uint8(0xFF)
	var op uint16
	maxLen := c.model.maxInstLen()
	for {
		b := f.u8()
		if b == 0x0F && c.model >= I80286 {
			op = 0x100 | uint16(f.u8())
			break
		}
		if t[b].flags&fPrefix == 0 || f.n >= 240 {
			op = uint16(b)
			break
		}
		switch b {
		case 0x26, 0x2E, 0x36, 0x3E:
			segOv = (b >> 3) & 3
			in.pfx |= pfxSeg
		case 0x64, 0x65:
			segOv = 4 + b&1
			in.pfx |= pfxSeg
		case 0x66:
			in.pfx |= pfxOpsz
			in.osz = sz32 + sz16 - in.osz
		case 0x67:
			in.pfx |= pfxAdsz
			in.asz = sz32 + sz16 - in.asz
		case 0xF0, 0xF1:
			in.pfx |= pfxLock
		case 0xF2:
			in.pfx = in.pfx&^pfxRep | pfxRepne
		case 0xF3:
			in.pfx = in.pfx&^pfxRepne | pfxRep
		}
	}
	in.op = op
	d := &t[op]
	if d.flags&fModRM != 0 {
		m := f.u8()
		in.mod, in.reg, in.rm = m>>6, (m>>3)&7, m&7
		if d.grp != nil {
			d = &d.grp[in.reg]
		}
		if in.mod != 3 {
			if in.asz == sz16 {
				c.modrm16(in, f)
			} else {
				c.modrm32(in, f)
			}
		}
	}
	if segOv != 0xFF {
		in.seg = segOv
	}
	// Operands that are not ModRM.
	nimm := 0
	putImm := func(v uint32) {
		if nimm == 0 {
			in.imm = v
		} else {
			in.imm2 = v
		}
		nimm++
	}
	rel := false
	for _, k := range d.kinds[:d.nargs] {
		switch k {
		case aIb:
			putImm(uint32(f.u8()))
		case aIbs:
			putImm(uint32(int32(int8(f.u8()))) & ipMask(in.osz))
		case aIw:
			putImm(f.u16())
		case aIv:
			if in.osz == sz32 {
				putImm(f.u32())
			} else {
				putImm(f.u16())
			}
		case aJb:
			in.imm = uint32(int32(int8(f.u8())))
			rel = true
		case aJv:
			if in.osz == sz32 {
				in.imm = f.u32()
			} else {
				in.imm = uint32(int32(int16(f.u16())))
			}
			rel = true
		case aAp:
			if in.osz == sz32 {
				in.imm = f.u32()
			} else {
				in.imm = f.u16()
			}
			in.imm2 = f.u16()
		case aOb, aOv:
			if in.asz == sz32 {
				in.disp = f.u32()
			} else {
				in.disp = f.u16()
			}
		case aZb, aZv:
			in.reg = uint8(op & 7)
		}
	}
	in.len = uint8(f.n)
	in.next = (ip + f.n) & f.mask
	if rel {
		in.imm = (in.next + in.imm) & ipMask(in.osz)
	}
	in.fn = d.fn
	switch {
	case f.n > maxLen:
		in.fn, in.vec = xRaise, vecGP
	case f.overrun && c.model >= I80286:
		in.fn, in.vec = xRaise, vecGP
	case d.flags&fMemOnly != 0 && in.mod == 3 && c.model >= I80286:
		in.fn, in.vec = xRaise, vecUD
	case in.pfx&pfxLock != 0 && c.model >= I80386 && (d.flags&fLock == 0 || in.mod == 3):
		in.fn, in.vec = xRaise, vecUD
	default:
		if !c.generic {
			specialize(in)
		}
		return
	}
	in.pfx |= pfxEnd
}

// isTerm says whether the instruction ends its block.
func (c *CPU) isTerm(in *inst) bool {
	d := c.tab.def(in.op, in.reg)
	if d.flags&fTerm != 0 || in.pfx&pfxEnd != 0 {
		return true
	}
	return d.flags&fString != 0 && in.pfx&(pfxRep|pfxRepne) != 0
}

var modrm16Base = [8]uint8{uint8(EBX), uint8(EBX), uint8(EBP), uint8(EBP), uint8(ESI), uint8(EDI), uint8(EBP), uint8(EBX)}
var modrm16Index = [8]uint8{uint8(ESI), uint8(EDI), uint8(ESI), uint8(EDI), noReg, noReg, noReg, noReg}

func (c *CPU) modrm16(in *inst, f *fetcher) {
	in.base, in.idxr = modrm16Base[in.rm], modrm16Index[in.rm]
	if in.rm == 2 || in.rm == 3 || in.rm == 6 {
		in.seg = uint8(SS)
	}
	switch in.mod {
	case 0:
		if in.rm == 6 {
			in.base, in.seg = noReg, uint8(DS)
			in.disp = f.u16()
		}
	case 1:
		in.disp = uint32(int32(int8(f.u8()))) & 0xFFFF
	case 2:
		in.disp = f.u16()
	}
}

func (c *CPU) modrm32(in *inst, f *fetcher) {
	base := in.rm
	if in.rm == 4 {
		sib := f.u8()
		in.sc = sib >> 6
		if idx := (sib >> 3) & 7; idx != 4 {
			in.idxr = idx
		}
		base = sib & 7
	}
	if base == 5 && in.mod == 0 {
		in.base = noReg
		in.disp = f.u32()
	} else {
		in.base = base
		if base == uint8(ESP) || base == uint8(EBP) {
			in.seg = uint8(SS)
		}
	}
	switch in.mod {
	case 1:
		in.disp = uint32(int32(int8(f.u8())))
	case 2:
		in.disp = f.u32()
	}
}

// ea is the effective address (offset) of the memory operand.
func (c *CPU) ea(in *inst) uint32 {
	if in.asz == sz16 {
		return (c.r[in.base] + c.r[in.idxr] + in.disp) & 0xFFFF
	}
	return c.r[in.base] + c.r[in.idxr]<<in.sc + in.disp
}
