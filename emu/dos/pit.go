package dos

import (
	"io"
	"time"

	"github.com/nachoos/nacho/emu"
)

// pit is the 8253/8254 programmable interval timer and port 61h. Its
// counters are computed from wall time, so a program that reads channel
// 0 or 2 to time itself sees real time pass; channel 0 raises IRQ 0 at
// the programmed rate (18.2 Hz until a program changes it).
type pit struct {
	m    *Machine
	ch   [3]pitChannel
	p61  uint8     // port 61h bits 0-3 as last written
	t0   time.Time // time origin for the refresh toggle
	next time.Time // when IRQ 0 is due; zero: never
	// backlog counts ticks that came due while IRQ 0 was still pending;
	// they are delivered as soon as it is taken, so a late slice does not
	// slow the guest's clock.
	backlog int
}

const pitHz = 1193182

type pitChannel struct {
	reload   uint32 // 1..65536
	mode     uint8
	access   uint8 // 1 low byte, 2 high byte, 3 low then high
	bcd      bool
	start    time.Time
	running  bool
	fired    bool // mode 0/1/4/5: terminal count reached (IRQ given)
	latched  bool
	latch    uint16
	readHi   bool
	writeHi  bool
	lowByte  uint8
	statusOn bool
	status   uint8
}

var _ emu.PortDevice = (*pit)(nil)

func newPIT(m *Machine) *pit {
	p := &pit{m: m, t0: m.now()}
	for i := range p.ch {
		p.ch[i] = pitChannel{reload: 65536, mode: 3, access: 3, start: p.t0, running: true}
	}
	p.ch[1].reload, p.ch[1].mode = 18, 2
	p.schedule(p.t0)
	return p
}

func (p *pit) Name() string         { return "8253" }
func (p *pit) Reset()               {}
func (p *pit) Save(io.Writer) error { return nil }
func (p *pit) Load(io.Reader) error { return nil }

// period is channel 0's interval.
func (c *pitChannel) period() time.Duration {
	return time.Duration(uint64(c.reload) * uint64(time.Second) / pitHz)
}

// elapsed is how many input clocks have passed since the count started.
func (c *pitChannel) elapsed(now time.Time) uint64 {
	d := now.Sub(c.start)
	if d < 0 {
		return 0
	}
	return uint64(d) * pitHz / uint64(time.Second)
}

// count is the counter's value now.
func (c *pitChannel) count(now time.Time) uint16 {
	if !c.running {
		return uint16(c.reload)
	}
	e := c.elapsed(now)
	r := uint64(c.reload)
	switch c.mode & 3 {
	case 2: // rate generator
		return uint16(r - e%r)
	case 3: // square wave: counts down by two, twice per period
		half := r / 2
		if half == 0 {
			half = 1
		}
		return uint16(r - 2*(e%half))
	}
	return uint16((r - e%65536 + 65536) % 65536) // one-shot modes wrap after zero
}

// out is the counter's output pin now.
func (c *pitChannel) out(now time.Time) bool {
	if !c.running {
		return c.mode != 0
	}
	e := c.elapsed(now)
	r := uint64(c.reload)
	switch c.mode & 3 {
	case 2:
		return e%r != r-1
	case 3:
		return e%r < (r+1)/2
	}
	return e >= r
}

// schedule sets when IRQ 0 is due next from channel 0's state.
func (p *pit) schedule(now time.Time) {
	c := &p.ch[0]
	switch {
	case !c.running:
		p.next = time.Time{}
	case c.mode&3 == 2 || c.mode&3 == 3:
		per := c.period()
		if per <= 0 {
			per = time.Microsecond
		}
		n := now.Sub(c.start)/per + 1
		p.next = c.start.Add(n * per)
	case c.mode == 0 || c.mode == 4:
		if c.fired {
			p.next = time.Time{}
		} else {
			p.next = c.start.Add(c.period())
		}
	default:
		p.next = time.Time{}
	}
}

// service raises IRQ 0 for the ticks that came due by now. It reports
// whether it raised one.
func (p *pit) service(now time.Time) bool {
	raised := false
	if !p.next.IsZero() && !now.Before(p.next) {
		c := &p.ch[0]
		if c.mode&3 == 2 || c.mode&3 == 3 {
			per := c.period()
			if per < time.Microsecond {
				per = time.Microsecond
			}
			n := int(now.Sub(p.next)/per) + 1
			if now.Sub(p.next) > time.Second {
				n = 1 // the host was away: do not replay a second of ticks
			}
			p.backlog += n
			p.next = p.next.Add(time.Duration(n) * per)
			if p.next.Before(now) {
				p.next = now.Add(per)
			}
		} else {
			c.fired = true
			p.backlog++
			p.next = time.Time{}
		}
		if p.backlog > 100 {
			p.backlog = 100
		}
	}
	if p.backlog > 0 && !p.m.pic.pending(0) {
		p.backlog--
		p.m.pic.raise(0)
		raised = true
	}
	return raised
}

// untilIRQ is how long until IRQ 0 must be raised: zero or less when it
// is overdue, and a long time when none is coming.
func (p *pit) untilIRQ(now time.Time) time.Duration {
	if p.backlog > 0 {
		if p.m.pic.pending(0) {
			return time.Millisecond // wait for the guest to take the last one
		}
		return -1
	}
	if p.next.IsZero() {
		return time.Hour
	}
	return p.next.Sub(now)
}

// In implements emu.PortDevice.
func (p *pit) In(port uint16, size int) uint32 {
	now := p.m.now()
	if port == 0x61 {
		v := p.p61 & 0x0F
		if (now.Sub(p.t0)/15085)&1 != 0 { // refresh request toggles every 15 µs
			v |= 0x10
		}
		if p.ch[2].out(now) {
			v |= 0x20
		}
		return uint32(v)
	}
	if port == 0x43 {
		return 0xFF
	}
	c := &p.ch[port-0x40]
	if c.statusOn {
		c.statusOn = false
		return uint32(c.status)
	}
	v := c.count(now)
	if c.latched {
		v = c.latch
	}
	var b uint8
	switch c.access {
	case 1:
		b = uint8(v)
		c.latched = false
	case 2:
		b = uint8(v >> 8)
		c.latched = false
	default:
		if c.readHi {
			b = uint8(v >> 8)
			c.latched = false
		} else {
			b = uint8(v)
		}
		c.readHi = !c.readHi
	}
	return uint32(b)
}

// Out implements emu.PortDevice.
func (p *pit) Out(port uint16, size int, v uint32) {
	now := p.m.now()
	b := uint8(v)
	switch port {
	case 0x61:
		p.p61 = b & 0x0F
		return
	case 0x43:
		sel := b >> 6
		if sel == 3 { // 8254 read-back
			for i := 0; i < 3; i++ {
				if b&(2<<i) == 0 {
					continue
				}
				c := &p.ch[i]
				if b&0x20 == 0 && !c.latched {
					c.latched, c.latch, c.readHi = true, c.count(now), false
				}
				if b&0x10 == 0 {
					c.statusOn = true
					c.status = c.mode<<1 | c.access<<4
					if c.out(now) {
						c.status |= 0x80
					}
				}
			}
			return
		}
		c := &p.ch[sel]
		acc := (b >> 4) & 3
		if acc == 0 {
			if !c.latched {
				c.latched, c.latch, c.readHi = true, c.count(now), false
			}
			return
		}
		c.access = acc
		c.mode = (b >> 1) & 7
		if c.mode > 5 {
			c.mode &= 3
		}
		c.bcd = b&1 != 0
		c.readHi, c.writeHi, c.latched = false, false, false
		if c.mode == 0 {
			c.running = false // the output goes low until a count is written
		}
		return
	}
	i := port - 0x40
	c := &p.ch[i]
	var val uint32
	switch c.access {
	case 1:
		val = uint32(b)
	case 2:
		val = uint32(b) << 8
	default:
		if !c.writeHi {
			c.lowByte = b
			c.writeHi = true
			if c.mode == 0 {
				c.running = false
			}
			return
		}
		c.writeHi = false
		val = uint32(c.lowByte) | uint32(b)<<8
	}
	if c.bcd {
		val = fromBCD16(uint16(val))
	}
	if val == 0 {
		val = 65536
		if c.bcd {
			val = 10000
		}
	}
	c.reload = val
	c.start = now
	c.running = true
	c.fired = false
	if i == 0 {
		p.backlog = 0
		p.schedule(now)
	}
}

func fromBCD16(v uint16) uint32 {
	return uint32(v>>12&15)*1000 + uint32(v>>8&15)*100 + uint32(v>>4&15)*10 + uint32(v&15)
}
