package dos

import (
	"io"
	"sync"

	"github.com/nachoos/nacho/emu"
	"github.com/nachoos/nacho/emu/x86"
)

// pic is the pair of 8259A interrupt controllers of an AT: the master at
// 20h (IRQ 0-7) and the slave at A0h (IRQ 8-15) on the master's IRQ 2.
// It keeps the CPU's INTR line up to date and answers its acknowledge.
type pic struct {
	mu   sync.Mutex
	cpu  *x86.CPU
	chip [2]i8259
	// eoi, when set, is told (without the lock) that an EOI was written:
	// a device with more to deliver can raise its line again at once.
	eoi func()
}

type i8259 struct {
	irr, isr, imr uint8
	base          uint8 // vector of IRQ 0 of this chip
	icwStep       int   // 0: ready; 1..3: expecting ICW2..ICW4
	icw4          bool
	single        bool
	readISR       bool
	autoEOI       bool
}

var (
	_ emu.PortDevice          = (*pic)(nil)
	_ emu.InterruptController = (*pic)(nil)
)

func newPIC() *pic {
	p := &pic{}
	p.chip[0] = i8259{base: 0x08, imr: 0xF8}
	p.chip[1] = i8259{base: 0x70, imr: 0xFF}
	return p
}

func (p *pic) Name() string { return "8259" }

func (p *pic) Reset()               {}
func (p *pic) Save(io.Writer) error { return nil }
func (p *pic) Load(io.Reader) error { return nil }

// raise sets an IRQ's request bit (edge triggered).
func (p *pic) raise(irq int) {
	p.mu.Lock()
	if irq >= 8 {
		p.chip[1].irr |= 1 << (irq - 8)
	} else {
		p.chip[0].irr |= 1 << irq
	}
	p.update()
	p.mu.Unlock()
}

// line says whether the PIC is asking the CPU for an interrupt.
func (p *pic) line() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.chip[0].best(p.slaveReq()) >= 0
}

// pending says whether an IRQ's request is still waiting.
func (p *pic) pending(irq int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if irq >= 8 {
		return p.chip[1].irr&(1<<(irq-8)) != 0
	}
	return p.chip[0].irr&(1<<irq) != 0
}

// inService says whether an IRQ is being handled (no EOI yet).
func (p *pic) inService(irq int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if irq >= 8 {
		return p.chip[1].isr&(1<<(irq-8)) != 0
	}
	return p.chip[0].isr&(1<<irq) != 0
}

// best is the highest-priority IRQ (lowest number) of a chip that is
// requested, unmasked and above everything in service, or -1.
func (c *i8259) best(extra uint8) int {
	req := (c.irr | extra) &^ c.imr
	for i := 0; i < 8; i++ {
		if c.isr&(1<<i) != 0 {
			return -1 // a higher-priority IRQ is in service
		}
		if req&(1<<i) != 0 {
			return i
		}
	}
	return -1
}

// slaveReq is the slave's output as the master's IRQ 2 sees it.
func (p *pic) slaveReq() uint8 {
	if p.chip[1].best(0) >= 0 {
		return 1 << 2
	}
	return 0
}

func (p *pic) update() {
	if p.cpu != nil {
		p.cpu.SetINTR(p.chip[0].best(p.slaveReq()) >= 0)
	}
}

// Acknowledge implements emu.InterruptController.
func (p *pic) Acknowledge() uint8 {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := &p.chip[0]
	irq := m.best(p.slaveReq())
	if irq < 0 {
		p.update()
		return m.base + 7 // spurious
	}
	var vec uint8
	if irq == 2 && p.slaveReq() != 0 {
		s := &p.chip[1]
		sirq := s.best(0)
		s.irr &^= 1 << sirq
		if !s.autoEOI {
			s.isr |= 1 << sirq
		}
		vec = s.base + uint8(sirq)
	} else {
		m.irr &^= 1 << irq
		vec = m.base + uint8(irq)
	}
	if !m.autoEOI {
		m.isr |= 1 << irq
	}
	p.update()
	return vec
}

// In implements emu.PortDevice.
func (p *pic) In(port uint16, size int) uint32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := &p.chip[0]
	if port >= 0xA0 {
		c = &p.chip[1]
	}
	if port&1 == 1 {
		return uint32(c.imr)
	}
	if c.readISR {
		return uint32(c.isr)
	}
	return uint32(c.irr)
}

// Out implements emu.PortDevice.
func (p *pic) Out(port uint16, size int, v uint32) {
	p.out(port, v)
	if port&1 == 0 && uint8(v)&0x18 == 0 && uint8(v)>>5 != 0 && p.eoi != nil {
		p.eoi()
	}
}

func (p *pic) out(port uint16, v uint32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := &p.chip[0]
	if port >= 0xA0 {
		c = &p.chip[1]
	}
	b := uint8(v)
	if port&1 == 0 {
		switch {
		case b&0x10 != 0: // ICW1
			c.icwStep = 1
			c.icw4 = b&1 != 0
			c.single = b&2 != 0
			c.imr, c.isr, c.irr = 0, 0, 0
			c.readISR = false
		case b&0x18 == 0x08: // OCW3
			if b&2 != 0 {
				c.readISR = b&1 != 0
			}
		default: // OCW2
			switch b >> 5 {
			case 1: // non-specific EOI
				for i := 0; i < 8; i++ {
					if c.isr&(1<<i) != 0 {
						c.isr &^= 1 << i
						break
					}
				}
			case 3: // specific EOI
				c.isr &^= 1 << (b & 7)
			}
		}
	} else {
		switch c.icwStep {
		case 1:
			c.base = b & 0xF8
			switch {
			case !c.single:
				c.icwStep = 2
			case c.icw4:
				c.icwStep = 3
			default:
				c.icwStep = 0
			}
		case 2: // ICW3 (cascade wiring)
			if c.icw4 {
				c.icwStep = 3
			} else {
				c.icwStep = 0
			}
		case 3:
			c.autoEOI = b&2 != 0
			c.icwStep = 0
		default:
			c.imr = b
		}
	}
	p.update()
}
