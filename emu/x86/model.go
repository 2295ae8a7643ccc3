package x86

import (
	"fmt"
	"strings"
)

// Model selects which processor the core behaves as. The differences that
// programs and test suites can see are kept, among them: what PUSH SP
// pushes, whether shift and rotate counts are masked to 5 bits, which
// opcodes are undefined and raise #UD (none on the 8086), the fixed bits of
// FLAGS, POP CS and the 0F opcode page, the faulting IP a divide error
// pushes, the IDIV quotient range, segment limit checks in real mode and the
// width of the address bus.
type Model uint8

const (
	I8086  Model = iota // 8086/8088: 20-bit bus, no #UD, offsets wrap inside a segment
	I80186              // 80186/80188: the 186 instructions, #UD, 5-bit shift counts
	I80286              // 80286: 24-bit bus, real-mode limit faults, 0F page, protected mode later
	I80386              // 80386: 32-bit registers and addressing, FS/GS, 32-bit bus
)

var modelNames = [...]string{"8086", "80186", "80286", "80386"}

func (m Model) String() string {
	if int(m) < len(modelNames) {
		return modelNames[m]
	}
	return fmt.Sprintf("Model(%d)", m)
}

// ParseModel accepts 8086, 8088, 80186, 186, 80188, 80286, 286, 80386,
// 386 (case-insensitive, an optional "i" in front).
func ParseModel(s string) (Model, error) {
	t := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "i")
	switch t {
	case "8086", "8088", "86", "88":
		return I8086, nil
	case "80186", "80188", "186", "188":
		return I80186, nil
	case "80286", "286":
		return I80286, nil
	case "80386", "386", "386dx":
		return I80386, nil
	}
	return 0, fmt.Errorf("x86: unknown CPU model %q (want 8086, 80186, 80286 or 80386)", s)
}

// addrBits is the width of the physical address bus.
func (m Model) addrBits() uint {
	switch m {
	case I8086, I80186:
		return 20
	case I80286:
		return 24
	}
	return 32
}
