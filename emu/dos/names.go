package dos

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nachoos/nacho/gpu/font"
)

// DOS file names: 8.3, upper case, code page 437, and the translation
// between them and the VFS's names (UTF-8, any case, any length).

// validChar says whether c may appear in a DOS file name.
func validChar(c byte) bool {
	switch {
	case c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c >= 0x80:
		return true
	}
	return strings.IndexByte("!#$%&'()-@^_`{}~", c) >= 0
}

// upper is DOS's upper case for file names: ASCII letters, and the
// letters of code page 437 through the United States case map.
func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 32
	}
	if c >= 0x80 {
		if u, ok := cp437Upper[c]; ok {
			return u
		}
	}
	return c
}

// toCP437 converts a VFS name to code page 437 bytes, reporting false if
// a character has none.
func toCP437(s string) ([]byte, bool) {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r < 0x80 {
			out = append(out, byte(r))
			continue
		}
		b, ok := font.FromRune(r)
		if !ok || b < 0x80 {
			return nil, false
		}
		out = append(out, b)
	}
	return out, true
}

// fromCP437 converts a DOS name to a VFS name.
func fromCP437(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c < 0x80 {
			sb.WriteByte(c)
		} else {
			sb.WriteRune(font.ToRune(c))
		}
	}
	return sb.String()
}

// shortName reports the 8.3 form of a VFS name that already is one (in
// any case).
func shortName(host string) (string, bool) {
	if !utf8.ValidString(host) {
		return "", false
	}
	b, ok := toCP437(host)
	if !ok || len(b) == 0 || b[0] == '.' {
		return "", false
	}
	base, ext := b, []byte(nil)
	if i := strings.IndexByte(string(b), '.'); i >= 0 {
		base, ext = b[:i], b[i+1:]
		if strings.IndexByte(string(ext), '.') >= 0 || len(ext) == 0 {
			return "", false
		}
	}
	if len(base) == 0 || len(base) > 8 || len(ext) > 3 {
		return "", false
	}
	out := make([]byte, 0, 12)
	for _, c := range base {
		c = upper(c)
		if !validChar(c) {
			return "", false
		}
		out = append(out, c)
	}
	if len(ext) > 0 {
		out = append(out, '.')
		for _, c := range ext {
			c = upper(c)
			if !validChar(c) {
				return "", false
			}
			out = append(out, c)
		}
	}
	return string(out), true
}

// aliasName makes an 8.3 alias for a long VFS name the way Windows does
// (LONGNA~1.TXT), the first that taken does not report; "" if none.
func aliasName(host string, taken func(string) bool) string {
	b, ok := toCP437(host)
	if !ok {
		// Characters with no code page 437 form become underscores.
		b = nil
		for _, r := range host {
			if c, ok := font.FromRune(r); ok && (r < 0x80 || c >= 0x80) {
				b = append(b, c)
			} else {
				b = append(b, '_')
			}
		}
	}
	clean := func(p []byte) []byte {
		var out []byte
		for _, c := range p {
			c = upper(c)
			switch {
			case c == ' ' || c == '.':
			case validChar(c):
				out = append(out, c)
			default:
				out = append(out, '_')
			}
		}
		return out
	}
	s := strings.TrimLeft(string(b), ".")
	var base, ext []byte
	if i := strings.LastIndexByte(s, '.'); i > 0 {
		base, ext = clean([]byte(s[:i])), clean([]byte(s[i+1:]))
	} else {
		base = clean([]byte(s))
	}
	if len(ext) > 3 {
		ext = ext[:3]
	}
	if len(base) == 0 {
		base = []byte("_")
	}
	for n := 1; n < 1000000; n++ {
		tail := "~" + strconv.Itoa(n)
		keep := min(len(base), 8-len(tail))
		name := string(base[:keep]) + tail
		if len(ext) > 0 {
			name += "." + string(ext)
		}
		if !taken(name) {
			return name
		}
	}
	return ""
}

// fcbName is a name in the 11-byte, space-padded form of FCBs and
// directory entries ("README  TXT").
type fcbName [11]byte

// toFCB turns "NAME.EXT" (or a pattern with * and ?) into FCB form; a
// star fills the rest of its field with question marks.
func toFCB(s string) fcbName {
	var f fcbName
	for i := range f {
		f[i] = ' '
	}
	base, ext := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		base, ext = s[:i], s[i+1:]
	}
	fill := func(dst []byte, src string) {
		j := 0
		for i := 0; i < len(src) && j < len(dst); i++ {
			if src[i] == '*' {
				for ; j < len(dst); j++ {
					dst[j] = '?'
				}
				return
			}
			dst[j] = src[i]
			j++
		}
	}
	fill(f[:8], base)
	fill(f[8:], ext)
	return f
}

// String turns FCB form back into "NAME.EXT".
func (f fcbName) String() string {
	base := strings.TrimRight(string(f[:8]), " ")
	ext := strings.TrimRight(string(f[8:]), " ")
	if ext == "" {
		return base
	}
	return base + "." + ext
}

// match reports whether name (FCB form) matches pattern (FCB form): a
// question mark matches any character, a space included.
func (pattern fcbName) match(name fcbName) bool {
	for i := range pattern {
		if pattern[i] != '?' && upper(pattern[i]) != name[i] {
			return false
		}
	}
	return true
}

// devices are the character devices DOS finds by name in any directory.
var devices = map[string]bool{
	"CON": true, "NUL": true, "AUX": true, "PRN": true, "CLOCK$": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true,
}

// deviceName returns the device a path component names ("NUL.TXT" is
// NUL too), or "".
func deviceName(comp string) string {
	base := comp
	if i := strings.IndexByte(comp, '.'); i >= 0 {
		base = comp[:i]
	}
	if devices[base] {
		return base
	}
	return ""
}

// normComponent turns one component of a DOS path into canonical form:
// upper case, base and extension cut to 8 and 3 characters as DOS does.
// wild allows * and ?.
func normComponent(c []byte, wild bool) (string, bool) {
	if len(c) == 0 {
		return "", false
	}
	var base, ext []byte
	dot := false
	for _, ch := range c {
		ch = upper(ch)
		switch {
		case ch == '.':
			if dot {
				return "", false
			}
			dot = true
			continue
		case ch == '*' || ch == '?':
			if !wild {
				return "", false
			}
		case !validChar(ch):
			return "", false
		}
		if dot {
			if len(ext) < 3 {
				ext = append(ext, ch)
			}
		} else if len(base) < 8 {
			base = append(base, ch)
		}
	}
	if len(base) == 0 {
		if !wild || !dot {
			return "", false
		}
	}
	if len(ext) > 0 {
		return string(base) + "." + string(ext), true
	}
	return string(base), true
}
