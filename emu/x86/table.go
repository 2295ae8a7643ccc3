package x86

import (
	"fmt"
	"strings"
)

// argKind is one operand in the table's notation (the Intel manual's
// addressing-method letters): E = ModRM r/m, G = ModRM reg, I = immediate,
// J = relative target, O = memory offset, S = segment register from reg,
// M = memory-only r/m, Z = register from the low three opcode bits, X/Y =
// the string source and destination; the size letter follows (b byte,
// w word, v operand size, d dword, p far pointer).
type argKind uint8

const (
	aNone argKind = iota
	aEb
	aEw
	aEv
	aEd
	aGb
	aGw
	aGv
	aGd
	aM  // memory, size given by the instruction (LEA, BOUND, LGDT)
	aMp // far pointer in memory (16:16 or 16:32)
	aIb
	aIbs // byte immediate sign-extended to the operand size
	aIw
	aIv
	aI1 // the constant 1 of D0/D1
	aJb
	aJv
	aAp // far pointer immediate
	aOb
	aOv
	aSw
	aZb // byte register from opcode bits 0..2
	aZv // operand-size register from opcode bits 0..2
	aAL
	aCL
	aDX
	aAXv // AX or EAX
	aAXw // AX
	aXb  // [seg:SI] byte
	aXv
	aYb // [ES:DI] byte
	aYv
	aSeg // fixed segment register (PUSH ES etc.), number in opDef.fixed
	aCd  // control register from reg
	aDd  // debug register from reg
	aTd  // test register from reg
	aRd  // 32-bit register from r/m (MOV CRn)
	aST  // x87 stack (ESC disassembly)
)

var argNames = map[string]argKind{
	"Eb": aEb, "Ew": aEw, "Ev": aEv, "Ed": aEd, "Gb": aGb, "Gw": aGw, "Gv": aGv, "Gd": aGd,
	"M": aM, "Mp": aMp, "Ib": aIb, "Ibs": aIbs, "Iw": aIw, "Iv": aIv, "1": aI1,
	"Jb": aJb, "Jv": aJv, "Ap": aAp, "Ob": aOb, "Ov": aOv, "Sw": aSw, "Zb": aZb, "Zv": aZv,
	"AL": aAL, "CL": aCL, "DX": aDX, "eAX": aAXv, "AX": aAXw, "Xb": aXb, "Xv": aXv, "Yb": aYb, "Yv": aYv,
	"Seg": aSeg, "Cd": aCd, "Dd": aDd, "Td": aTd, "Rd": aRd,
}

// opDef flags.
const (
	fModRM   = 1 << iota // a ModRM byte follows the opcode
	fTerm                // ends a basic block (changes CS:IP, mode, or may exit Run)
	fLock                // LOCK is allowed (with a memory destination)
	fString              // string instruction: REP makes it end its block
	fMemOnly             // the r/m operand must be memory (#UD otherwise, 286+)
	fPrefix              // a prefix byte (never looked up as an instruction)
	fEsc                 // x87 escape
	fInvalid             // undefined here: #UD (or the 8086's own behaviour)
)

// opDef is one row of the opcode table.
type opDef struct {
	name  string // mnemonic; "a|b" picks by operand size 16|32
	args  string
	flags uint16
	fn    func(*CPU, *inst)
	grp   *[8]opDef // ModRM.reg selects a row here
	fixed uint8     // aSeg: the segment register; otherwise an opcode-specific constant
	kinds [3]argKind
	nargs uint8
}

// opTable holds the one-byte page (0x000-0x0FF) and the 0F page (0x100-0x1FF).
type opTable [512]opDef

// def returns the row for opcode op (with ModRM.reg for group opcodes).
func (t *opTable) def(op uint16, reg uint8) *opDef {
	d := &t[op&0x1FF]
	if d.grp != nil {
		d = &d.grp[reg&7]
	}
	return d
}

func (d *opDef) mnemonic(osz uint8) string {
	if i := strings.IndexByte(d.name, '|'); i >= 0 {
		if osz == sz32 {
			return d.name[i+1:]
		}
		return d.name[:i]
	}
	return d.name
}

var tables [4]*opTable

func init() {
	fillPage1()
	for m := range tables {
		tables[m] = buildTable(Model(m))
	}
}

func o(name, args string, flags uint16, fn func(*CPU, *inst)) opDef {
	return opDef{name: name, args: args, flags: flags, fn: fn}
}

func g(args string, flags uint16, grp *[8]opDef) opDef {
	return opDef{args: args, flags: flags | fModRM, grp: grp}
}

var undef = opDef{name: "(bad)", flags: fTerm | fInvalid, fn: xUD}

// The 386 one-byte page. Rows that older models lack are fixed up in
// buildTable.
var page1 = [256]opDef{
	0x00: o("add", "Eb,Gb", fModRM|fLock, xALU), 0x01: o("add", "Ev,Gv", fModRM|fLock, xALU),
	0x02: o("add", "Gb,Eb", fModRM, xALU), 0x03: o("add", "Gv,Ev", fModRM, xALU),
	0x04: o("add", "AL,Ib", 0, xALU), 0x05: o("add", "eAX,Iv", 0, xALU),
	0x06: {name: "push", args: "Seg", fn: xPushSeg, fixed: uint8(ES)},
	0x07: {name: "pop", args: "Seg", fn: xPopSeg, fixed: uint8(ES)},
	0x08: o("or", "Eb,Gb", fModRM|fLock, xALU), 0x09: o("or", "Ev,Gv", fModRM|fLock, xALU),
	0x0A: o("or", "Gb,Eb", fModRM, xALU), 0x0B: o("or", "Gv,Ev", fModRM, xALU),
	0x0C: o("or", "AL,Ib", 0, xALU), 0x0D: o("or", "eAX,Iv", 0, xALU),
	0x0E: {name: "push", args: "Seg", fn: xPushSeg, fixed: uint8(CS)},
	0x0F: undef, // the 0F page on the 286+, POP CS on the 8086
	0x10: o("adc", "Eb,Gb", fModRM|fLock, xALU), 0x11: o("adc", "Ev,Gv", fModRM|fLock, xALU),
	0x12: o("adc", "Gb,Eb", fModRM, xALU), 0x13: o("adc", "Gv,Ev", fModRM, xALU),
	0x14: o("adc", "AL,Ib", 0, xALU), 0x15: o("adc", "eAX,Iv", 0, xALU),
	0x16: {name: "push", args: "Seg", fn: xPushSeg, fixed: uint8(SS)},
	0x17: {name: "pop", args: "Seg", fn: xPopSeg, fixed: uint8(SS)},
	0x18: o("sbb", "Eb,Gb", fModRM|fLock, xALU), 0x19: o("sbb", "Ev,Gv", fModRM|fLock, xALU),
	0x1A: o("sbb", "Gb,Eb", fModRM, xALU), 0x1B: o("sbb", "Gv,Ev", fModRM, xALU),
	0x1C: o("sbb", "AL,Ib", 0, xALU), 0x1D: o("sbb", "eAX,Iv", 0, xALU),
	0x1E: {name: "push", args: "Seg", fn: xPushSeg, fixed: uint8(DS)},
	0x1F: {name: "pop", args: "Seg", fn: xPopSeg, fixed: uint8(DS)},
	0x20: o("and", "Eb,Gb", fModRM|fLock, xALU), 0x21: o("and", "Ev,Gv", fModRM|fLock, xALU),
	0x22: o("and", "Gb,Eb", fModRM, xALU), 0x23: o("and", "Gv,Ev", fModRM, xALU),
	0x24: o("and", "AL,Ib", 0, xALU), 0x25: o("and", "eAX,Iv", 0, xALU),
	0x26: {name: "es", flags: fPrefix, fn: xNop}, 0x27: o("daa", "", 0, xDAA),
	0x28: o("sub", "Eb,Gb", fModRM|fLock, xALU), 0x29: o("sub", "Ev,Gv", fModRM|fLock, xALU),
	0x2A: o("sub", "Gb,Eb", fModRM, xALU), 0x2B: o("sub", "Gv,Ev", fModRM, xALU),
	0x2C: o("sub", "AL,Ib", 0, xALU), 0x2D: o("sub", "eAX,Iv", 0, xALU),
	0x2E: {name: "cs", flags: fPrefix, fn: xNop}, 0x2F: o("das", "", 0, xDAS),
	0x30: o("xor", "Eb,Gb", fModRM|fLock, xALU), 0x31: o("xor", "Ev,Gv", fModRM|fLock, xALU),
	0x32: o("xor", "Gb,Eb", fModRM, xALU), 0x33: o("xor", "Gv,Ev", fModRM, xALU),
	0x34: o("xor", "AL,Ib", 0, xALU), 0x35: o("xor", "eAX,Iv", 0, xALU),
	0x36: {name: "ss", flags: fPrefix, fn: xNop}, 0x37: o("aaa", "", 0, xAAA),
	0x38: o("cmp", "Eb,Gb", fModRM, xALU), 0x39: o("cmp", "Ev,Gv", fModRM, xALU),
	0x3A: o("cmp", "Gb,Eb", fModRM, xALU), 0x3B: o("cmp", "Gv,Ev", fModRM, xALU),
	0x3C: o("cmp", "AL,Ib", 0, xALU), 0x3D: o("cmp", "eAX,Iv", 0, xALU),
	0x3E: {name: "ds", flags: fPrefix, fn: xNop}, 0x3F: o("aas", "", 0, xAAS),

	0x60: o("pusha|pushad", "", 0, xPusha), 0x61: o("popa|popad", "", 0, xPopa),
	0x62: o("bound", "Gv,M", fModRM|fMemOnly, xBound), 0x63: o("arpl", "Ew,Gw", fModRM, xArpl),
	0x64: {name: "fs", flags: fPrefix, fn: xNop}, 0x65: {name: "gs", flags: fPrefix, fn: xNop},
	0x66: {name: "o32", flags: fPrefix, fn: xNop}, 0x67: {name: "a32", flags: fPrefix, fn: xNop},
	0x68: o("push", "Iv", 0, xPushImm), 0x69: o("imul", "Gv,Ev,Iv", fModRM, xImul3),
	0x6A: o("push", "Ibs", 0, xPushImm), 0x6B: o("imul", "Gv,Ev,Ibs", fModRM, xImul3),
	0x6C: o("insb", "", fString|fTerm, xIns), 0x6D: o("insw|insd", "", fString|fTerm, xIns),
	0x6E: o("outsb", "", fString|fTerm, xOuts), 0x6F: o("outsw|outsd", "", fString|fTerm, xOuts),

	0x80: g("Eb,Ib", fLock, &grp1), 0x81: g("Ev,Iv", fLock, &grp1),
	0x82: g("Eb,Ib", fLock, &grp1), 0x83: g("Ev,Ibs", fLock, &grp1),
	0x84: o("test", "Eb,Gb", fModRM, xTest), 0x85: o("test", "Ev,Gv", fModRM, xTest),
	0x86: o("xchg", "Eb,Gb", fModRM|fLock, xXchg), 0x87: o("xchg", "Ev,Gv", fModRM|fLock, xXchg),
	0x88: o("mov", "Eb,Gb", fModRM, xMovEG), 0x89: o("mov", "Ev,Gv", fModRM, xMovEG),
	0x8A: o("mov", "Gb,Eb", fModRM, xMovGE), 0x8B: o("mov", "Gv,Ev", fModRM, xMovGE),
	0x8C: o("mov", "Ev,Sw", fModRM, xMovEwSw), 0x8D: o("lea", "Gv,M", fModRM|fMemOnly, xLea),
	0x8E: o("mov", "Sw,Ew", fModRM, xMovSwEw), 0x8F: g("Ev", 0, &grp1a),
	0x90: o("nop", "", 0, xNop),
	0x98: o("cbw|cwde", "", 0, xCbw), 0x99: o("cwd|cdq", "", 0, xCwd),
	0x9A: o("call", "Ap", fTerm, xCallFarImm), 0x9B: o("wait", "", 0, xWait),
	0x9C: o("pushf|pushfd", "", 0, xPushf), 0x9D: o("popf|popfd", "", fTerm, xPopf),
	0x9E: o("sahf", "", 0, xSahf), 0x9F: o("lahf", "", 0, xLahf),
	0xA0: o("mov", "AL,Ob", 0, xMovAO), 0xA1: o("mov", "eAX,Ov", 0, xMovAO),
	0xA2: o("mov", "Ob,AL", 0, xMovOA), 0xA3: o("mov", "Ov,eAX", 0, xMovOA),
	0xA4: o("movsb", "", fString, xMovs), 0xA5: o("movsw|movsd", "", fString, xMovs),
	0xA6: o("cmpsb", "", fString, xCmps), 0xA7: o("cmpsw|cmpsd", "", fString, xCmps),
	0xA8: o("test", "AL,Ib", 0, xTest), 0xA9: o("test", "eAX,Iv", 0, xTest),
	0xAA: o("stosb", "", fString, xStos), 0xAB: o("stosw|stosd", "", fString, xStos),
	0xAC: o("lodsb", "", fString, xLods), 0xAD: o("lodsw|lodsd", "", fString, xLods),
	0xAE: o("scasb", "", fString, xScas), 0xAF: o("scasw|scasd", "", fString, xScas),

	0xC0: g("Eb,Ib", 0, &grp2), 0xC1: g("Ev,Ib", 0, &grp2),
	0xC2: o("ret", "Iw", fTerm, xRet), 0xC3: o("ret", "", fTerm, xRet),
	0xC4: o("les", "Gv,Mp", fModRM|fMemOnly, xLoadFar), 0xC5: o("lds", "Gv,Mp", fModRM|fMemOnly, xLoadFar),
	0xC6: g("Eb,Ib", 0, &grp11), 0xC7: g("Ev,Iv", 0, &grp11),
	0xC8: o("enter", "Iw,Ib", 0, xEnter), 0xC9: o("leave", "", 0, xLeave),
	0xCA: o("retf", "Iw", fTerm, xRetf), 0xCB: o("retf", "", fTerm, xRetf),
	0xCC: o("int3", "", fTerm, xInt3), 0xCD: o("int", "Ib", fTerm, xInt),
	0xCE: o("into", "", fTerm, xInto), 0xCF: o("iret|iretd", "", fTerm, xIret),
	0xD0: g("Eb,1", 0, &grp2), 0xD1: g("Ev,1", 0, &grp2),
	0xD2: g("Eb,CL", 0, &grp2), 0xD3: g("Ev,CL", 0, &grp2),
	0xD4: o("aam", "Ib", 0, xAam), 0xD5: o("aad", "Ib", 0, xAad),
	0xD6: o("salc", "", 0, xSalc), 0xD7: o("xlatb", "", 0, xXlat),
	0xD8: o("esc", "", fModRM|fEsc, xEsc), 0xD9: o("esc", "", fModRM|fEsc, xEsc),
	0xDA: o("esc", "", fModRM|fEsc, xEsc), 0xDB: o("esc", "", fModRM|fEsc, xEsc),
	0xDC: o("esc", "", fModRM|fEsc, xEsc), 0xDD: o("esc", "", fModRM|fEsc, xEsc),
	0xDE: o("esc", "", fModRM|fEsc, xEsc), 0xDF: o("esc", "", fModRM|fEsc, xEsc),
	0xE0: o("loopne", "Jb", fTerm, xLoop), 0xE1: o("loope", "Jb", fTerm, xLoop),
	0xE2: o("loop", "Jb", fTerm, xLoop), 0xE3: o("jcxz|jecxz", "Jb", fTerm, xJcxz),
	0xE4: o("in", "AL,Ib", fTerm, xIn), 0xE5: o("in", "eAX,Ib", fTerm, xIn),
	0xE6: o("out", "Ib,AL", fTerm, xOut), 0xE7: o("out", "Ib,eAX", fTerm, xOut),
	0xE8: o("call", "Jv", fTerm, xCallRel), 0xE9: o("jmp", "Jv", fTerm, xJmpRel),
	0xEA: o("jmp", "Ap", fTerm, xJmpFarImm), 0xEB: o("jmp", "Jb", fTerm, xJmpRel),
	0xEC: o("in", "AL,DX", fTerm, xIn), 0xED: o("in", "eAX,DX", fTerm, xIn),
	0xEE: o("out", "DX,AL", fTerm, xOut), 0xEF: o("out", "DX,eAX", fTerm, xOut),
	0xF0: {name: "lock", flags: fPrefix, fn: xNop}, 0xF1: o("icebp", "", fTerm, xIcebp),
	0xF2: {name: "repne", flags: fPrefix, fn: xNop}, 0xF3: {name: "rep", flags: fPrefix, fn: xNop},
	0xF4: o("hlt", "", fTerm, xHlt), 0xF5: o("cmc", "", 0, xFlagOp),
	0xF6: g("Eb", 0, &grp3), 0xF7: g("Ev", 0, &grp3),
	0xF8: o("clc", "", 0, xFlagOp), 0xF9: o("stc", "", 0, xFlagOp),
	0xFA: o("cli", "", 0, xFlagOp), 0xFB: o("sti", "", fTerm, xFlagOp), // STI ends its block so its shadow can be timed
	0xFC: o("cld", "", 0, xFlagOp), 0xFD: o("std", "", 0, xFlagOp),
	0xFE: g("Eb", 0, &grp4), 0xFF: g("Ev", 0, &grp5),
}

var (
	grp1 = [8]opDef{
		o("add", "", fLock, xGrp1), o("or", "", fLock, xGrp1), o("adc", "", fLock, xGrp1), o("sbb", "", fLock, xGrp1),
		o("and", "", fLock, xGrp1), o("sub", "", fLock, xGrp1), o("xor", "", fLock, xGrp1), o("cmp", "", 0, xGrp1),
	}
	grp1a = [8]opDef{o("pop", "", 0, xPopEv), undef, undef, undef, undef, undef, undef, undef}
	grp2  = [8]opDef{
		o("rol", "", 0, xGrp2), o("ror", "", 0, xGrp2), o("rcl", "", 0, xGrp2), o("rcr", "", 0, xGrp2),
		o("shl", "", 0, xGrp2), o("shr", "", 0, xGrp2), o("sal", "", 0, xGrp2), o("sar", "", 0, xGrp2),
	}
	grp3 = [8]opDef{
		o("test", "*,I", 0, xTestEI), o("test", "*,I", 0, xTestEI), o("not", "", fLock, xNot), o("neg", "", fLock, xNeg),
		o("mul", "", 0, xMul), o("imul", "", 0, xImul1), o("div", "", 0, xDiv), o("idiv", "", 0, xIdiv),
	}
	grp4 = [8]opDef{o("inc", "", fLock, xIncDecRM), o("dec", "", fLock, xIncDecRM), undef, undef, undef, undef, undef, undef}
	grp5 = [8]opDef{
		o("inc", "", fLock, xIncDecRM), o("dec", "", fLock, xIncDecRM),
		o("call", "", fTerm, xCallInd), o("call far", "Mp", fTerm|fMemOnly, xCallFarInd),
		o("jmp", "", fTerm, xJmpInd), o("jmp far", "Mp", fTerm|fMemOnly, xJmpFarInd),
		o("push", "", 0, xPushEv), undef,
	}
	grp11 = [8]opDef{o("mov", "", 0, xMovEI), undef, undef, undef, undef, undef, undef, undef}

	// 0F page.
	grp6 = [8]opDef{
		o("sldt", "Ew", 0, xGrp6), o("str", "Ew", 0, xGrp6), o("lldt", "Ew", 0, xGrp6), o("ltr", "Ew", 0, xGrp6),
		o("verr", "Ew", 0, xGrp6), o("verw", "Ew", 0, xGrp6), undef, undef,
	}
	grp7 = [8]opDef{
		o("sgdt", "M", fMemOnly, xSdt), o("sidt", "M", fMemOnly, xSdt),
		o("lgdt", "M", fMemOnly|fTerm, xLdt), o("lidt", "M", fMemOnly|fTerm, xLdt),
		o("smsw", "Ew", 0, xSmsw), undef, o("lmsw", "Ew", fTerm, xLmsw), undef,
	}
	grp8 = [8]opDef{undef, undef, undef, undef,
		o("bt", "", 0, xBtImm), o("bts", "", fLock, xBtImm), o("btr", "", fLock, xBtImm), o("btc", "", fLock, xBtImm),
	}
)

// page2 is the 0F page (index op&0xFF).
var page2 = func() (t [256]opDef) {
	for i := range t {
		t[i] = undef
	}
	t[0x00] = g("", 0, &grp6)
	t[0x01] = g("", 0, &grp7)
	t[0x02] = o("lar", "Gv,Ew", fModRM, xLarLsl)
	t[0x03] = o("lsl", "Gv,Ew", fModRM, xLarLsl)
	t[0x06] = o("clts", "", 0, xClts)
	t[0x20] = o("mov", "Rd,Cd", fModRM|fTerm, xMovRC)
	t[0x21] = o("mov", "Rd,Dd", fModRM, xMovRD)
	t[0x22] = o("mov", "Cd,Rd", fModRM|fTerm, xMovCR)
	t[0x23] = o("mov", "Dd,Rd", fModRM, xMovDR)
	t[0x24] = o("mov", "Rd,Td", fModRM, xMovRT)
	t[0x26] = o("mov", "Td,Rd", fModRM, xMovTR)
	jcc := [16]string{"jo", "jno", "jb", "jae", "je", "jne", "jbe", "ja", "js", "jns", "jp", "jnp", "jl", "jge", "jle", "jg"}
	for i, n := range jcc {
		t[0x80+i] = o(n, "Jv", fTerm, xJcc)
		t[0x90+i] = o("set"+n[1:], "Eb", fModRM, xSetcc)
	}
	t[0xA0] = opDef{name: "push", args: "Seg", fn: xPushSeg, fixed: uint8(FS)}
	t[0xA1] = opDef{name: "pop", args: "Seg", fn: xPopSeg, fixed: uint8(FS)}
	t[0xA3] = o("bt", "Ev,Gv", fModRM, xBt)
	t[0xA4] = o("shld", "Ev,Gv,Ib", fModRM, xShd)
	t[0xA5] = o("shld", "Ev,Gv,CL", fModRM, xShd)
	t[0xA8] = opDef{name: "push", args: "Seg", fn: xPushSeg, fixed: uint8(GS)}
	t[0xA9] = opDef{name: "pop", args: "Seg", fn: xPopSeg, fixed: uint8(GS)}
	t[0xAB] = o("bts", "Ev,Gv", fModRM|fLock, xBt)
	t[0xAC] = o("shrd", "Ev,Gv,Ib", fModRM, xShd)
	t[0xAD] = o("shrd", "Ev,Gv,CL", fModRM, xShd)
	t[0xAF] = o("imul", "Gv,Ev", fModRM, xImul2)
	t[0xB2] = o("lss", "Gv,Mp", fModRM|fMemOnly, xLoadFar)
	t[0xB3] = o("btr", "Ev,Gv", fModRM|fLock, xBt)
	t[0xB4] = o("lfs", "Gv,Mp", fModRM|fMemOnly, xLoadFar)
	t[0xB5] = o("lgs", "Gv,Mp", fModRM|fMemOnly, xLoadFar)
	t[0xB6] = o("movzx", "Gv,Eb", fModRM, xMovx)
	t[0xB7] = o("movzx", "Gv,Ew", fModRM, xMovx)
	t[0xBA] = g("Ev,Ib", 0, &grp8)
	t[0xBB] = o("btc", "Ev,Gv", fModRM|fLock, xBt)
	t[0xBC] = o("bsf", "Gv,Ev", fModRM, xBsf)
	t[0xBD] = o("bsr", "Gv,Ev", fModRM, xBsr)
	t[0xBE] = o("movsx", "Gv,Eb", fModRM, xMovx)
	t[0xBF] = o("movsx", "Gv,Ew", fModRM, xMovx)
	return
}()

// fillPage1 adds the rows that come in runs of eight or sixteen.
func fillPage1() {
	for i := 0; i < 8; i++ {
		page1[0x40+i] = o("inc", "Zv", 0, xIncDecReg)
		page1[0x48+i] = o("dec", "Zv", 0, xIncDecReg)
		page1[0x50+i] = o("push", "Zv", 0, xPushReg)
		page1[0x58+i] = o("pop", "Zv", 0, xPopReg)
		page1[0xB0+i] = o("mov", "Zb,Ib", 0, xMovZI)
		page1[0xB8+i] = o("mov", "Zv,Iv", 0, xMovZI)
		if i > 0 {
			page1[0x90+i] = o("xchg", "Zv,eAX", 0, xXchgAX)
		}
	}
	jcc := [16]string{"jo", "jno", "jb", "jae", "je", "jne", "jbe", "ja", "js", "jns", "jp", "jnp", "jl", "jge", "jle", "jg"}
	for i, n := range jcc {
		page1[0x70+i] = o(n, "Jb", fTerm, xJcc)
	}
	// Group rows take their operands from the head row.
	for _, gr := range []*[8]opDef{&grp1, &grp1a, &grp2, &grp3, &grp4, &grp5, &grp11, &grp6, &grp7, &grp8} {
		for i := range gr {
			gr[i].flags |= fModRM
		}
	}
}

// Rows a model lacks. The 8086 and 80186 have no 0F page; the 8086 has no
// #UD at all, and its decoder maps the holes onto neighbours (60-6F are
// 70-7F again, C0/C1 are C2/C3, C8/C9 are CA/CB, 0F is POP CS, F1 is LOCK).
func buildTable(m Model) *opTable {
	t := new(opTable)
	copy(t[:256], page1[:])
	copy(t[256:], page2[:])
	t[0x0F] = opDef{name: "(0f)", flags: fPrefix}
	parse := func(d *opDef, head *opDef) {
		args := d.args
		if args == "*,I" {
			args = head.args + ",Iv"
			if strings.HasSuffix(head.args, "b") {
				args = head.args + ",Ib"
			}
		} else if args == "" && head != nil {
			args = head.args
		}
		if args == "" {
			return
		}
		for i, a := range strings.Split(args, ",") {
			k, ok := argNames[a]
			if !ok {
				panic(fmt.Sprintf("x86: table: %s: unknown operand %q", d.name, a))
			}
			d.kinds[i] = k
			d.nargs = uint8(i + 1)
		}
	}
	if m < I80386 {
		for _, op := range []int{0x64, 0x65, 0x66, 0x67} {
			t[op] = undef
		}
		t[0xF1] = opDef{name: "lock", flags: fPrefix, fn: xNop}
		for i := 256; i < 512; i++ {
			t[i] = undef
		}
		if m == I80286 {
			t[0x100] = g("", 0, &grp6)
			t[0x101] = g("", 0, &grp7)
			t[0x102] = o("lar", "Gv,Ew", fModRM, xLarLsl)
			t[0x103] = o("lsl", "Gv,Ew", fModRM, xLarLsl)
			t[0x106] = o("clts", "", 0, xClts)
		}
	}
	if m < I80286 {
		t[0x0F] = undef
		t[0x63] = undef
	}
	if m < I80186 {
		for i := 0; i < 16; i++ {
			t[0x60+i] = t[0x70+i]
		}
		t[0xC0], t[0xC1] = t[0xC2], t[0xC3]
		t[0xC8], t[0xC9] = t[0xCA], t[0xCB]
		t[0x0F] = opDef{name: "pop", args: "Seg", flags: fTerm, fn: xPopSeg, fixed: uint8(CS)}
	}
	// Group tables are shared between models; give each model its own
	// copy so the 8086's reinterpretation of undefined rows stays local.
	for op := range t {
		d := &t[op]
		if d.grp == nil {
			parse(d, nil)
			continue
		}
		gr := *d.grp
		for i := range gr {
			if gr[i].flags&fInvalid != 0 && m < I80186 {
				gr[i] = i8086GroupRow(op, i, gr)
			}
			if m < I80186 && op >= 0xD0 && op <= 0xD3 && i == 6 {
				// Sets the operand to all ones (SETMOC: only if CL is not 0).
				gr[i].name, gr[i].args = "setmo", "Eb"
				if op == 0xD2 || op == 0xD3 {
					gr[i].name = "setmoc"
				}
				if op&1 != 0 {
					gr[i].args = "Ev"
				}
			}
			parse(&gr[i], d)
		}
		d.grp = &gr
	}
	return t
}

// i8086GroupRow gives what the 8086 does for a group row that later models
// reject: the reg field is partly ignored.
func i8086GroupRow(op, reg int, gr [8]opDef) opDef {
	switch op {
	case 0x8F, 0xC6, 0xC7: // the reg field is ignored
		return gr[0]
	case 0xFF: // FF /7 is PUSH
		return gr[6]
	case 0xFE: // FE /2../7: the FF operation on a byte operand; not characterised, executed as FF
		return opDef{name: [8]string{2: "call", 3: "call far", 4: "jmp", 5: "jmp far", 6: "push", 7: "push"}[reg],
			flags: fModRM | fTerm, fn: xFE8086}
	}
	return undef
}
