package x86

import "github.com/nachoos/nacho/emu/bus"

// specialize picks a faster handler for common instruction forms. Every
// specialised handler must do exactly what the generic one does; a test
// (TestSpecialisedMatchGeneric) runs both on random state and compares.
func specialize(in *inst) {
	if in.pfx&pfxLock != 0 {
		return
	}
	op := in.op
	s := in.osz // sz16 or sz32
	switch {
	case op < 0x40 && op&7 <= 5:
		k := uint8(op>>3) & 7
		if k == 2 || k == 3 { // ADC, SBB: generic
			return
		}
		ss := s
		if op&1 == 0 {
			ss = sz8
		}
		switch op & 7 {
		case 1, 0: // Ev, Gv
			if in.mod == 3 {
				in.dst, in.src, in.fn = in.rm, in.reg, aluRR[k][ss]
				in.kind = aluKind(kindAluRR16, k, ss)
			}
		case 3, 2: // Gv, Ev
			if in.mod == 3 {
				in.dst, in.src, in.fn = in.reg, in.rm, aluRR[k][ss]
				in.kind = aluKind(kindAluRR16, k, ss)
			} else if in.asz == sz16 {
				in.dst, in.fn = in.reg, aluRM[k][ss]
				in.kind = aluKind(kindAluRM16, k, ss)
			}
		case 5, 4: // AL/eAX, imm
			in.dst, in.fn = 0, aluRI[k][ss]
			in.kind = aluKind(kindAluRI16, k, ss)
		}
		if ss == sz8 && k == 7 && in.mod == 3 {
			in.kind = kCmpRR8
		}
		if op == 0x3C {
			in.kind = kCmpRI8
		}
	case op >= 0x80 && op <= 0x83 && in.mod == 3 && in.reg != 2 && in.reg != 3:
		ss := s
		if op == 0x80 || op == 0x82 {
			ss = sz8
		}
		in.dst, in.fn = in.rm, aluRI[in.reg][ss]
		in.kind = aluKind(kindAluRI16, in.reg, ss)
		if ss == sz8 && in.reg == 7 {
			in.kind = kCmpRI8
		}
	case op == 0x89 || op == 0x8B || op == 0x88 || op == 0x8A:
		ss := s
		if op&1 == 0 {
			ss = sz8
		}
		switch {
		case in.mod == 3 && op&2 == 0:
			in.dst, in.src, in.fn = in.rm, in.reg, movRR[ss]
			in.kind = [3]uint8{kMovRR8, kMovRR16}[ss]
		case in.mod == 3:
			in.dst, in.src, in.fn = in.reg, in.rm, movRR[ss]
			in.kind = [3]uint8{kMovRR8, kMovRR16}[ss]
		case in.asz != sz16:
		case op&2 == 0:
			in.src, in.fn = in.reg, movMR[ss]
			in.kind = [3]uint8{kMovMR8, kMovMR16}[ss]
		default:
			in.dst, in.fn = in.reg, movRM[ss]
			in.kind = [3]uint8{kMovRM8, kMovRM16}[ss]
		}
	case op >= 0xB8 && op <= 0xBF:
		in.dst, in.fn = in.reg, movRI[s]
		if s == sz16 {
			in.kind = kMovRI16
		}
	case op >= 0xB0 && op <= 0xB7:
		in.dst, in.fn, in.kind = in.reg, movRI[sz8], kMovRI8
	case op >= 0x40 && op <= 0x4F:
		in.dst = in.reg
		if op < 0x48 {
			in.fn = incR[s]
			if s == sz16 {
				in.kind = kInc16
			}
		} else {
			in.fn = decR[s]
			if s == sz16 {
				in.kind = kDec16
			}
		}
	case op >= 0x70 && op <= 0x7F || op >= 0x180 && op <= 0x18F:
		in.fn = jccFast[op&15]
		in.kind = [16]uint8{2: kJc, 3: kJnc, 4: kJz, 5: kJnz}[op&15]
		if in.kind == 0 {
			in.kind = kJcc
		}
	case op == 0xEB || op == 0xE9:
		in.fn, in.kind = jmpFast, kJmp
	case op == 0xE2 && in.asz == sz16:
		in.fn, in.kind = loop16, kLoop16
	case op >= 0x50 && op <= 0x57 && op != 0x54 && s == sz16:
		in.fn, in.kind = push16r, kPush16
	case op >= 0x58 && op <= 0x5F && op != 0x5C && s == sz16:
		in.fn, in.kind = pop16r, kPop16
	}
}

// aluKind is the inline kind of a 16-bit ALU form, or kGeneric for other
// sizes.
func aluKind(t [8]uint8, k, s uint8) uint8 {
	if s != sz16 {
		return kGeneric
	}
	return t[k]
}

var (
	movRR = [3]func(*CPU, *inst){movRR8, movRR16, movRR32}
	movRM = [3]func(*CPU, *inst){movRM8, movRM16, movRM32}
	movMR = [3]func(*CPU, *inst){movMR8, movMR16, movMR32}
	movRI = [3]func(*CPU, *inst){movRI8, movRI16, movRI32}
	incR  = [3]func(*CPU, *inst){nil, inc16, inc32}
	decR  = [3]func(*CPU, *inst){nil, dec16, dec32}
)

func movRR8(c *CPU, in *inst)  { c.setReg8(in.dst, c.reg8(in.src)) }
func movRR16(c *CPU, in *inst) { c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | c.r[in.src]&0xFFFF }
func movRR32(c *CPU, in *inst) { c.r[in.dst] = c.r[in.src] }
func movRM8(c *CPU, in *inst)  { c.setReg8(in.dst, c.rd8f(in.seg, c.ea16(in))) }
func movRM16(c *CPU, in *inst) {
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | uint32(c.rd16f(in.seg, c.ea16(in)))
}
func movRM32(c *CPU, in *inst) { c.r[in.dst] = c.rd32f(in.seg, c.ea16(in)) }
func movMR8(c *CPU, in *inst)  { c.wr8f(in.seg, c.ea16(in), c.reg8(in.src)) }
func movMR16(c *CPU, in *inst) { c.wr16f(in.seg, c.ea16(in), uint16(c.r[in.src])) }
func movMR32(c *CPU, in *inst) { c.wr32f(in.seg, c.ea16(in), c.r[in.src]) }
func movRI8(c *CPU, in *inst)  { c.setReg8(in.dst, uint8(in.imm)) }
func movRI16(c *CPU, in *inst) { c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | in.imm }
func movRI32(c *CPU, in *inst) { c.r[in.dst] = in.imm }

func inc16(c *CPU, in *inst) {
	c.keepCF()
	a := c.r[in.dst] & 0xFFFF
	r := (a + 1) & 0xFFFF
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzInc|sz16, a, 1, r
}

func inc32(c *CPU, in *inst) {
	c.keepCF()
	a := c.r[in.dst]
	c.r[in.dst] = a + 1
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzInc|sz32, a, 1, a+1
}

func dec16(c *CPU, in *inst) {
	c.keepCF()
	a := c.r[in.dst] & 0xFFFF
	r := (a - 1) & 0xFFFF
	c.r[in.dst] = c.r[in.dst]&0xFFFF0000 | r
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzDec|sz16, a, 1, r
}

func dec32(c *CPU, in *inst) {
	c.keepCF()
	a := c.r[in.dst]
	c.r[in.dst] = a - 1
	c.lzOp, c.lzA, c.lzB, c.lzRes = lzDec|sz32, a, 1, a-1
}

func jmpFast(c *CPU, in *inst) { c.ip = in.imm }

// loop16 is LOOP with CX.
func loop16(c *CPU, in *inst) {
	n := (c.r[ECX] - 1) & 0xFFFF
	c.r[ECX] = c.r[ECX]&0xFFFF0000 | n
	if n != 0 {
		c.ip = in.imm
	}
}

func push16r(c *CPU, in *inst) {
	ss := &c.seg[SS]
	if ss.Attr&AttrDB == 0 {
		sp := (c.r[ESP] - 2) & 0xFFFF
		if sp < ss.Limit {
			p := (ss.Base + sp) & c.amask
			if p&0xFFF != 0xFFF && c.pflags[p>>12] == 0 {
				c.ram[p], c.ram[p+1] = byte(c.r[in.reg]), byte(c.r[in.reg]>>8)
				c.r[ESP] = c.r[ESP]&0xFFFF0000 | sp
				return
			}
		}
	}
	c.push16(uint16(c.r[in.reg]))
}

func pop16r(c *CPU, in *inst) {
	ss := &c.seg[SS]
	if ss.Attr&AttrDB == 0 {
		sp := c.r[ESP] & 0xFFFF
		if sp < ss.Limit {
			p := (ss.Base + sp) & c.amask
			if p&0xFFF != 0xFFF && c.pflags[p>>12]&bus.SlowRead == 0 {
				c.r[in.reg] = c.r[in.reg]&0xFFFF0000 | uint32(c.ram[p]) | uint32(c.ram[p+1])<<8
				c.r[ESP] = c.r[ESP]&0xFFFF0000 | (sp+2)&0xFFFF
				return
			}
		}
	}
	v := c.pop16()
	c.setReg16(in.reg, uint32(v))
}

// Jcc, one handler per condition, so the condition is not decoded at run
// time.
var jccFast = [16]func(*CPU, *inst){
	func(c *CPU, in *inst) {
		if c.of() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if !c.of() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if c.cf() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if !c.cf() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if c.zf() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if !c.zf() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if c.cf() || c.zf() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if !c.cf() && !c.zf() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if c.sf() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if !c.sf() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if c.pf() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if !c.pf() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if c.sf() != c.of() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if c.sf() == c.of() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if c.zf() || c.sf() != c.of() {
			c.ip = in.imm
		}
	},
	func(c *CPU, in *inst) {
		if !c.zf() && c.sf() == c.of() {
			c.ip = in.imm
		}
	},
}
