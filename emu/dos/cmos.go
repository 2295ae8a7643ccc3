package dos

import (
	"io"
	"time"

	"github.com/nachoos/nacho/emu"
)

// cmos is the MC146818 real-time clock and its CMOS RAM (ports 70h, 71h).
// The clock reads the host's local time, moved by whatever the program set
// through DOS or the BIOS.
type cmos struct {
	m     *Machine
	index uint8
	ram   [128]uint8
}

var _ emu.PortDevice = (*cmos)(nil)

func newCMOS(m *Machine) *cmos {
	c := &cmos{m: m}
	c.ram[0x0A] = 0x26
	c.ram[0x0B] = 0x02 // 24-hour, BCD
	c.ram[0x0D] = 0x80 // battery good
	c.ram[0x14] = 0x06 // no floppy, a coprocessor bit left clear, VGA
	c.ram[0x15], c.ram[0x16] = 0x80, 0x02
	return c
}

func (c *cmos) Name() string         { return "cmos" }
func (c *cmos) Reset()               {}
func (c *cmos) Save(io.Writer) error { return nil }
func (c *cmos) Load(io.Reader) error { return nil }

func bcd(v int) uint8 { return uint8(v/10<<4 | v%10) }

// In implements emu.PortDevice.
func (c *cmos) In(port uint16, size int) uint32 {
	if port == 0x70 {
		return 0xFF
	}
	i := c.index & 0x7F
	t := c.m.clock()
	enc := func(v int) uint32 {
		if c.ram[0x0B]&4 != 0 {
			return uint32(v)
		}
		return uint32(bcd(v))
	}
	switch i {
	case 0x00:
		return enc(t.Second())
	case 0x02:
		return enc(t.Minute())
	case 0x04:
		return enc(t.Hour())
	case 0x06:
		return enc(int(t.Weekday()) + 1)
	case 0x07:
		return enc(t.Day())
	case 0x08:
		return enc(int(t.Month()))
	case 0x09:
		return enc(t.Year() % 100)
	case 0x32:
		return enc(t.Year() / 100)
	case 0x0A:
		return uint32(c.ram[0x0A] &^ 0x80) // never mid-update
	case 0x0C:
		v := c.ram[0x0C]
		c.ram[0x0C] = 0
		return uint32(v)
	}
	return uint32(c.ram[i])
}

// Out implements emu.PortDevice.
func (c *cmos) Out(port uint16, size int, v uint32) {
	if port == 0x70 {
		c.index = uint8(v)
		return
	}
	i := c.index & 0x7F
	switch i {
	case 0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09, 0x32, 0x0C, 0x0D:
		return // the clock follows the host; setting it goes through DOS
	}
	c.ram[i] = uint8(v)
}

// clock is the guest's wall time: the host's local time plus what the
// program set.
func (m *Machine) clock() time.Time { return m.now().Add(m.dos.clockOffset) }
