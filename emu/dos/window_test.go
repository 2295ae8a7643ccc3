package dos

import (
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/nachoos/nacho/kernel"
)

// fakeWindow is a window for tests: keys go in as the page's DOM events,
// frames come out as screens.
type fakeWindow struct {
	events  chan kernel.InputEvent
	mu      sync.Mutex
	frames  int
	last    Screen
	onFrame func(s *Screen)
}

func newFakeWindow() *fakeWindow { return &fakeWindow{events: make(chan kernel.InputEvent, 4096)} }

func (w *fakeWindow) Events() <-chan kernel.InputEvent { return w.events }

func (w *fakeWindow) Frame(s *Screen) {
	w.mu.Lock()
	w.frames++
	w.last.copyFrom(s)
	f := w.onFrame
	w.mu.Unlock()
	if f != nil {
		f(s)
	}
}

func (w *fakeWindow) screen() Screen {
	w.mu.Lock()
	defer w.mu.Unlock()
	var s Screen
	s.copyFrom(&w.last)
	return s
}

// domKey is a key as the page reports it.
type domKey struct{ code, key string }

var domNamed = map[string]domKey{
	"Enter": {"Enter", "Enter"}, "Esc": {"Escape", "Escape"}, "Tab": {"Tab", "Tab"},
	"Backspace": {"Backspace", "Backspace"}, "Up": {"ArrowUp", "ArrowUp"}, "Down": {"ArrowDown", "ArrowDown"},
	"Left": {"ArrowLeft", "ArrowLeft"}, "Right": {"ArrowRight", "ArrowRight"}, "Home": {"Home", "Home"},
	"End": {"End", "End"}, "PgUp": {"PageUp", "PageUp"}, "PgDn": {"PageDown", "PageDown"},
	"Del": {"Delete", "Delete"}, "Ins": {"Insert", "Insert"}, "Alt": {"AltLeft", "Alt"},
	"Ctrl": {"ControlLeft", "Control"}, "Shift": {"ShiftLeft", "Shift"}, "Pause": {"Pause", "Pause"},
}

func init() {
	for i := 1; i <= 12; i++ {
		n := "F" + itoa(i)
		domNamed[n] = domKey{n, n}
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return "1" + string(rune('0'+i-10))
}

// charKey gives the DOM code and Shift for a US-layout character.
func domChar(r rune) (domKey, bool) {
	switch {
	case r >= 'a' && r <= 'z':
		return domKey{"Key" + string(unicode.ToUpper(r)), string(r)}, false
	case r >= 'A' && r <= 'Z':
		return domKey{"Key" + string(r), string(r)}, true
	case r >= '0' && r <= '9':
		return domKey{"Digit" + string(r), string(r)}, false
	case r == ' ':
		return domKey{"Space", " "}, false
	}
	codes := map[rune]string{'-': "Minus", '=': "Equal", '[': "BracketLeft", ']': "BracketRight",
		';': "Semicolon", '\'': "Quote", '`': "Backquote", '\\': "Backslash", ',': "Comma", '.': "Period", '/': "Slash"}
	shifted := map[rune]rune{'!': '1', '@': '2', '#': '3', '$': '4', '%': '5', '^': '6', '&': '7', '*': '8',
		'(': '9', ')': '0', '_': '-', '+': '=', '{': '[', '}': ']', ':': ';', '"': '\'', '~': '`', '|': '\\',
		'<': ',', '>': '.', '?': '/'}
	if c, ok := codes[r]; ok {
		return domKey{c, string(r)}, false
	}
	if b, ok := shifted[r]; ok {
		k, _ := domChar(b)
		k.key = string(r)
		return k, true
	}
	return domKey{}, false
}

// typeEvents turns text with {Named} keys and {Alt+X}, {Ctrl+X} chords
// into key events.
func typeEvents(s string) []kernel.InputEvent {
	var evs []kernel.InputEvent
	press := func(k domKey, mods int) {
		evs = append(evs, kernel.InputEvent{Kind: kernel.KeyDown, Code: k.code, Key: k.key, Mods: mods})
		evs = append(evs, kernel.InputEvent{Kind: kernel.KeyUp, Code: k.code, Key: k.key, Mods: mods})
	}
	hold := func(k domKey, down bool, mods int) {
		kind := kernel.KeyUp
		if down {
			kind = kernel.KeyDown
		}
		evs = append(evs, kernel.InputEvent{Kind: kind, Code: k.code, Key: k.key, Mods: mods})
	}
	for len(s) > 0 {
		if s[0] == '{' {
			end := strings.IndexByte(s, '}')
			name := s[1:end]
			s = s[end+1:]
			mods := 0
			var held []domKey
			for {
				p, rest, ok := strings.Cut(name, "+")
				if !ok || rest == "" {
					break
				}
				switch p {
				case "Alt":
					mods |= kernel.ModAlt
				case "Ctrl":
					mods |= kernel.ModCtrl
				case "Shift":
					mods |= kernel.ModShift
				}
				held = append(held, domNamed[p])
				name = rest
			}
			for _, h := range held {
				hold(h, true, mods)
			}
			if k, ok := domNamed[name]; ok {
				press(k, mods)
			} else if k, _ := domChar(rune(name[0])); k.code != "" {
				press(k, mods)
			}
			for i := len(held) - 1; i >= 0; i-- {
				hold(held[i], false, 0)
			}
			continue
		}
		r := rune(s[0])
		s = s[1:]
		if r == '\n' {
			press(domNamed["Enter"], 0)
			continue
		}
		k, shift := domChar(r)
		if shift {
			hold(domNamed["Shift"], true, kernel.ModShift)
			press(k, kernel.ModShift)
			hold(domNamed["Shift"], false, 0)
		} else {
			press(k, 0)
		}
	}
	return evs
}

// send queues key events, paced like a quick typist.
func (w *fakeWindow) send(s string) {
	for _, ev := range typeEvents(s) {
		w.events <- ev
		time.Sleep(2 * time.Millisecond)
	}
}
