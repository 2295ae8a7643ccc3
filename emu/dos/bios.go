package dos

import (
	"fmt"
	"time"

	"github.com/nachoos/nacho/kernel"
)

// initBIOS fills the BIOS data area and puts the video in mode 3.
func (m *Machine) initBIOS() {
	m.setBDA16(bdaEquip, 0x0022) // VGA colour (bits 4-5: 10b), a coprocessor not claimed, PS/2 mouse
	m.setBDA16(bdaMemKB, 640)
	m.setBDA16(bdaKbdHead, bdaKbdBuf)
	m.setBDA16(bdaKbdTail, bdaKbdBuf)
	m.setBDA16(bdaKbdStart, bdaKbdBuf)
	m.setBDA16(bdaKbdEnd, bdaKbdBuf+32)
	m.setBDA8(bdaKbdMode, 0x10) // an enhanced keyboard
	m.setBDA8(bdaVGAFlags, 0x51)
	m.setBDA8(0x87, 0x60)
	m.setBDA8(0x88, 0x09)
	m.setBDA8(0x8A, 0x08)
	m.setTicksFromClock()
	m.video.scanLines = 400
	m.setMode(3)
}

// ticksPerDay is the BIOS tick count at midnight (1800B0h).
const ticksPerDay = 0x1800B0

// setTicksFromClock sets the BIOS tick count from the time of day.
func (m *Machine) setTicksFromClock() {
	t := m.clock()
	mid := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	ticks := uint32(t.Sub(mid).Seconds() * ticksPerDay / 86400)
	m.wd(bdaSeg, bdaTicks, min(ticks, ticksPerDay-1))
}

// timerTick is the BIOS part of IRQ 0: count the tick.
func (m *Machine) timerTick() {
	t := m.rd(bdaSeg, bdaTicks) + 1
	if t >= ticksPerDay {
		t = 0
		m.setBDA8(bdaMidnight, 1)
	}
	m.wd(bdaSeg, bdaTicks, t)
}

func (m *Machine) setA20(on bool) {
	if on == m.a20 {
		return
	}
	m.a20 = on
	m.cpu.SetA20(on)
}

// reboot is the program resetting the PC: the machine ends.
func (m *Machine) reboot() {
	m.log(m.progName() + ": the program reset the machine")
	m.exit(0, nil)
}

func (m *Machine) int11() { m.setAX(m.bda16(bdaEquip)) }
func (m *Machine) int12() { m.setAX(m.bda16(bdaMemKB)) }

// int13 is the disk BIOS: there are no BIOS disks, drives are DOS's.
func (m *Machine) int13() {
	switch m.ah() {
	case 0x00:
		m.setAH(0)
		m.setCF(false)
	case 0x15:
		m.setAH(0) // no such drive
		m.setCF(false)
	default:
		m.setAH(0x01)
		m.setCF(true)
	}
}

// int14 is the serial port BIOS: no ports answer.
func (m *Machine) int14() { m.setAX(0x8000) }

// int17 is the printer BIOS: the printer is not there.
func (m *Machine) int17() { m.setAH(0x08) }

func (m *Machine) int18() {
	m.terminateFault("called ROM BASIC (INT 18h), which this PC does not have")
}
func (m *Machine) int19() { m.exit(0, nil) }

func (m *Machine) int15() {
	ah := m.ah()
	m.setCF(false)
	switch ah {
	case 0x24:
		switch m.al() {
		case 0:
			m.setA20(false)
		case 1:
			m.setA20(true)
		case 2:
			if m.a20 {
				m.setAL(1)
			} else {
				m.setAL(0)
			}
		case 3:
			m.setBX(3)
		}
		m.setAH(0)
	case 0x4F: // keyboard intercept: process the key
		m.setCF(true)
	case 0x86:
		m.biosWait(time.Duration(uint32(m.cx())<<16|uint32(m.dx())) * time.Microsecond)
	case 0x87:
		m.blockMove()
	case 0x88:
		m.setAX(0)
	case 0x90, 0x91:
		m.setAH(0)
	case 0xC0:
		m.setES(romSeg)
		m.setBX(romConfig)
		m.setAH(0)
	default:
		m.setAH(0x86)
		m.setCF(true)
	}
}

// biosWait is INT 15h AH=86h: return after d, sleeping meanwhile (timer
// interrupts still run).
func (m *Machine) biosWait(d time.Duration) {
	now := m.now()
	if !m.retry || m.delayUntil.IsZero() {
		m.delayUntil = now.Add(d)
	}
	if !now.Before(m.delayUntil) {
		m.delayUntil = time.Time{}
		m.setAH(0)
		return
	}
	m.block()
	m.blocked = false
	m.idle = true
	m.idleWait = m.delayUntil
}

// blockMove is INT 15h AH=87h: copy CX words between the descriptors of
// the GDT at ES:SI (source at +12h, destination at +1Ah).
func (m *Machine) blockMove() {
	g := m.read(m.es(), m.si(), 0x30)
	base := func(d []byte) uint32 { return uint32(d[2]) | uint32(d[3])<<8 | uint32(d[4])<<16 }
	src, dst := base(g[0x12:]), base(g[0x1A:])
	n := int(m.cx()) * 2
	if int(src)+n > ramSize || int(dst)+n > ramSize {
		m.setAH(0x02)
		m.setCF(true)
		return
	}
	data := append([]byte(nil), m.mem.RAM[src:int(src)+n]...)
	m.mem.LoadImage(dst, data)
	m.setAH(0)
}

// int1A is the time-of-day BIOS.
func (m *Machine) int1A() {
	switch m.ah() {
	case 0x00:
		t := m.rd(bdaSeg, bdaTicks)
		m.setCX(uint16(t >> 16))
		m.setDX(uint16(t))
		m.setAL(m.bda8(bdaMidnight))
		m.setBDA8(bdaMidnight, 0)
		m.poll(noWake)
	case 0x01:
		m.wd(bdaSeg, bdaTicks, uint32(m.cx())<<16|uint32(m.dx()))
		m.setBDA8(bdaMidnight, 0)
	case 0x02:
		t := m.clock()
		m.setCX(uint16(bcd(t.Hour()))<<8 | uint16(bcd(t.Minute())))
		m.setDX(uint16(bcd(t.Second())) << 8)
		m.setCF(false)
	case 0x03:
		t := m.clock()
		h, mi, s := unBCD(m.ch()), unBCD(m.cl()), unBCD(m.dh())
		want := time.Date(t.Year(), t.Month(), t.Day(), h, mi, s, 0, t.Location())
		m.dos.clockOffset += want.Sub(t)
		m.setCF(false)
	case 0x04:
		t := m.clock()
		m.setCX(uint16(bcd(t.Year()/100))<<8 | uint16(bcd(t.Year()%100)))
		m.setDX(uint16(bcd(int(t.Month())))<<8 | uint16(bcd(t.Day())))
		m.setCF(false)
	case 0x05:
		t := m.clock()
		y := unBCD(m.ch())*100 + unBCD(m.cl())
		want := time.Date(y, time.Month(unBCD(m.dh())), unBCD(m.dl()), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
		m.dos.clockOffset += want.Sub(t)
		m.setCF(false)
	default:
		m.setCF(true)
	}
}

func unBCD(b uint8) int { return int(b>>4)*10 + int(b&15) }

// Mouse (INT 33h): present when the program has a window, whose pointer
// it follows. The page draws the pointer; the driver does not.
type mouse struct {
	x, y           int
	buttons        int
	shown          int
	minX, maxX     int
	minY, maxY     int
	press, rel     [3]int
	pressX, pressY [3]int
	relX, relY     [3]int
	mickX, mickY   int
}

func (m *Machine) mousePresent() bool { return m.window != nil }

func (m *Machine) mouseReset() {
	ms := &m.mouse
	*ms = mouse{maxX: 639, maxY: 199, shown: -1}
	ms.x, ms.y = 320, 100
}

func (m *Machine) int33() {
	if !m.mousePresent() {
		// No mouse: reset says so; a program that asks anyway sees no
		// buttons and no motion.
		switch m.ax() {
		case 0x00, 0x21:
			m.setAX(0)
		case 0x03, 0x05, 0x06, 0x0B:
			m.setBX(0)
			m.setCX(0)
			m.setDX(0)
		}
		return
	}
	ms := &m.mouse
	switch ax := m.ax(); ax {
	case 0x00, 0x21:
		m.mouseReset()
		m.setAX(0xFFFF)
		m.setBX(2)
	case 0x01:
		ms.shown = min(ms.shown+1, 0)
	case 0x02:
		ms.shown--
	case 0x03:
		m.setBX(uint16(ms.buttons))
		m.setCX(uint16(ms.x))
		m.setDX(uint16(ms.y))
	case 0x04:
		ms.x = clamp(int(int16(m.cx())), ms.minX, ms.maxX)
		ms.y = clamp(int(int16(m.dx())), ms.minY, ms.maxY)
	case 0x05, 0x06:
		b := int(m.bx()) % 3
		m.setAX(uint16(ms.buttons))
		if ax == 5 {
			m.setBX(uint16(ms.press[b]))
			m.setCX(uint16(ms.pressX[b]))
			m.setDX(uint16(ms.pressY[b]))
			ms.press[b] = 0
		} else {
			m.setBX(uint16(ms.rel[b]))
			m.setCX(uint16(ms.relX[b]))
			m.setDX(uint16(ms.relY[b]))
			ms.rel[b] = 0
		}
	case 0x07:
		a, b := int(int16(m.cx())), int(int16(m.dx()))
		ms.minX, ms.maxX = min(a, b), max(a, b)
		ms.x = clamp(ms.x, ms.minX, ms.maxX)
	case 0x08:
		a, b := int(int16(m.cx())), int(int16(m.dx()))
		ms.minY, ms.maxY = min(a, b), max(a, b)
		ms.y = clamp(ms.y, ms.minY, ms.maxY)
	case 0x0B:
		m.setCX(uint16(ms.mickX))
		m.setDX(uint16(ms.mickY))
		ms.mickX, ms.mickY = 0, 0
	case 0x24:
		m.setBX(0x0626) // version 6.26
		m.setCX(0x0400) // PS/2 mouse
	case 0x0A, 0x0F, 0x10, 0x13, 0x1A, 0x1D:
	default:
		m.logOnce(fmt.Sprintf("INT 33h: AX=%04Xh is not supported", ax))
	}
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

// mouseEvent follows the window's pointer. Coordinates come in surface
// pixels (cells in text mode) and go out in the driver's virtual screen
// (640x200 for text and 320-pixel modes).
func (m *Machine) mouseEvent(ev kernel.InputEvent) {
	switch ev.Kind {
	case kernel.MouseMove, kernel.MouseDown, kernel.MouseUp:
	default:
		return
	}
	ms := &m.mouse
	x, y := ev.X, ev.Y
	switch {
	case m.video.info.text:
		x, y = x*8, y*8
	case m.video.info.width == 320:
		x *= 2
	}
	ms.mickX += x - ms.x
	ms.mickY += y - ms.y
	ms.x, ms.y = clamp(x, ms.minX, ms.maxX), clamp(y, ms.minY, ms.maxY)
	old := ms.buttons
	ms.buttons = ev.Buttons & 3
	if ev.Buttons&4 != 0 {
		ms.buttons |= 4
	}
	for b := 0; b < 3; b++ {
		bit := 1 << b
		switch {
		case ms.buttons&bit != 0 && old&bit == 0:
			ms.press[b]++
			ms.pressX[b], ms.pressY[b] = ms.x, ms.y
		case ms.buttons&bit == 0 && old&bit != 0:
			ms.rel[b]++
			ms.relX[b], ms.relY[b] = ms.x, ms.y
		}
	}
}
