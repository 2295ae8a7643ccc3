package bus

import (
	"fmt"

	"github.com/nachoos/nacho/emu"
)

// Ports is a 64 Ki port I/O space that devices register ranges on. Reads
// of a port no device claims give all ones, writes to it are dropped (what
// an ISA bus does); Unclaimed can take them instead.
type Ports struct {
	index [1 << 16]uint16 // 0: unclaimed; else devs[i-1]
	devs  []portRange

	// Unclaimed, when set, is called for accesses no device claims. For
	// reads it returns the value; for writes the result is ignored.
	Unclaimed func(port uint16, size int, write bool, v uint32) uint32
	// Observe, when set, is called after every access (port logs, traces).
	Observe func(port uint16, size int, write bool, v uint32)
}

type portRange struct {
	first, last uint16
	dev         emu.PortDevice
	name        string
}

// Register claims ports first..last (inclusive) for dev.
func (p *Ports) Register(first, last uint16, dev emu.PortDevice, name string) error {
	if last < first {
		return fmt.Errorf("bus: ports %#x..%#x for %q: empty range", first, last, name)
	}
	for q := uint32(first); q <= uint32(last); q++ {
		if i := p.index[q]; i != 0 {
			return fmt.Errorf("bus: port %#x for %q already belongs to %q", q, name, p.devs[i-1].name)
		}
	}
	if len(p.devs) >= 0xFFFF {
		return fmt.Errorf("bus: too many port devices")
	}
	p.devs = append(p.devs, portRange{first, last, dev, name})
	id := uint16(len(p.devs))
	for q := uint32(first); q <= uint32(last); q++ {
		p.index[q] = id
	}
	return nil
}

// Owner names the device that claims port, or "" if none does.
func (p *Ports) Owner(port uint16) string {
	if i := p.index[port]; i != 0 {
		return p.devs[i-1].name
	}
	return ""
}

// In reads size (1, 2 or 4) bytes from port. The device that claims the
// first port answers the whole access.
func (p *Ports) In(port uint16, size int) uint32 {
	var v uint32
	if i := p.index[port]; i != 0 {
		v = p.devs[i-1].dev.In(port, size)
	} else if p.Unclaimed != nil {
		v = p.Unclaimed(port, size, false, 0)
	} else {
		v = 0xFFFFFFFF
	}
	v &= sizeMask(size)
	if p.Observe != nil {
		p.Observe(port, size, false, v)
	}
	return v
}

// Out writes size (1, 2 or 4) bytes to port.
func (p *Ports) Out(port uint16, size int, v uint32) {
	v &= sizeMask(size)
	if i := p.index[port]; i != 0 {
		p.devs[i-1].dev.Out(port, size, v)
	} else if p.Unclaimed != nil {
		p.Unclaimed(port, size, true, v)
	}
	if p.Observe != nil {
		p.Observe(port, size, true, v)
	}
}

func sizeMask(size int) uint32 {
	switch size {
	case 1:
		return 0xFF
	case 2:
		return 0xFFFF
	}
	return 0xFFFFFFFF
}
