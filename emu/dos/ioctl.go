package dos

import "fmt"

// dosIOCTL is INT 21h AH=44h.
func (m *Machine) dosIOCTL() {
	al := m.al()
	switch al {
	case 0x00, 0x01, 0x02, 0x03, 0x06, 0x07, 0x0A, 0x0C:
		f, _, ok := m.handle(m.bx())
		if !ok {
			m.fail(errInvalidHandle)
			return
		}
		switch al {
		case 0x00:
			v := f.devInfo()
			m.setDX(v)
			m.setAX(v)
		case 0x01:
			if f.devInfo()&0x80 == 0 {
				m.fail(errInvalidFunction)
				return
			}
			f.raw = m.dl()&0x20 != 0
		case 0x02, 0x03, 0x0C:
			m.fail(errInvalidFunction) // no device has a control channel
			return
		case 0x06:
			m.setAL(m.inputStatus(f))
		case 0x07:
			m.setAL(0xFF)
		case 0x0A:
			m.setDX(0) // local
		}
	case 0x04, 0x05:
		m.fail(errInvalidFunction)
		return
	case 0x08: // removable?
		if m.driveArg(m.bl()) == nil {
			m.fail(errBadDrive)
			return
		}
		m.setAX(1) // fixed
	case 0x09: // remote?
		if m.driveArg(m.bl()) == nil {
			m.fail(errBadDrive)
			return
		}
		m.setDX(0x0040)
	case 0x0B: // sharing retry count
	case 0x0D:
		m.genericIOCTL()
		return
	case 0x0E:
		if m.driveArg(m.bl()) == nil {
			m.fail(errBadDrive)
			return
		}
		m.setAL(0) // one logical drive per physical one
	case 0x0F:
		if m.driveArg(m.bl()) == nil {
			m.fail(errBadDrive)
			return
		}
	case 0x10, 0x11:
		m.fail(errInvalidFunction)
		return
	default:
		m.unsupported21(fmt.Sprintf("AX=44%02Xh", al), "IOCTL")
		return
	}
	m.ok()
}

// inputStatus is IOCTL 06h: FFh when a read would give data.
func (m *Machine) inputStatus(f *openFile) uint8 {
	switch f.kind {
	case kindCON:
		if len(f.conReady) > 0 || m.feedKey(false) {
			return 0xFF
		}
		m.poll(noWake)
		return 0
	case kindIn:
		if f.in == nil {
			return 0
		}
		f.in.start()
		if f.in.buffered() > 0 || !f.in.eof() {
			return 0xFF
		}
		return 0
	case kindFile:
		pos, _ := f.f.Seek(0, 1)
		if fi, err := f.f.Stat(); err == nil && pos < fi.Size() {
			return 0xFF
		}
		return 0
	case kindNUL:
		return 0
	}
	return 0xFF
}

// genericIOCTL is AX=440Dh for block devices: the media ID (volume
// label, serial number, file system type) and little else.
func (m *Machine) genericIOCTL() {
	dr := m.driveArg(m.bl())
	if dr == nil {
		m.fail(errBadDrive)
		return
	}
	seg, off := m.ds(), m.dx()
	switch m.cx() {
	case 0x0866: // get media ID
		b := make([]byte, 0x19)
		put32(b[2:], dr.serial)
		copy(b[6:], padRight(dr.label, 11))
		copy(b[0x11:], "FAT16   ")
		m.write(seg, off, b)
	case 0x0846: // set media ID
		dr.serial = m.rd(seg, off+2)
		dr.label = string(trimSpace(m.read(seg, off+6, 11)))
	case 0x0860: // device parameters
		b := make([]byte, 0x20)
		b[1] = 5 // fixed disk
		put16(b[2:], 1)
		put16(b[7:], sectorSize)
		b[9] = clusterSecs
		put16(b[0x0A:], 1)
		b[0x0C] = 2
		put16(b[0x0D:], 512)
		b[0x11] = 0xF8
		m.write(seg, off+1, b[1:])
	default:
		m.fail(errInvalidFunction)
		return
	}
	m.ok()
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == 0) {
		b = b[:len(b)-1]
	}
	return b
}
