package x86

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/nachoos/nacho/emu"
	"github.com/nachoos/nacho/emu/bus"
	"github.com/nachoos/nacho/emu/x86/internal/hostcpu"
)

// The 386's 32-bit operations have no hardware test suite here, but the
// host is an x86: run random register-only instructions on both and
// compare results and every flag the architecture defines. 64-bit mode
// runs the same encodings with the operand-size prefix the other way round
// (16-bit code needs 66 for 32-bit operands; 64-bit mode for 16-bit ones).

type hcase struct {
	name        string
	guest, host []byte
	n           int    // instructions at most (a taken Jcc skips one)
	undef       uint32 // flags the architecture leaves undefined
}

const (
	fC, fP, fA, fZ, fS, fO = FlagCF, FlagPF, FlagAF, FlagZF, FlagSF, FlagOF
)

// hostGen draws random instructions and register files.
type hostGen struct {
	r    *rand.Rand
	regs [8]uint32
}

var edgeValues = []uint32{0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE}

func (g *hostGen) value() uint32 {
	switch g.r.Intn(4) {
	case 0:
		return edgeValues[g.r.Intn(len(edgeValues))]
	case 1:
		return uint32(g.r.Intn(256))
	}
	return g.r.Uint32()
}

func (g *hostGen) size() int { return [3]int{8, 16, 32}[g.r.Intn(3)] }

// reg picks a register number for an operand of the size (never SP/ESP).
func (g *hostGen) reg(size int) uint8 {
	for {
		n := uint8(g.r.Intn(8))
		if size == 8 || n != 4 {
			return n
		}
	}
}

// enc builds both encodings of prefix-free opcode bytes op, a register
// ModRM (reg field or group number in reg) and an immediate.
func enc(size int, op []byte, reg, rm uint8, imm []byte) (guest, host []byte) {
	body := append(append(append([]byte{}, op...), 0xC0|reg<<3|rm), imm...)
	switch size {
	case 32:
		guest = append([]byte{0x66}, body...)
		host = body
	case 16:
		guest = body
		host = append([]byte{0x66}, body...)
	default:
		guest, host = body, body
	}
	return
}

func immBytes(v uint32, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(v >> (8 * i))
	}
	return b
}

func wbit(size int, op byte) []byte {
	if size == 8 {
		return []byte{op}
	}
	return []byte{op | 1}
}

// regVal reads register n of the size from the generator's registers.
func (g *hostGen) regVal(n uint8, size int) uint32 {
	switch size {
	case 8:
		return g.regs[n&3] >> ((n & 4) << 1) & 0xFF
	case 16:
		return g.regs[n] & 0xFFFF
	}
	return g.regs[n]
}

func (g *hostGen) gen() (hcase, bool) {
	r := g.r
	size := g.size()
	reg, rm := g.reg(size), g.reg(size)
	switch k := r.Intn(20); k {
	case 0, 1: // ALU r/m, r
		op := byte(r.Intn(8) << 3)
		gu, ho := enc(size, wbit(size, op), reg, rm, nil)
		u := uint32(0)
		if op == 0x08 || op == 0x20 || op == 0x30 {
			u = fA
		}
		return hcase{fmt.Sprintf("alu%02x/%d", op, size), gu, ho, 1, u}, true
	case 2: // group 1 with an immediate
		grp := uint8(r.Intn(8))
		var gu, ho []byte
		switch {
		case size == 8:
			gu, ho = enc(8, []byte{0x80}, grp, rm, immBytes(g.value(), 1))
		case r.Intn(2) == 0:
			gu, ho = enc(size, []byte{0x83}, grp, rm, immBytes(g.value(), 1))
		default:
			gu, ho = enc(size, []byte{0x81}, grp, rm, immBytes(g.value(), size/8))
		}
		u := uint32(0)
		if grp == 1 || grp == 4 || grp == 6 {
			u = fA
		}
		return hcase{fmt.Sprintf("grp1/%d/%d", grp, size), gu, ho, 1, u}, true
	case 3: // TEST, NOT, NEG, INC, DEC
		switch r.Intn(5) {
		case 0:
			gu, ho := enc(size, wbit(size, 0x84), reg, rm, nil)
			return hcase{"test", gu, ho, 1, fA}, true
		case 1:
			gu, ho := enc(size, wbit(size, 0xF6), 0, rm, immBytes(g.value(), min(size/8, 4)))
			return hcase{"test-imm", gu, ho, 1, fA}, true
		case 2, 3:
			gu, ho := enc(size, wbit(size, 0xF6), uint8(2+r.Intn(2)), rm, nil)
			return hcase{"not/neg", gu, ho, 1, 0}, true
		default:
			gu, ho := enc(size, wbit(size, 0xFE), uint8(r.Intn(2)), rm, nil)
			return hcase{"inc/dec", gu, ho, 1, 0}, true
		}
	case 4: // MUL, IMUL
		gu, ho := enc(size, wbit(size, 0xF6), uint8(4+r.Intn(2)), rm, nil)
		return hcase{fmt.Sprintf("mul/%d", size), gu, ho, 1, fS | fZ | fA | fP}, true
	case 5: // DIV, IDIV, only where the hardware does not fault
		grp := uint8(6 + r.Intn(2))
		if !g.divides(size, grp == 7, g.regVal(rm, size)) {
			return hcase{}, false
		}
		gu, ho := enc(size, wbit(size, 0xF6), grp, rm, nil)
		return hcase{fmt.Sprintf("div%d/%d", grp, size), gu, ho, 1, fC | fP | fA | fZ | fS | fO}, true
	case 6, 7: // shifts and rotates
		grp := uint8(r.Intn(8))
		var gu, ho []byte
		var cnt uint32
		switch r.Intn(3) {
		case 0:
			cnt = 1
			gu, ho = enc(size, wbit(size, 0xD0), grp, rm, nil)
		case 1:
			cnt = uint32(r.Intn(40))
			gu, ho = enc(size, wbit(size, 0xC0), grp, rm, []byte{byte(cnt)})
		default:
			cnt = g.regs[ECX] & 0xFF
			if rm == 1 && size > 8 {
				rm = 0
			}
			gu, ho = enc(size, wbit(size, 0xD2), grp, rm, nil)
		}
		cnt &= 31
		u := uint32(0)
		if cnt != 0 {
			if grp >= 4 {
				u |= fA
			}
			if cnt != 1 {
				u |= fO
			}
			if (grp == 4 || grp == 5 || grp == 6) && cnt >= uint32(size) {
				u |= fC
			}
		}
		return hcase{fmt.Sprintf("shift%d/%d/%d", grp, size, cnt), gu, ho, 1, u}, true
	case 8: // IMUL 2- and 3-operand
		if size == 8 {
			size = 16
			reg, rm = g.reg(16), g.reg(16)
		}
		var gu, ho []byte
		switch r.Intn(3) {
		case 0:
			gu, ho = enc(size, []byte{0x0F, 0xAF}, reg, rm, nil)
		case 1:
			gu, ho = enc(size, []byte{0x6B}, reg, rm, immBytes(g.value(), 1))
		default:
			gu, ho = enc(size, []byte{0x69}, reg, rm, immBytes(g.value(), size/8))
		}
		return hcase{"imul2/3", gu, ho, 1, fS | fZ | fA | fP}, true
	case 9: // SHLD, SHRD
		if size == 8 {
			size = 32
			reg, rm = g.reg(32), g.reg(32)
		}
		var cnt uint32
		op := byte([2]byte{0xA4, 0xAC}[r.Intn(2)])
		var gu, ho []byte
		if r.Intn(2) == 0 {
			cnt = uint32(r.Intn(32))
			gu, ho = enc(size, []byte{0x0F, op}, reg, rm, []byte{byte(cnt)})
		} else {
			cnt = g.regs[ECX] & 31
			gu, ho = enc(size, []byte{0x0F, op + 1}, reg, rm, nil)
		}
		cnt &= 31
		if size == 16 && cnt > 16 {
			return hcase{}, false // undefined result
		}
		u := uint32(0)
		if cnt != 0 {
			u = fA
			if cnt != 1 {
				u |= fO
			}
		}
		return hcase{fmt.Sprintf("shd%02x/%d/%d", op, size, cnt), gu, ho, 1, u}, true
	case 10: // BT BTS BTR BTC
		if size == 8 {
			size = 16
			reg, rm = g.reg(16), g.reg(16)
		}
		var gu, ho []byte
		if r.Intn(2) == 0 {
			op := []byte{0xA3, 0xAB, 0xB3, 0xBB}[r.Intn(4)]
			gu, ho = enc(size, []byte{0x0F, op}, reg, rm, nil)
		} else {
			gu, ho = enc(size, []byte{0x0F, 0xBA}, uint8(4+r.Intn(4)), rm, []byte{byte(r.Intn(256))})
		}
		return hcase{"bt", gu, ho, 1, fO | fS | fA | fP}, true
	case 11: // BSF, BSR (a zero source leaves the destination undefined)
		if size == 8 {
			size = 16
			reg, rm = g.reg(16), g.reg(16)
		}
		if g.regVal(rm, size) == 0 {
			return hcase{}, false
		}
		gu, ho := enc(size, []byte{0x0F, 0xBC + byte(r.Intn(2))}, reg, rm, nil)
		return hcase{"bsf/bsr", gu, ho, 1, fC | fO | fS | fA | fP}, true
	case 12: // MOVZX, MOVSX
		if size == 8 {
			size = 32
		}
		reg = g.reg(size)
		src := 8
		if r.Intn(2) == 0 {
			src = 16
		}
		rm = g.reg(src)
		op := byte(0xB6)
		if src == 16 {
			op = 0xB7
		}
		if r.Intn(2) == 0 {
			op += 8
		}
		gu, ho := enc(size, []byte{0x0F, op}, reg, rm, nil)
		return hcase{"movx", gu, ho, 1, 0}, true
	case 13: // CBW CWDE CWD CDQ, CMC CLC STC, XCHG, MOV
		switch r.Intn(4) {
		case 0:
			if size == 8 {
				size = 16
			}
			op := byte(0x98 + r.Intn(2))
			gu, ho := []byte{op}, []byte{op}
			if size == 32 {
				gu = []byte{0x66, op}
			} else {
				ho = []byte{0x66, op}
			}
			return hcase{"cbw/cwd", gu, ho, 1, 0}, true
		case 1:
			op := []byte{0xF5, 0xF8, 0xF9}[r.Intn(3)]
			return hcase{"cmc", []byte{op}, []byte{op}, 1, 0}, true
		case 2:
			gu, ho := enc(size, wbit(size, 0x86), reg, rm, nil)
			return hcase{"xchg", gu, ho, 1, 0}, true
		default:
			gu, ho := enc(size, wbit(size, byte(0x88+2*r.Intn(2))), reg, rm, nil)
			return hcase{"mov", gu, ho, 1, 0}, true
		}
	default: // a flag producer, then a consumer: lazy flags across instructions
		p, ok := g.producer()
		if !ok {
			return hcase{}, false
		}
		var gu, ho []byte
		name := p.name
		switch r.Intn(3) {
		case 0: // SETcc reads CF ZF SF OF PF
			gu, ho = enc(8, []byte{0x0F, 0x90 + byte(r.Intn(16))}, 0, g.reg(8), nil)
			name += "+setcc"
		case 1: // ADC/SBB read CF
			s := g.size()
			gu, ho = enc(s, wbit(s, byte(0x10+8*r.Intn(2))), g.reg(s), g.reg(s), nil)
			p.undef = 0
			name += "+adc/sbb"
		default: // Jcc over a MOV: the condition decides a register
			cc := byte(r.Intn(16))
			gu = []byte{0x70 + cc, 0x06, 0x66, 0xB8, 0x78, 0x56, 0x34, 0x12}
			ho = []byte{0x70 + cc, 0x05, 0xB8, 0x78, 0x56, 0x34, 0x12}
			name += "+jcc"
			return hcase{name, cat(p.guest, gu), cat(p.host, ho), 3, p.undef}, true
		}
		return hcase{name, cat(p.guest, gu), cat(p.host, ho), 2, p.undef}, true
	}
}

func cat(a, b []byte) []byte { return append(append([]byte{}, a...), b...) }

// producer is an instruction whose flags are all defined except AF.
func (g *hostGen) producer() (hcase, bool) {
	for {
		c, ok := g.gen()
		if ok && c.n == 1 && c.undef&^fA == 0 {
			return c, true
		}
	}
}

// divides says whether DIV (or IDIV) of the accumulator by d succeeds.
func (g *hostGen) divides(size int, signed bool, d uint32) bool {
	if d == 0 {
		return false
	}
	var a uint64
	switch size {
	case 8:
		a = uint64(g.regs[EAX] & 0xFFFF)
	case 16:
		a = uint64(g.regs[EDX]&0xFFFF)<<16 | uint64(g.regs[EAX]&0xFFFF)
	default:
		a = uint64(g.regs[EDX])<<32 | uint64(g.regs[EAX])
	}
	if !signed {
		return a/uint64(d) < 1<<size
	}
	sa, sd := int64(a), sext(d, uint8(size/16))
	switch size {
	case 8:
		sa, sd = int64(int16(a)), int64(int8(d))
	case 16:
		sa, sd = int64(int32(a)), int64(int16(d))
	default:
		sd = int64(int32(d))
		if sa == -1<<63 && sd == -1 {
			return false
		}
	}
	q := sa / sd
	lim := int64(1) << (size - 1)
	return q >= -lim && q < lim
}

func TestAgainstHostCPU(t *testing.T) {
	if !hostcpu.Supported {
		t.Skip(hostcpu.ErrUnsupported)
	}
	n := 40000
	if testing.Short() {
		n = 4000
	}
	mem := bus.NewMemory(16 << 20)
	c := New(Config{Model: I80386, Memory: mem})
	g := &hostGen{r: rand.New(rand.NewSource(1))}
	fails := 0
	for i := 0; i < n && fails < 20; i++ {
		for j := range g.regs {
			g.regs[j] = g.value()
		}
		g.regs[ESP] = 0xFF00
		flags := uint32(g.r.Intn(1<<12)) & arithFlags
		hc, ok := g.gen()
		if !ok {
			continue
		}
		// Host.
		hs := hostcpu.State{Regs: g.regs, Flags: uint64(flags)}
		if err := hostcpu.Exec(hc.host, &hs); err != nil {
			t.Fatal(err)
		}
		// Interpreter: 16-bit real mode at 1000:0100.
		c.Reset()
		for j, v := range g.regs {
			c.SetReg32(Reg(j), v)
		}
		c.SetFlags(flags)
		c.SetSeg(CS, 0x1000)
		c.SetIP(0x100)
		if err := mem.LoadImage(0x10100, append(hc.guest, 0xF4)); err != nil {
			t.Fatal(err)
		}
		if e, err := c.Run(int64(hc.n) + 1); err != nil || e.Reason != emu.ExitHalt {
			text, _ := Disasm(I80386, hc.guest, 0x100, false)
			t.Fatalf("%s [% x] %s: %v %v, at %04x", hc.name, hc.guest, text, e, err, c.IP())
		}
		mask := uint32(arithFlags) &^ hc.undef
		var diffs string
		for j := 0; j < 8; j++ {
			if j != int(ESP) && c.Reg32(Reg(j)) != hs.Regs[j] {
				diffs += fmt.Sprintf(" %s=%08x (host %08x)", reg32Names[j], c.Reg32(Reg(j)), hs.Regs[j])
			}
		}
		if got, want := c.Flags()&mask, uint32(hs.Flags)&mask; got != want {
			diffs += fmt.Sprintf(" flags=%03x (host %03x, compared %03x)", got, want, mask)
		}
		if diffs != "" {
			fails++
			text, _ := Disasm(I80386, hc.guest, 0x100, false)
			t.Errorf("%s [% x] %s from %08x flags %03x:%s", hc.name, hc.guest, text, g.regs, flags, diffs)
		}
	}
}
