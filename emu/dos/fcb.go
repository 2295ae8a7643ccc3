package dos

import (
	"io"
	"strings"

	"github.com/nachoos/nacho/vfs"
)

// File control blocks, the CP/M-style file API of DOS 1 that old programs
// still use. An opened FCB keeps its system file table index in its
// reserved bytes, as DOS keeps its own bookkeeping there.

const fcbMagic = 0xFC

// fcbAt locates an FCB at DS:DX: the address of the standard part and the
// attribute of an extended FCB.
func (m *Machine) fcbAt() (seg, off uint16, attr uint8, ext bool) {
	seg, off = m.ds(), m.dx()
	if m.rb(seg, off) == 0xFF {
		return seg, off + 7, m.rb(seg, off+6), true
	}
	return seg, off, 0, false
}

// fcbTarget parses the drive and name of an FCB into a DOS path.
func (m *Machine) fcbPath(seg, off uint16) (dosPath, fcbName, bool) {
	var n fcbName
	copy(n[:], m.read(seg, off+1, 11))
	for i := range n {
		n[i] = upper(n[i])
	}
	d := int(m.rb(seg, off))
	drv := m.dos.drive
	if d != 0 {
		drv = d - 1
	}
	if drv < 0 || drv >= 26 || m.dos.drives[drv] == nil {
		return dosPath{}, n, false
	}
	dr := m.dos.drives[drv]
	p := dosPath{drive: drv, comps: append(append([]string(nil), dr.cwd...), n.String())}
	return p, n, true
}

func (m *Machine) fcbFile(seg, off uint16) *openFile {
	if m.rb(seg, off+0x19) != fcbMagic {
		return nil
	}
	i := m.rb(seg, off+0x18)
	if int(i) >= len(m.dos.sft) {
		return nil
	}
	return m.dos.sft[i]
}

// fcbOpened fills an FCB for a file just opened.
func (m *Machine) fcbOpened(seg, off uint16, f *openFile, p dosPath) {
	if m.rb(seg, off) == 0 {
		m.wb(seg, off, uint8(p.drive+1))
	}
	m.ww(seg, off+0x0C, 0)
	m.ww(seg, off+0x0E, 128)
	var size int64
	if f.f != nil {
		if fi, err := f.f.Stat(); err == nil {
			size = fi.Size()
		}
	}
	m.wd(seg, off+0x10, uint32(size))
	tm, date := dosTime(fileTime(f))
	m.ww(seg, off+0x14, date)
	m.ww(seg, off+0x16, tm)
	i := m.sftAdd(f)
	m.wb(seg, off+0x18, i)
	m.wb(seg, off+0x19, fcbMagic)
	m.wb(seg, off+0x20, 0)
}

func (m *Machine) fcbOpen() { // 0Fh
	seg, off, _, _ := m.fcbAt()
	p, n, ok := m.fcbPath(seg, off)
	if !ok {
		m.setAL(0xFF)
		return
	}
	if strings.ContainsRune(string(n[:]), '?') {
		// A pattern opens the first file it matches.
		s := &search{drive: p.drive, tmpl: n}
		dir, err := m.dirOf(m.dos.drives[p.drive], p.comps[:len(p.comps)-1])
		if err != nil {
			m.setAL(0xFF)
			return
		}
		s.dirID, s.index = m.dirID(dir), 2
		fd, err := m.next(s)
		if err != nil {
			m.setAL(0xFF)
			return
		}
		p.comps[len(p.comps)-1] = fd.name.String()
		m.write(seg, off+1, fd.name[:])
	}
	t, err := m.resolvePath(p)
	if err != nil {
		m.setAL(0xFF)
		return
	}
	f, err := m.openTarget(t, 2, vfs.O_RDWR, 0)
	if err != nil {
		f, err = m.openTarget(t, 0, vfs.O_RDONLY, 0)
	}
	if err != nil {
		m.setAL(0xFF)
		return
	}
	m.fcbOpened(seg, off, f, p)
	m.setAL(0)
}

func (m *Machine) fcbCreate() { // 16h
	seg, off, attr, _ := m.fcbAt()
	p, _, ok := m.fcbPath(seg, off)
	if !ok {
		m.setAL(0xFF)
		return
	}
	t, err := m.resolvePath(p)
	if err != nil {
		m.setAL(0xFF)
		return
	}
	f, err := m.createFile(t, uint16(attr), false)
	if err != nil {
		m.setAL(0xFF)
		return
	}
	m.fcbOpened(seg, off, f, p)
	m.setAL(0)
}

func (m *Machine) fcbClose() { // 10h
	seg, off, _, _ := m.fcbAt()
	f := m.fcbFile(seg, off)
	if f == nil {
		m.setAL(0xFF)
		return
	}
	m.wb(seg, off+0x19, 0)
	m.sftRelease(m.rb(seg, off+0x18))
	m.setAL(0)
}

// fcbRecord is the FCB's current record position and size.
func (m *Machine) fcbPos(seg, off uint16) (rec uint32, size uint16) {
	size = m.rw(seg, off+0x0E)
	if size == 0 {
		size = 128
		m.ww(seg, off+0x0E, 128)
	}
	return uint32(m.rw(seg, off+0x0C))*128 + uint32(m.rb(seg, off+0x20)), size
}

func (m *Machine) fcbSetPos(seg, off uint16, rec uint32) {
	m.ww(seg, off+0x0C, uint16(rec/128))
	m.wb(seg, off+0x20, uint8(rec%128))
}

// fcbReadRec reads record rec into the DTA at dtaOff: 0 done, 1 end of
// file, 3 a partial record (padded with zeros).
func (m *Machine) fcbReadRec(f *openFile, rec uint32, size uint16, dtaOff uint16) uint8 {
	buf := make([]byte, size)
	n, err := f.f.ReadAt(buf, int64(rec)*int64(size))
	if err != nil && err != io.EOF {
		return 1
	}
	if n == 0 {
		return 1
	}
	m.write(m.dos.dtaSeg, dtaOff, buf)
	if n < int(size) {
		return 3
	}
	return 0
}

func (m *Machine) fcbWriteRec(seg, off uint16, f *openFile, rec uint32, size uint16, dtaOff uint16) uint8 {
	data := m.read(m.dos.dtaSeg, dtaOff, int(size))
	if _, err := f.f.WriteAt(data, int64(rec)*int64(size)); err != nil {
		return 1
	}
	f.written = true
	end := (rec + 1) * uint32(size)
	if end > m.rd(seg, off+0x10) {
		m.wd(seg, off+0x10, end)
	}
	return 0
}

func (m *Machine) fcbSeqRead() { // 14h
	seg, off, _, _ := m.fcbAt()
	f := m.fcbFile(seg, off)
	if f == nil || f.f == nil {
		m.setAL(1)
		return
	}
	rec, size := m.fcbPos(seg, off)
	r := m.fcbReadRec(f, rec, size, m.dos.dtaOff)
	if r != 1 {
		m.fcbSetPos(seg, off, rec+1)
	}
	m.setAL(r)
}

func (m *Machine) fcbSeqWrite() { // 15h
	seg, off, _, _ := m.fcbAt()
	f := m.fcbFile(seg, off)
	if f == nil || f.f == nil {
		m.setAL(1)
		return
	}
	rec, size := m.fcbPos(seg, off)
	r := m.fcbWriteRec(seg, off, f, rec, size, m.dos.dtaOff)
	if r == 0 {
		m.fcbSetPos(seg, off, rec+1)
	}
	m.setAL(r)
}

// fcbRandom reads the random record field (three bytes for records of
// 64 bytes or more, four below).
func (m *Machine) fcbRandom(seg, off uint16, size uint16) uint32 {
	r := m.rd(seg, off+0x21)
	if size >= 64 {
		r &= 0xFFFFFF
	}
	return r
}

func (m *Machine) setFcbRandom(seg, off uint16, size uint16, r uint32) {
	if size >= 64 {
		m.write(seg, off+0x21, []byte{byte(r), byte(r >> 8), byte(r >> 16)})
	} else {
		m.wd(seg, off+0x21, r)
	}
}

func (m *Machine) fcbRandomRead() { // 21h
	seg, off, _, _ := m.fcbAt()
	f := m.fcbFile(seg, off)
	if f == nil || f.f == nil {
		m.setAL(1)
		return
	}
	_, size := m.fcbPos(seg, off)
	rec := m.fcbRandom(seg, off, size)
	m.fcbSetPos(seg, off, rec)
	m.setAL(m.fcbReadRec(f, rec, size, m.dos.dtaOff))
}

func (m *Machine) fcbRandomWrite() { // 22h
	seg, off, _, _ := m.fcbAt()
	f := m.fcbFile(seg, off)
	if f == nil || f.f == nil {
		m.setAL(1)
		return
	}
	_, size := m.fcbPos(seg, off)
	rec := m.fcbRandom(seg, off, size)
	m.fcbSetPos(seg, off, rec)
	m.setAL(m.fcbWriteRec(seg, off, f, rec, size, m.dos.dtaOff))
}

func (m *Machine) fcbBlockRead() { // 27h
	seg, off, _, _ := m.fcbAt()
	f := m.fcbFile(seg, off)
	if f == nil || f.f == nil {
		m.setAL(1)
		m.setCX(0)
		return
	}
	_, size := m.fcbPos(seg, off)
	rec := m.fcbRandom(seg, off, size)
	n := int(m.cx())
	done := 0
	var r uint8
	for ; done < n; done++ {
		r = m.fcbReadRec(f, rec+uint32(done), size, m.dos.dtaOff+uint16(done)*size)
		if r == 1 {
			break
		}
		if r == 3 {
			done++
			break
		}
	}
	m.setFcbRandom(seg, off, size, rec+uint32(done))
	m.fcbSetPos(seg, off, rec+uint32(done))
	m.setCX(uint16(done))
	m.setAL(r)
}

func (m *Machine) fcbBlockWrite() { // 28h
	seg, off, _, _ := m.fcbAt()
	f := m.fcbFile(seg, off)
	if f == nil || f.f == nil {
		m.setAL(1)
		return
	}
	_, size := m.fcbPos(seg, off)
	rec := m.fcbRandom(seg, off, size)
	n := int(m.cx())
	if n == 0 {
		f.f.Truncate(int64(rec) * int64(size))
		f.written = true
		m.wd(seg, off+0x10, rec*uint32(size))
		m.setAL(0)
		return
	}
	done := 0
	for ; done < n; done++ {
		if m.fcbWriteRec(seg, off, f, rec+uint32(done), size, m.dos.dtaOff+uint16(done)*size) != 0 {
			break
		}
	}
	m.setFcbRandom(seg, off, size, rec+uint32(done))
	m.fcbSetPos(seg, off, rec+uint32(done))
	m.setCX(uint16(done))
	if done < n {
		m.setAL(1)
	} else {
		m.setAL(0)
	}
}

func (m *Machine) fcbFileSize() { // 23h
	seg, off, _, _ := m.fcbAt()
	p, _, ok := m.fcbPath(seg, off)
	if !ok {
		m.setAL(0xFF)
		return
	}
	t, err := m.resolvePath(p)
	if err != nil || t.ent == nil || t.ent.info.IsDir() {
		m.setAL(0xFF)
		return
	}
	size := uint32(m.rw(seg, off+0x0E))
	if size == 0 {
		size = 128
	}
	recs := (uint32(t.ent.info.Size()) + size - 1) / size
	m.setFcbRandom(seg, off, uint16(size), recs)
	m.setAL(0)
}

func (m *Machine) fcbSetRandom() { // 24h
	seg, off, _, _ := m.fcbAt()
	rec, size := m.fcbPos(seg, off)
	m.setFcbRandom(seg, off, size, rec)
}

// FCB searches keep their state in the FCB itself (bytes 0Ch-19h, which a
// search FCB does not otherwise use).

func (m *Machine) fcbFindFirst() { // 11h
	seg, off, attr, ext := m.fcbAt()
	p, n, ok := m.fcbPath(seg, off)
	if !ok {
		m.setAL(0xFF)
		return
	}
	dir, err := m.dirOf(m.dos.drives[p.drive], p.comps[:len(p.comps)-1])
	if err != nil {
		m.setAL(0xFF)
		return
	}
	s := &search{drive: p.drive, dirID: m.dirID(dir), tmpl: n, attr: attr}
	if len(p.comps) == 1 {
		s.index = 2
	}
	m.fcbSearch(seg, off, s, ext)
}

func (m *Machine) fcbFindNext() { // 12h
	seg, off, attr, ext := m.fcbAt()
	s := &search{drive: int(m.rb(seg, off+0x18)), attr: attr, index: int(m.rw(seg, off+0x0C)),
		dirID: int(m.rw(seg, off+0x0E))}
	copy(s.tmpl[:], m.read(seg, off+1, 11))
	if m.rb(seg, off+0x19) != fcbMagic+1 || s.drive >= 26 {
		m.setAL(0xFF)
		return
	}
	m.fcbSearch(seg, off, s, ext)
}

func (m *Machine) fcbSearch(seg, off uint16, s *search, ext bool) {
	f, err := m.next(s)
	if err != nil {
		m.setAL(0xFF)
		return
	}
	m.ww(seg, off+0x0C, uint16(s.index))
	m.ww(seg, off+0x0E, uint16(s.dirID))
	m.wb(seg, off+0x18, uint8(s.drive))
	m.wb(seg, off+0x19, fcbMagic+1)
	var out []byte
	if ext {
		out = append(out, 0xFF, 0, 0, 0, 0, 0, s.attr)
	}
	ent := make([]byte, 33)
	ent[0] = uint8(s.drive + 1)
	copy(ent[1:12], f.name[:])
	ent[12] = f.attr
	tm, date := dosTime(f.mtime)
	put16(ent[1+0x16:], tm)
	put16(ent[1+0x18:], date)
	put32(ent[1+0x1C:], uint32(f.size))
	out = append(out, ent...)
	m.write(m.dos.dtaSeg, m.dos.dtaOff, out)
	m.setAL(0)
}

func (m *Machine) fcbDelete() { // 13h
	seg, off, attr, _ := m.fcbAt()
	p, n, ok := m.fcbPath(seg, off)
	if !ok {
		m.setAL(0xFF)
		return
	}
	dir, err := m.dirOf(m.dos.drives[p.drive], p.comps[:len(p.comps)-1])
	if err != nil {
		m.setAL(0xFF)
		return
	}
	s := &search{drive: p.drive, dirID: m.dirID(dir), tmpl: n, attr: attr &^ attrDir, index: 2}
	var names []string
	for {
		f, err := m.next(s)
		if err != nil {
			break
		}
		names = append(names, f.name.String())
	}
	deleted := 0
	for _, name := range names {
		q := p
		q.comps = append(append([]string(nil), p.comps[:len(p.comps)-1]...), name)
		t, err := m.resolvePath(q)
		if err == nil && m.deleteTarget(t) == nil {
			deleted++
		}
	}
	if deleted == 0 {
		m.setAL(0xFF)
		return
	}
	m.setAL(0)
}

func (m *Machine) fcbRename() { // 17h
	seg, off, attr, _ := m.fcbAt()
	p, n, ok := m.fcbPath(seg, off)
	if !ok {
		m.setAL(0xFF)
		return
	}
	var to fcbName
	copy(to[:], m.read(seg, off+0x11, 11))
	dir, err := m.dirOf(m.dos.drives[p.drive], p.comps[:len(p.comps)-1])
	if err != nil {
		m.setAL(0xFF)
		return
	}
	s := &search{drive: p.drive, dirID: m.dirID(dir), tmpl: n, attr: attr &^ attrDir, index: 2}
	var names []fcbName
	for {
		f, err := m.next(s)
		if err != nil {
			break
		}
		names = append(names, f.name)
	}
	renamed := 0
	for _, old := range names {
		nn := to
		for i := range nn {
			if nn[i] == '?' {
				nn[i] = old[i]
			}
			nn[i] = upper(nn[i])
		}
		base := p.comps[:len(p.comps)-1]
		from, err1 := m.resolvePath(dosPath{drive: p.drive, comps: append(append([]string(nil), base...), old.String())})
		dst, err2 := m.resolvePath(dosPath{drive: p.drive, comps: append(append([]string(nil), base...), nn.String())})
		if err1 != nil || err2 != nil || from.ent == nil || dst.ent != nil || dst.device != "" {
			continue
		}
		if err := m.fsys.RenameWith(from.vfsPath(), joinVFS(dst.dir, fromCP437([]byte(dst.name))), vfs.RenameOptions{NoReplace: true}); err == nil {
			renamed++
			m.changed(dir)
		}
	}
	if renamed == 0 {
		m.setAL(0xFF)
		return
	}
	m.setAL(0)
}

// fcbParse is INT 21h AH=29h.
func (m *Machine) fcbParse() {
	seg, off := m.ds(), m.si()
	src := m.read(seg, off, 128)
	fcb := m.read(m.es(), m.di(), 12)
	n, r := m.parseFCB(src, fcb, m.al())
	m.write(m.es(), m.di(), fcb)
	m.setSI(off + uint16(n))
	m.setAL(r)
}

// parseFCB parses a file name from src into fcb (drive byte and 11 name
// bytes) with INT 21h AH=29h's flags. It returns how many bytes it used
// and AL: 0 plain, 1 with wildcards, FFh a bad drive.
func (m *Machine) parseFCB(src, fcb []byte, flags uint8) (int, uint8) {
	i := 0
	isSep := func(c byte) bool { return strings.IndexByte(":.;,=+ \t", c) >= 0 }
	isTerm := func(c byte) bool {
		return c < 0x21 || strings.IndexByte(`."/\[]:|<>+=;,`, c) >= 0
	}
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if flags&1 != 0 && i < len(src) && isSep(src[i]) && src[i] != '\t' && src[i] != ' ' {
		i++
		for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
	}
	ret := uint8(0)
	if i+1 < len(src) && src[i+1] == ':' && (upper(src[i]) >= 'A' && upper(src[i]) <= 'Z') {
		d := upper(src[i]) - 'A'
		fcb[0] = d + 1
		if m.dos.drives[d] == nil {
			ret = 0xFF
		}
		i += 2
	} else if flags&2 == 0 {
		fcb[0] = 0
	}
	field := func(dst []byte, keep bool) bool {
		start := i
		j := 0
		wild := false
		for i < len(src) && !isTerm(src[i]) {
			c := upper(src[i])
			if c == '*' {
				for ; j < len(dst); j++ {
					dst[j] = '?'
				}
				wild = true
			} else if j < len(dst) {
				if c == '?' {
					wild = true
				}
				dst[j] = c
				j++
			}
			i++
		}
		if i == start && keep {
			return false
		}
		for ; j < len(dst); j++ {
			dst[j] = ' '
		}
		return wild
	}
	if field(fcb[1:9], flags&4 != 0) && ret == 0 {
		ret = 1
	}
	if i < len(src) && src[i] == '.' {
		i++
		if field(fcb[9:12], false) && ret == 0 {
			ret = 1
		}
	} else if flags&8 == 0 {
		for j := 9; j < 12; j++ {
			fcb[j] = ' '
		}
	}
	return i, ret
}
