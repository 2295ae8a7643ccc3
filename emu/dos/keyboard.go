package dos

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/nachoos/nacho/gpu/font"
	"github.com/nachoos/nacho/kernel"
)

// The keyboard: scan codes (set 1) from the page's key events through
// the 8042 and IRQ 1; the BIOS's INT 9 translation into the keyboard
// buffer of the BIOS data area; INT 16h reading it. Without a window,
// bytes typed or piped in are put in the buffer as the keys that type
// them.

// keyInfo is what the BIOS makes of a scan code: the key word (scan code
// high, character low) without modifiers, with Shift, Ctrl and Alt.
type keyInfo struct {
	normal, shift, ctrl, alt uint16
}

var scanTable [0x59]keyInfo

func init() {
	k := func(sc uint8, n, s, c, a uint16) { scanTable[sc] = keyInfo{n, s, c, a} }
	w := func(sc uint8, ch byte) uint16 { return uint16(sc)<<8 | uint16(ch) }
	k(0x01, 0x011B, 0x011B, 0x011B, 0x0100)
	digits, shifted := "1234567890", "!@#$%^&*()"
	for i := 0; i < 10; i++ {
		sc := uint8(0x02 + i)
		k(sc, w(sc, digits[i]), w(sc, shifted[i]), 0, uint16(0x78+i)<<8)
	}
	scanTable[0x03].ctrl = 0x0300
	scanTable[0x07].ctrl = 0x071E
	k(0x0C, w(0x0C, '-'), w(0x0C, '_'), 0x0C1F, 0x8200)
	k(0x0D, w(0x0D, '='), w(0x0D, '+'), 0, 0x8300)
	k(0x0E, 0x0E08, 0x0E08, 0x0E7F, 0x0E00)
	k(0x0F, 0x0F09, 0x0F00, 0x9400, 0xA500)
	rows := []struct {
		sc    uint8
		lower string
	}{{0x10, "qwertyuiop"}, {0x1E, "asdfghjkl"}, {0x2C, "zxcvbnm"}}
	for _, r := range rows {
		for i := 0; i < len(r.lower); i++ {
			sc := r.sc + uint8(i)
			c := r.lower[i]
			k(sc, w(sc, c), w(sc, c-32), w(sc, c-96), uint16(sc)<<8)
		}
	}
	k(0x1A, w(0x1A, '['), w(0x1A, '{'), 0x1A1B, 0x1A00)
	k(0x1B, w(0x1B, ']'), w(0x1B, '}'), 0x1B1D, 0x1B00)
	k(0x1C, 0x1C0D, 0x1C0D, 0x1C0A, 0x1C00)
	k(0x27, w(0x27, ';'), w(0x27, ':'), 0, 0x2700)
	k(0x28, w(0x28, '\''), w(0x28, '"'), 0, 0x2800)
	k(0x29, w(0x29, '`'), w(0x29, '~'), 0, 0x2900)
	k(0x2B, w(0x2B, '\\'), w(0x2B, '|'), 0x2B1C, 0x2B00)
	k(0x33, w(0x33, ','), w(0x33, '<'), 0, 0x3300)
	k(0x34, w(0x34, '.'), w(0x34, '>'), 0, 0x3400)
	k(0x35, w(0x35, '/'), w(0x35, '?'), 0, 0x3500)
	k(0x37, 0x372A, 0x372A, 0x9600, 0x3700)
	k(0x39, 0x3920, 0x3920, 0x3920, 0x3920)
	for i := 0; i < 10; i++ {
		sc := uint8(0x3B + i)
		k(sc, uint16(sc)<<8, uint16(0x54+i)<<8, uint16(0x5E+i)<<8, uint16(0x68+i)<<8)
	}
	// Keypad, Num Lock off (numbers come from the shifted column).
	pad := []struct {
		sc         uint8
		n, s, c, a uint16
	}{
		{0x47, 0x4700, 0x4737, 0x7700, 0x9700}, {0x48, 0x4800, 0x4838, 0x8D00, 0x9800},
		{0x49, 0x4900, 0x4939, 0x8400, 0x9900}, {0x4A, 0x4A2D, 0x4A2D, 0x8E00, 0x4A00},
		{0x4B, 0x4B00, 0x4B34, 0x7300, 0x9B00}, {0x4C, 0x4C00, 0x4C35, 0x8F00, 0},
		{0x4D, 0x4D00, 0x4D36, 0x7400, 0x9D00}, {0x4E, 0x4E2B, 0x4E2B, 0x9000, 0x4E00},
		{0x4F, 0x4F00, 0x4F31, 0x7500, 0x9F00}, {0x50, 0x5000, 0x5032, 0x9100, 0xA000},
		{0x51, 0x5100, 0x5133, 0x7600, 0xA100}, {0x52, 0x5200, 0x5230, 0x9200, 0xA200},
		{0x53, 0x5300, 0x532E, 0x9300, 0xA300},
	}
	for _, p := range pad {
		k(p.sc, p.n, p.s, p.c, p.a)
	}
	k(0x57, 0x8500, 0x8700, 0x8900, 0x8B00)
	k(0x58, 0x8600, 0x8800, 0x8A00, 0x8C00)
}

// charKey finds the key that types an ASCII character: its scan code and
// whether Shift is held.
func charKey(c byte) (sc uint8, shift bool, ok bool) {
	for i := range scanTable {
		if i >= 0x47 && i <= 0x53 {
			continue // prefer the main keys over the keypad
		}
		if uint8(scanTable[i].normal) == c && scanTable[i].normal != 0 {
			return uint8(i), false, true
		}
		if uint8(scanTable[i].shift) == c && scanTable[i].shift != 0 {
			return uint8(i), true, true
		}
	}
	return 0, false, false
}

// keyWord is the BIOS key word that types byte c (from a pipe or a
// terminal): its key's scan code, or 0 for characters no key has.
func keyWord(c byte) uint16 {
	switch c {
	case '\r', '\n':
		return 0x1C0D
	case 8, 0x7F:
		return 0x0E08
	case 9:
		return 0x0F09
	case 0x1B:
		return 0x011B
	}
	if c >= 1 && c <= 26 {
		// Ctrl plus a letter.
		sc, _, _ := charKey(c + 'a' - 1)
		return uint16(sc)<<8 | uint16(c)
	}
	if sc, _, ok := charKey(c); ok {
		return uint16(sc)<<8 | uint16(c)
	}
	return uint16(c)
}

// The BIOS keyboard buffer.

func (m *Machine) kbdPush(word uint16) bool {
	head, tail := m.bda16(bdaKbdHead), m.bda16(bdaKbdTail)
	start, end := m.bda16(bdaKbdStart), m.bda16(bdaKbdEnd)
	if start < 0x1E || end <= start || end > 0x100 {
		start, end = 0x1E, 0x3E
	}
	next := tail + 2
	if next >= end {
		next = start
	}
	if next == head {
		return false // full: the BIOS beeps
	}
	m.setBDA16(tail, word)
	m.setBDA16(bdaKbdTail, next)
	return true
}

func (m *Machine) kbdPeek() (uint16, bool) {
	head, tail := m.bda16(bdaKbdHead), m.bda16(bdaKbdTail)
	if head == tail {
		return 0, false
	}
	return m.bda16(head), true
}

func (m *Machine) kbdPop() (uint16, bool) {
	w, ok := m.kbdPeek()
	if !ok {
		return 0, false
	}
	head := m.bda16(bdaKbdHead) + 2
	start, end := m.bda16(bdaKbdStart), m.bda16(bdaKbdEnd)
	if start < 0x1E || end <= start || end > 0x100 {
		start, end = 0x1E, 0x3E
	}
	if head >= end {
		head = start
	}
	m.setBDA16(bdaKbdHead, head)
	return w, true
}

func (m *Machine) kbdFlush() {
	m.setBDA16(bdaKbdHead, m.bda16(bdaKbdTail))
}

// int16 is the keyboard BIOS.
func (m *Machine) int16() {
	switch ah := m.ah(); ah {
	case 0x00, 0x10:
		m.feedKey(true)
		w, ok := m.kbdPop()
		if !ok {
			m.waitKey()
			return
		}
		m.setAX(keyFor(w, ah == 0x10))
		m.tracef("INT 16h AH=%02Xh -> key %04X", ah, m.ax())
	case 0x01, 0x11:
		m.feedKey(false)
		w, ok := m.kbdPeek()
		if !ok {
			m.setZF(true)
			m.wantInput()
			m.poll(noWake)
			return
		}
		m.setZF(false)
		m.setAX(keyFor(w, ah == 0x11))
	case 0x02:
		m.setAL(m.bda8(bdaKbdFlags))
	case 0x12:
		f1, f2, f3 := m.bda8(bdaKbdFlags), m.bda8(bdaKbdFlags2), m.bda8(bdaKbdMode)
		ah := f2&0x73 | f1&0x80
		if f3&4 != 0 {
			ah |= 4
		}
		if f3&8 != 0 {
			ah |= 8
		}
		m.setAX(uint16(ah)<<8 | uint16(f1))
	case 0x03, 0x04:
	case 0x05:
		if m.kbdPush(m.cx()) {
			m.setAL(0)
		} else {
			m.setAL(1)
		}
	case 0x09:
		m.setAL(0x20) // only AH=0Ah is supported beyond the basics
	case 0x0A:
		m.setBX(0x41AB) // an MF2 keyboard with translation
	default:
		m.logOnce(fmt.Sprintf("INT 16h: AH=%02Xh is not supported", ah))
	}
}

// keyFor turns a buffered key word into what INT 16h returns: the
// extended functions keep the E0h marks of the cursor block and keypad,
// the old ones turn them into the codes an XT keyboard would give.
func keyFor(w uint16, extended bool) uint16 {
	if extended {
		return w
	}
	sc, ch := uint8(w>>8), uint8(w)
	switch {
	case sc == 0xE0 && ch == 0x0D, sc == 0xE0 && ch == 0x0A:
		return 0x1C00 | uint16(ch)
	case sc == 0xE0 && ch == '/':
		return 0x352F
	case ch == 0xE0 && sc != 0:
		return uint16(sc) << 8
	}
	return w
}

// waitKey blocks the current call until a key is in the buffer.
func (m *Machine) waitKey() {
	m.wantInput()
	if m.inputDone() {
		m.exit(m.code, &Error{Program: m.progName(), Msg: "waits for a key, but its input has ended"})
		return
	}
	m.block()
}

// wantInput starts reading the host's keyboard stream, which is done only
// once a program asks for input.
func (m *Machine) wantInput() {
	if m.keyIn != nil {
		m.keyIn.start()
	}
}

// inputDone says no key can come any more: no window, and the keyboard
// stream has ended (or there is none) with everything in it consumed.
func (m *Machine) inputDone() bool {
	if m.window != nil && m.keysOpen {
		return false
	}
	if m.keyIn == nil {
		return true
	}
	if m.kbc.busy() || len(m.heldKeys) > 0 {
		return false // a key is still on its way
	}
	return m.keyIn.drained()
}

// pollInput moves input that arrived into the machine: window events
// into the keyboard controller, typed bytes into the BIOS buffer, and the
// controller's next scan code into its output buffer. It reports whether
// anything arrived.
func (m *Machine) pollInput() bool {
	got := false
	if m.window != nil && m.keysOpen {
	drain:
		for i := 0; i < 64; i++ {
			select {
			case ev, ok := <-m.window.Events():
				if !ok {
					m.keysOpen = false
					break drain
				}
				m.windowEvent(ev)
				got = true
			default:
				break drain
			}
		}
	}
	if m.kbc.service() {
		got = true
	}
	return got
}

// termKey decodes a terminal's escape sequence or UTF-8 character at the
// front of the keyboard stream: the key word and how many bytes it took
// (0 while more bytes are needed; ok false when it is a plain byte).
func (m *Machine) termKey() (word uint16, n int, ok bool) {
	buf := m.keyIn.peekAll()
	if len(buf) == 0 {
		return 0, 0, false
	}
	c := buf[0]
	if c >= 0x80 {
		if !utf8.FullRune(buf) {
			if m.keyIn.eof() {
				return uint16(c), 1, true
			}
			return 0, 0, true
		}
		r, size := utf8.DecodeRune(buf)
		if b, ok := font.FromRune(r); ok {
			return uint16(b), size, true
		}
		return 0, size, true
	}
	if c != 0x1B || len(buf) == 1 {
		return 0, 0, false
	}
	if buf[1] != '[' && buf[1] != 'O' {
		// ESC and a key is that key with Alt (a terminal's Meta).
		if sc, _, ok := charKey(buf[1]); ok && buf[1] != 0x1B {
			if alt := scanTable[sc].alt; alt != 0 {
				return alt, 2, true
			}
		}
		if c := buf[1]; c >= 'A' && c <= 'Z' {
			if sc, _, ok := charKey(c + 32); ok {
				return scanTable[sc].alt, 2, true
			}
		}
		return 0x011B, 1, true
	}
	// CSI or SS3: ESC [ params final, ESC O final.
	i := 2
	for i < len(buf) && (buf[i] >= '0' && buf[i] <= '9' || buf[i] == ';') {
		i++
	}
	if i >= len(buf) {
		return 0, 0, true
	}
	if w, ok := termKeys[string(buf[1:i+1])]; ok {
		return w, i + 1, true
	}
	return 0, i + 1, true // a sequence we do not know: drop it
}

var termKeys = map[string]uint16{
	"[A": 0x4800, "[B": 0x5000, "[C": 0x4D00, "[D": 0x4B00,
	"OA": 0x4800, "OB": 0x5000, "OC": 0x4D00, "OD": 0x4B00,
	"[H": 0x4700, "[F": 0x4F00, "OH": 0x4700, "OF": 0x4F00,
	"[1~": 0x4700, "[4~": 0x4F00, "[2~": 0x5200, "[3~": 0x5300, "[5~": 0x4900, "[6~": 0x5100,
	"OP": 0x3B00, "OQ": 0x3C00, "OR": 0x3D00, "OS": 0x3E00,
	"[11~": 0x3B00, "[12~": 0x3C00, "[13~": 0x3D00, "[14~": 0x3E00,
	"[15~": 0x3F00, "[17~": 0x4000, "[18~": 0x4100, "[19~": 0x4200,
	"[20~": 0x4300, "[21~": 0x4400, "[23~": 0x8500, "[24~": 0x8600,
	"[1;5A": 0x8D00, "[1;5B": 0x9100, "[1;5C": 0x7400, "[1;5D": 0x7300,
	"[1;2A": 0x4800, "[1;2B": 0x5000, "[1;2C": 0x4D00, "[1;2D": 0x4B00,
	"[Z": 0x0F00,
}

// keyboardIRQ is the BIOS's INT 9: read the scan code, keep the shift
// states, and put what the key types in the buffer.
func (m *Machine) keyboardIRQ() {
	b := m.kbc.take()
	code := b.b
	if m.cfg.Trace != nil {
		m.tracef("INT 9: scan code %02X flags %02X %02X", code, m.bda8(bdaKbdFlags), m.bda8(bdaKbdFlags2))
	}
	flags, flags2, mode := m.bda8(bdaKbdFlags), m.bda8(bdaKbdFlags2), m.bda8(bdaKbdMode)
	defer func() {
		m.setBDA8(bdaKbdFlags, flags)
		m.setBDA8(bdaKbdFlags2, flags2)
		m.setBDA8(bdaKbdMode, mode)
	}()
	switch code {
	case 0xE0:
		mode |= 2
		return
	case 0xE1:
		mode |= 1
		return
	case 0x00, 0xFA, 0xFE, 0xEE, 0xFF: // overrun and controller replies (AAh is Shift released)
		return
	}
	ext := mode&2 != 0
	mode &^= 3
	brk := code&0x80 != 0
	sc := code & 0x7F
	set := func(f *uint8, bit uint8, on bool) {
		if on {
			*f |= bit
		} else {
			*f &^= bit
		}
	}
	switch sc {
	case 0x2A:
		if !ext {
			set(&flags, 2, !brk)
		}
		return
	case 0x36:
		if !ext {
			set(&flags, 1, !brk)
		}
		return
	case 0x1D:
		if ext {
			set(&mode, 4, !brk)
		} else {
			set(&flags2, 1, !brk)
		}
		set(&flags, 4, flags2&1 != 0 || mode&4 != 0)
		return
	case 0x38:
		if ext {
			set(&mode, 8, !brk)
		} else {
			set(&flags2, 2, !brk)
		}
		set(&flags, 8, flags2&2 != 0 || mode&8 != 0)
		return
	case 0x3A, 0x45, 0x46:
		bit := map[uint8]uint8{0x3A: 0x40, 0x45: 0x20, 0x46: 0x10}[sc]
		if sc == 0x46 && flags&4 != 0 && !brk {
			// Ctrl-Break.
			m.kbdFlush()
			m.kbdPush(0)
			m.setBDA8(bdaBreak, 0x80)
			m.dos.breakHit = true
			return
		}
		if brk {
			flags2 &^= bit
		} else if flags2&bit == 0 {
			flags2 |= bit
			flags ^= bit
		}
		return
	}
	if brk {
		if sc == 0x52 {
			flags2 &^= 0x80
		}
		return
	}
	if int(sc) >= len(scanTable) {
		return
	}
	info := scanTable[sc]
	shift := flags&3 != 0
	var w uint16
	switch {
	case flags&8 != 0:
		w = info.alt
	case flags&4 != 0:
		w = info.ctrl
	default:
		letter := uint8(info.normal) >= 'a' && uint8(info.normal) <= 'z'
		pad := sc >= 0x47 && sc <= 0x53 && sc != 0x4A && sc != 0x4E && !ext
		shifted := shift
		if letter && flags&0x40 != 0 {
			shifted = !shifted // Caps Lock
		}
		if pad && flags&0x20 != 0 {
			shifted = !shifted // Num Lock
		}
		w = info.normal
		if shifted {
			w = info.shift
		}
		if sc == 0x52 && (!pad || !shifted) {
			flags ^= 0x80
			flags2 |= 0x80
		}
		if b.hint && uint8(w) != 0 && b.ascii != 0 {
			w = w&0xFF00 | uint16(b.ascii)
		}
	}
	if ext {
		switch sc {
		case 0x1C:
			w = 0xE000 | w&0xFF
		case 0x35:
			w = 0xE02F
		default:
			if w&0xFF == 0 && sc >= 0x47 && sc <= 0x53 {
				w = w&0xFF00 | 0xE0
			} else if sc >= 0x47 && sc <= 0x53 {
				w = uint16(sc)<<8 | 0xE0
			}
		}
	}
	if w == 0 {
		return
	}
	m.kbdPush(w)
}

// DOM key codes to set 1 scan codes; extended keys carry E0h.
var domScan = map[string][]byte{
	"Escape": {0x01}, "Digit1": {0x02}, "Digit2": {0x03}, "Digit3": {0x04}, "Digit4": {0x05},
	"Digit5": {0x06}, "Digit6": {0x07}, "Digit7": {0x08}, "Digit8": {0x09}, "Digit9": {0x0A},
	"Digit0": {0x0B}, "Minus": {0x0C}, "Equal": {0x0D}, "Backspace": {0x0E}, "Tab": {0x0F},
	"KeyQ": {0x10}, "KeyW": {0x11}, "KeyE": {0x12}, "KeyR": {0x13}, "KeyT": {0x14}, "KeyY": {0x15},
	"KeyU": {0x16}, "KeyI": {0x17}, "KeyO": {0x18}, "KeyP": {0x19}, "BracketLeft": {0x1A},
	"BracketRight": {0x1B}, "Enter": {0x1C}, "ControlLeft": {0x1D}, "KeyA": {0x1E}, "KeyS": {0x1F},
	"KeyD": {0x20}, "KeyF": {0x21}, "KeyG": {0x22}, "KeyH": {0x23}, "KeyJ": {0x24}, "KeyK": {0x25},
	"KeyL": {0x26}, "Semicolon": {0x27}, "Quote": {0x28}, "Backquote": {0x29}, "ShiftLeft": {0x2A},
	"Backslash": {0x2B}, "KeyZ": {0x2C}, "KeyX": {0x2D}, "KeyC": {0x2E}, "KeyV": {0x2F},
	"KeyB": {0x30}, "KeyN": {0x31}, "KeyM": {0x32}, "Comma": {0x33}, "Period": {0x34},
	"Slash": {0x35}, "ShiftRight": {0x36}, "NumpadMultiply": {0x37}, "AltLeft": {0x38},
	"Space": {0x39}, "CapsLock": {0x3A}, "F1": {0x3B}, "F2": {0x3C}, "F3": {0x3D}, "F4": {0x3E},
	"F5": {0x3F}, "F6": {0x40}, "F7": {0x41}, "F8": {0x42}, "F9": {0x43}, "F10": {0x44},
	"NumLock": {0x45}, "ScrollLock": {0x46}, "Numpad7": {0x47}, "Numpad8": {0x48}, "Numpad9": {0x49},
	"NumpadSubtract": {0x4A}, "Numpad4": {0x4B}, "Numpad5": {0x4C}, "Numpad6": {0x4D},
	"NumpadAdd": {0x4E}, "Numpad1": {0x4F}, "Numpad2": {0x50}, "Numpad3": {0x51}, "Numpad0": {0x52},
	"NumpadDecimal": {0x53}, "IntlBackslash": {0x56}, "F11": {0x57}, "F12": {0x58},
	"NumpadEnter": {0xE0, 0x1C}, "ControlRight": {0xE0, 0x1D}, "NumpadDivide": {0xE0, 0x35},
	"AltRight": {0xE0, 0x38}, "Home": {0xE0, 0x47}, "ArrowUp": {0xE0, 0x48}, "PageUp": {0xE0, 0x49},
	"ArrowLeft": {0xE0, 0x4B}, "ArrowRight": {0xE0, 0x4D}, "End": {0xE0, 0x4F},
	"ArrowDown": {0xE0, 0x50}, "PageDown": {0xE0, 0x51}, "Insert": {0xE0, 0x52}, "Delete": {0xE0, 0x53},
	"Pause": {0xE1, 0x1D, 0x45},
}

// windowEvent feeds a window's input event to the keyboard controller.
func (m *Machine) windowEvent(ev kernel.InputEvent) {
	switch ev.Kind {
	case kernel.KeyDown, kernel.KeyUp:
		if ev.Code == "Pause" && ev.Mods&kernel.ModCtrl != 0 || ev.Code == "Cancel" {
			// Ctrl-Break: DOS's break; a second one before the program
			// took the first ends the program, as at a terminal.
			if ev.Kind == kernel.KeyDown {
				if m.dos.breakHit {
					m.log(m.progName() + ": ended by Ctrl-Break")
					m.exit(130, nil)
					return
				}
				m.kbc.key([]byte{0xE0, 0x46}, 0, false)
			} else {
				m.kbc.key([]byte{0xE0, 0xC6}, 0, false)
			}
			return
		}
		codes, ok := domScan[ev.Code]
		if !ok {
			if ev.Kind == kernel.KeyDown {
				m.typeRunes(ev.Key)
			}
			return
		}
		seq := append([]byte(nil), codes...)
		if ev.Kind == kernel.KeyUp {
			seq[len(seq)-1] |= 0x80
		}
		var ascii uint8
		hint := false
		if ev.Kind == kernel.KeyDown && ev.Mods&(kernel.ModCtrl|kernel.ModAlt|kernel.ModMeta) == 0 {
			if r, size := utf8.DecodeRuneInString(ev.Key); size == len(ev.Key) && r >= 0x20 && r != utf8.RuneError {
				if b, ok := font.FromRune(r); ok {
					ascii, hint = b, true
				}
			}
		}
		m.kbc.key(seq, ascii, hint)
	case kernel.Paste:
		m.typeRunes(ev.Text)
	}
	m.mouseEvent(ev)
}

// typeRunes types text whose characters have no key of their own (a
// paste, a character of another layout) straight into the BIOS buffer.
func (m *Machine) typeRunes(s string) {
	for _, r := range s {
		if r == '\n' {
			r = '\r'
		}
		b, ok := font.FromRune(r)
		if !ok {
			continue
		}
		m.kbdPush(keyWord(b))
	}
}

// noWake means a poll has no better time to wake at than the next event.
var noWake time.Time
