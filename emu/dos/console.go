package dos

import "github.com/nachoos/nacho/emu/x86"

// The DOS console: the character functions of INT 21h read standard input
// (handle 0) and write standard output (handle 1), which are the CON
// device unless redirected. CON reads keys from the BIOS buffer and
// writes through the BIOS teletype.

// stdHandle returns the open file behind standard handle h (0, 1), or
// the console if the handle was closed.
func (m *Machine) stdHandle(h uint16) *openFile {
	if f, _, ok := m.handle(h); ok {
		return f
	}
	return &openFile{kind: kindCON, mode: 2}
}

// outByte writes a byte to standard output.
func (m *Machine) outByte(b byte) {
	f := m.stdHandle(1)
	if f.kind == kindCON {
		m.conOut(b)
		return
	}
	m.writeFile(f, []byte{b})
}

// keyReady says whether standard input has a character waiting.
func (m *Machine) keyReady() bool {
	f := m.stdHandle(0)
	switch f.kind {
	case kindCON:
		if len(f.conReady) > 0 {
			return true
		}
		if m.dos.pendingScan != 0 {
			return true
		}
		return m.feedKey(false)
	case kindIn:
		if f.in == nil {
			return false
		}
		f.in.start()
		if f.in.drained() && m.emptyToConsole(f) {
			return m.keyReady()
		}
		return f.in.buffered() > 0
	case kindFile:
		pos, _ := f.f.Seek(0, 1)
		fi, err := f.f.Stat()
		return err == nil && pos < fi.Size()
	}
	return false
}

// settleStdin finds out, for a program with a window, whether a
// redirected standard input gives anything; one that ends at once becomes
// the console. It reports false when the call must wait to know.
func (m *Machine) settleStdin(f *openFile) bool {
	if f.kind != kindIn || f.got || m.window == nil || f.in == nil {
		return true
	}
	f.in.start()
	switch {
	case f.in.buffered() > 0:
		return true
	case f.in.drained():
		m.emptyToConsole(f)
		return true
	}
	m.block()
	return false
}

// inByte reads a character from standard input for the character
// functions. It reports false when the call must wait.
func (m *Machine) inByte() (byte, bool) {
	f := m.stdHandle(0)
	if !m.settleStdin(f) {
		return 0, false
	}
	switch f.kind {
	case kindCON:
		if len(f.conReady) > 0 {
			b := f.conReady[0]
			f.conReady = f.conReady[1:]
			return b, true
		}
		if s := m.dos.pendingScan; s != 0 {
			m.dos.pendingScan = 0
			return s, true
		}
		if !m.feedKey(true) {
			m.waitKey()
			return 0, false
		}
		w, _ := m.kbdPop()
		ch := uint8(w)
		if ch == 0 || ch == 0xE0 && w>>8 != 0 {
			// An extended key: 0 now, its scan code on the next call.
			m.dos.pendingScan = uint8(w >> 8)
			return 0, true
		}
		return ch, true
	case kindIn:
		if f.in == nil {
			return 0x1A, true
		}
		f.in.start()
		var b [1]byte
		if f.in.read(b[:]) == 1 {
			f.got = true
			return b[0], true
		}
		if f.in.drained() {
			if m.emptyToConsole(f) {
				return m.inByte()
			}
			return 0x1A, true
		}
		m.block()
		return 0, false
	case kindFile:
		var b [1]byte
		if n, _ := f.f.Read(b[:]); n == 1 {
			return b[0], true
		}
		return 0x1A, true
	}
	return 0x1A, true
}

// checkBreak looks for Ctrl-C or Ctrl-Break waiting at the console and,
// if there is one, runs the Ctrl-C handler. It reports true when it did
// (the call must not go on).
func (m *Machine) checkBreak() bool {
	hit := m.dos.breakHit
	if !hit {
		if w, ok := m.kbdPeek(); ok && uint8(w) == 3 {
			m.kbdPop()
			hit = true
		}
	}
	if !hit {
		return false
	}
	m.dos.breakHit = false
	m.kbdFlush()
	m.conWriteString("^C\r\n")
	m.ctrlC()
	return true
}

// ctrlC is DOS's response to Ctrl-C: INT 23h. The default handler ends
// the program; a program's own handler runs, and if it returns with IRET
// the interrupted call starts again.
func (m *Machine) ctrlC() {
	if m.isDefault(0x23) {
		m.terminate(0, termBreak)
		return
	}
	// Run the handler as if INT 23h had been executed at the INT 21h
	// instruction; it returns to a ROM stub that decides what next.
	restartIP := uint16(m.cpu.IP()) - 2
	m.dos.break23 = breakState{cs: m.cs(), ip: restartIP, sp: m.sp()}
	m.push(uint16(m.cpu.Flags()))
	m.push(romSeg)
	m.push(m.dos.after23)
	seg, off := m.vector(0x23)
	m.setFlag(x86.FlagIF|x86.FlagTF, false)
	m.jump(seg, off)
	m.transfer()
}

type breakState struct {
	cs, ip, sp uint16
}

// after23 runs when a program's Ctrl-C handler returns.
func (m *Machine) after23() {
	b := m.dos.break23
	switch m.sp() {
	case b.sp: // IRET: restart the call
		m.jump(b.cs, b.ip)
	case b.sp - 2: // RETF: the flags are still on the stack
		fl := m.pop()
		if fl&1 != 0 {
			m.terminate(0, termBreak)
			return
		}
		m.jump(b.cs, b.ip)
	default:
		m.jump(b.cs, b.ip)
	}
	m.transfer()
}

// lineEdit is the state of a buffered keyboard input (AH=0Ah or a cooked
// read of CON) while it waits for keys.
type lineEdit struct {
	active bool
	buf    []byte
}

// editLine reads a line with echo and editing into m.dos.line. It reports
// the line (without CR) when Enter was pressed, or false while it waits.
// max is the room for characters (CR excluded).
func (m *Machine) editLine(max int) ([]byte, bool) {
	le := &m.dos.line
	if !m.retry {
		le.active = false
	}
	if !le.active {
		le.active = true
		le.buf = le.buf[:0]
	}
	for {
		if m.checkBreak() {
			le.active = false
			return nil, false
		}
		if !m.feedKey(true) {
			m.waitKey()
			return nil, false
		}
		w, _ := m.kbdPop()
		ch := uint8(w)
		switch {
		case ch == '\r':
			line := append([]byte(nil), le.buf...)
			le.active = false
			m.dos.template = line
			return line, true
		case ch == 8 || ch == 0x7F:
			if len(le.buf) > 0 {
				c := le.buf[len(le.buf)-1]
				le.buf = le.buf[:len(le.buf)-1]
				n := 1
				if c < 0x20 && c != 9 {
					n = 2 // shown as ^X
				}
				for i := 0; i < n; i++ {
					m.conWriteString("\b \b")
				}
			}
		case ch == 0x1B:
			// Escape: the line is dropped and a fresh one begins.
			m.conWriteString("\\\r\n")
			le.buf = le.buf[:0]
		case ch == 0 || ch == 0xE0 && w>>8 != 0:
			if w>>8 == 0x3D { // F3: the rest of the last line
				for _, c := range m.dos.template[min(len(le.buf), len(m.dos.template)):] {
					if len(le.buf) >= max {
						break
					}
					le.buf = append(le.buf, c)
					m.echo(c)
				}
			}
		default:
			if len(le.buf) >= max {
				continue // a real DOS beeps
			}
			le.buf = append(le.buf, ch)
			m.echo(ch)
		}
	}
}

// echo shows a typed character: control characters as ^X.
func (m *Machine) echo(c byte) {
	if c < 0x20 && c != 9 {
		m.conOut('^')
		m.conOut(c + '@')
		return
	}
	m.conOut(c)
}

// readCON is a read of the CON device: in cooked mode a whole edited line
// (with CR LF) handed out over as many reads as the program makes; in
// binary mode the characters as they come.
func (m *Machine) readCON(f *openFile, seg, off uint16, n int) (int, bool, error) {
	if n == 0 {
		return 0, true, nil
	}
	if f.raw {
		got := 0
		for got < n {
			if !m.feedKey(true) {
				if got > 0 {
					break
				}
				m.waitKey()
				return 0, false, nil
			}
			w, _ := m.kbdPop()
			m.wb(seg, off+uint16(got), uint8(w))
			got++
		}
		return got, true, nil
	}
	if len(f.conReady) == 0 {
		line, ok := m.editLine(126)
		if !ok {
			return 0, false, nil
		}
		m.conWriteString("\r\n")
		if i := indexByte(line, 0x1A); i >= 0 {
			line = line[:i] // Ctrl-Z: end of file from here
			if i == 0 {
				return 0, true, nil
			}
		}
		f.conReady = append(line, '\r', '\n')
	}
	k := copy(make([]byte, n), f.conReady)
	m.write(seg, off, f.conReady[:k])
	f.conReady = f.conReady[k:]
	return k, true, nil
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// The character functions of INT 21h.

func (m *Machine) dosReadEcho() { // 01h
	if m.stdHandle(0).kind == kindCON && m.checkBreak() {
		return
	}
	b, ok := m.inByte()
	if !ok {
		return
	}
	m.setAL(b)
	if b != 0 {
		m.outByte(b)
	}
}

func (m *Machine) dosWriteChar() { // 02h
	m.checkBreak()
	if m.done || m.leftFrame {
		return
	}
	m.outByte(m.dl())
	m.setAL(m.dl())
}

func (m *Machine) dosDirectIO() { // 06h
	if m.dl() != 0xFF {
		m.outByte(m.dl())
		m.setAL(m.dl())
		return
	}
	if !m.keyReady() {
		m.setAL(0)
		m.setZF(true)
		m.poll(noWake)
		return
	}
	b, ok := m.inByte()
	if !ok {
		return
	}
	m.setAL(b)
	m.setZF(false)
}

func (m *Machine) dosDirectIn() { // 07h
	if b, ok := m.inByte(); ok {
		m.setAL(b)
	}
}

func (m *Machine) dosReadNoEcho() { // 08h
	if m.stdHandle(0).kind == kindCON && m.checkBreak() {
		return
	}
	if b, ok := m.inByte(); ok {
		m.setAL(b)
	}
}

func (m *Machine) dosWriteString() { // 09h
	m.checkBreak()
	if m.done || m.leftFrame {
		return
	}
	seg, off := m.ds(), m.dx()
	for i := 0; i < 0x10000; i++ {
		b := m.rb(seg, off+uint16(i))
		if b == '$' {
			break
		}
		m.outByte(b)
	}
	m.setAL('$')
}

func (m *Machine) dosBufferedInput() { // 0Ah
	seg, off := m.ds(), m.dx()
	max := int(m.rb(seg, off))
	if max == 0 {
		return
	}
	f := m.stdHandle(0)
	if !m.settleStdin(f) {
		return
	}
	if f.kind != kindCON {
		// Redirected input: read up to CR without editing.
		if !m.retry {
			m.dos.redirLine = nil
		}
		var line []byte
		for {
			b, ok := m.inByte()
			if !ok {
				m.dos.redirLine = append(m.dos.redirLine, line...)
				return
			}
			if b == '\n' {
				continue
			}
			if b == '\r' || b == 0x1A && len(m.dos.redirLine)+len(line) == 0 {
				break
			}
			if len(m.dos.redirLine)+len(line) < max-1 {
				line = append(line, b)
			}
			if b == 0x1A {
				break
			}
		}
		line = append(m.dos.redirLine, line...)
		m.dos.redirLine = nil
		m.wb(seg, off+1, uint8(len(line)))
		m.write(seg, off+2, append(line, '\r'))
		return
	}
	line, ok := m.editLine(max - 1)
	if !ok {
		return
	}
	m.conOut('\r')
	m.wb(seg, off+1, uint8(len(line)))
	m.write(seg, off+2, append(line, '\r'))
}

func (m *Machine) dosInputStatus() { // 0Bh
	if m.stdHandle(0).kind == kindCON && m.checkBreak() {
		return
	}
	if m.keyReady() {
		m.setAL(0xFF)
		return
	}
	m.setAL(0)
	m.poll(noWake)
}

func (m *Machine) dosFlushAndRead() { // 0Ch
	if m.stdHandle(0).kind == kindCON && !m.retry {
		// Type-ahead still in a pipe is input, not noise: only the BIOS
		// buffer is flushed.
		m.kbdFlush()
	}
	switch m.al() {
	case 0x01:
		m.dosReadEcho()
	case 0x06:
		m.dosDirectIO()
	case 0x07:
		m.dosDirectIn()
	case 0x08:
		m.dosReadNoEcho()
	case 0x0A:
		m.dosBufferedInput()
	default:
		m.setAL(0)
	}
}

// int29 is DOS's fast console output.
func (m *Machine) int29() { m.conOut(m.al()) }

// int28 is DOS's idle call: programs make it while they wait.
func (m *Machine) int28() { m.poll(noWake) }
