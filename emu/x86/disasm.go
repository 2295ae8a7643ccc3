package x86

import (
	"fmt"
	"strings"
)

// Disasm decodes the instruction at the start of code, as model m would
// execute it at offset ip in a 16-bit (def32 false) or 32-bit code
// segment, and renders it in Intel syntax. It returns the text and the
// length in bytes; bytes past the end of code read as zero.
func Disasm(m Model, code []byte, ip uint32, def32 bool) (string, int) {
	c := &CPU{model: m, tab: tables[m]}
	c.seg[CS].Limit = 0xFFFFFFFF
	var in inst
	f := fetcher{c: c, buf: code, ip: ip, mask: 0xFFFF, limit: 0xFFFFFFFF}
	if def32 {
		f.mask = 0xFFFFFFFF
	}
	c.decodeWith(&in, &f, ip, def32)
	return c.disasmInst(&in), int(in.len)
}

// DisasmAt renders the instruction at CS:IP of the CPU as it stands.
func (c *CPU) DisasmAt() string {
	var in inst
	cs := c.seg[CS]
	c.decode(&in, cs.Base, c.ip, cs.Attr&AttrDB != 0)
	return c.disasmInst(&in)
}

var (
	reg8Names  = [8]string{"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"}
	reg16Names = [9]string{"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", ""}
	reg32Names = [9]string{"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", ""}
)

func regName(n uint8, s uint8) string {
	switch s {
	case sz8:
		return reg8Names[n&7]
	case sz16:
		return reg16Names[n&7]
	}
	return reg32Names[n&7]
}

func hexv(v uint32) string { return fmt.Sprintf("0x%x", v) }

// disasmInst renders a decoded instruction.
func (c *CPU) disasmInst(in *inst) string {
	d := c.tab.def(in.op, in.reg)
	var b strings.Builder
	if in.pfx&pfxLock != 0 {
		b.WriteString("lock ")
	}
	if d.flags&fString != 0 {
		switch {
		case in.pfx&pfxRep != 0 && (in.op&0xF6 == 0xA6):
			b.WriteString("repe ")
		case in.pfx&pfxRep != 0:
			b.WriteString("rep ")
		case in.pfx&pfxRepne != 0:
			b.WriteString("repne ")
		}
	}
	name := d.mnemonic(in.osz)
	if d.flags&fInvalid != 0 || in.fn == nil || in.pfx&pfxEnd != 0 && in.vec == vecUD {
		return "(bad)"
	}
	if in.op == 0x8C || in.op == 0x8E {
		if n, ok := c.sreg(in); !ok || in.op == 0x8E && n == uint8(CS) && c.model >= I80286 {
			return "(bad)"
		}
	}
	if d.flags&fEsc != 0 {
		name = fmt.Sprintf("esc %d,", (in.op&7)<<3|uint16(in.reg))
	}
	b.WriteString(name)
	memShown := false
	for i, k := range d.kinds[:d.nargs] {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteByte(',')
		}
		s, mem := c.operand(in, d, k)
		memShown = memShown || mem
		b.WriteString(s)
	}
	if d.flags&fEsc != 0 {
		if in.mod == 3 {
			fmt.Fprintf(&b, "st%d", in.rm)
		} else {
			b.WriteString(c.memOperand(in, ""))
			memShown = true
		}
	}
	if in.pfx&pfxSeg != 0 && !memShown && d.flags&fString == 0 {
		return segNames[in.seg] + " " + b.String()
	}
	if in.pfx&pfxSeg != 0 && d.flags&fString != 0 && in.seg != uint8(DS) {
		return segNames[in.seg] + " " + b.String()
	}
	return b.String()
}

// operand renders one operand; mem says whether it was a memory operand.
func (c *CPU) operand(in *inst, d *opDef, k argKind) (string, bool) {
	osz := in.osz
	switch k {
	case aEb, aEw, aEv, aEd:
		s := map[argKind]uint8{aEb: sz8, aEw: sz16, aEv: osz, aEd: sz32}[k]
		if in.mod == 3 {
			return regName(in.rm, s), false
		}
		return c.memOperand(in, [3]string{"byte ", "word ", "dword "}[s]), true
	case aM:
		if in.mod == 3 {
			return regName(in.rm, osz), false
		}
		return c.memOperand(in, ""), true
	case aMp:
		if in.mod == 3 {
			return regName(in.rm, osz), false
		}
		return c.memOperand(in, ""), true
	case aGb:
		return regName(in.reg, sz8), false
	case aGw:
		return regName(in.reg, sz16), false
	case aGv:
		return regName(in.reg, osz), false
	case aGd:
		return regName(in.reg, sz32), false
	case aZb:
		return regName(in.reg, sz8), false
	case aZv:
		return regName(in.reg, osz), false
	case aIb, aIw, aIv:
		if d.nargs > 1 && d.kinds[1] == k && d.kinds[0] == aIw && k == aIb {
			return hexv(in.imm2), false // ENTER
		}
		return hexv(in.imm), false
	case aIbs:
		v := in.imm
		if int32(sext(v, osz)) < 0 {
			return "-" + hexv(uint32(-int32(sext(v, osz)))), false
		}
		return hexv(v), false
	case aI1:
		return "1", false
	case aJb, aJv:
		return hexv(in.imm), false
	case aAp:
		return fmt.Sprintf("0x%x:0x%x", in.imm2, in.imm), false
	case aOb, aOv:
		return c.memOperand(in, ""), true
	case aSw:
		n, _ := c.sreg(in)
		return segNames[n], false
	case aSeg:
		return segNames[d.fixed], false
	case aAL:
		return "al", false
	case aCL:
		return "cl", false
	case aDX:
		return "dx", false
	case aAXv:
		return regName(0, osz), false
	case aAXw:
		return "ax", false
	case aCd:
		return fmt.Sprintf("cr%d", in.reg), false
	case aDd:
		return fmt.Sprintf("dr%d", in.reg), false
	case aTd:
		return fmt.Sprintf("tr%d", in.reg), false
	case aRd:
		return regName(in.rm, sz32), false
	}
	return "?", false
}

// memOperand renders [seg:base+index*scale+disp].
func (c *CPU) memOperand(in *inst, size string) string {
	var b strings.Builder
	b.WriteString(size)
	b.WriteByte('[')
	if in.pfx&pfxSeg != 0 {
		b.WriteString(segNames[in.seg])
		b.WriteByte(':')
	}
	names := reg16Names
	if in.asz == sz32 {
		names = reg32Names
	}
	parts := 0
	if in.base != noReg {
		b.WriteString(names[in.base])
		parts++
	}
	if in.idxr != noReg {
		if parts > 0 {
			b.WriteByte('+')
		}
		b.WriteString(names[in.idxr])
		if in.sc != 0 {
			fmt.Fprintf(&b, "*%d", 1<<in.sc)
		}
		parts++
	}
	disp := in.disp
	switch {
	case parts == 0:
		b.WriteString(hexv(disp))
	case disp == 0:
	default:
		v := int64(int32(disp))
		if in.asz == sz16 {
			v = int64(int16(disp))
		}
		if v < 0 {
			fmt.Fprintf(&b, "-0x%x", -v)
		} else {
			fmt.Fprintf(&b, "+0x%x", v)
		}
	}
	b.WriteByte(']')
	return b.String()
}
