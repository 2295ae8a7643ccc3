package dos

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/nachoos/nacho/vfs"
)

// Programs: the PSP, the environment, loading, EXEC, and the ways a
// program ends.

// How a program ended, as INT 21h AH=4Dh reports it in AH.
const (
	termNormal   = 0
	termBreak    = 1
	termCritical = 2
	termTSR      = 3
)

// buildPSP writes a program segment prefix.
func (m *Machine) buildPSP(seg, parent, top, env uint16) {
	p := make([]byte, 0x100)
	p[0], p[1] = 0xCD, 0x20
	put16(p[2:], top)
	// CALL 5 lands at 0000:00C0 through F01D:FEF0 (with the 1 MiB wrap),
	// where a far jump leads to DOS; FEF0h is also the CP/M segment size.
	copy(p[5:], []byte{0x9A, 0xF0, 0xFE, 0x1D, 0xF0})
	s22, o22 := m.vector(0x22)
	s23, o23 := m.vector(0x23)
	s24, o24 := m.vector(0x24)
	put16(p[0x0A:], o22)
	put16(p[0x0C:], s22)
	put16(p[0x0E:], o23)
	put16(p[0x10:], s23)
	put16(p[0x12:], o24)
	put16(p[0x14:], s24)
	put16(p[0x16:], parent)
	for i := 0; i < 20; i++ {
		p[0x18+i] = 0xFF
	}
	put16(p[0x2C:], env)
	put16(p[0x32:], 20)
	put16(p[0x34:], 0x18)
	put16(p[0x36:], seg)
	put32(p[0x38:], 0xFFFFFFFF)
	put16(p[0x40:], 0x0005)
	p[0x50], p[0x51], p[0x52] = 0xCD, 0x21, 0xCB
	for i := 0; i < 11; i++ {
		p[0x5D+i] = ' '
		p[0x6D+i] = ' '
	}
	p[0x81] = '\r'
	m.write(seg, 0, p)
}

// inheritHandles copies the parent's job file table into a new PSP,
// taking a reference on each file that may be inherited.
func (m *Machine) inheritHandles(child uint16) {
	seg, off, size := m.jft()
	jft := make([]byte, 20)
	for h := 0; h < 20; h++ {
		jft[h] = 0xFF
		if h >= size {
			continue
		}
		i := m.rb(seg, off+uint16(h))
		if int(i) >= len(m.dos.sft) || m.dos.sft[i] == nil {
			continue
		}
		f := m.dos.sft[i]
		if f.mode&0x80 != 0 {
			continue // opened "not inherited"
		}
		f.refs++
		jft[h] = i
	}
	m.write(child, 0x18, jft)
}

// closeHandles releases every handle of a PSP's job file table.
func (m *Machine) closeHandles(psp uint16) {
	size := int(m.rw(psp, 0x32))
	seg, off := m.farPtr(psp, 0x34)
	if size == 0 || size > 255 {
		seg, off, size = psp, 0x18, 20
	}
	for h := 0; h < size; h++ {
		i := m.rb(seg, off+uint16(h))
		if i != 0xFF {
			m.wb(seg, off+uint16(h), 0xFF)
			m.sftRelease(i)
		}
	}
}

// envBytes reads an environment block: the strings and the final NUL.
func (m *Machine) envBytes(seg uint16) []byte {
	if seg == 0 {
		return []byte{0}
	}
	b := m.read(seg, 0, 0x8000)
	if i := bytes.Index(b, []byte{0, 0}); i >= 0 {
		return b[:i+2]
	}
	if len(b) > 0 && b[0] == 0 {
		return b[:1]
	}
	return []byte{0, 0}
}

// masterEnv builds the first program's environment from the
// configuration, with COMSPEC, PATH and PROMPT defaults.
func (m *Machine) masterEnv() []byte {
	vars := map[string]string{}
	var order []string
	for _, kv := range m.cfg.Env {
		k, v, _ := strings.Cut(kv, "=")
		k = strings.ToUpper(k)
		if k == "" {
			continue
		}
		if _, ok := vars[k]; !ok {
			order = append(order, k)
		}
		vars[k] = v
	}
	def := func(k, v string) {
		if _, ok := vars[k]; !ok {
			vars[k] = v
			order = append([]string{k}, order...)
		}
	}
	def("PROMPT", "$P$G")
	def("PATH", string(rune('A'+m.dos.drive))+":\\")
	def("COMSPEC", m.defaultComspec())
	var b []byte
	for _, k := range order {
		b = append(b, k+"="+vars[k]...)
		b = append(b, 0)
	}
	return append(b, 0)
}

// defaultComspec finds a COMMAND.COM on the drives (the root of C: first).
func (m *Machine) defaultComspec() string {
	for i := 2; i < 28; i++ {
		dr := m.dos.drives[i%26]
		if dr == nil {
			continue
		}
		if l, err := m.listDir(dr.root); err == nil {
			if _, ok := l.byShort["COMMAND.COM"]; ok {
				return string(dr.letter) + ":\\COMMAND.COM"
			}
		}
	}
	return "C:\\COMMAND.COM"
}

// dosPathOf finds the DOS path of a VFS path on one of the drives.
func (m *Machine) dosPathOf(vpath string) (dosPath, bool) {
	best := -1
	for i, dr := range m.dos.drives {
		if dr == nil {
			continue
		}
		if vpath == dr.root || strings.HasPrefix(vpath, strings.TrimSuffix(dr.root, "/")+"/") {
			if best < 0 || len(dr.root) > len(m.dos.drives[best].root) {
				best = i
			}
		}
	}
	if best < 0 {
		return dosPath{}, false
	}
	dr := m.dos.drives[best]
	rel := strings.TrimPrefix(strings.TrimPrefix(vpath, strings.TrimSuffix(dr.root, "/")), "/")
	p := dosPath{drive: best}
	dir := dr.root
	if rel == "" {
		return p, true
	}
	for _, c := range strings.Split(rel, "/") {
		l, err := m.listDir(dir)
		if err != nil {
			return p, false
		}
		found := false
		for _, e := range l.entries {
			if e.host == c {
				p.comps = append(p.comps, e.short)
				found = true
				break
			}
		}
		if !found {
			return p, false
		}
		dir = joinVFS(dir, c)
	}
	return p, true
}

// commandTail builds PSP:80h from arguments: a count, the text with a
// leading space, and CR.
func commandTail(args []string) []byte {
	s := ""
	if len(args) > 0 {
		s = " " + strings.Join(args, " ")
	}
	if len(s) > 126 {
		s = s[:126]
	}
	t := append([]byte{byte(len(s))}, s...)
	return append(t, '\r')
}

// start loads the configured program as the child of the root shell.
func (m *Machine) start(prog string, args []string) error {
	p, ok := m.dosPathOf(path0(prog))
	if !ok {
		return &Error{Program: prog, Msg: "the program is on no DOS drive"}
	}
	if d := m.cfg.Dir; d != "" {
		if dp, ok := m.dosPathOf(path0(d)); ok {
			m.dos.drive = dp.drive
			m.dos.drives[dp.drive].cwd = dp.comps
		}
	} else {
		m.dos.drive = p.drive
	}
	m.writeCDS()
	env := m.masterEnv()
	if len(env) > rootEnvSize-2 {
		return &Error{Program: prog, Msg: fmt.Sprintf("the environment is too large (%d bytes, at most %d)", len(env), rootEnvSize-2)}
	}
	m.write(rootEnvSeg, 0, env)
	name := p.String()
	if strings.HasSuffix(name, ".BAT") {
		spec := envValue(env, "COMSPEC")
		cp, err := m.parsePath([]byte(spec), false)
		if err == nil {
			if t, rerr := m.resolvePath(cp); rerr != nil || t.ent == nil {
				err = dosErr(errFileNotFound)
			}
		}
		if err != nil {
			return &Error{Program: name, Msg: "a batch file runs through a command interpreter, and COMSPEC names " + spec + ", which is not there (put COMMAND.COM on a drive)"}
		}
		args = append([]string{"/C", name}, args...)
		p = cp
		name = cp.String()
	}
	t, err := m.resolvePath(p)
	if err != nil || t.ent == nil {
		return &Error{Program: name, Msg: "file not found"}
	}
	tail := commandTail(args)
	fcb1, fcb2 := m.argFCBs(args)
	ld, err := m.load(t, rootEnvSeg, tail, fcb1, fcb2, false)
	if err != nil {
		return &Error{Program: name, Msg: err.Error()}
	}
	m.enter(ld, romSeg, romReset, true)
	return nil
}

func path0(p string) string {
	if p == "" {
		return "/"
	}
	return vfs.Clean(p)
}

func envValue(env []byte, key string) string {
	for _, kv := range bytes.Split(env, []byte{0}) {
		k, v, ok := bytes.Cut(kv, []byte("="))
		if ok && strings.EqualFold(string(k), key) {
			return string(v)
		}
	}
	return ""
}

// argFCBs parses the first two arguments into unopened FCBs, as
// COMMAND.COM does for PSP:5Ch and PSP:6Ch.
func (m *Machine) argFCBs(args []string) ([]byte, []byte) {
	f := func(i int) []byte {
		b := make([]byte, 20)
		for j := 1; j < 12; j++ {
			b[j] = ' '
		}
		if i < len(args) && !strings.HasPrefix(args[i], "/") {
			m.parseFCB([]byte(args[i]), b, 0)
		}
		return b
	}
	return f(0), f(1)
}

// loaded is a program in memory, ready to run.
type loaded struct {
	psp    uint16
	cs, ip uint16
	ss, sp uint16
	ax     uint16
	name   string
}

// load reads and loads a program: environment, memory, PSP, image.
func (m *Machine) load(t *target, envSeg uint16, tail, fcb1, fcb2 []byte, fromEXEC bool) (*loaded, error) {
	data, err := m.fsys.ReadFile(t.vfsPath())
	if err != nil {
		return nil, dosErr(errCode(err, errFileNotFound))
	}
	name := t.path.String()
	var x *exe
	if isMZ(data) {
		if x, err = parseEXE(data); err != nil {
			return nil, err
		}
		if x.overlay != 0 {
			return nil, loadErr("is an overlay (MZ overlay number %d), not a program", x.overlay)
		}
	} else if len(data) > maxCOM {
		return nil, loadErr("is too large for a .COM program (%d bytes, at most %d) and has no MZ header", len(data), maxCOM)
	}
	// The environment: the parent's strings, then the program's name.
	env := m.envBytes(envSeg)
	if len(env) < 2 || env[len(env)-1] != 0 || len(env) > 1 && env[len(env)-2] != 0 {
		env = append(env, 0)
	}
	env = append(env, 1, 0)
	env = append(env, name...)
	env = append(env, 0)
	envParas := uint16((len(env) + 15) / 16)
	psp := m.dos.psp
	envBlock, e := m.memAlloc(envParas, psp)
	if e != 0 {
		return nil, dosErr(e)
	}
	m.write(envBlock, 0, env)
	fail := func(err error) (*loaded, error) {
		m.memFree(envBlock)
		return nil, err
	}
	largest := m.largestFree()
	var need, want uint32
	if x != nil {
		img := x.imageParas() + 0x10
		need = img + uint32(x.minAlloc)
		want = img + uint32(x.maxAlloc)
		if want > 0xFFFF || x.maxAlloc == 0xFFFF {
			want = 0xFFFF
		}
		if x.minAlloc == 0 && x.maxAlloc == 0 {
			want = 0xFFFF // "load high": all of it
		}
	} else {
		need = (uint32(len(data))+0x100+2+15)/16 + 0x10
		want = 0xFFFF
	}
	if uint32(largest) < need {
		if !fromEXEC {
			return fail(loadErr("needs %d KiB of memory, %d KiB are free", need*16/1024, uint32(largest)*16/1024))
		}
		return fail(dosErr(errNoMemory))
	}
	size := uint16(min(uint32(largest), max(want, need)))
	seg, e := m.memAlloc(size, psp)
	if e != 0 {
		return fail(dosErr(e))
	}
	m.ww(envBlock-1, 1, seg)
	m.ww(seg-1, 1, seg)
	m.setMCBName(seg, name)
	top := seg + size
	m.buildPSP(seg, psp, top, envBlock)
	m.inheritHandles(seg)
	m.write(seg, 0x80, tail[:min(len(tail), 128)])
	m.write(seg, 0x5C, fcb1[:16])
	m.write(seg, 0x6C, fcb2[:20])
	ld := &loaded{psp: seg, name: name}
	drv := func(fcb []byte) uint16 {
		if d := fcb[0]; d != 0 && (d > 26 || m.dos.drives[d-1] == nil) {
			return 0xFF
		}
		return 0
	}
	ld.ax = drv(fcb2)<<8 | drv(fcb1)
	if x == nil {
		m.write(seg, 0x100, data)
		ld.cs, ld.ip = seg, 0x100
		ld.ss = seg
		sp := uint32(size) * 16
		if sp > 0x10000 {
			sp = 0x10000
		}
		ld.sp = uint16(sp - 2)
		m.ww(seg, ld.sp, 0) // RET goes to PSP:0000, INT 20h
		return ld, nil
	}
	base := seg + 0x10
	if x.minAlloc == 0 && x.maxAlloc == 0 {
		base = top - uint16(x.imageParas()) // loaded high
	}
	img := make([]byte, int(top-base)*16)
	copy(img, x.image)
	if err := x.relocate(img, base); err != nil {
		m.freeOwned(seg)
		m.memFree(seg)
		return fail(err)
	}
	m.write(base, 0, img[:min(len(img), len(x.image)+16)])
	ld.cs, ld.ip = x.cs+base, x.ip
	ld.ss, ld.sp = x.ss+base, x.sp
	return ld, nil
}

// enter starts a loaded program: the parent's state is kept (in its PSP
// and in Go), the registers set as DOS sets them.
func (m *Machine) enter(ld *loaded, retSeg, retOff uint16, first bool) {
	parent := m.saveRegs()
	// The parent's stack, for when the child ends; and where it ends.
	m.ww(m.dos.psp, 0x2E, m.sp())
	m.ww(m.dos.psp, 0x30, m.ss())
	m.setFarPtr(ld.psp, 0x0A, retSeg, retOff)
	m.setVector(0x22, retSeg, retOff)
	m.dos.progs = append(m.dos.progs, &program{
		psp: ld.psp, name: ld.name, parent: parent,
		dta: [2]uint16{m.dos.dtaSeg, m.dos.dtaOff}, frame: m.pending, first: first,
	})
	m.dos.psp = ld.psp
	m.dos.dtaSeg, m.dos.dtaOff = ld.psp, 0x80
	m.setAX(ld.ax)
	m.setBX(0)
	m.setCX(0x00FF)
	m.setDX(ld.psp)
	m.setSI(ld.ip)
	m.setDI(ld.sp)
	m.setBP(0x091E)
	m.setDS(ld.psp)
	m.setES(ld.psp)
	m.setSS(ld.ss)
	m.setSP(ld.sp)
	m.jump(ld.cs, ld.ip)
	m.cpu.SetFlags(0x7202)
	m.transfer()
}

// dosExec is INT 21h AH=4Bh.
func (m *Machine) dosExec() {
	al := m.al()
	raw := m.pathArg(m.ds(), m.dx())
	pseg, poff := m.es(), m.bx()
	if al == 3 {
		m.execOverlay(raw, pseg, poff)
		return
	}
	if al != 0 && al != 1 {
		m.fail(errInvalidFunction)
		return
	}
	t, err := m.resolve(raw)
	if err != nil {
		m.fail(errCode(err, errPathNotFound))
		return
	}
	if t.ent == nil || t.ent.info.IsDir() || t.device != "" {
		m.fail(errFileNotFound)
		return
	}
	envSeg := m.rw(pseg, poff)
	if envSeg == 0 {
		envSeg = m.rw(m.dos.psp, 0x2C)
	}
	ts, to := m.farPtr(pseg, poff+2)
	n := int(m.rb(ts, to))
	if n > 126 {
		n = 126
	}
	tail := append(m.read(ts, to, n+1), '\r')
	f1s, f1o := m.farPtr(pseg, poff+6)
	f2s, f2o := m.farPtr(pseg, poff+10)
	fcb1, fcb2 := m.read(f1s, f1o, 16), m.read(f2s, f2o, 20)
	if strings.HasSuffix(t.name, ".BAT") {
		m.fail(errBadFormat) // EXEC runs programs; batch files go through COMMAND.COM /C
		return
	}
	ld, err := m.load(t, envSeg, tail, fcb1, fcb2, true)
	if err != nil {
		if le, ok := err.(*LoadError); ok {
			m.log(t.path.String() + ": " + le.Msg)
			m.fail(errBadFormat)
			return
		}
		m.fail(errCode(err, errFileNotFound))
		return
	}
	m.ok()
	retSeg, retOff := m.cs(), uint16(m.cpu.IP())
	if al == 1 {
		// Load but do not run: the caller gets the entry point and the
		// stack (with AX's value on it), and the child is current.
		sp := ld.sp - 2
		m.ww(ld.ss, sp, ld.ax)
		m.setFarPtr(pseg, poff+0x0E, ld.ss, sp)
		m.setFarPtr(pseg, poff+0x12, ld.cs, ld.ip)
		m.ww(m.dos.psp, 0x2E, m.sp())
		m.ww(m.dos.psp, 0x30, m.ss())
		m.setFarPtr(ld.psp, 0x0A, retSeg, retOff)
		m.setVector(0x22, retSeg, retOff)
		m.dos.progs = append(m.dos.progs, &program{psp: ld.psp, name: ld.name, parent: m.saveRegs(),
			dta: [2]uint16{m.dos.dtaSeg, m.dos.dtaOff}, frame: m.pending})
		m.dos.psp = ld.psp
		m.dos.dtaSeg, m.dos.dtaOff = ld.psp, 0x80
		return
	}
	m.enter(ld, retSeg, retOff, false)
}

// execOverlay is AL=03h: load an image at a segment, relocated by a
// factor, without a PSP or memory of its own.
func (m *Machine) execOverlay(raw []byte, pseg, poff uint16) {
	t, err := m.resolve(raw)
	if err != nil || t.ent == nil {
		m.fail(errFileNotFound)
		return
	}
	data, err := m.fsys.ReadFile(t.vfsPath())
	if err != nil {
		m.fail(errCode(err, errFileNotFound))
		return
	}
	seg, factor := m.rw(pseg, poff), m.rw(pseg, poff+2)
	if !isMZ(data) {
		m.write(seg, 0, data[:min(len(data), 0x10000)])
		m.ok()
		return
	}
	x, err := parseEXE(data)
	if err != nil {
		m.log(t.path.String() + ": " + err.Error())
		m.fail(errBadFormat)
		return
	}
	img := make([]byte, len(x.image)+16)
	copy(img, x.image)
	if err := x.relocate(img, factor); err != nil {
		m.log(t.path.String() + ": " + err.Error())
		m.fail(errBadFormat)
		return
	}
	m.write(seg, 0, img[:len(x.image)])
	m.ok()
}

// terminate ends the current program: its files are closed and its
// memory freed (unless it stays resident), the vectors it borrowed put
// back, and its parent resumes after its EXEC. The first program's end
// ends the machine.
func (m *Machine) terminate(code uint8, how uint8) {
	m.terminateKeep(code, how, 0)
}

func (m *Machine) terminateKeep(code uint8, how uint8, keepParas uint16) {
	psp := m.dos.psp
	m.dos.retCode = uint16(how)<<8 | uint16(code)
	m.dos.line.active = false
	idx := -1
	for i := len(m.dos.progs) - 1; i >= 0; i-- {
		if m.dos.progs[i].psp == psp {
			idx = i
			break
		}
	}
	if idx < 0 && len(m.dos.progs) > 0 {
		idx = len(m.dos.progs) - 1
		psp = m.dos.progs[idx].psp
	}
	if idx <= 0 {
		// The first program ended: so does the machine.
		m.flushStreams()
		m.exit(int(code), nil)
		m.transfer()
		return
	}
	p := m.dos.progs[idx]
	m.dos.progs = m.dos.progs[:idx]
	if how != termTSR {
		m.closeHandles(psp)
		m.freeOwned(psp)
	} else {
		m.memResize(psp, max(keepParas, 6))
	}
	retSeg, retOff := m.farPtr(psp, 0x0A)
	for i, v := range []uint8{0x22, 0x23, 0x24} {
		s, o := m.farPtr(psp, 0x0A+uint16(i)*4)
		m.setVector(v, s, o)
	}
	parent := m.rw(psp, 0x16)
	if parent == 0 || parent == psp {
		parent = m.dos.progs[idx-1].psp
	}
	m.dos.psp = parent
	m.dos.dtaSeg, m.dos.dtaOff = p.dta[0], p.dta[1]
	m.loadRegs(p.parent)
	m.setSS(m.rw(parent, 0x30))
	m.setSP(m.rw(parent, 0x2E))
	m.jump(retSeg, retOff)
	m.setCF(false)
	if p.frame.frame && p.frame.id == 0x21 {
		// The EXEC came through a chained INT 21h: its caller's frame
		// gets the result too.
		ff := m.rw(p.frame.fss, p.frame.fsp+4)
		m.ww(p.frame.fss, p.frame.fsp+4, ff&^1)
	}
	m.transfer()
}

func (m *Machine) int20()   { m.terminate(0, termNormal) }               // INT 20h, AH=00h
func (m *Machine) dosExit() { m.terminate(m.al(), termNormal) }          // 4Ch
func (m *Machine) dosTSR()  { m.terminateKeep(m.al(), termTSR, m.dx()) } // 31h

// int27 is the old TSR call: DX is the first byte not kept, from CS.
func (m *Machine) int27() {
	m.terminateKeep(0, termTSR, uint16((uint32(m.dx())+15)/16))
}

func (m *Machine) dosRetCode() { // 4Dh
	m.setAX(m.dos.retCode)
	m.dos.retCode = 0
	m.ok()
}

func (m *Machine) dosSetPSP() { m.dos.psp = m.bx() } // 50h
func (m *Machine) dosGetPSP() { m.setBX(m.dos.psp) } // 51h, 62h

// dosCreatePSP (26h) copies the current PSP to segment DX.
func (m *Machine) dosCreatePSP() {
	seg := m.dx()
	m.write(seg, 0, m.read(m.dos.psp, 0, 0x100))
	m.ww(seg, 2, m.rw(m.dos.psp, 2))
	s22, o22 := m.vector(0x22)
	m.setFarPtr(seg, 0x0A, s22, o22)
}

// dosChildPSP (55h) makes a PSP at DX as EXEC would, and makes it current.
func (m *Machine) dosChildPSP() {
	seg := m.dx()
	m.buildPSP(seg, m.dos.psp, m.si(), m.rw(m.dos.psp, 0x2C))
	m.inheritHandles(seg)
	m.dos.psp = seg
}

// int2E is COMMAND.COM's back door for running a command line: without a
// resident shell it does nothing.
func (m *Machine) int2E() {
	m.logOnce("INT 2Eh (run a command through the resident shell) is not supported")
	m.setAX(0xFFFF)
}

// cpmCall is CALL 5: the function number is in CL.
func (m *Machine) cpmCall() {
	// The stack holds the far return into the PSP (from its CALL FAR)
	// and, under it, the near return of the program's CALL 5.
	sp := m.sp()
	m.pop()
	cs := m.pop()
	ip := m.pop()
	ah := m.cl()
	m.setAH(ah)
	if ah <= 0x24 {
		if f := int21Table[ah].handler; f != nil {
			f(m)
		}
	}
	switch {
	case m.blocked:
		m.setSP(sp) // it runs again from the stub, with the stack as it was
	case !m.leftFrame:
		m.jump(cs, ip)
	}
	m.transfer()
}
