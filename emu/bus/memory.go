// Package bus is the physical side of a guest machine: a memory map (RAM,
// ROM, memory-mapped devices) and a port I/O space. Both CPU cores (emu/x86,
// emu/arm) sit on it.
//
// Memory keeps one flag byte per 4 KiB page for the whole 32-bit physical
// space, so that a CPU's fast path is one table load and one test before it
// touches RAM directly; everything else (ROM, devices, unmapped space, pages
// that hold decoded code) goes through the slow path here.
//
// This package must not import syscall/js or any CPU core.
package bus

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/nachoos/nacho/emu"
)

// PageShift and PageSize give the granularity of the memory map.
const (
	PageShift = 12
	PageSize  = 1 << PageShift
	numPages  = 1 << (32 - PageShift)
)

// Page flags. A page with no flag set is plain RAM that a CPU may read and
// write directly in RAM.
const (
	FlagMMIO  uint8 = 1 << iota // a device answers reads and writes
	FlagROM                     // reads from RAM, writes are dropped
	FlagWatch                   // plain RAM, but writes are reported (decoded code lives here)
	FlagNone                    // nothing there: reads give 0xFF, writes are dropped

	// SlowRead is the set of flags that keep a read off the fast path.
	SlowRead = FlagMMIO | FlagNone
)

// Watcher is told about a write to a watched page after the write happened.
type Watcher func(addr uint32, n int)

type mmioRegion struct {
	base, size uint32
	dev        emu.MMIO
	name       string
}

// Memory is a physical address space. RAM is one flat slice starting at 0;
// devices may be mapped anywhere in the 4 GiB space, also over RAM.
type Memory struct {
	// RAM backs every RAM and ROM page below len(RAM). CPUs read and
	// write it directly where Flags allows.
	RAM []byte
	// Flags has one entry per page of the 32-bit space.
	Flags *[numPages]uint8

	regions []mmioRegion // sorted by base
	watcher Watcher
}

var _ emu.Memory = (*Memory)(nil)

// NewMemory returns a memory map with size bytes of RAM (rounded up to a
// page) at physical address 0 and nothing above it.
func NewMemory(size int) *Memory {
	if size < 0 || uint64(size) > 1<<32-PageSize {
		panic(fmt.Sprintf("bus: RAM size %d out of range", size))
	}
	size = (size + PageSize - 1) &^ (PageSize - 1)
	m := &Memory{RAM: make([]byte, size), Flags: new([numPages]uint8)}
	for p := size >> PageShift; p < numPages; p++ {
		m.Flags[p] = FlagNone
	}
	return m
}

// Size is the amount of RAM in bytes.
func (m *Memory) Size() int { return len(m.RAM) }

// SetWatcher installs the function told about writes to watched pages.
func (m *Memory) SetWatcher(w Watcher) { m.watcher = w }

// Watch starts or stops reporting writes to the page that holds addr.
// Pages that are not RAM are never watched (their bytes cannot change by a
// CPU write that the watcher must see).
func (m *Memory) Watch(addr uint32, on bool) {
	p := addr >> PageShift
	f := m.Flags[p]
	if f&(FlagMMIO|FlagNone|FlagROM) != 0 {
		return
	}
	if on {
		m.Flags[p] = f | FlagWatch
	} else {
		m.Flags[p] = f &^ FlagWatch
	}
}

// Watched says whether writes to the page that holds addr are reported.
func (m *Memory) Watched(addr uint32) bool { return m.Flags[addr>>PageShift]&FlagWatch != 0 }

// MapROM copies data to base (page aligned, inside RAM) and makes those
// pages read-only for the guest.
func (m *Memory) MapROM(base uint32, data []byte) error {
	if base%PageSize != 0 {
		return fmt.Errorf("bus: ROM base %#x is not page aligned", base)
	}
	end := uint64(base) + uint64(len(data))
	if end > uint64(len(m.RAM)) {
		return fmt.Errorf("bus: ROM %#x+%#x lies outside RAM (%#x bytes)", base, len(data), len(m.RAM))
	}
	copy(m.RAM[base:], data)
	for p := base >> PageShift; uint64(p)<<PageShift < end; p++ {
		m.Flags[p] = m.Flags[p]&^FlagWatch | FlagROM
	}
	return nil
}

// MapMMIO maps dev at [base, base+size); both page aligned. The device
// then answers every access there, also over RAM.
func (m *Memory) MapMMIO(base, size uint32, dev emu.MMIO, name string) error {
	if base%PageSize != 0 || size%PageSize != 0 || size == 0 {
		return fmt.Errorf("bus: MMIO %q %#x+%#x is not page aligned", name, base, size)
	}
	if uint64(base)+uint64(size) > 1<<32 {
		return fmt.Errorf("bus: MMIO %q %#x+%#x runs past 4 GiB", name, base, size)
	}
	for _, r := range m.regions {
		if base < r.base+r.size && r.base < base+size {
			return fmt.Errorf("bus: MMIO %q %#x+%#x overlaps %q", name, base, size, r.name)
		}
	}
	m.regions = append(m.regions, mmioRegion{base, size, dev, name})
	sort.Slice(m.regions, func(i, j int) bool { return m.regions[i].base < m.regions[j].base })
	for p := base >> PageShift; p < (base>>PageShift)+(size>>PageShift); p++ {
		m.Flags[p] = FlagMMIO
	}
	return nil
}

func (m *Memory) region(addr uint32) *mmioRegion {
	i := sort.Search(len(m.regions), func(i int) bool { return m.regions[i].base+m.regions[i].size > addr })
	if i < len(m.regions) && m.regions[i].base <= addr {
		return &m.regions[i]
	}
	return nil
}

// Read8 reads one byte at a physical address through the memory map.
func (m *Memory) Read8(addr uint32) uint8 {
	f := m.Flags[addr>>PageShift]
	switch {
	case f&FlagMMIO != 0:
		if r := m.region(addr); r != nil {
			return uint8(r.dev.ReadMMIO(addr-r.base, 1))
		}
		return 0xFF
	case f&FlagNone != 0:
		return 0xFF
	}
	return m.RAM[addr]
}

// Write8 writes one byte at a physical address through the memory map.
func (m *Memory) Write8(addr uint32, v uint8) {
	f := m.Flags[addr>>PageShift]
	switch {
	case f&FlagMMIO != 0:
		if r := m.region(addr); r != nil {
			r.dev.WriteMMIO(addr-r.base, 1, uint32(v))
		}
		return
	case f&(FlagNone|FlagROM) != 0:
		return
	}
	m.RAM[addr] = v
	if f&FlagWatch != 0 && m.watcher != nil {
		m.watcher(addr, 1)
	}
}

// Read reads size (1, 2 or 4) bytes, little-endian, at a physical address.
// An access that stays inside one device is one device access.
func (m *Memory) Read(addr uint32, size int) uint32 {
	if f := m.Flags[addr>>PageShift]; f&FlagMMIO != 0 {
		if r := m.region(addr); r != nil && uint64(addr)+uint64(size) <= uint64(r.base)+uint64(r.size) {
			return r.dev.ReadMMIO(addr-r.base, size)
		}
	}
	var v uint32
	for i := 0; i < size; i++ {
		v |= uint32(m.Read8(addr+uint32(i))) << (8 * i)
	}
	return v
}

// Write writes size (1, 2 or 4) bytes, little-endian, at a physical address.
func (m *Memory) Write(addr uint32, size int, v uint32) {
	if f := m.Flags[addr>>PageShift]; f&FlagMMIO != 0 {
		if r := m.region(addr); r != nil && uint64(addr)+uint64(size) <= uint64(r.base)+uint64(r.size) {
			r.dev.WriteMMIO(addr-r.base, size, v)
			return
		}
	}
	for i := 0; i < size; i++ {
		m.Write8(addr+uint32(i), uint8(v>>(8*i)))
	}
}

// ReadPhys implements emu.Memory.
func (m *Memory) ReadPhys(addr uint64, p []byte) {
	for i := range p {
		a := addr + uint64(i)
		if a >= 1<<32 {
			p[i] = 0xFF
			continue
		}
		p[i] = m.Read8(uint32(a))
	}
}

// WritePhys implements emu.Memory. Watched pages report the write.
func (m *Memory) WritePhys(addr uint64, p []byte) {
	for i, b := range p {
		a := addr + uint64(i)
		if a >= 1<<32 {
			return
		}
		m.Write8(uint32(a), b)
	}
}

// LoadImage copies an image into RAM or ROM pages at a physical address, as
// a loader does before the machine starts: ROM pages are written too, and
// watched pages report the write.
func (m *Memory) LoadImage(addr uint32, data []byte) error {
	end := uint64(addr) + uint64(len(data))
	if end > uint64(len(m.RAM)) {
		return fmt.Errorf("bus: image %#x+%#x lies outside RAM (%#x bytes)", addr, len(data), len(m.RAM))
	}
	copy(m.RAM[addr:], data)
	if m.watcher != nil {
		for p := uint64(addr) >> PageShift; p<<PageShift < end; p++ {
			if m.Flags[p]&FlagWatch != 0 {
				lo, hi := max(uint64(addr), p<<PageShift), min(end, (p+1)<<PageShift)
				m.watcher(uint32(lo), int(hi-lo))
			}
		}
	}
	return nil
}

const memMagic = "NMEM1\x00"

// Save writes the RAM contents. Zero pages are left out, so a snapshot of a
// mostly empty machine is small. The memory map (ROM, devices) is set up by
// the machine and not saved; mapped devices save themselves.
func (m *Memory) Save(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(memMagic)
	binary.Write(bw, binary.LittleEndian, uint32(len(m.RAM)))
	var zero [PageSize]byte
	for p := 0; p < len(m.RAM); p += PageSize {
		page := m.RAM[p : p+PageSize]
		if string(page) == string(zero[:]) {
			continue
		}
		binary.Write(bw, binary.LittleEndian, uint32(p>>PageShift))
		bw.Write(page)
	}
	binary.Write(bw, binary.LittleEndian, uint32(0xFFFFFFFF))
	return bw.Flush()
}

// ErrBadSnapshot is returned (wrapped) by Load for input that Save did not
// write, or that was written for a machine of another shape.
var ErrBadSnapshot = errors.New("bad snapshot")

// Load restores RAM written by Save for a memory of the same size. On error
// the RAM is unchanged.
func (m *Memory) Load(r io.Reader) error {
	br := bufio.NewReader(r)
	magic := make([]byte, len(memMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != memMagic {
		return fmt.Errorf("bus: memory: %w: missing header", ErrBadSnapshot)
	}
	var size uint32
	if err := binary.Read(br, binary.LittleEndian, &size); err != nil {
		return fmt.Errorf("bus: memory: %w: %v", ErrBadSnapshot, err)
	}
	if int(size) != len(m.RAM) {
		return fmt.Errorf("bus: memory: %w: snapshot has %d bytes of RAM, machine has %d", ErrBadSnapshot, size, len(m.RAM))
	}
	ram := make([]byte, len(m.RAM))
	for {
		var p uint32
		if err := binary.Read(br, binary.LittleEndian, &p); err != nil {
			return fmt.Errorf("bus: memory: %w: %v", ErrBadSnapshot, err)
		}
		if p == 0xFFFFFFFF {
			break
		}
		off := uint64(p) << PageShift
		if off+PageSize > uint64(len(ram)) {
			return fmt.Errorf("bus: memory: %w: page %#x outside RAM", ErrBadSnapshot, p)
		}
		if _, err := io.ReadFull(br, ram[off:off+PageSize]); err != nil {
			return fmt.Errorf("bus: memory: %w: %v", ErrBadSnapshot, err)
		}
	}
	copy(m.RAM, ram)
	if m.watcher != nil {
		for p := 0; p < len(m.RAM); p += PageSize {
			if m.Flags[p>>PageShift]&FlagWatch != 0 {
				m.watcher(uint32(p), PageSize)
			}
		}
	}
	return nil
}
