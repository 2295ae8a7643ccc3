package dos

import (
	"bytes"
	"fmt"

	"github.com/nachoos/nacho/gpu/font"
)

// A host terminal as the screen, when a program has no window (`nacho run`
// in a terminal). Output written through DOS and the BIOS teletype is
// streamed to the terminal as text; once a program draws on the screen
// itself (writes video memory, positions the cursor, scrolls a window,
// sets a mode), the terminal shows the whole text screen instead, redrawn
// with ANSI escape sequences as it changes, colours and cursor included.

type terminal struct {
	expect []byte // the text page as streamed output made it
	screen bool   // showing the whole screen
	shown  []byte // the cells last drawn
	cols   int
	cur    [2]int
	curVis bool
	noted  bool // a graphics mode was announced
}

// termActive says whether the console is a host terminal without a window.
func (m *Machine) termActive() bool {
	return m.window == nil && m.cfg.IO.Terminal && m.cfg.IO.Console != nil
}

// termPage is the visible text page's cells.
func (m *Machine) termPage() []byte {
	_, start := m.vga.cursorAddr()
	return m.readl(m.video.info.base+uint32(start)*2, m.vcols()*m.vrows()*2)
}

// termTrack records what the teletype just did to a cell (or, after a
// scroll, to the page) while output is streamed.
func (m *Machine) termTrack(page, row, col int, scrolled bool) {
	t := &m.term
	if !m.termActive() || t.screen || !m.video.info.text || page != m.vpage() {
		return
	}
	if scrolled || len(t.expect) != m.vcols()*m.vrows()*2 {
		t.expect = m.termPage()
		return
	}
	i := (row*m.vcols() + col) * 2
	if i+1 < len(t.expect) {
		a := m.cellAddr(page, row, col)
		t.expect[i], t.expect[i+1] = m.rbl(a), m.rbl(a+1)
	}
}

// termScreen switches to showing the whole screen.
func (m *Machine) termScreen() {
	t := &m.term
	if !m.termActive() || t.screen {
		return
	}
	t.screen = true
	t.shown = nil
	m.termWrite([]byte("\x1b[0m\x1b[H\x1b[2J"))
}

func (m *Machine) termWrite(b []byte) {
	m.outMu.Lock()
	m.out = append(m.out, b...)
	m.outMu.Unlock()
}

// termFrame runs at the frame rate: it notices a program drawing on the
// screen, and redraws what changed.
func (m *Machine) termFrame() {
	t := &m.term
	if !t.screen {
		if m.video.info.text && t.expect != nil && !bytes.Equal(m.termPage(), t.expect) {
			m.termScreen()
		} else {
			return
		}
	}
	if !m.video.info.text {
		if !t.noted {
			t.noted = true
			m.termWrite([]byte(fmt.Sprintf("\x1b[0m\x1b[H\x1b[2J(video mode %02Xh: graphics are not shown in a terminal)\r\n", m.bda8(bdaMode))))
		}
		t.shown = nil
		return
	}
	t.noted = false
	cols, rows := m.vcols(), m.vrows()
	page := m.termPage()
	var b bytes.Buffer
	if len(t.shown) != len(page) || t.cols != cols {
		t.shown = make([]byte, len(page))
		for i := range t.shown {
			t.shown[i] = 0xFF // nothing matches: draw everything
		}
		t.cols = cols
		b.WriteString("\x1b[0m\x1b[H\x1b[2J")
	}
	last := -1
	for r := 0; r < rows; r++ {
		line := page[r*cols*2 : (r+1)*cols*2]
		if bytes.Equal(line, t.shown[r*cols*2:(r+1)*cols*2]) {
			continue
		}
		fmt.Fprintf(&b, "\x1b[%d;1H", r+1)
		for c := 0; c < cols; c++ {
			ch, attr := line[c*2], line[c*2+1]
			if int(attr) != last {
				b.WriteString(sgr(attr))
				last = int(attr)
			}
			if ch == 0 {
				ch = ' '
			}
			b.WriteRune(font.ToRune(ch))
		}
		copy(t.shown[r*cols*2:], line)
	}
	loc, start := m.vga.cursorAddr()
	c := loc - start
	vis := m.vga.crtc[0x0A]&0x20 == 0 && c >= 0 && c < cols*rows
	if b.Len() > 0 || t.cur != [2]int{c / cols, c % cols} || vis != t.curVis {
		t.cur, t.curVis = [2]int{c / cols, c % cols}, vis
		if vis {
			fmt.Fprintf(&b, "\x1b[0m\x1b[%d;%dH\x1b[?25h", c/cols+1, c%cols+1)
		} else {
			b.WriteString("\x1b[?25l")
		}
	}
	if b.Len() > 0 {
		m.termWrite(b.Bytes())
	}
}

// termEnd leaves the terminal usable: the screen drawn as it ended, normal
// colours, the cursor on and below it.
func (m *Machine) termEnd() {
	t := &m.term
	if !m.termActive() || !t.screen {
		return
	}
	m.termFrame()
	row := 0
	if m.video.info.text {
		page := m.termPage()
		cols := m.vcols()
		for r := m.vrows() - 1; r >= 0; r-- {
			if len(bytes.Trim(bytesOfChars(page[r*cols*2:(r+1)*cols*2]), " \x00")) > 0 {
				row = r + 1
				break
			}
		}
		row = max(row, t.cur[0]+1)
	}
	m.termWrite([]byte(fmt.Sprintf("\x1b[0m\x1b[?25h\x1b[%d;1H\r\n", row)))
}

func bytesOfChars(cells []byte) []byte {
	out := make([]byte, len(cells)/2)
	for i := range out {
		out[i] = cells[i*2]
	}
	return out
}

// ansiColor maps the PC's colour order (blue is 1) to ANSI's (red is 1).
var ansiColor = [8]int{0, 4, 2, 6, 1, 5, 3, 7}

// sgr is the escape sequence that selects a text attribute's colours.
func sgr(attr uint8) string {
	fg := ansiColor[attr&7] + 30
	if attr&8 != 0 {
		fg += 60
	}
	bg := ansiColor[attr>>4&7] + 40
	return fmt.Sprintf("\x1b[0;%d;%dm", fg, bg)
}
