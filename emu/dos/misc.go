package dos

import (
	"fmt"
	"time"
)

// The rest of INT 21h, and the other DOS interrupts.

func (m *Machine) dosNull() { m.setAL(0) }

func (m *Machine) dosAuxIn() { m.setAL(0x1A) }

func (m *Machine) dosSetVector() { m.setVector(m.al(), m.ds(), m.dx()) } // 25h

func (m *Machine) dosGetVector() { // 35h
	seg, off := m.vector(m.al())
	m.setES(seg)
	m.setBX(off)
}

func (m *Machine) dosGetDate() { // 2Ah
	t := m.clock()
	m.setCX(uint16(t.Year()))
	m.setDH(uint8(t.Month()))
	m.setDL(uint8(t.Day()))
	m.setAL(uint8(t.Weekday()))
}

func (m *Machine) dosSetDate() { // 2Bh
	y, mo, d := int(m.cx()), int(m.dh()), int(m.dl())
	if y < 1980 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > 31 {
		m.setAL(0xFF)
		return
	}
	t := m.clock()
	want := time.Date(y, time.Month(mo), d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	if want.Day() != d {
		m.setAL(0xFF)
		return
	}
	m.dos.clockOffset += want.Sub(t)
	m.setTicksFromClock()
	m.setAL(0)
}

func (m *Machine) dosGetTime() { // 2Ch
	t := m.clock()
	m.setCH(uint8(t.Hour()))
	m.setCL(uint8(t.Minute()))
	m.setDH(uint8(t.Second()))
	m.setDL(uint8(t.Nanosecond() / 10000000))
	m.poll(noWake)
}

func (m *Machine) dosSetTime() { // 2Dh
	h, mi, s, cs := int(m.ch()), int(m.cl()), int(m.dh()), int(m.dl())
	if h > 23 || mi > 59 || s > 59 || cs > 99 {
		m.setAL(0xFF)
		return
	}
	t := m.clock()
	want := time.Date(t.Year(), t.Month(), t.Day(), h, mi, s, cs*10000000, t.Location())
	m.dos.clockOffset += want.Sub(t)
	m.setTicksFromClock()
	m.setAL(0)
}

func (m *Machine) dosSetVerify() { m.dos.verify = m.al() != 0 } // 2Eh

func (m *Machine) dosGetVerify() { // 54h
	if m.dos.verify {
		m.setAL(1)
	} else {
		m.setAL(0)
	}
}

func (m *Machine) dosVersion() { // 30h
	m.setAX(0x0005) // 5.00
	if m.al() == 1 {
		m.setBH(0x00) // DOS in RAM, not in the HMA
	} else {
		m.setBH(0xFF) // OEM: Microsoft
	}
	m.setAX(0x0005)
	m.setBL(0)
	m.setCX(0)
}

func (m *Machine) dosBreakFlag() { // 33h
	switch m.al() {
	case 0x00:
		if m.dos.breakOn {
			m.setDL(1)
		} else {
			m.setDL(0)
		}
	case 0x01:
		m.dos.breakOn = m.dl() != 0
	case 0x02:
		old := m.dos.breakOn
		m.dos.breakOn = m.dl() != 0
		if old {
			m.setDL(1)
		} else {
			m.setDL(0)
		}
	case 0x05:
		m.setDL(3) // booted from C:
	case 0x06:
		m.setBX(0x0005)
		m.setDX(0x0000)
	default:
		m.setAL(0xFF)
	}
}

func (m *Machine) dosInDOS() { // 34h
	m.setES(dosSeg)
	m.setBX(dosInDOS)
}

func (m *Machine) dosSwitchChar() { // 37h
	switch m.al() {
	case 0:
		m.setDL(m.dos.switchar)
		m.setAL(0)
	case 1:
		m.dos.switchar = m.dl()
		m.setAL(0)
	default:
		m.setAL(0xFF)
	}
}

// countryInfo is the 34-byte country block for the United States.
func countryInfo() []byte {
	b := make([]byte, 34)
	put16(b[0:], 0) // date format: month day year
	copy(b[2:], "$")
	copy(b[7:], ",")
	copy(b[9:], ".")
	copy(b[11:], "-")
	copy(b[13:], ":")
	b[15] = 0                 // currency before the amount, no space
	b[16] = 2                 // two decimals
	b[17] = 0                 // 12-hour clock
	put16(b[18:], romCaseMap) // case map routine: a RETF in the ROM
	put16(b[20:], romSeg)
	copy(b[22:], ",")
	return b
}

func (m *Machine) dosCountry() { // 38h
	if m.dx() == 0xFFFF {
		m.ok() // setting the country: only the United States is known
		return
	}
	m.write(m.ds(), m.dx(), countryInfo())
	m.setBX(1)
	m.setAX(1)
	m.ok()
}

func (m *Machine) dosExtCountry() { // 65h
	al := m.al()
	switch al {
	case 0x01:
		n := int(m.cx())
		b := make([]byte, 7+34)
		b[0] = 1
		put16(b[1:], 38)
		put16(b[3:], 1)
		put16(b[5:], 437)
		copy(b[7:], countryInfo())
		if n < 5 {
			m.fail(errInvalidFunction)
			return
		}
		m.write(m.es(), m.di(), b[:min(n, len(b))])
		m.setCX(uint16(min(n, len(b))))
	case 0x02, 0x04, 0x05, 0x06, 0x07:
		// Pointers to the upper-case, file-name upper-case, terminator
		// and collating tables.
		t := map[uint8]uint16{2: romUpperTab, 4: romUpperTab, 5: romTermTab, 6: romCollTab, 7: romDBCSTab}[al]
		b := []byte{al, byte(t), byte(t >> 8), byte(romSeg & 0xFF), byte(romSeg >> 8)}
		m.write(m.es(), m.di(), b)
		m.setCX(5)
	case 0x20:
		m.setDL(upper(m.dl()))
	case 0x21, 0xA1:
		seg, off := m.ds(), m.dx()
		for i := 0; i < int(m.cx()); i++ {
			m.wb(seg, off+uint16(i), upper(m.rb(seg, off+uint16(i))))
		}
	case 0x22, 0xA2:
		seg, off := m.ds(), m.dx()
		for i := 0; i < 0x10000; i++ {
			c := m.rb(seg, off+uint16(i))
			if c == 0 {
				break
			}
			m.wb(seg, off+uint16(i), upper(c))
		}
	case 0x23:
		switch upper(m.dl()) {
		case 'Y':
			m.setAX(1)
		case 'N':
			m.setAX(0)
		default:
			m.setAX(2)
		}
	case 0xA0:
		m.setDL(upper(m.dl()))
	case 0x03:
		// Not a DOS function; FreeCOM asks on every start. The error is
		// the answer, without a log line each time.
		m.fail(errInvalidFunction)
		return
	default:
		m.unsupported21(fmt.Sprintf("AX=65%02Xh", al), "extended country information")
		return
	}
	m.ok()
}

func (m *Machine) dosCodePage() { // 66h
	switch m.al() {
	case 1:
		m.setBX(437)
		m.setDX(437)
		m.ok()
	case 2:
		if m.bx() != 437 {
			m.fail(0x25)
			return
		}
		m.ok()
	default:
		m.fail(errInvalidFunction)
	}
}

func (m *Machine) dosDBCS() { // 63h
	if m.al() != 0 {
		m.setAL(0xFF)
		return
	}
	m.setDS(romSeg)
	m.setSI(romDBCSTab + 2)
	m.setAL(0)
}

func (m *Machine) dosListOfLists() { // 52h
	m.setES(dosSeg)
	m.setBX(dosLoL)
}

func (m *Machine) dosExtError() { // 59h
	m.setAX(m.dos.lastErr)
	m.setBH(m.dos.errClass)
	m.setBL(1) // action: retry, then ask the user
	m.setCH(m.dos.errLocus)
}

func (m *Machine) dosNetwork() { m.fail(errInvalidFunction) } // 5Eh, 5Fh

func (m *Machine) dosNoLFN() { // 71h, 73h
	m.setAL(0)
	m.setCF(true)
}

// int23 is the default Ctrl-C handler (for programs that call it): the
// program ends.
func (m *Machine) int23() { m.terminate(0, termBreak) }

// int24 is the default critical error handler: "fail".
func (m *Machine) int24() { m.setAL(3) }

// int25 is absolute disk read and write: the drives are not disks.
func (m *Machine) int25() {
	m.setAX(0x0208) // sector not found
	m.setCF(true)
}

// int2F is the multiplex interrupt. Nothing is installed; the few
// queries programs make before using a service get their "no" answers.
func (m *Machine) int2F() {
	ax := m.ax()
	switch {
	case ax == 0x1680: // release the time slice
		m.setAL(0)
		m.idle = true
		m.cpu.Stop()
	case ax == 0x1600, ax == 0x160A: // Windows: not running
	case ax == 0x4300: // XMS: not installed (AL stays 0)
		m.setAL(0)
	case ax == 0x4A01, ax == 0x4A02: // HMA: none free
		m.setBX(0)
		m.setES(0xFFFF)
		m.setDI(0xFFFF)
	case ax == 0x1A00: // ANSI.SYS: not installed
	case ax == 0x4F00: // keyboard layout: none
	case ax&0xFF00 == 0x1100 || ax&0xFF00 == 0x1200 || ax&0xFF00 == 0x1000: // network, DOS internals, SHARE
		if ax == 0x1000 || ax == 0x1100 || ax == 0x1200 {
			m.setAL(0)
		}
	case ax&0xFF == 0:
		// Installation checks of other services: AL=0 means not
		// installed, which is what AL already says.
	default:
		m.logOnce(fmt.Sprintf("INT 2Fh: AX=%04Xh is not supported", ax))
	}
}
