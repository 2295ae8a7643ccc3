package dos

import (
	"io/fs"
	"strings"
	"time"

	"github.com/nachoos/nacho/vfs"
)

// Directory, attribute and search functions of INT 21h.

func (m *Machine) dosMkdir() { // 39h
	t, err := m.resolve(m.pathArg(m.ds(), m.dx()))
	if err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	if t.isRoot() || t.device != "" || t.ent != nil || t.drive.readOnly {
		m.fail(errAccessDenied)
		return
	}
	if err := m.fsys.Mkdir(t.vfsPath(), 0o755); err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	m.changed(t.dir)
	m.ok()
}

func (m *Machine) dosRmdir() { // 3Ah
	t, err := m.resolve(m.pathArg(m.ds(), m.dx()))
	if err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	switch {
	case t.isRoot() || t.device != "":
		m.fail(errAccessDenied)
		return
	case t.ent == nil || !t.ent.info.IsDir():
		m.fail(errPathNotFound)
		return
	}
	for _, dr := range m.dos.drives {
		if dr != nil && dr == t.drive && strings.Join(dr.cwd, "\\") == strings.Join(t.path.comps, "\\") {
			m.fail(errCurrentDir)
			return
		}
	}
	p := t.vfsPath()
	if err := m.fsys.Remove(p); err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	m.changed(t.dir)
	m.changed(p)
	m.ok()
}

func (m *Machine) dosChdir() { // 3Bh
	p, err := m.parsePath(m.pathArg(m.ds(), m.dx()), false)
	if err != nil {
		m.fail(errPathNotFound)
		return
	}
	dr := m.dos.drives[p.drive]
	if _, err := m.dirOf(dr, p.comps); err != nil {
		m.fail(errPathNotFound)
		return
	}
	dr.cwd = append([]string(nil), p.comps...)
	m.writeCDS()
	m.ok()
}

func (m *Machine) dosGetCwd() { // 47h
	d := int(m.dl())
	if d == 0 {
		d = m.dos.drive + 1
	}
	if d > 26 || m.dos.drives[d-1] == nil {
		m.fail(errBadDrive)
		return
	}
	dr := m.dos.drives[d-1]
	m.write(m.ds(), m.si(), append([]byte(strings.Join(dr.cwd, "\\")), 0))
	m.setAX(0x0100)
	m.ok()
}

func (m *Machine) dosSelectDrive() { // 0Eh
	if d := int(m.dl()); d < 26 && m.dos.drives[d] != nil {
		m.dos.drive = d
	}
	m.setAL(26)
}

func (m *Machine) dosGetDrive() { m.setAL(uint8(m.dos.drive)) } // 19h

func (m *Machine) dosSetDTA() { m.dos.dtaSeg, m.dos.dtaOff = m.ds(), m.dx() } // 1Ah

func (m *Machine) dosGetDTA() { // 2Fh
	m.setES(m.dos.dtaSeg)
	m.setBX(m.dos.dtaOff)
}

func (m *Machine) dosDiskReset() { m.flushStreams() } // 0Dh

// driveArg is a drive number argument: 0 the current drive, 1 = A:.
func (m *Machine) driveArg(d uint8) *drive {
	i := int(d) - 1
	if d == 0 {
		i = m.dos.drive
	}
	if i < 0 || i >= 26 {
		return nil
	}
	return m.dos.drives[i]
}

// Drive geometry as DOS reports it: 512-byte sectors, 64-sector (32 KiB)
// clusters, at most 65535 of them (2 GiB).
const (
	sectorSize    = 512
	clusterSecs   = 64
	clusterBytes  = sectorSize * clusterSecs
	totalClusters = 0xFFFF
)

func (m *Machine) freeClusters(dr *drive) int {
	if u, err := m.fsys.Usage(); err == nil {
		for _, mu := range u.Mounts {
			if strings.HasPrefix(dr.root, mu.Path) && mu.Quota > 0 {
				return min(int((mu.Quota-mu.Used)/clusterBytes), totalClusters)
			}
		}
	}
	return 32768
}

func (m *Machine) dosFreeSpace() { // 36h
	dr := m.driveArg(m.dl())
	if dr == nil {
		m.setAX(0xFFFF)
		return
	}
	m.setAX(clusterSecs)
	m.setBX(uint16(m.freeClusters(dr)))
	m.setCX(sectorSize)
	m.setDX(totalClusters)
}

func (m *Machine) dosAllocInfo() { // 1Bh, 1Ch
	d := uint8(0)
	if m.ah() == 0x1C {
		d = m.dl()
	}
	if m.driveArg(d) == nil {
		m.setAL(0xFF)
		return
	}
	m.setAL(clusterSecs)
	m.setCX(sectorSize)
	m.setDX(totalClusters)
	m.wb(dosSeg, dosDPB+0x40, 0xF8)
	m.setDS(dosSeg)
	m.setBX(dosDPB + 0x40)
}

func (m *Machine) dosGetDPB() { // 1Fh, 32h
	d := uint8(0)
	if m.ah() == 0x32 {
		d = m.dl()
	}
	dr := m.driveArg(d)
	if dr == nil {
		m.setAL(0xFF)
		return
	}
	dpb := make([]byte, 0x21)
	dpb[0] = dr.letter - 'A'
	dpb[1] = dr.letter - 'A'
	put16(dpb[2:], sectorSize)
	dpb[4] = clusterSecs - 1
	dpb[5] = 6
	put16(dpb[6:], 1)
	dpb[8] = 2
	put16(dpb[9:], 512)
	put16(dpb[0x0B:], 600)
	put16(dpb[0x0D:], totalClusters)
	put16(dpb[0x0F:], 256)
	put16(dpb[0x11:], 513)
	dpb[0x16] = 0xF8
	put16(dpb[0x19:], 0xFFFF)
	put16(dpb[0x1B:], 0xFFFF)
	put16(dpb[0x1D:], 2)
	put16(dpb[0x1F:], uint16(m.freeClusters(dr)))
	m.write(dosSeg, dosDPB, dpb)
	m.setDS(dosSeg)
	m.setBX(dosDPB)
	m.setAL(0)
}

func (m *Machine) dosSerial() { // 69h
	dr := m.driveArg(m.bl())
	if dr == nil {
		m.fail(errBadDrive)
		return
	}
	seg, off := m.ds(), m.dx()
	switch m.al() {
	case 0:
		b := make([]byte, 0x19)
		put32(b[2:], dr.serial)
		copy(b[6:], padRight(dr.label, 11))
		copy(b[0x11:], "FAT16   ")
		m.write(seg, off, b)
	case 1:
		dr.serial = m.rd(seg, off+2)
	default:
		m.fail(errInvalidFunction)
		return
	}
	m.ok()
}

func padRight(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s + strings.Repeat(" ", n-len(s))
}

func (m *Machine) dosAttrib() { // 43h
	t, err := m.resolve(m.pathArg(m.ds(), m.dx()))
	if err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	if t.isRoot() && m.al() == 0 {
		// A root directory has no entry of its own; DOS kernels answer
		// "directory" for it, and programs check paths that way.
		m.setCX(attrDir)
		m.setAX(attrDir)
		m.ok()
		return
	}
	if t.device != "" || t.isRoot() || t.ent == nil {
		m.fail(errFileNotFound)
		return
	}
	p := t.vfsPath()
	switch m.al() {
	case 0:
		m.setCX(uint16(m.attrOf(p, t.ent.info, t.ent.host)))
		m.setAX(m.cx())
	case 1:
		a := uint8(m.cx())
		if a&(attrVolume|attrDir) != 0 && !t.ent.info.IsDir() || a&attrVolume != 0 {
			m.fail(errAccessDenied)
			return
		}
		perm := t.ent.info.Mode().Perm()
		if a&attrReadOnly != 0 {
			perm &^= 0o222
		} else {
			perm |= 0o200
		}
		if perm != t.ent.info.Mode().Perm() {
			if err := m.fsys.Chmod(p, perm); err != nil {
				m.fail(errCode(err, errFileNotFound))
				return
			}
		}
		if t.ent.info.IsDir() {
			a &^= attrArchive
			if a&(attrHidden|attrSystem) == 0 {
				delete(m.dos.attrs, p)
			} else {
				m.dos.attrs[p] = a & (attrHidden | attrSystem)
			}
		} else {
			m.setExtraAttrs(p, a)
		}
		m.changed(t.dir)
	default:
		m.fail(errInvalidFunction)
		return
	}
	m.ok()
}

func (m *Machine) dosRename() { // 56h
	from, err := m.resolve(m.pathArg(m.ds(), m.dx()))
	if err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	to, err := m.resolve(m.pathArg(m.es(), m.di()))
	if err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	switch {
	case from.device != "" || to.device != "" || from.isRoot() || to.isRoot():
		m.fail(errAccessDenied)
		return
	case from.ent == nil:
		m.fail(errFileNotFound)
		return
	case from.drive != to.drive:
		m.fail(errNotSameDevice)
		return
	case to.ent != nil && !(to.dir == from.dir && to.ent.host == from.ent.host):
		m.fail(errAccessDenied)
		return
	case from.drive.readOnly:
		m.fail(errAccessDenied)
		return
	}
	src := from.vfsPath()
	dst := joinVFS(to.dir, fromCP437([]byte(to.name)))
	if err := m.fsys.RenameWith(src, dst, vfs.RenameOptions{NoReplace: src != dst}); err != nil {
		m.fail(errCode(err, errFileNotFound))
		return
	}
	if a, ok := m.dos.attrs[src]; ok {
		delete(m.dos.attrs, src)
		m.dos.attrs[dst] = a
	}
	m.changed(from.dir)
	m.changed(to.dir)
	m.ok()
}

func (m *Machine) dosFileTime() { // 57h
	f, _, ok := m.handle(m.bx())
	if !ok {
		m.fail(errInvalidHandle)
		return
	}
	switch m.al() {
	case 0:
		tm, date := dosTime(fileTime(f))
		if f.kind != kindFile {
			tm, date = dosTime(m.clock())
		}
		m.setCX(tm)
		m.setDX(date)
	case 1:
		if f.kind == kindFile {
			t := fromDOSTime(m.cx(), m.dx())
			if err := m.fsys.Chtimes(f.path, t, t); err != nil {
				m.fail(errCode(err, errAccessDenied))
				return
			}
		}
	default:
		m.fail(errInvalidFunction)
		return
	}
	m.ok()
}

func fromDOSTime(tm, date uint16) time.Time {
	return time.Date(int(date>>9)+1980, time.Month(date>>5&15), int(date&31),
		int(tm>>11), int(tm>>5&63), int(tm&31)*2, 0, time.Local)
}

func (m *Machine) dosTrueName() { // 60h
	raw := m.pathArg(m.ds(), m.si())
	p, err := m.parsePath(raw, true)
	if err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	var out string
	if n := len(p.comps); n > 0 && deviceName(p.comps[n-1]) != "" {
		out = string(rune('A'+p.drive)) + ":/" + deviceName(p.comps[n-1])
	} else {
		out = p.String()
	}
	m.write(m.es(), m.di(), append([]byte(out), 0))
	m.ok()
}

// Searches (find first/next). The state lives in the DTA as in DOS, so a
// program may run several searches at once and copy DTAs around: the
// drive, the pattern in FCB form, the attributes, the position in the
// directory, and an id for the directory itself.

type search struct {
	drive int
	dirID int
	tmpl  fcbName
	attr  uint8
	index int
}

type found struct {
	name  fcbName
	attr  uint8
	mtime time.Time
	size  int64
}

func (m *Machine) dirID(p string) int {
	if id, ok := m.dos.findIDs[p]; ok {
		return id
	}
	m.dos.finds = append(m.dos.finds, p)
	id := len(m.dos.finds) - 1
	m.dos.findIDs[p] = id
	return id
}

// startSearch prepares a search for a DOS pattern.
func (m *Machine) startSearch(raw []byte, attr uint8) (*search, error) {
	p, err := m.parsePath(raw, true)
	if err != nil {
		if err == dosErr(errFileNotFound) {
			return nil, dosErr(errNoMoreFiles)
		}
		return nil, err
	}
	dr := m.dos.drives[p.drive]
	if dr == nil {
		return nil, dosErr(errPathNotFound)
	}
	pat := "*.*"
	dirComps := p.comps
	if n := len(p.comps); n > 0 {
		pat, dirComps = p.comps[n-1], p.comps[:n-1]
	} else if len(raw) > 0 {
		return nil, dosErr(errNoMoreFiles) // "C:\" names no file
	}
	dir, err := m.dirOf(dr, dirComps)
	if err != nil {
		return nil, err
	}
	s := &search{drive: p.drive, dirID: m.dirID(dir), tmpl: toFCB(pat), attr: attr}
	if len(dirComps) == 0 {
		s.index = 2 // no . and .. in a root directory
	}
	return s, nil
}

// next finds the next entry of a search.
func (m *Machine) next(s *search) (*found, error) {
	if s.dirID < 0 || s.dirID >= len(m.dos.finds) {
		return nil, dosErr(errNoMoreFiles)
	}
	dir := m.dos.finds[s.dirID]
	dr := m.dos.drives[s.drive]
	if s.attr == attrVolume {
		if s.index > 2 || dr == nil {
			return nil, dosErr(errNoMoreFiles)
		}
		s.index = 3
		if dir != dr.root {
			return nil, dosErr(errNoMoreFiles)
		}
		return &found{name: toFCB(volumeName(dr.label)), attr: attrVolume, mtime: m.clock()}, nil
	}
	l, err := m.listDir(dir)
	if err != nil {
		return nil, dosErr(errNoMoreFiles)
	}
	for {
		i := s.index
		s.index++
		if i < 2 {
			if s.attr&attrDir == 0 {
				continue
			}
			name := fcbName{'.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}
			if i == 1 {
				name[1] = '.'
			}
			if !s.tmpl.match(name) {
				continue
			}
			fi, err := m.fsys.Stat(dir)
			mt := m.clock()
			if err == nil {
				mt = fi.ModTime()
			}
			return &found{name: name, attr: attrDir, mtime: mt}, nil
		}
		if i-2 >= len(l.entries) {
			return nil, dosErr(errNoMoreFiles)
		}
		e := l.entries[i-2]
		name := toFCB(e.short)
		if !s.tmpl.match(name) {
			continue
		}
		a := m.attrOf(joinVFS(dir, e.host), e.info, e.host)
		if a&(attrHidden|attrSystem|attrDir)&^s.attr != 0 {
			continue
		}
		size := e.info.Size()
		if e.info.IsDir() || !e.info.Mode().IsRegular() && e.info.Mode()&fs.ModeType != 0 {
			size = 0
		}
		return &found{name: name, attr: a, mtime: e.info.ModTime(), size: size}, nil
	}
}

// volumeName turns a label into an 8.3-shaped name (no dot: the label's
// eleven characters run on).
func volumeName(label string) string {
	l := padRight(label, 11)
	return strings.TrimRight(l[:8], " ") + "." + strings.TrimRight(l[8:], " ")
}

func (m *Machine) writeSearch(s *search) {
	seg, off := m.dos.dtaSeg, m.dos.dtaOff
	b := make([]byte, 0x15)
	b[0] = uint8(s.drive + 1)
	copy(b[1:12], s.tmpl[:])
	b[0x0C] = s.attr
	put16(b[0x0D:], uint16(s.index))
	put16(b[0x0F:], uint16(s.dirID))
	put16(b[0x11:], uint16(s.dirID>>16))
	m.write(seg, off, b)
}

func (m *Machine) readSearch() *search {
	b := m.read(m.dos.dtaSeg, m.dos.dtaOff, 0x15)
	s := &search{drive: int(b[0]&0x1F) - 1, attr: b[0x0C], index: int(le16(b[0x0D:])),
		dirID: int(le16(b[0x0F:])) | int(le16(b[0x11:]))<<16}
	copy(s.tmpl[:], b[1:12])
	if s.drive < 0 || s.drive >= 26 {
		s.dirID = -1
	}
	return s
}

func (m *Machine) writeFound(f *found) {
	b := make([]byte, 0x2B-0x15)
	b[0] = f.attr
	tm, date := dosTime(f.mtime)
	put16(b[1:], tm)
	put16(b[3:], date)
	put32(b[5:], uint32(min(f.size, 0xFFFFFFFF)))
	copy(b[9:], f.name.String())
	m.write(m.dos.dtaSeg, m.dos.dtaOff+0x15, b)
}

func (m *Machine) dosFindFirst() { // 4Eh
	s, err := m.startSearch(m.pathArg(m.ds(), m.dx()), uint8(m.cx()))
	if err != nil {
		e := errCode(err, errFileNotFound)
		if e == errNoMoreFiles {
			e = errFileNotFound
		}
		m.fail(e)
		return
	}
	f, err := m.next(s)
	if err != nil {
		m.fail(errNoMoreFiles)
		m.setAX(errFileNotFound) // DOS reports "file not found" when nothing matches
		m.dos.lastErr = errFileNotFound
		return
	}
	m.writeSearch(s)
	m.writeFound(f)
	m.setAX(0)
	m.ok()
}

func (m *Machine) dosFindNext() { // 4Fh
	s := m.readSearch()
	f, err := m.next(s)
	if err != nil {
		m.fail(errNoMoreFiles)
		return
	}
	m.writeSearch(s)
	m.writeFound(f)
	m.setAX(0)
	m.ok()
}
