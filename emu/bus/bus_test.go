package bus

import (
	"bytes"
	"errors"
	"testing"
)

type regs struct {
	mem    [8192]byte
	writes int
}

func (r *regs) ReadMMIO(off uint32, size int) uint32 {
	var v uint32
	for i := 0; i < size; i++ {
		v |= uint32(r.mem[off+uint32(i)]) << (8 * i)
	}
	return v
}

func (r *regs) WriteMMIO(off uint32, size int, v uint32) {
	r.writes++
	for i := 0; i < size; i++ {
		r.mem[off+uint32(i)] = byte(v >> (8 * i))
	}
}

func TestMemoryMap(t *testing.T) {
	m := NewMemory(1 << 20)
	if err := m.MapROM(0xF0000, []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	dev := &regs{}
	if err := m.MapMMIO(0xA0000, 0x2000, dev, "vram"); err != nil {
		t.Fatal(err)
	}
	if err := m.MapMMIO(0xA1000, 0x1000, dev, "overlap"); err == nil {
		t.Error("overlapping MMIO accepted")
	}
	if err := m.MapMMIO(0xB0001, 0x1000, dev, "unaligned"); err == nil {
		t.Error("unaligned MMIO accepted")
	}

	m.Write8(0xF0000, 9)
	if m.Read8(0xF0000) != 1 {
		t.Error("ROM was written")
	}
	m.Write(0xA0010, 2, 0xBEEF)
	if dev.writes != 1 || m.Read(0xA0010, 2) != 0xBEEF || m.RAM[0xA0010] != 0 {
		t.Errorf("MMIO word write: %d device writes, read %#x", dev.writes, m.Read(0xA0010, 2))
	}
	if m.Read8(0x200000) != 0xFF || m.Read(0xFFFFFFFC, 4) != 0xFFFFFFFF {
		t.Error("unmapped space does not read as all ones")
	}
	m.Write8(0x200000, 1) // dropped, no panic
	var got [2]byte
	m.ReadPhys(0xFFFFF, got[:])
	if got != [2]byte{0, 0xFF} {
		t.Errorf("ReadPhys across the end of RAM: % x", got)
	}
}

func TestWatch(t *testing.T) {
	m := NewMemory(1 << 16)
	var seen []uint32
	m.SetWatcher(func(a uint32, n int) { seen = append(seen, a, uint32(n)) })
	m.Watch(0x1000, true)
	m.Write8(0x0FFF, 1) // not watched
	m.Write8(0x1002, 1)
	m.Write(0x1FFF, 2, 0x0101) // straddles into an unwatched page
	if err := m.LoadImage(0x0FFE, []byte{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	want := []uint32{0x1002, 1, 0x1FFF, 1, 0x1000, 2}
	if !equal(seen, want) {
		t.Errorf("watch reports %x, want %x", seen, want)
	}
	m.Watch(0x1000, false)
	seen = nil
	m.Write8(0x1002, 1)
	if len(seen) != 0 {
		t.Error("unwatched page still reports")
	}
	m.MapROM(0x2000, []byte{1})
	m.Watch(0x2000, true)
	if m.Watched(0x2000) {
		t.Error("a ROM page can be watched")
	}
}

func equal(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMemorySnapshot(t *testing.T) {
	m := NewMemory(1 << 20)
	m.RAM[5] = 1
	m.RAM[0xFFFFF] = 2
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 3*PageSize {
		t.Errorf("snapshot of two non-zero pages is %d bytes", buf.Len())
	}
	n := NewMemory(1 << 20)
	n.RAM[100] = 7
	if err := n.Load(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(n.RAM, m.RAM) {
		t.Error("restored RAM differs")
	}
	small := NewMemory(1 << 16)
	small.RAM[1] = 3
	for name, data := range map[string][]byte{
		"other size": buf.Bytes(),
		"truncated":  buf.Bytes()[:buf.Len()/2],
		"garbage":    []byte("not a snapshot at all"),
	} {
		if err := small.Load(bytes.NewReader(data)); !errors.Is(err, ErrBadSnapshot) {
			t.Errorf("%s: err = %v", name, err)
		}
		if small.RAM[1] != 3 {
			t.Fatalf("%s: failed Load changed RAM", name)
		}
	}
}

type latch struct{ v uint32 }

func (l *latch) In(port uint16, size int) uint32     { return l.v + uint32(port) }
func (l *latch) Out(port uint16, size int, v uint32) { l.v = v }

func TestPorts(t *testing.T) {
	var p Ports
	l := &latch{}
	if err := p.Register(0x60, 0x64, l, "kbd"); err != nil {
		t.Fatal(err)
	}
	if err := p.Register(0x64, 0x65, l, "other"); err == nil {
		t.Error("overlapping ports accepted")
	}
	var log []uint32
	p.Observe = func(port uint16, size int, write bool, v uint32) { log = append(log, uint32(port), v) }
	p.Out(0x60, 1, 0x1FF)
	if l.v != 0xFF {
		t.Errorf("byte OUT passed %#x", l.v)
	}
	if v := p.In(0x61, 2); v != 0xFF+0x61 {
		t.Errorf("IN = %#x", v)
	}
	if v := p.In(0x70, 1); v != 0xFF {
		t.Errorf("unclaimed IN = %#x, want FF", v)
	}
	if p.Owner(0x62) != "kbd" || p.Owner(0x70) != "" {
		t.Error("Owner")
	}
	if want := []uint32{0x60, 0xFF, 0x61, 0x160, 0x70, 0xFF}; !equal(log, want) {
		t.Errorf("observed %x, want %x", log, want)
	}
}
