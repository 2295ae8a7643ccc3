package x86

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrBadSnapshot is returned (wrapped) by Load for data that Save did not
// write or that was written by a CPU of another model.
var ErrBadSnapshot = errors.New("x86: bad snapshot")

const snapMagic = "NX86CPU1"

// snapshot is the saved state; fixed-size fields only, little-endian.
type snapshot struct {
	Magic    [8]byte
	Model    uint8
	Halted   uint8
	Shadow   uint8
	NMIBusy  uint8
	INTR     uint8
	NMI      uint8
	CPL      uint8
	A20      uint8
	Regs     [8]uint32
	IP       uint32
	Flags    uint32
	Seg      [6]Segment
	GDTR     DescTable
	IDTR     DescTable
	LDTR, TR Segment
	CR0      uint32
	CR2      uint32
	CR3      uint32
	DR       [8]uint32
	TR6      [2]uint32
}

// Save writes the CPU state (registers, descriptor caches, control
// registers, halt and interrupt-line state). Memory and devices save
// themselves; decoded blocks are not state.
func (c *CPU) Save(w io.Writer) error {
	s := snapshot{
		Model: uint8(c.model), Halted: bb(c.halted), Shadow: bb(c.shadow), NMIBusy: bb(c.nmiBusy),
		INTR: bb(c.intr.Load()), NMI: bb(c.nmi.Load()), CPL: c.cpl, A20: bb(c.A20()),
		IP: c.ip, Flags: c.getFlags(), GDTR: c.gdtr, IDTR: c.idtr, LDTR: c.ldtr, TR: c.tr,
		CR0: c.cr0, CR2: c.cr2, CR3: c.cr3, DR: c.dr, TR6: c.tr6,
	}
	copy(s.Magic[:], snapMagic)
	copy(s.Regs[:], c.r[:8])
	copy(s.Seg[:], c.seg[:6])
	return binary.Write(w, binary.LittleEndian, &s)
}

// Load restores what Save wrote. On error the CPU is unchanged.
func (c *CPU) Load(r io.Reader) error {
	var s snapshot
	buf := make([]byte, binary.Size(&s))
	if _, err := io.ReadFull(r, buf); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSnapshot, err)
	}
	if err := binary.Read(bytes.NewReader(buf), binary.LittleEndian, &s); err != nil {
		return fmt.Errorf("%w: %v", ErrBadSnapshot, err)
	}
	if string(s.Magic[:]) != snapMagic {
		return fmt.Errorf("%w: not an x86 CPU snapshot", ErrBadSnapshot)
	}
	if Model(s.Model) != c.model {
		return fmt.Errorf("%w: snapshot is of a %v, this CPU is a %v", ErrBadSnapshot, Model(s.Model), c.model)
	}
	copy(c.r[:8], s.Regs[:])
	c.r[noReg] = 0
	c.ip = s.IP
	c.flags, c.lzOp = c.fixFlags(s.Flags), 0
	copy(c.seg[:6], s.Seg[:])
	c.gdtr, c.idtr, c.ldtr, c.tr = s.GDTR, s.IDTR, s.LDTR, s.TR
	c.cr0, c.cr2, c.cr3, c.dr, c.tr6 = s.CR0, s.CR2, s.CR3, s.DR, s.TR6
	c.cpl = s.CPL
	c.halted, c.shadow, c.nmiBusy = s.Halted != 0, s.Shadow != 0, s.NMIBusy != 0
	c.intr.Store(s.INTR != 0)
	c.nmi.Store(s.NMI != 0)
	c.setA20(s.A20 != 0)
	c.FlushBlocks()
	return nil
}

func bb(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}
