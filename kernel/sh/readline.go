package sh

import (
	"errors"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/kernel/internal/columns"
)

var errInterrupt = errors.New("interrupted")

// lineEditor reads a line from a terminal in raw mode with Emacs-style
// editing: arrows, Home/End, ^A ^E ^B ^F ^K ^U ^W ^L ^D, Alt-B/F, history
// with Up/Down and ^P/^N, and Tab completion of commands and paths.
type lineEditor struct {
	s       *Shell
	pending []byte // bytes read but not yet consumed (split escape sequences)

	prompt   string
	promptW  int // display width of the prompt
	buf      []rune
	pos      int
	rowsUp   int // rows between the first row of the prompt and the cursor
	histIdx  int
	saved    []rune // the line being edited while browsing history
	lastTab  bool
	readBuf  [256]byte
	inputErr error
}

func newLineEditor(s *Shell) *lineEditor { return &lineEditor{s: s} }

func (e *lineEditor) write(s string) { io.WriteString(e.s.p.Stdout(), s) }

// readByte returns the next input byte, reading more when needed.
func (e *lineEditor) readByte() (byte, error) {
	for len(e.pending) == 0 {
		n, err := e.s.p.Stdin().Read(e.readBuf[:])
		if n > 0 {
			e.pending = append(e.pending, e.readBuf[:n]...)
			break
		}
		if err != nil {
			return 0, err
		}
	}
	c := e.pending[0]
	e.pending = e.pending[1:]
	return c, nil
}

func (e *lineEditor) readLine(prompt string) (string, error) {
	tty := e.s.tty
	old := tty.Mode()
	tty.SetMode(kernel.TTYMode{ONLCR: true})
	defer tty.SetMode(old)

	e.prompt = prompt
	e.promptW = displayWidth(prompt)
	e.buf = e.buf[:0]
	e.pos = 0
	e.rowsUp = 0
	e.histIdx = len(e.s.hist.lines)
	e.saved = nil
	e.lastTab = false
	e.write(prompt)
	for {
		c, err := e.readByte()
		if err != nil {
			e.write("\r\n")
			return "", err
		}
		tab := false
		switch c {
		case '\r', '\n':
			e.pos = len(e.buf)
			e.refresh()
			e.write("\r\n")
			return string(e.buf), nil
		case 0x03: // ^C
			e.pos = len(e.buf)
			e.refresh()
			e.write("^C\r\n")
			return "", errInterrupt
		case 0x04: // ^D
			if len(e.buf) == 0 {
				return "", io.EOF
			}
			e.deleteAt(e.pos)
		case 0x7f, 0x08:
			if e.pos > 0 {
				e.pos--
				e.deleteAt(e.pos)
			}
		case 0x01:
			e.move(0)
		case 0x05:
			e.move(len(e.buf))
		case 0x02:
			e.move(e.pos - 1)
		case 0x06:
			e.move(e.pos + 1)
		case 0x0b: // ^K
			e.buf = e.buf[:e.pos]
			e.refresh()
		case 0x15: // ^U
			e.buf = append(e.buf[:0], e.buf[e.pos:]...)
			e.pos = 0
			e.refresh()
		case 0x17: // ^W
			start := e.wordLeft()
			e.buf = append(e.buf[:start], e.buf[e.pos:]...)
			e.pos = start
			e.refresh()
		case 0x0c: // ^L
			e.write("\033[H\033[2J")
			e.rowsUp = 0
			e.write(e.prompt)
			e.refreshFrom(true)
		case 0x10:
			e.history(-1)
		case 0x0e:
			e.history(+1)
		case '\t':
			tab = true
			e.complete()
		case 0x1b:
			if err := e.escape(); err != nil {
				return "", err
			}
		default:
			if c < 0x20 {
				break
			}
			r := rune(c)
			if c >= 0x80 {
				r = e.decodeUTF8(c)
			}
			e.buf = append(e.buf[:e.pos], append([]rune{r}, e.buf[e.pos:]...)...)
			e.pos++
			e.refresh()
		}
		e.lastTab = tab
	}
}

func (e *lineEditor) decodeUTF8(first byte) rune {
	b := []byte{first}
	need := 0
	switch {
	case first&0xe0 == 0xc0:
		need = 1
	case first&0xf0 == 0xe0:
		need = 2
	case first&0xf8 == 0xf0:
		need = 3
	}
	for range need {
		c, err := e.readByte()
		if err != nil {
			break
		}
		b = append(b, c)
	}
	r, _ := utf8.DecodeRune(b)
	return r
}

// escape handles an escape sequence after ESC.
func (e *lineEditor) escape() error {
	c, err := e.readByte()
	if err != nil {
		return err
	}
	switch c {
	case 'b':
		e.move(e.wordLeft())
		return nil
	case 'f':
		e.move(e.wordRight())
		return nil
	case '[', 'O':
	default:
		return nil
	}
	var params []byte
	for {
		d, err := e.readByte()
		if err != nil {
			return err
		}
		if d >= 0x40 && d <= 0x7e {
			mod := strings.HasSuffix(string(params), ";5") || strings.HasSuffix(string(params), ";3")
			switch d {
			case 'A':
				e.history(-1)
			case 'B':
				e.history(+1)
			case 'C':
				if mod {
					e.move(e.wordRight())
				} else {
					e.move(e.pos + 1)
				}
			case 'D':
				if mod {
					e.move(e.wordLeft())
				} else {
					e.move(e.pos - 1)
				}
			case 'H':
				e.move(0)
			case 'F':
				e.move(len(e.buf))
			case '~':
				switch string(params) {
				case "1", "7":
					e.move(0)
				case "4", "8":
					e.move(len(e.buf))
				case "3":
					e.deleteAt(e.pos)
				}
			}
			return nil
		}
		params = append(params, d)
		if len(params) > 16 {
			return nil
		}
	}
}

func (e *lineEditor) deleteAt(i int) {
	if i < 0 || i >= len(e.buf) {
		return
	}
	e.buf = append(e.buf[:i], e.buf[i+1:]...)
	e.refresh()
}

func (e *lineEditor) move(to int) {
	to = max(0, min(to, len(e.buf)))
	if to != e.pos {
		e.pos = to
		e.refresh()
	}
}

func (e *lineEditor) wordLeft() int {
	i := e.pos
	for i > 0 && e.buf[i-1] == ' ' {
		i--
	}
	for i > 0 && e.buf[i-1] != ' ' {
		i--
	}
	return i
}

func (e *lineEditor) wordRight() int {
	i := e.pos
	for i < len(e.buf) && e.buf[i] == ' ' {
		i++
	}
	for i < len(e.buf) && e.buf[i] != ' ' {
		i++
	}
	return i
}

func (e *lineEditor) history(dir int) {
	h := e.s.hist.lines
	idx := e.histIdx + dir
	if idx < 0 || idx > len(h) {
		return
	}
	if e.histIdx == len(h) {
		e.saved = append([]rune(nil), e.buf...)
	}
	e.histIdx = idx
	if idx == len(h) {
		e.buf = append(e.buf[:0], e.saved...)
	} else {
		e.buf = append(e.buf[:0], []rune(h[idx])...)
	}
	e.pos = len(e.buf)
	e.refresh()
}

func (e *lineEditor) refresh() { e.refreshFrom(false) }

// refreshFrom redraws the prompt and the line, which may wrap over several
// rows, and puts the cursor at pos. With atPrompt set, the prompt has just
// been written and the cursor sits after it.
func (e *lineEditor) refreshFrom(atPrompt bool) {
	cols, _ := e.s.tty.Size()
	if cols <= 0 {
		cols = 80
	}
	var b strings.Builder
	if !atPrompt {
		if e.rowsUp > 0 {
			b.WriteString("\033[" + itoa(e.rowsUp) + "A")
		}
		b.WriteString("\r\033[J")
		b.WriteString(e.prompt)
	}
	b.WriteString(string(e.buf))
	total := e.promptW + len(e.buf)
	end := total
	if total > 0 && total%cols == 0 {
		// The cursor waits at the right margin; move it to the next row so
		// the arithmetic below holds.
		b.WriteString("\r\n")
	}
	endRow := end / cols
	cur := e.promptW + e.pos
	curRow, curCol := cur/cols, cur%cols
	if up := endRow - curRow; up > 0 {
		b.WriteString("\033[" + itoa(up) + "A")
	}
	b.WriteString("\r")
	if curCol > 0 {
		b.WriteString("\033[" + itoa(curCol) + "C")
	}
	e.rowsUp = curRow
	e.write(b.String())
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// displayWidth counts the runes of s that occupy a cell (escape sequences
// take none).
func displayWidth(s string) int {
	w := 0
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i++; i < len(s) && !(s[i] >= 0x40 && s[i] <= 0x7e && s[i] != '['); i++ {
			}
			continue
		}
		if s[i]&0xc0 != 0x80 {
			w++
		}
	}
	return w
}

// complete completes the word before the cursor: a command name in command
// position, a path otherwise. A second Tab lists the choices.
func (e *lineEditor) complete() {
	start := e.pos
	for start > 0 && e.buf[start-1] != ' ' {
		start--
	}
	word := string(e.buf[start:e.pos])
	first := strings.TrimSpace(string(e.buf[:start])) == "" ||
		strings.HasSuffix(strings.TrimSpace(string(e.buf[:start])), "|") ||
		strings.HasSuffix(strings.TrimSpace(string(e.buf[:start])), ";") ||
		strings.HasSuffix(strings.TrimSpace(string(e.buf[:start])), "&&")
	cands := e.s.completions(word, first)
	if len(cands) == 0 {
		return
	}
	prefix := cands[0]
	for _, c := range cands[1:] {
		for !strings.HasPrefix(c, prefix) {
			_, size := utf8.DecodeLastRuneInString(prefix)
			prefix = prefix[:len(prefix)-size]
		}
	}
	if len(cands) == 1 && !strings.HasSuffix(prefix, "/") {
		prefix += " "
	}
	if len(prefix) > len(word) {
		ins := []rune(prefix[len(word):])
		e.buf = append(e.buf[:e.pos], append(ins, e.buf[e.pos:]...)...)
		e.pos += len(ins)
		e.refresh()
		return
	}
	if len(cands) > 1 && e.lastTab {
		e.pos = len(e.buf)
		e.refresh()
		e.write("\r\n")
		cols, _ := e.s.tty.Size()
		names := displayNames(cands)
		list := columns.Format(len(names), func(i int) string { return names[i] },
			func(i int) int { return utf8.RuneCountInString(names[i]) }, cols)
		e.write(strings.ReplaceAll(list, "\n", "\r\n"))
		e.rowsUp = 0
		e.write(e.prompt)
		e.refreshFrom(true)
	}
}

func displayNames(cands []string) []string {
	out := make([]string, len(cands))
	for i, c := range cands {
		t := strings.TrimSuffix(c, "/")
		if j := strings.LastIndexByte(t, '/'); j >= 0 {
			t = t[j+1:]
		}
		if strings.HasSuffix(c, "/") {
			t += "/"
		}
		out[i] = t
	}
	return out
}

// completions lists what word may complete to.
func (s *Shell) completions(word string, command bool) []string {
	var out []string
	if command && !strings.Contains(word, "/") {
		for name := range builtins {
			if strings.HasPrefix(name, word) {
				out = append(out, name)
			}
		}
		for _, p := range kernel.Programs() {
			if strings.HasPrefix(p.Name, word) {
				out = append(out, p.Name)
			}
		}
	}
	dir, base := "", word
	if i := strings.LastIndexByte(word, '/'); i >= 0 {
		dir, base = word[:i+1], word[i+1:]
	}
	lookIn := dir
	if strings.HasPrefix(lookIn, "~/") || lookIn == "~" {
		lookIn = s.p.Getenv("HOME") + lookIn[1:]
	}
	if lookIn == "" {
		lookIn = "."
	}
	if entries, err := s.k.FS().ReadDir(s.p.Abs(lookIn)); err == nil {
		for _, e := range entries {
			name := e.Name()
			if !strings.HasPrefix(name, base) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".")) {
				continue
			}
			c := dir + name
			if e.IsDir() {
				c += "/"
			}
			out = append(out, c)
		}
	}
	sort.Strings(out)
	// drop duplicates (a program and a file of the same name)
	uniq := out[:0]
	for i, c := range out {
		if i == 0 || c != out[i-1] {
			uniq = append(uniq, c)
		}
	}
	return uniq
}
