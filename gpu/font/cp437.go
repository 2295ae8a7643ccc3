package font

// cp437 maps each code page 437 byte to the Unicode character the IBM PC
// shows for it. Bytes 01h–1Fh and 7Fh are the PC's graphic characters
// (smileys, card suits, arrows, ⌂) rather than control codes, because that
// is what text mode draws when a program writes them to video memory; 00h
// and FFh (a no-break space) draw blank.
var cp437 = [256]rune{
	// 00h–1Fh: the graphic characters of the control range.
	0x0000, 0x263A, 0x263B, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022,
	0x25D8, 0x25CB, 0x25D9, 0x2642, 0x2640, 0x266A, 0x266B, 0x263C,
	0x25BA, 0x25C4, 0x2195, 0x203C, 0x00B6, 0x00A7, 0x25AC, 0x21A8,
	0x2191, 0x2193, 0x2192, 0x2190, 0x221F, 0x2194, 0x25B2, 0x25BC,
	// 20h–7Fh: ASCII, with 7Fh as the house ⌂.
	' ', '!', '"', '#', '$', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	'@', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', '[', '\\', ']', '^', '_',
	'`', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '{', '|', '}', '~', 0x2302,
	// 80h–FFh: accented letters, currency, box drawing, blocks, Greek and maths.
	0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7,
	0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
	0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
	0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,
	0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,
	0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
	0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
	0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
	0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
	0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,
	0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
	0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4,
	0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
	0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,
	0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
}

// fromUnicode is the inverse of cp437 for the characters it covers, plus a
// few common stand-ins (control codes, ▶ and ◀, the Greek letters that
// CP437's Latin-looking glyphs also serve for).
var fromUnicode = func() map[rune]byte {
	m := make(map[rune]byte, 300)
	for i := 255; i >= 0; i-- {
		m[cp437[i]] = byte(i)
	}
	// Bytes below 20h written as control codes still draw their glyph.
	for i := rune(1); i < 0x20; i++ {
		if _, ok := m[i]; !ok {
			m[i] = byte(i)
		}
	}
	extra := map[rune]byte{
		0x25B6: 0x10, // ▶ black right-pointing triangle
		0x25C0: 0x11, // ◀ black left-pointing triangle
		0x03B2: 0xE1, // β drawn as ß, as code page 437 documents
		0x03A0: 0xE3, // Π drawn as π
		0x220F: 0xE3, // ∏
		0x2211: 0xE4, // ∑ drawn as Σ
		0x03BC: 0xE6, // μ drawn as µ
		0x2205: 0xED, // ∅ drawn as φ
		0x2208: 0xEE, // ∈ drawn as ε
		0x2713: 0xFB, // ✓ drawn as √
	}
	for r, b := range extra {
		if _, ok := m[r]; !ok {
			m[r] = b
		}
	}
	return m
}()

// ToRune returns the Unicode character that code page 437 byte c shows on
// an IBM PC screen. 00h maps to U+0000 (drawn blank).
func ToRune(c byte) rune { return cp437[c] }

// FromRune returns the code page 437 byte that draws r, and false when the
// code page has no glyph for it (callers usually draw '?' or 0FEh ■).
func FromRune(r rune) (byte, bool) {
	if r == 0 {
		return 0, true
	}
	b, ok := fromUnicode[r]
	return b, ok
}
