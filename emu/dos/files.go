package dos

import (
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/nachoos/nacho/vfs"
)

// Open files: DOS's system file table (SFT) is kept in Go; each PSP's
// job file table (the 20 bytes at PSP:18h, or the larger table PSP:34h
// points to) maps the program's handles to its entries, as in DOS, so
// programs that read or patch their JFT work.

type fileKind uint8

const (
	kindFile fileKind = iota
	kindCON
	kindNUL
	kindClock
	kindIn  // a host stream read as standard input
	kindOut // a host stream written as standard output or error
)

type openFile struct {
	refs    int
	kind    fileKind
	f       *vfs.File
	path    string // VFS path
	name    string // DOS path, for messages
	drive   int
	mode    uint8 // open mode (access, sharing, inherit)
	written bool
	raw     bool // device in binary mode (IOCTL)
	devName string
	// Streams.
	in      *pump
	out     io.Writer
	outBuf  []byte
	partial int  // bytes of a read already delivered while it waited
	got     bool // the input stream has given a byte
	tee     bool // output shows in the window too
	// CON in cooked mode: a line read and not yet handed out.
	conReady []byte
}

func (f *openFile) readable() bool { return f.mode&3 != 1 }
func (f *openFile) writable() bool { return f.mode&3 != 0 }

// devInfo is what IOCTL function 0 reports.
func (f *openFile) devInfo() uint16 {
	switch f.kind {
	case kindCON:
		v := uint16(0x80D3)
		if f.raw {
			v |= 0x20
		}
		return v
	case kindNUL:
		return 0x8084
	case kindClock:
		return 0x8088
	case kindIn, kindOut:
		return 0x0002 // a file on C:, as DOS's pipes are
	}
	v := uint16(f.drive & 0x1F)
	if !f.written {
		v |= 0x40
	}
	return v
}

// initSFT opens the standard handles of the first program: the console,
// or the host streams the run was given.
func (m *Machine) initSFT() {
	io := m.cfg.IO
	con := &openFile{kind: kindCON, mode: 2, devName: "CON"}
	std := [3]*openFile{con, con, con}
	if io.Stdin != nil {
		std[0] = &openFile{kind: kindIn, in: m.stdinIn, mode: 0, name: "stdin"}
	}
	if io.Stdout != nil {
		std[1] = &openFile{kind: kindOut, out: io.Stdout, mode: 1, name: "stdout", tee: io.Window != nil}
	}
	if io.Stderr != nil {
		std[2] = &openFile{kind: kindOut, out: io.Stderr, mode: 1, name: "stderr", tee: io.Window != nil}
	}
	jft := make([]byte, 20)
	for i := range jft {
		jft[i] = 0xFF
	}
	for i, f := range std {
		jft[i] = m.sftAdd(f)
	}
	jft[3] = m.sftAdd(&openFile{kind: kindNUL, mode: 2, devName: "AUX"})
	jft[4] = m.sftAdd(&openFile{kind: kindNUL, mode: 1, devName: "PRN"})
	m.write(rootPSPSeg, 0x18, jft)
}

// sftAdd puts an open file in the table (one reference) and returns its
// index.
func (m *Machine) sftAdd(f *openFile) uint8 {
	for i, e := range m.dos.sft {
		if e == f {
			f.refs++
			return uint8(i)
		}
	}
	f.refs++
	for i, e := range m.dos.sft {
		if e == nil {
			m.dos.sft[i] = f
			return uint8(i)
		}
	}
	m.dos.sft = append(m.dos.sft, f)
	return uint8(len(m.dos.sft) - 1)
}

// sftRelease drops one reference; the last one closes the file.
func (m *Machine) sftRelease(i uint8) {
	if int(i) >= len(m.dos.sft) || m.dos.sft[i] == nil {
		return
	}
	f := m.dos.sft[i]
	f.refs--
	if f.refs > 0 {
		return
	}
	m.dos.sft[i] = nil
	m.closeFile(f)
}

func (m *Machine) closeFile(f *openFile) {
	switch f.kind {
	case kindFile:
		if f.f != nil {
			f.f.Close()
		}
		if f.written {
			m.changed(dirOfVFS(f.path))
		}
	case kindOut:
		m.flushStream(f)
	}
}

func dirOfVFS(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/"
	}
	return p[:i]
}

// jft locates the current program's job file table.
func (m *Machine) jft() (seg, off uint16, size int) {
	psp := m.dos.psp
	size = int(m.rw(psp, 0x32))
	seg, off = m.farPtr(psp, 0x34)
	if size == 0 || size > 255 || (seg == 0 && off == 0) {
		return psp, 0x18, 20
	}
	return seg, off, size
}

// handle returns the open file behind a handle.
func (m *Machine) handle(h uint16) (*openFile, uint8, bool) {
	seg, off, size := m.jft()
	if int(h) >= size {
		return nil, 0, false
	}
	i := m.rb(seg, off+h)
	if int(i) >= len(m.dos.sft) || m.dos.sft[i] == nil {
		return nil, 0, false
	}
	return m.dos.sft[i], i, true
}

// newHandle gives a free handle to SFT entry i (which has its reference
// already).
func (m *Machine) newHandle(i uint8) (uint16, bool) {
	seg, off, size := m.jft()
	for h := 0; h < size; h++ {
		if m.rb(seg, off+uint16(h)) == 0xFF {
			m.wb(seg, off+uint16(h), i)
			return uint16(h), true
		}
	}
	return 0, false
}

// openHandle puts f in the SFT and gives it a handle, or fails with
// "too many open files" (closing f).
func (m *Machine) openHandle(f *openFile) {
	i := m.sftAdd(f)
	h, ok := m.newHandle(i)
	if !ok {
		m.sftRelease(i)
		m.fail(errTooManyFiles)
		return
	}
	m.setAX(h)
	m.ok()
}

// openTarget opens what a DOS path names for DOS open mode mode.
func (m *Machine) openTarget(t *target, mode uint8, flag int, perm fs.FileMode) (*openFile, error) {
	if t.device != "" {
		return m.openDevice(t.device, mode), nil
	}
	if t.isRoot() || t.ent != nil && t.ent.info.IsDir() {
		return nil, dosErr(errAccessDenied)
	}
	if flag&vfs.O_CREATE == 0 && t.ent == nil {
		return nil, dosErr(errFileNotFound)
	}
	if t.drive.readOnly && (mode&3 != 0 || flag&vfs.O_CREATE != 0) {
		return nil, dosErr(errAccessDenied)
	}
	p := t.vfsPath()
	vf, err := m.fsys.Open(p, flag, perm)
	if err != nil {
		return nil, dosErr(errCode(err, errFileNotFound))
	}
	f := &openFile{kind: kindFile, f: vf, path: p, name: t.path.String(), drive: t.path.drive, mode: mode}
	if flag&vfs.O_CREATE != 0 {
		m.changed(t.dir)
		f.written = true
	}
	return f, nil
}

func (m *Machine) openDevice(name string, mode uint8) *openFile {
	switch name {
	case "CON":
		return &openFile{kind: kindCON, mode: mode, devName: name}
	case "CLOCK$":
		return &openFile{kind: kindClock, mode: mode, devName: name}
	}
	return &openFile{kind: kindNUL, mode: mode, devName: name}
}

func accessFlag(mode uint8) int {
	switch mode & 3 {
	case 1:
		return vfs.O_WRONLY
	case 2:
		return vfs.O_RDWR
	}
	return vfs.O_RDONLY
}

// createFile creates or truncates a file (INT 21h AH=3Ch, 5Bh, 5Ah).
func (m *Machine) createFile(t *target, attr uint16, excl bool) (*openFile, error) {
	if t.device != "" {
		return m.openDevice(t.device, 2), nil
	}
	if t.isRoot() || t.ent != nil && t.ent.info.IsDir() {
		return nil, dosErr(errAccessDenied)
	}
	if t.ent != nil {
		if excl {
			return nil, dosErr(errFileExists)
		}
		if t.ent.info.Mode().Perm()&0o200 == 0 {
			return nil, dosErr(errAccessDenied)
		}
	}
	perm := fs.FileMode(0o644)
	if attr&attrReadOnly != 0 {
		perm = 0o444
	}
	flag := vfs.O_RDWR | vfs.O_CREATE | vfs.O_TRUNC
	if excl {
		flag |= vfs.O_EXCL
	}
	f, err := m.openTarget(t, 2, flag, perm)
	if err != nil {
		return nil, err
	}
	m.setExtraAttrs(f.path, uint8(attr)&(attrHidden|attrSystem)|attrArchive)
	return f, nil
}

// setExtraAttrs remembers the attribute bits the VFS cannot hold.
func (m *Machine) setExtraAttrs(vpath string, a uint8) {
	a &= attrHidden | attrSystem | attrArchive
	if a == attrArchive {
		delete(m.dos.attrs, vpath)
		return
	}
	m.dos.attrs[vpath] = a
}

// readFile reads into guest memory. It reports the count, or false when
// the call must wait for input (it then runs again).
func (m *Machine) readFile(f *openFile, seg, off uint16, n int) (int, bool, error) {
	switch f.kind {
	case kindNUL:
		return 0, true, nil
	case kindClock:
		return 0, true, nil
	case kindCON:
		return m.readCON(f, seg, off, n)
	case kindIn:
		return m.readStream(f, seg, off, n)
	}
	buf := make([]byte, n)
	k, err := io.ReadFull(f.f, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	m.write(seg, off, buf[:k])
	return k, true, err
}

// readStream reads a host stream: the whole count unless it ends, waiting
// for more as a file read of a pipe would.
func (m *Machine) readStream(f *openFile, seg, off uint16, n int) (int, bool, error) {
	if f.in == nil {
		return 0, true, nil
	}
	f.in.start()
	if !m.retry {
		f.partial = 0
	}
	for f.partial < n {
		buf := make([]byte, n-f.partial)
		k := f.in.read(buf)
		if k == 0 {
			if f.in.drained() {
				if m.emptyToConsole(f) {
					return m.readCON(f, seg, off, n)
				}
				break
			}
			m.block()
			return 0, false, nil
		}
		f.got = true
		m.write(seg, off+uint16(f.partial), buf[:k])
		f.partial += k
	}
	k := f.partial
	f.partial = 0
	return k, true, nil
}

// writeFile writes guest memory to an open file.
func (m *Machine) writeFile(f *openFile, data []byte) (int, error) {
	switch f.kind {
	case kindNUL, kindClock:
		return len(data), nil
	case kindCON:
		for _, b := range data {
			m.conOut(b)
		}
		return len(data), nil
	case kindOut:
		if f.tee {
			for _, b := range data {
				m.conOut(b)
			}
		}
		f.outBuf = append(f.outBuf, data...)
		if len(f.outBuf) >= 4096 {
			m.endSlice()
			m.flushStream(f)
		}
		return len(data), nil
	case kindIn:
		return 0, dosErr(errAccessDenied)
	}
	f.written = true
	if len(data) == 0 {
		// A write of no bytes sets the file's size to the position.
		pos, err := f.f.Seek(0, io.SeekCurrent)
		if err != nil {
			return 0, err
		}
		return 0, f.f.Truncate(pos)
	}
	return f.f.Write(data)
}

func (m *Machine) flushStream(f *openFile) {
	if len(f.outBuf) == 0 {
		return
	}
	b := f.outBuf
	f.outBuf = nil
	f.out.Write(b)
}

// flushStreams writes what every output stream holds.
func (m *Machine) flushStreams() {
	for _, f := range m.dos.sft {
		if f != nil && f.kind == kindOut {
			m.flushStream(f)
		}
	}
}

// fileTimes returns a file's modification time.
func fileTime(f *openFile) time.Time {
	if f.f == nil {
		return time.Now()
	}
	fi, err := f.f.Stat()
	if err != nil {
		return time.Now()
	}
	return fi.ModTime()
}

// emptyToConsole turns a standard input that ended without giving a byte
// into the console, when the program has a window: nothing was given, so
// the window's keyboard is its input. It reports whether it did.
func (m *Machine) emptyToConsole(f *openFile) bool {
	if f.kind != kindIn || f.got || m.window == nil {
		return false
	}
	f.kind, f.in, f.devName = kindCON, nil, "CON"
	return true
}
