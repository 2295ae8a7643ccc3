package x86

import "math/bits"

// alu performs ADD OR ADC SBB AND SUB XOR CMP (op 0..7) on a and b of size
// s, records the flags lazily and returns the result (for CMP, a-b).
func (c *CPU) alu(op uint8, a, b uint32, s uint8) uint32 {
	m := szMask[s]
	var r uint32
	switch op {
	case 0:
		r = (a + b) & m
		c.setLazy(lzAdd|s, a, b, r)
	case 1:
		r = a | b
		c.setLazy(lzLogic|s, 0, 0, r)
	case 2:
		if c.cf() {
			r = (a + b + 1) & m
			c.setLazy(lzAdc|s, a, b, r)
		} else {
			r = (a + b) & m
			c.setLazy(lzAdd|s, a, b, r)
		}
	case 3:
		if c.cf() {
			r = (a - b - 1) & m
			c.setLazy(lzSbb|s, a, b, r)
		} else {
			r = (a - b) & m
			c.setLazy(lzSub|s, a, b, r)
		}
	case 4:
		r = a & b
		c.setLazy(lzLogic|s, 0, 0, r)
	case 5, 7:
		r = (a - b) & m
		c.setLazy(lzSub|s, a, b, r)
	case 6:
		r = a ^ b
		c.setLazy(lzLogic|s, 0, 0, r)
	}
	return r
}

// byteForm: opcodes whose low bit clear means a byte operand.
func opSize(in *inst) uint8 {
	if in.op&1 == 0 {
		return sz8
	}
	return in.osz
}

// xALU is 00-3D: the eight ALU operations in six forms each.
func xALU(c *CPU, in *inst) {
	op := uint8(in.op>>3) & 7
	s := opSize(in)
	switch in.op & 7 {
	case 0, 1: // E, G
		b := c.getReg(in.reg, s)
		if in.mod == 3 {
			r := c.alu(op, c.getReg(in.rm, s), b, s)
			if op != 7 {
				c.setReg(in.rm, s, r)
			}
			return
		}
		off := c.ea(in)
		r := c.alu(op, c.rdS(in.seg, off, s), b, s)
		if op != 7 {
			c.wrS(in.seg, off, s, r)
		}
	case 2, 3: // G, E
		r := c.alu(op, c.getReg(in.reg, s), c.readE(in, s), s)
		if op != 7 {
			c.setReg(in.reg, s, r)
		}
	default: // AL/eAX, imm
		r := c.alu(op, c.getReg(0, s), in.imm, s)
		if op != 7 {
			c.setReg(0, s, r)
		}
	}
}

// xGrp1 is 80-83: ALU operation ModRM.reg with an immediate.
func xGrp1(c *CPU, in *inst) {
	s := in.osz
	if in.op == 0x80 || in.op == 0x82 {
		s = sz8
	}
	op := in.reg
	if in.mod == 3 {
		r := c.alu(op, c.getReg(in.rm, s), in.imm, s)
		if op != 7 {
			c.setReg(in.rm, s, r)
		}
		return
	}
	off := c.ea(in)
	r := c.alu(op, c.rdS(in.seg, off, s), in.imm, s)
	if op != 7 {
		c.wrS(in.seg, off, s, r)
	}
}

// xTest is 84, 85, A8, A9.
func xTest(c *CPU, in *inst) {
	s := opSize(in)
	var a, b uint32
	if in.op >= 0xA8 {
		a, b = c.getReg(0, s), in.imm
	} else {
		a, b = c.readE(in, s), c.getReg(in.reg, s)
	}
	c.setLazy(lzLogic|s, 0, 0, a&b)
}

func (c *CPU) incdec(a uint32, s uint8, dec bool) uint32 {
	c.keepCF()
	if dec {
		r := (a - 1) & szMask[s]
		c.setLazy(lzDec|s, a, 1, r)
		return r
	}
	r := (a + 1) & szMask[s]
	c.setLazy(lzInc|s, a, 1, r)
	return r
}

// xIncDecReg is 40-4F.
func xIncDecReg(c *CPU, in *inst) {
	c.setReg(in.reg, in.osz, c.incdec(c.getReg(in.reg, in.osz), in.osz, in.op >= 0x48))
}

// xIncDecRM is FE/FF /0 /1.
func xIncDecRM(c *CPU, in *inst) {
	s := opSize(in)
	dec := in.reg == 1
	if in.mod == 3 {
		c.setReg(in.rm, s, c.incdec(c.getReg(in.rm, s), s, dec))
		return
	}
	off := c.ea(in)
	c.wrS(in.seg, off, s, c.incdec(c.rdS(in.seg, off, s), s, dec))
}

// xTestEI is F6/F7 /0 /1.
func xTestEI(c *CPU, in *inst) {
	s := opSize(in)
	c.setLazy(lzLogic|s, 0, 0, c.readE(in, s)&in.imm)
}

// xNot is F6/F7 /2: no flags.
func xNot(c *CPU, in *inst) {
	s := opSize(in)
	if in.mod == 3 {
		c.setReg(in.rm, s, ^c.getReg(in.rm, s))
		return
	}
	off := c.ea(in)
	c.wrS(in.seg, off, s, ^c.rdS(in.seg, off, s))
}

// xNeg is F6/F7 /3: 0 - operand.
func xNeg(c *CPU, in *inst) {
	s := opSize(in)
	if in.mod == 3 {
		c.setReg(in.rm, s, c.alu(5, 0, c.getReg(in.rm, s), s))
		return
	}
	off := c.ea(in)
	c.wrS(in.seg, off, s, c.alu(5, 0, c.rdS(in.seg, off, s), s))
}

func sext(v uint32, s uint8) int64 {
	switch s {
	case sz8:
		return int64(int8(v))
	case sz16:
		return int64(int16(v))
	}
	return int64(int32(v))
}

// mulFlags sets CF and OF to over, and SF, ZF, PF from the low half (AF
// cleared); only CF and OF are defined by the architecture.
func (c *CPU) mulFlags(lo uint32, s uint8, over bool) {
	f := szpFlags(lo, s)
	if over {
		f |= FlagCF | FlagOF
	}
	c.setArith(arithFlags, f)
}

// xMul is F6/F7 /4.
func xMul(c *CPU, in *inst) {
	s := opSize(in)
	v := c.readE(in, s)
	switch s {
	case sz8:
		r := uint32(c.reg8(0)) * v
		c.setReg16(0, r)
		c.mulFlags(r, sz8, r>>8 != 0)
	case sz16:
		r := (c.r[EAX] & 0xFFFF) * v
		c.setReg16(0, r)
		c.setReg16(2, r>>16)
		c.mulFlags(r, sz16, r>>16 != 0)
	default:
		hi, lo := bits.Mul32(c.r[EAX], v)
		c.r[EAX], c.r[EDX] = lo, hi
		c.mulFlags(lo, sz32, hi != 0)
	}
}

// xImul1 is F6/F7 /5. On the 8086 a REP prefix negates the product.
func xImul1(c *CPU, in *inst) {
	s := opSize(in)
	v := sext(c.readE(in, s), s)
	neg := c.model == I8086 && in.pfx&(pfxRep|pfxRepne) != 0
	switch s {
	case sz8:
		r := int64(int8(c.reg8(0))) * v
		if neg {
			r = -r
		}
		c.setReg16(0, uint32(r))
		c.mulFlags(uint32(r), sz8, r != int64(int8(r)))
	case sz16:
		r := int64(int16(c.r[EAX])) * v
		if neg {
			r = -r
		}
		c.setReg16(0, uint32(r))
		c.setReg16(2, uint32(r>>16))
		c.mulFlags(uint32(r), sz16, r != int64(int16(r)))
	default:
		r := int64(int32(c.r[EAX])) * v
		c.r[EAX], c.r[EDX] = uint32(r), uint32(r>>32)
		c.mulFlags(uint32(r), sz32, r != int64(int32(r)))
	}
}

// imulTrunc multiplies signed a and b of size s, returning the truncated
// product and whether it overflowed.
func (c *CPU) imulTrunc(a, b uint32, s uint8) uint32 {
	r := sext(a, s) * sext(b, s)
	t := uint32(r) & szMask[s]
	c.mulFlags(t, s, r != sext(t, s))
	return t
}

// xImul3 is 69 and 6B: Gv = Ev * imm.
func xImul3(c *CPU, in *inst) {
	c.setReg(in.reg, in.osz, c.imulTrunc(c.readE(in, in.osz), in.imm, in.osz))
}

// xImul2 is 0F AF: Gv = Gv * Ev.
func xImul2(c *CPU, in *inst) {
	c.setReg(in.reg, in.osz, c.imulTrunc(c.getReg(in.reg, in.osz), c.readE(in, in.osz), in.osz))
}

// xDiv is F6/F7 /6. A zero divisor or a quotient too big for the
// destination raises #DE; the flags are left as they were.
func xDiv(c *CPU, in *inst) {
	s := opSize(in)
	v := c.readE(in, s)
	if v == 0 {
		c.divideError()
	}
	switch s {
	case sz8:
		a := c.r[EAX] & 0xFFFF
		q, r := a/v, a%v
		if q > 0xFF {
			c.divideError()
		}
		c.setReg16(0, r<<8|q)
	case sz16:
		a := (c.r[EDX]&0xFFFF)<<16 | c.r[EAX]&0xFFFF
		q, r := a/v, a%v
		if q > 0xFFFF {
			c.divideError()
		}
		c.setReg16(0, q)
		c.setReg16(2, r)
	default:
		if c.r[EDX] >= v {
			c.divideError()
		}
		q, r := bits.Div32(c.r[EDX], c.r[EAX], v)
		c.r[EAX], c.r[EDX] = q, r
	}
}

// xIdiv is F6/F7 /7. The 8086 cannot produce the most negative quotient
// (it faults), and a REP prefix there negates the quotient.
func xIdiv(c *CPU, in *inst) {
	s := opSize(in)
	v := sext(c.readE(in, s), s)
	if v == 0 {
		c.divideError()
	}
	var a int64
	switch s {
	case sz8:
		a = int64(int16(c.r[EAX]))
	case sz16:
		a = int64(int32((c.r[EDX]&0xFFFF)<<16 | c.r[EAX]&0xFFFF))
	default:
		a = int64(uint64(c.r[EDX])<<32 | uint64(c.r[EAX]))
	}
	if s == sz32 && a == -1<<63 && v == -1 {
		c.divideError()
	}
	q, r := a/v, a%v
	lim := int64(szSign[s]) // |q| must not exceed this (positive: lim-1)
	if q >= lim || q < -lim || (c.model == I8086 && q == -lim) {
		c.divideError()
	}
	if c.model == I8086 && in.pfx&(pfxRep|pfxRepne) != 0 {
		q = -q
	}
	switch s {
	case sz8:
		c.setReg16(0, uint32(r&0xFF)<<8|uint32(q&0xFF))
	case sz16:
		c.setReg16(0, uint32(q))
		c.setReg16(2, uint32(r))
	default:
		c.r[EAX], c.r[EDX] = uint32(q), uint32(r)
	}
}

// BCD adjustments.

func xDAA(c *CPU, in *inst) {
	al0 := uint32(c.reg8(0))
	al := al0
	cf, af := c.cf(), c.af()
	f := uint32(0)
	if al&0x0F > 9 || af {
		al += 6
		f |= FlagAF
		if al > 0xFF || cf {
			f |= FlagCF
		}
	}
	if al0 > 0x99 || cf {
		al += 0x60
		f |= FlagCF
	}
	al &= 0xFF
	c.setReg8(0, uint8(al))
	c.setArith(arithFlags, f|szpFlags(al, sz8))
}

func xDAS(c *CPU, in *inst) {
	al0 := uint32(c.reg8(0))
	al := al0
	cf, af := c.cf(), c.af()
	f := uint32(0)
	if al&0x0F > 9 || af {
		f |= FlagAF
		// The borrow out of the low step sets CF from the 286 on; the
		// 8086 keeps only the incoming CF there.
		if cf || al < 6 && c.model >= I80286 {
			f |= FlagCF
		}
		al -= 6
	}
	if al0 > 0x99 || cf {
		al -= 0x60
		f |= FlagCF
	}
	al &= 0xFF
	c.setReg8(0, uint8(al))
	c.setArith(arithFlags, f|szpFlags(al, sz8))
}

func xAAA(c *CPU, in *inst) {
	al := uint32(c.reg8(0))
	if al&0x0F > 9 || c.af() {
		if c.model >= I80286 {
			ax := (c.r[EAX] + 0x106) & 0xFFFF
			c.setReg16(0, ax&0xFF0F)
		} else {
			c.setReg8(4, c.reg8(4)+1)
			c.setReg8(0, uint8(al+6)&0x0F)
		}
		c.setArith(FlagAF|FlagCF, FlagAF|FlagCF)
	} else {
		c.setReg8(0, uint8(al)&0x0F)
		c.setArith(FlagAF|FlagCF, 0)
	}
}

func xAAS(c *CPU, in *inst) {
	al := uint32(c.reg8(0))
	if al&0x0F > 9 || c.af() {
		if c.model >= I80286 {
			ax := (c.r[EAX] - 6) & 0xFFFF
			ax = (ax - 0x100) & 0xFFFF
			c.setReg16(0, ax&0xFF0F)
		} else {
			c.setReg8(4, c.reg8(4)-1)
			c.setReg8(0, uint8(al-6)&0x0F)
		}
		c.setArith(FlagAF|FlagCF, FlagAF|FlagCF)
	} else {
		c.setReg8(0, uint8(al)&0x0F)
		c.setArith(FlagAF|FlagCF, 0)
	}
}

// xAam is D4: AH = AL / imm, AL = AL % imm.
func xAam(c *CPU, in *inst) {
	d := in.imm & 0xFF
	if d == 0 {
		c.divideError()
	}
	al := uint32(c.reg8(0))
	q, r := al/d, al%d
	c.setReg16(0, q<<8|r)
	c.setLazy(lzLogic|sz8, 0, 0, r)
}

// xAad is D5: AL = AL + AH * imm, AH = 0; the flags are those of the add.
func xAad(c *CPU, in *inst) {
	al, ah := uint32(c.reg8(0)), uint32(c.reg8(4))
	b := (ah * (in.imm & 0xFF)) & 0xFF
	r := (al + b) & 0xFF
	c.setReg16(0, r)
	c.setLazy(lzAdd|sz8, al, b, r)
}

// xSalc is D6: AL = CF ? FF : 00.
func xSalc(c *CPU, in *inst) {
	if c.cf() {
		c.setReg8(0, 0xFF)
	} else {
		c.setReg8(0, 0)
	}
}

// Shifts and rotates.

// xGrp2 is C0, C1, D0-D3.
func xGrp2(c *CPU, in *inst) {
	s := opSize(in)
	var cnt uint32
	switch in.op {
	case 0xD0, 0xD1:
		cnt = 1
	case 0xD2, 0xD3:
		cnt = uint32(c.reg8(1))
	default:
		cnt = in.imm & 0xFF
	}
	if c.model >= I80186 {
		cnt &= 31
	}
	if cnt == 0 {
		// Nothing changes, but a memory operand is still read (and can fault).
		c.readE(in, s)
		return
	}
	if in.mod == 3 {
		c.setReg(in.rm, s, c.shift(in.reg, c.getReg(in.rm, s), cnt, s))
		return
	}
	off := c.ea(in)
	c.wrS(in.seg, off, s, c.shift(in.reg, c.rdS(in.seg, off, s), cnt, s))
}

// shift performs group-2 operation op on v by cnt (> 0) bits.
func (c *CPU) shift(op uint8, v, cnt uint32, s uint8) uint32 {
	w := uint32(8) << s // operand width
	m := szMask[s]
	sign := szSign[s]
	msb := func(x uint32) uint32 { return b2u(x&sign != 0) }
	var r, cf, of uint32
	switch op {
	case 0: // ROL
		n := cnt % w
		r = (v<<n | v>>((w-n)%w)) & m
		cf = r & 1
		of = msb(r) ^ cf
		c.setArith(FlagCF|FlagOF, cf*FlagCF|of*FlagOF)
		return r
	case 1: // ROR
		n := cnt % w
		r = (v>>n | v<<((w-n)%w)) & m
		cf = msb(r)
		of = msb(r) ^ msb(r<<1)
		c.setArith(FlagCF|FlagOF, cf*FlagCF|of*FlagOF)
		return r
	case 2, 3: // RCL, RCR: rotate the (w+1)-bit value CF:v
		n := uint64(cnt % (w + 1))
		x := uint64(v) | uint64(b2u(c.cf()))<<w
		ring := uint64(1)<<(w+1) - 1
		if n != 0 {
			if op == 2 {
				x = (x<<n | x>>(uint64(w)+1-n)) & ring
			} else {
				x = (x>>n | x<<(uint64(w)+1-n)) & ring
			}
		}
		r = uint32(x) & m
		cf = uint32(x>>w) & 1
		if op == 2 {
			of = msb(r) ^ cf
		} else {
			of = msb(r) ^ msb(r<<1)
		}
		c.setArith(FlagCF|FlagOF, cf*FlagCF|of*FlagOF)
		return r
	case 4: // SHL
		if cnt < 64 {
			r = uint32(uint64(v)<<cnt) & m
		}
		if cnt <= w {
			cf = (v >> (w - cnt)) & 1
		}
		of = msb(r) ^ cf
	case 5: // SHR
		if cnt < 32 {
			r = v >> cnt
		}
		if cnt <= w {
			cf = (v >> (cnt - 1)) & 1
		}
		if cnt == 1 {
			of = msb(v) // later steps shift a zero into the top bit
		}
	case 6: // SAL on the 80186 and later; SETMO on the 8086
		if c.model == I8086 {
			c.setLazy(lzLogic|s, 0, 0, m)
			return m
		}
		return c.shift(4, v, cnt, s)
	case 7: // SAR
		sv := sext(v, s)
		n := cnt
		if n > 63 {
			n = 63
		}
		r = uint32(sv>>n) & m
		cf = uint32(sv>>(n-1)) & 1
	}
	c.setArith(arithFlags, cf*FlagCF|of*FlagOF|szpFlags(r, s))
	return r
}

// 386 bit instructions.

// xBt is 0F A3/AB/B3/BB: BT BTS BTR BTC with the bit offset in a register.
// With a memory operand the offset is signed and may reach outside it.
func xBt(c *CPU, in *inst) {
	s := in.osz
	off := c.getReg(in.reg, s)
	op := uint8(in.op>>3) & 3 // A3:0 AB:1 B3:2 BB:3 (bits 3-4 of the second byte)
	if in.mod == 3 {
		bit := off & (uint32(8)<<s - 1)
		c.setReg(in.rm, s, c.bitOp(op, c.getReg(in.rm, s), bit))
		return
	}
	ea := c.ea(in)
	var bit uint32
	if s == sz16 {
		ea += uint32(int32(int16(off))>>4) * 2
		bit = off & 15
	} else {
		ea += uint32(int32(off)>>5) * 4
		bit = off & 31
	}
	if in.asz == sz16 {
		ea &= 0xFFFF
	}
	v := c.rdS(in.seg, ea, s)
	r := c.bitOp(op, v, bit)
	if op != 0 {
		c.wrS(in.seg, ea, s, r)
	}
}

// xBtImm is 0F BA /4-7.
func xBtImm(c *CPU, in *inst) {
	s := in.osz
	bit := in.imm & (uint32(8)<<s - 1)
	op := in.reg - 4
	if in.mod == 3 {
		c.setReg(in.rm, s, c.bitOp(op, c.getReg(in.rm, s), bit))
		return
	}
	ea := c.ea(in)
	v := c.rdS(in.seg, ea, s)
	r := c.bitOp(op, v, bit)
	if op != 0 {
		c.wrS(in.seg, ea, s, r)
	}
}

// bitOp sets CF to bit b of v and returns v with the bit kept (BT), set
// (BTS), cleared (BTR) or flipped (BTC).
func (c *CPU) bitOp(op uint8, v, b uint32) uint32 {
	c.setArith(FlagCF, (v>>b&1)*FlagCF)
	switch op {
	case 1:
		v |= 1 << b
	case 2:
		v &^= 1 << b
	case 3:
		v ^= 1 << b
	}
	return v
}

// xShd is SHLD/SHRD (0F A4, A5, AC, AD).
func xShd(c *CPU, in *inst) {
	s := in.osz
	cnt := uint32(c.reg8(1))
	if in.op&1 == 0 {
		cnt = in.imm
	}
	cnt &= 31
	if cnt == 0 {
		c.readE(in, s)
		return
	}
	w := uint32(8) << s
	src := c.getReg(in.reg, s)
	var off uint32
	var dst uint32
	if in.mod == 3 {
		dst = c.getReg(in.rm, s)
	} else {
		off = c.ea(in)
		dst = c.rdS(in.seg, off, s)
	}
	m := szMask[s]
	var r, cf uint32
	if in.op < 0x1A8 { // SHLD
		x := uint64(dst)<<w | uint64(src)
		if s == sz16 {
			x = x<<16 | uint64(dst) // counts past 16 bring in dst again, as the 386 does
		}
		shifted := x << cnt
		top := uint(w)
		if s == sz16 {
			top = 32
		}
		r = uint32(shifted>>top) & m
		cf = uint32(x>>(uint(top)+uint(w)-uint(cnt))) & 1
	} else { // SHRD
		x := uint64(src)<<w | uint64(dst)
		if s == sz16 {
			x |= uint64(dst) << 32
		}
		r = uint32(x>>cnt) & m
		cf = uint32(x>>(cnt-1)) & 1
	}
	of := b2u((r^dst)&szSign[s] != 0)
	c.setArith(arithFlags, cf*FlagCF|of*FlagOF|szpFlags(r, s))
	if in.mod == 3 {
		c.setReg(in.rm, s, r)
	} else {
		c.wrS(in.seg, off, s, r)
	}
}

// xBsf is 0F BC; xBsr 0F BD. A zero source sets ZF and leaves the
// destination alone.
func xBsf(c *CPU, in *inst) {
	v := c.readE(in, in.osz)
	if v == 0 {
		c.setArith(FlagZF, FlagZF)
		return
	}
	c.setArith(FlagZF, 0)
	c.setReg(in.reg, in.osz, uint32(bits.TrailingZeros32(v)))
}

func xBsr(c *CPU, in *inst) {
	v := c.readE(in, in.osz)
	if v == 0 {
		c.setArith(FlagZF, FlagZF)
		return
	}
	c.setArith(FlagZF, 0)
	c.setReg(in.reg, in.osz, uint32(31-bits.LeadingZeros32(v)))
}

// xSetcc is 0F 90-9F.
func xSetcc(c *CPU, in *inst) {
	c.writeE(in, sz8, b2u(c.cond(uint8(in.op&15))))
}

// xMovx is MOVZX/MOVSX (0F B6, B7, BE, BF).
func xMovx(c *CPU, in *inst) {
	ss := uint8(sz8)
	if in.op&1 != 0 {
		ss = sz16
	}
	v := c.readE(in, ss)
	if in.op >= 0x1BE {
		v = uint32(sext(v, ss))
	}
	c.setReg(in.reg, in.osz, v)
}
