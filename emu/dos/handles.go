package dos

import (
	"fmt"
	"io"

	"github.com/nachoos/nacho/vfs"
)

// File handle functions of INT 21h.

func (m *Machine) pathArg(seg, off uint16) []byte { return m.asciiz(seg, off, 128) }

func (m *Machine) dosCreate() { // 3Ch
	t, err := m.resolve(m.pathArg(m.ds(), m.dx()))
	if err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	f, err := m.createFile(t, m.cx(), false)
	if err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	m.openHandle(f)
}

func (m *Machine) dosCreateNew() { // 5Bh
	t, err := m.resolve(m.pathArg(m.ds(), m.dx()))
	if err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	if t.device != "" {
		m.fail(errFileExists)
		return
	}
	f, err := m.createFile(t, m.cx(), true)
	if err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	m.openHandle(f)
}

func (m *Machine) dosTempFile() { // 5Ah
	seg, off := m.ds(), m.dx()
	dir := m.pathArg(seg, off)
	for i := 0; i < 1000; i++ {
		m.dos.tempSeq++
		name := fmt.Sprintf("%08X", uint32(m.now().UnixNano())^m.dos.tempSeq*2654435761)
		full := append(append([]byte(nil), dir...), name...)
		if len(dir) > 0 && dir[len(dir)-1] != '\\' && dir[len(dir)-1] != '/' && dir[len(dir)-1] != ':' {
			full = append(append(append([]byte(nil), dir...), '\\'), name...)
		}
		t, err := m.resolve(full)
		if err != nil {
			m.fail(errCode(err, errPathNotFound))
			return
		}
		if t.ent != nil {
			continue
		}
		f, err := m.createFile(t, m.cx(), true)
		if err != nil {
			m.fail(errCode(err, errPathNotFound))
			return
		}
		m.write(seg, off, append(full, 0))
		m.openHandle(f)
		return
	}
	m.fail(errAccessDenied)
}

func (m *Machine) dosOpen() { // 3Dh
	mode := m.al()
	if mode&3 == 3 || mode&0x70 > 0x40 {
		m.fail(errBadAccess)
		return
	}
	t, err := m.resolve(m.pathArg(m.ds(), m.dx()))
	if err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	f, err := m.openTarget(t, mode, accessFlag(mode), 0)
	if err != nil {
		m.fail(errCode(err, errFileNotFound))
		return
	}
	m.openHandle(f)
}

func (m *Machine) dosExtOpen() { // 6Ch
	mode := uint8(m.bx())
	attr := m.cx()
	action := m.dx()
	t, err := m.resolve(m.pathArg(m.ds(), m.si()))
	if err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	var f *openFile
	taken := uint16(1)
	switch {
	case t.device != "":
		f = m.openDevice(t.device, mode)
	case t.ent != nil && action&0x0F == 1:
		f, err = m.openTarget(t, mode, accessFlag(mode), 0)
	case t.ent != nil && action&0x0F == 2:
		f, err = m.createFile(t, attr, false)
		if err == nil {
			f.mode = mode
		}
		taken = 3
	case t.ent == nil && action&0xF0 == 0x10:
		f, err = m.createFile(t, attr, true)
		if err == nil {
			f.mode = mode
		}
		taken = 2
	case t.ent == nil:
		err = dosErr(errFileNotFound)
	default:
		err = dosErr(errFileExists)
	}
	if err != nil {
		m.fail(errCode(err, errFileNotFound))
		return
	}
	m.openHandle(f)
	if !m.flag(1) {
		m.setCX(taken)
	}
}

func (m *Machine) dosClose() { // 3Eh
	h := m.bx()
	_, i, ok := m.handle(h)
	if !ok {
		m.fail(errInvalidHandle)
		return
	}
	seg, off, _ := m.jft()
	m.wb(seg, off+h, 0xFF)
	m.sftRelease(i)
	m.ok()
}

func (m *Machine) dosRead() { // 3Fh
	f, _, ok := m.handle(m.bx())
	if !ok || !f.readable() && f.kind == kindFile {
		if ok {
			m.fail(errAccessDenied)
		} else {
			m.fail(errInvalidHandle)
		}
		return
	}
	if f.kind == kindCON && !f.raw && m.checkBreak() {
		return
	}
	n, done, err := m.readFile(f, m.ds(), m.dx(), int(m.cx()))
	if !done {
		return
	}
	if err != nil {
		m.fail(errCode(err, errAccessDenied))
		return
	}
	m.setAX(uint16(n))
	m.ok()
}

func (m *Machine) dosWrite() { // 40h
	f, _, ok := m.handle(m.bx())
	if !ok {
		m.fail(errInvalidHandle)
		return
	}
	if !f.writable() && f.kind == kindFile {
		m.fail(errAccessDenied)
		return
	}
	if f.kind == kindCON && !f.raw && m.checkBreak() {
		return
	}
	data := m.read(m.ds(), m.dx(), int(m.cx()))
	n, err := m.writeFile(f, data)
	if err != nil {
		if vfs.ErrnoOf(err) == vfs.ENOSPC {
			m.setAX(uint16(n)) // a full disk writes short, without an error
			m.ok()
			return
		}
		m.fail(errCode(err, errAccessDenied))
		return
	}
	m.setAX(uint16(n))
	m.ok()
}

func (m *Machine) dosDelete() { // 41h
	t, err := m.resolve(m.pathArg(m.ds(), m.dx()))
	if err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	if err := m.deleteTarget(t); err != nil {
		m.fail(errCode(err, errFileNotFound))
		return
	}
	m.ok()
}

func (m *Machine) deleteTarget(t *target) error {
	switch {
	case t.device != "":
		return dosErr(errAccessDenied)
	case t.ent == nil:
		return dosErr(errFileNotFound)
	case t.ent.info.IsDir():
		return dosErr(errAccessDenied)
	case t.ent.info.Mode().Perm()&0o200 == 0:
		return dosErr(errAccessDenied)
	case t.drive.readOnly:
		return dosErr(errAccessDenied)
	}
	p := t.vfsPath()
	if err := m.fsys.Remove(p); err != nil {
		return err
	}
	delete(m.dos.attrs, p)
	m.changed(t.dir)
	return nil
}

func (m *Machine) dosSeek() { // 42h
	f, _, ok := m.handle(m.bx())
	if !ok {
		m.fail(errInvalidHandle)
		return
	}
	if f.kind != kindFile {
		m.setAX(0)
		m.setDX(0)
		m.ok()
		return
	}
	off := int64(int32(uint32(m.cx())<<16 | uint32(m.dx())))
	whence := int(m.al())
	if whence > 2 {
		m.fail(errInvalidFunction)
		return
	}
	if whence == io.SeekStart {
		off = int64(uint32(m.cx())<<16 | uint32(m.dx()))
	}
	var base int64
	switch whence {
	case io.SeekCurrent:
		base, _ = f.f.Seek(0, io.SeekCurrent)
	case io.SeekEnd:
		fi, err := f.f.Stat()
		if err != nil {
			m.fail(errAccessDenied)
			return
		}
		base = fi.Size()
	}
	pos := base + off
	if pos < 0 {
		// DOS keeps a negative position and fails the next read or
		// write; a position before the start is as good as an error.
		m.fail(0x19)
		return
	}
	if _, err := f.f.Seek(pos, io.SeekStart); err != nil {
		m.fail(errAccessDenied)
		return
	}
	m.setDX(uint16(pos >> 16))
	m.setAX(uint16(pos))
	m.ok()
}

func (m *Machine) dosDup() { // 45h
	_, i, ok := m.handle(m.bx())
	if !ok {
		m.fail(errInvalidHandle)
		return
	}
	m.dos.sft[i].refs++
	h, ok := m.newHandle(i)
	if !ok {
		m.sftRelease(i)
		m.fail(errTooManyFiles)
		return
	}
	m.setAX(h)
	m.ok()
}

func (m *Machine) dosDup2() { // 46h
	_, i, ok := m.handle(m.bx())
	if !ok {
		m.fail(errInvalidHandle)
		return
	}
	seg, off, size := m.jft()
	to := m.cx()
	if int(to) >= size {
		m.fail(errInvalidHandle)
		return
	}
	if to == m.bx() {
		m.ok()
		return
	}
	if _, j, open := m.handle(to); open {
		m.wb(seg, off+to, 0xFF)
		m.sftRelease(j)
	}
	m.dos.sft[i].refs++
	m.wb(seg, off+to, i)
	m.ok()
}

func (m *Machine) dosCommit() { // 68h, 6Ah
	f, _, ok := m.handle(m.bx())
	if !ok {
		m.fail(errInvalidHandle)
		return
	}
	if f.kind == kindFile {
		f.f.Sync()
	}
	if f.kind == kindOut {
		m.flushStream(f)
	}
	m.ok()
}

func (m *Machine) dosLock() { // 5Ch
	if _, _, ok := m.handle(m.bx()); !ok {
		m.fail(errInvalidHandle)
		return
	}
	if m.al() > 1 {
		m.fail(errInvalidFunction)
		return
	}
	m.ok()
}

// dosHandleCount (67h) gives the program a job file table of BX handles
// in memory of its own, as DOS does.
func (m *Machine) dosHandleCount() {
	n := int(m.bx())
	psp := m.dos.psp
	seg, off, size := m.jft()
	if n <= size {
		if n < 20 {
			n = 20
		}
		m.ok()
		return
	}
	if n > 255 {
		m.fail(errTooManyFiles)
		return
	}
	old := m.read(seg, off, size)
	paras := uint16((n + 15) / 16)
	nseg, e := m.memAlloc(paras, psp)
	if e != 0 {
		m.fail(e)
		return
	}
	t := make([]byte, n)
	for i := range t {
		t[i] = 0xFF
	}
	copy(t, old)
	m.write(nseg, 0, t)
	m.ww(psp, 0x32, uint16(n))
	m.setFarPtr(psp, 0x34, nseg, 0)
	m.ok()
}
