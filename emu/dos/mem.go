package dos

import "encoding/binary"

// Guest memory as the DOS and BIOS code in Go sees it. Reads go straight
// to RAM; writes go through the bus so that the x86 core drops decoded
// code that a write (a file read, a program load) replaces.

const (
	ramSize = 1<<20 + 64<<10 // conventional memory, upper memory area, and the HMA
	romSeg  = 0xF000
	romBase = romSeg << 4
	romSize = 0x10000
)

// linear is the linear address of seg:off.
func linear(seg, off uint16) uint32 { return uint32(seg)<<4 + uint32(off) }

// mask applies the A20 gate to a linear address.
func (m *Machine) mask(a uint32) uint32 {
	if m.a20 {
		return a % ramSize
	}
	return a & 0xFFFFF
}

func (m *Machine) rbl(a uint32) byte { return m.mem.RAM[m.mask(a)] }

func (m *Machine) rwl(a uint32) uint16 {
	return uint16(m.rbl(a)) | uint16(m.rbl(a+1))<<8
}

func (m *Machine) rdl(a uint32) uint32 {
	return uint32(m.rwl(a)) | uint32(m.rwl(a+2))<<16
}

func (m *Machine) rb(seg, off uint16) byte   { return m.rbl(linear(seg, off)) }
func (m *Machine) rw(seg, off uint16) uint16 { return m.rwl(linear(seg, off)) }
func (m *Machine) rd(seg, off uint16) uint32 { return m.rdl(linear(seg, off)) }

// farPtr reads a far pointer (offset, then segment) at seg:off.
func (m *Machine) farPtr(seg, off uint16) (uint16, uint16) {
	return m.rw(seg, off+2), m.rw(seg, off)
}

func (m *Machine) wbl(a uint32, v byte) {
	a = m.mask(a)
	if a >= romBase && a < romBase+romSize {
		return
	}
	m.mem.Write8(a, v)
}

func (m *Machine) wwl(a uint32, v uint16) { m.wbl(a, byte(v)); m.wbl(a+1, byte(v>>8)) }
func (m *Machine) wdl(a uint32, v uint32) { m.wwl(a, uint16(v)); m.wwl(a+2, uint16(v>>16)) }

func (m *Machine) wb(seg, off uint16, v byte)   { m.wbl(linear(seg, off), v) }
func (m *Machine) ww(seg, off uint16, v uint16) { m.wwl(linear(seg, off), v) }
func (m *Machine) wd(seg, off uint16, v uint32) { m.wdl(linear(seg, off), v) }

// setFarPtr writes a far pointer at seg:off.
func (m *Machine) setFarPtr(seg, off, pseg, poff uint16) {
	m.ww(seg, off, poff)
	m.ww(seg, off+2, pseg)
}

// readl copies n bytes at linear address a.
func (m *Machine) readl(a uint32, n int) []byte {
	p := make([]byte, n)
	for i := 0; i < n; {
		s := m.mask(a + uint32(i))
		k := copy(p[i:], m.mem.RAM[s:min(int(s)+n-i, m.wrapEnd(s))])
		i += k
	}
	return p
}

func (m *Machine) read(seg, off uint16, n int) []byte { return m.readl(linear(seg, off), n) }

// wrapEnd is where a run of linear addresses starting at physical s stops
// being contiguous (the 1 MiB wrap, or the end of RAM).
func (m *Machine) wrapEnd(s uint32) int {
	if !m.a20 && s < 1<<20 {
		return 1 << 20
	}
	return ramSize
}

// writel copies p to linear address a. Bytes that fall into the BIOS ROM
// are dropped, as the bus drops them.
func (m *Machine) writel(a uint32, p []byte) {
	for i := 0; i < len(p); {
		s := int(m.mask(a + uint32(i)))
		end := min(s+len(p)-i, m.wrapEnd(uint32(s)))
		if s < romBase && end > romBase {
			end = romBase
		}
		if s >= romBase && s < romBase+romSize {
			end = min(end, romBase+romSize)
		} else {
			m.mem.LoadImage(uint32(s), p[i:i+end-s])
		}
		i += end - s
	}
}

func (m *Machine) write(seg, off uint16, p []byte) { m.writel(linear(seg, off), p) }

// fill writes n copies of b at linear address a.
func (m *Machine) filll(a uint32, b byte, n int) {
	p := make([]byte, n)
	if b != 0 {
		for i := range p {
			p[i] = b
		}
	}
	m.writel(a, p)
}

// asciiz reads a NUL-terminated string of at most max bytes at seg:off.
func (m *Machine) asciiz(seg, off uint16, max int) []byte {
	var out []byte
	a := linear(seg, off)
	for i := 0; i < max; i++ {
		c := m.rbl(a + uint32(i))
		if c == 0 {
			break
		}
		out = append(out, c)
	}
	return out
}

// le16 and le32 are little-endian helpers for byte slices.
func le16(b []byte) uint16     { return binary.LittleEndian.Uint16(b) }
func put16(b []byte, v uint16) { binary.LittleEndian.PutUint16(b, v) }
func put32(b []byte, v uint32) { binary.LittleEndian.PutUint32(b, v) }
