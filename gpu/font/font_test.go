package font

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// rows turns a picture ('#' set, '.' clear; one string per row) into glyph bytes.
func rows(t *testing.T, pic ...string) [Height]byte {
	t.Helper()
	if len(pic) != Height {
		t.Fatalf("picture has %d rows", len(pic))
	}
	var g [Height]byte
	for y, s := range pic {
		if len(s) != Width {
			t.Fatalf("row %d is %d wide", y, len(s))
		}
		for x := 0; x < Width; x++ {
			if s[x] == '#' {
				g[y] |= 0x80 >> uint(x)
			}
		}
	}
	return g
}

// The letter A as UNI-VGA (and the VGA ROM it imitates) draws it.
func TestGlyphA(t *testing.T) {
	want := rows(t,
		"........",
		"........",
		"...#....",
		"..###...",
		".##.##..",
		"##...##.",
		"##...##.",
		"#######.",
		"##...##.",
		"##...##.",
		"##...##.",
		"##...##.",
		"........",
		"........",
		"........",
		"........",
	)
	if got := *Glyph('A'); got != want {
		t.Errorf("glyph A = % x, want % x", got, want)
	}
	if !Pixel('A', 3, 2) || Pixel('A', 2, 2) || !Pixel('A', 0, 7) || Pixel('A', 7, 7) {
		t.Error("Pixel disagrees with the picture of A")
	}
}

// Block and shade characters are defined by their geometry, so their
// bitmaps follow from the character itself.
func TestBlockGlyphs(t *testing.T) {
	all := func(v byte) func(int) byte { return func(int) byte { return v } }
	half := func(top, bottom byte) func(int) byte {
		return func(y int) byte {
			if y < Height/2 {
				return top
			}
			return bottom
		}
	}
	cases := []struct {
		c    byte
		name string
		row  func(y int) byte
	}{
		{0xDB, "full block █", all(0xFF)},
		// The VGA's ▀ is seven rows high, not eight (a quirk of the IBM
		// ROM that UNI-VGA keeps), so ▀ over ▄ leaves row 7 empty.
		{0xDF, "upper half ▀", func(y int) byte { return half(0xFF, 0)(y + 1) }},
		{0xDC, "lower half ▄", half(0x00, 0xFF)},
		{0xDD, "left half ▌", all(0xF0)},
		{0xDE, "right half ▐", all(0x0F)},
		{0x00, "NUL", all(0)},
		{0x20, "space", all(0)},
		{0xFF, "no-break space", all(0)},
	}
	for _, tc := range cases {
		g := Glyph(tc.c)
		for y := 0; y < Height; y++ {
			if g[y] != tc.row(y) {
				t.Errorf("%02Xh %s: row %d = %08b, want %08b", tc.c, tc.name, y, g[y], tc.row(y))
			}
		}
	}
	// The shades set a quarter, half and three quarters of their pixels.
	for i, c := range []byte{0xB0, 0xB1, 0xB2} {
		n := 0
		for y := 0; y < Height; y++ {
			for x := 0; x < Width; x++ {
				if Pixel(c, x, y) {
					n++
				}
			}
		}
		if want := (i + 1) * Width * Height / 4; n != want {
			t.Errorf("shade %02Xh sets %d pixels, want %d", c, n, want)
		}
	}
}

// Box-drawing characters must join their neighbours: a line leaving a cell
// to the right reaches the last column and continues in the first column of
// the next cell on the same rows, and vertical lines run from the top row
// to the bottom one in the same columns. This is what makes DOS frames
// (EDIT, Norton-style panels) look continuous.
func TestBoxDrawingJoins(t *testing.T) {
	// single horizontal, double horizontal, single vertical, double vertical
	const (
		h, hh, v, vv = 0xC4, 0xCD, 0xB3, 0xBA
	)
	hRows := func(c byte) []int {
		var ys []int
		for y := 0; y < Height; y++ {
			if Glyph(c)[y] == 0xFF {
				ys = append(ys, y)
			}
		}
		return ys
	}
	vCols := func(c byte) byte { return Glyph(c)[0] }
	if len(hRows(h)) == 0 || len(hRows(hh)) < 2 {
		t.Fatalf("─ has full rows %v, ═ has %v", hRows(h), hRows(hh))
	}
	for y := 0; y < Height; y++ {
		if Glyph(v)[y] != vCols(v) || Glyph(vv)[y] != vCols(vv) || vCols(v) == 0 || vCols(vv) == 0 {
			t.Fatalf("│ or ║ is not the same in every row")
		}
	}
	// Characters with a line to the right / left / up / down.
	type joins struct {
		right, left, up, down byte // 0: none, else the line it joins (h, hh, v, vv)
	}
	box := map[byte]joins{
		0xC0: {right: h, up: v}, 0xC1: {right: h, left: h, up: v}, 0xC2: {right: h, left: h, down: v},
		0xC3: {right: h, up: v, down: v}, 0xC5: {right: h, left: h, up: v, down: v},
		0xBF: {left: h, down: v}, 0xD9: {left: h, up: v}, 0xDA: {right: h, down: v}, 0xB4: {left: h, up: v, down: v},
		0xC8: {right: hh, up: vv}, 0xC9: {right: hh, down: vv}, 0xBB: {left: hh, down: vv}, 0xBC: {left: hh, up: vv},
		0xCA: {right: hh, left: hh, up: vv}, 0xCB: {right: hh, left: hh, down: vv}, 0xCC: {right: hh, up: vv, down: vv},
		0xB9: {left: hh, up: vv, down: vv}, 0xCE: {right: hh, left: hh, up: vv, down: vv},
		0xD1: {right: hh, left: hh, down: v}, 0xCF: {right: hh, left: hh, up: v},
		0xD2: {right: h, left: h, down: vv}, 0xD0: {right: h, left: h, up: vv},
		0xB5: {left: hh, up: v, down: v}, 0xC6: {right: hh, up: v, down: v},
		0xB6: {left: h, up: vv, down: vv}, 0xC7: {right: h, up: vv, down: vv},
	}
	for c, j := range box {
		g := Glyph(c)
		if j.right != 0 {
			for _, y := range hRows(j.right) {
				if g[y]&0x01 == 0 {
					t.Errorf("%02Xh %c: row %d does not reach the right edge", c, ToRune(c), y)
				}
			}
		}
		if j.left != 0 {
			for _, y := range hRows(j.left) {
				if g[y]&0x80 == 0 {
					t.Errorf("%02Xh %c: row %d does not reach the left edge", c, ToRune(c), y)
				}
			}
		}
		if j.up != 0 && g[0]&vCols(j.up) != vCols(j.up) {
			t.Errorf("%02Xh %c: top row %08b does not continue %08b", c, ToRune(c), g[0], vCols(j.up))
		}
		if j.down != 0 && g[Height-1]&vCols(j.down) != vCols(j.down) {
			t.Errorf("%02Xh %c: bottom row %08b does not continue %08b", c, ToRune(c), g[Height-1], vCols(j.down))
		}
	}
}

// Every printable character has a glyph, and no two characters that look
// different in code page 437 share one by accident (a sign of stand-ins).
func TestEveryCharacterDrawn(t *testing.T) {
	seen := map[[Height]byte]byte{}
	for c := 1; c < 256; c++ {
		g := *Glyph(byte(c))
		blank := g == [Height]byte{}
		if want := c == 0x20 || c == 0xFF; blank != want {
			t.Errorf("%02Xh %c: blank=%v", c, ToRune(byte(c)), blank)
		}
		if blank {
			continue
		}
		if prev, ok := seen[g]; ok {
			t.Errorf("%02Xh %c has the same glyph as %02Xh %c", c, ToRune(byte(c)), prev, ToRune(prev))
		}
		seen[g] = byte(c)
	}
}

// The table agrees with an independent one (x/text's code page 437) on the
// printable ASCII and high halves; the graphic control range is checked
// against IBM's chart by hand for a few landmarks.
func TestCodePageTable(t *testing.T) {
	dec := charmap.CodePage437
	for c := 0x20; c < 0x100; c++ {
		if c == 0x7F {
			continue
		}
		want := dec.DecodeByte(byte(c))
		if got := ToRune(byte(c)); got != want {
			t.Errorf("ToRune(%02Xh) = %U, x/text says %U", c, got, want)
		}
	}
	for c, want := range map[byte]rune{0x01: '☺', 0x03: '♥', 0x0F: '☼', 0x10: '►', 0x1A: '→', 0x1F: '▼', 0x7F: '⌂'} {
		if got := ToRune(c); got != want {
			t.Errorf("ToRune(%02Xh) = %c, want %c", c, got, want)
		}
	}
	for c := 0; c < 256; c++ {
		r := ToRune(byte(c))
		if !utf8.ValidRune(r) {
			t.Fatalf("%02Xh maps to invalid rune %U", c, r)
		}
		b, ok := FromRune(r)
		if !ok || b != byte(c) {
			t.Errorf("FromRune(%U) = %02Xh, %v; want %02Xh", r, b, ok, c)
		}
	}
	if b, ok := FromRune('▶'); !ok || b != 0x10 {
		t.Errorf("FromRune(▶) = %02Xh, %v", b, ok)
	}
	if _, ok := FromRune('€'); ok {
		t.Error("FromRune(€) claims a glyph code page 437 does not have")
	}
}

func TestAtlas(t *testing.T) {
	pix, w, h := Atlas()
	if w != 128 || h != 256 || len(pix) != w*h {
		t.Fatalf("atlas is %dx%d with %d bytes", w, h, len(pix))
	}
	for c := 0; c < 256; c++ {
		for y := 0; y < Height; y++ {
			for x := 0; x < Width; x++ {
				v := pix[((c/16)*Height+y)*w+(c%16)*Width+x]
				if want := Pixel(byte(c), x, y); (v == 255) != want || (v != 0 && v != 255) {
					t.Fatalf("atlas pixel of %02Xh (%d,%d) = %d, glyph says %v", c, x, y, v, want)
				}
			}
		}
	}
}
