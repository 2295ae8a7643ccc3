package x86

// Lazy flags: an arithmetic instruction records its operation, operands and
// result; a flag is computed only when something reads it. lzOp is
// kind<<2 | size, size 0, 1, 2 for 8, 16, 32 bits; 0 means the arithmetic
// bits in c.flags are current.
const (
	lzAdd   = 1 << 2 // res = a + b
	lzAdc   = 2 << 2 // res = a + b + 1 (ADC with carry in; without, it is lzAdd)
	lzSub   = 3 << 2 // res = a - b (also CMP, NEG as 0 - b)
	lzSbb   = 4 << 2 // res = a - b - 1
	lzLogic = 5 << 2 // AND, OR, XOR, TEST: CF = OF = AF = 0
	lzInc   = 6 << 2 // res = a + 1, CF kept in c.flags
	lzDec   = 7 << 2 // res = a - 1, CF kept in c.flags

	sz8  = 0
	sz16 = 1
	sz32 = 2
)

var (
	szMask = [4]uint32{0xFF, 0xFFFF, 0xFFFFFFFF, 0}
	szSign = [4]uint32{0x80, 0x8000, 0x80000000, 0}
)

// parity[b] is FlagPF if b has an even number of set bits.
var parity = func() (t [256]uint8) {
	for i := range t {
		n := 0
		for b := i; b != 0; b >>= 1 {
			n += b & 1
		}
		if n%2 == 0 {
			t[i] = FlagPF
		}
	}
	return
}()

func (c *CPU) setLazy(op uint8, a, b, res uint32) {
	c.lzOp, c.lzA, c.lzB, c.lzRes = op, a, b, res
}

func (c *CPU) cf() bool {
	switch c.lzOp &^ 3 {
	case 0, lzInc, lzDec:
		return c.flags&FlagCF != 0
	case lzAdd:
		return c.lzRes < c.lzA
	case lzAdc:
		return c.lzRes <= c.lzA
	case lzSub:
		return c.lzA < c.lzB
	case lzSbb:
		return c.lzA <= c.lzB
	}
	return false
}

func (c *CPU) zf() bool {
	if c.lzOp == 0 {
		return c.flags&FlagZF != 0
	}
	return c.lzRes == 0
}

func (c *CPU) sf() bool {
	if c.lzOp == 0 {
		return c.flags&FlagSF != 0
	}
	return c.lzRes&szSign[c.lzOp&3] != 0
}

func (c *CPU) pf() bool {
	if c.lzOp == 0 {
		return c.flags&FlagPF != 0
	}
	return parity[uint8(c.lzRes)] != 0
}

func (c *CPU) af() bool {
	switch c.lzOp &^ 3 {
	case 0:
		return c.flags&FlagAF != 0
	case lzLogic:
		return false
	case lzInc, lzDec:
		return (c.lzA^c.lzRes)&0x10 != 0
	}
	return (c.lzA^c.lzB^c.lzRes)&0x10 != 0
}

func (c *CPU) of() bool {
	sign := szSign[c.lzOp&3]
	switch c.lzOp &^ 3 {
	case 0:
		return c.flags&FlagOF != 0
	case lzAdd, lzAdc:
		return (c.lzA^c.lzRes)&(c.lzB^c.lzRes)&sign != 0
	case lzSub, lzSbb:
		return (c.lzA^c.lzB)&(c.lzA^c.lzRes)&sign != 0
	case lzInc:
		return c.lzRes == sign
	case lzDec:
		return c.lzRes == sign-1
	}
	return false
}

// arith computes the six arithmetic flags from the lazy state.
func (c *CPU) arith() uint32 {
	if c.lzOp == 0 {
		return c.flags & arithFlags
	}
	f := uint32(parity[uint8(c.lzRes)])
	if c.cf() {
		f |= FlagCF
	}
	if c.af() {
		f |= FlagAF
	}
	if c.lzRes == 0 {
		f |= FlagZF
	}
	if c.lzRes&szSign[c.lzOp&3] != 0 {
		f |= FlagSF
	}
	if c.of() {
		f |= FlagOF
	}
	return f
}

// getFlags is FLAGS with every bit current.
func (c *CPU) getFlags() uint32 { return c.flags&^arithFlags | c.arith() }

// materialize folds the lazy state into c.flags.
func (c *CPU) materialize() {
	if c.lzOp != 0 {
		c.flags = c.getFlags()
		c.lzOp = 0
	}
}

// setArith replaces the arithmetic flags selected by mask with bits.
func (c *CPU) setArith(mask, bits uint32) {
	c.materialize()
	c.flags = c.flags&^mask | bits&mask
}

// keepCF makes CF current in c.flags before an INC or DEC records itself.
func (c *CPU) keepCF() {
	switch c.lzOp &^ 3 {
	case 0, lzInc, lzDec:
		return
	}
	if c.cf() {
		c.flags |= FlagCF
	} else {
		c.flags &^= FlagCF
	}
}

// cond evaluates condition code cc (the low nibble of Jcc/SETcc/CMOVcc).
func (c *CPU) cond(cc uint8) bool {
	var r bool
	switch cc >> 1 {
	case 0:
		r = c.of()
	case 1:
		r = c.cf()
	case 2:
		r = c.zf()
	case 3:
		r = c.cf() || c.zf()
	case 4:
		r = c.sf()
	case 5:
		r = c.pf()
	case 6:
		r = c.sf() != c.of()
	case 7:
		r = c.zf() || c.sf() != c.of()
	}
	return r != (cc&1 != 0)
}

// szFlags computes SF, ZF and PF of a result of size s.
func szpFlags(res uint32, s uint8) uint32 {
	res &= szMask[s]
	f := uint32(parity[uint8(res)])
	if res == 0 {
		f |= FlagZF
	}
	if res&szSign[s] != 0 {
		f |= FlagSF
	}
	return f
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
