package main

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/nachoos/nacho/gpu/font"
)

// makePSF1 builds a 256-glyph PSF1 font; codes[i] lists glyph i's characters.
func makePSF1(glyphs [][]byte, codes [][]rune) []byte {
	var b bytes.Buffer
	b.Write([]byte{0x36, 0x04, 0x02, glyphHeight})
	for i := 0; i < 256; i++ {
		g := make([]byte, glyphHeight)
		if i < len(glyphs) {
			copy(g, glyphs[i])
		}
		b.Write(g)
	}
	for i := 0; i < 256; i++ {
		if i < len(codes) {
			for _, r := range codes[i] {
				binary.Write(&b, binary.LittleEndian, uint16(r))
			}
		}
		binary.Write(&b, binary.LittleEndian, uint16(0xFFFF))
	}
	return b.Bytes()
}

func glyphOf(v byte) []byte { return bytes.Repeat([]byte{v}, glyphHeight) }

// fullFont is a synthetic font drawing every code page 437 character
// (► and ◄ through ▶ and ◀) with glyph rows equal to its byte.
func fullFont() ([][]byte, [][]rune) {
	var glyphs [][]byte
	var codes [][]rune
	for c := 1; c < 256; c++ {
		r := font.ToRune(byte(c))
		switch r {
		case 0x25BA:
			r = 0x25B6
		case 0x25C4:
			r = 0x25C0
		}
		glyphs = append(glyphs, glyphOf(byte(c)))
		codes = append(codes, []rune{r})
	}
	return glyphs, codes
}

func TestBuild(t *testing.T) {
	g, c := fullFont()
	f, err := parsePSF1("full", makePSF1(g, c))
	if err != nil {
		t.Fatal(err)
	}
	out, err := build([]*psf{f})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 256; i++ {
		if out[i][5] != byte(i) {
			t.Fatalf("character %02Xh got the glyph of %02Xh", i, out[i][5])
		}
	}
	if out[0] != [glyphHeight]byte{} {
		t.Error("NUL is not blank")
	}
	src, err := render(out, []string{"full"})
	if err != nil || !bytes.Contains(src, []byte("DO NOT EDIT")) {
		t.Fatalf("render: %v", err)
	}
}

// A glyph listed second (a stand-in) never fills a character.
func TestStandInsIgnored(t *testing.T) {
	g, c := fullFont()
	// Drop ║'s own glyph and let │'s slot stand in for it.
	for i := range c {
		switch c[i][0] {
		case 0x2551:
			c[i] = nil
		case 0x2502:
			c[i] = []rune{0x2502, 0x2551}
		}
	}
	f, err := parsePSF1("standin", makePSF1(g, c))
	if err != nil {
		t.Fatal(err)
	}
	_, err = build([]*psf{f})
	if err == nil || !strings.Contains(err.Error(), "BAh U+2551") {
		t.Fatalf("build accepted a stand-in for ║: %v", err)
	}
}

func TestFontsMustAgree(t *testing.T) {
	g, c := fullFont()
	a, _ := parsePSF1("a", makePSF1(g, c))
	g2 := append([][]byte(nil), g...)
	g2['A'-1] = glyphOf(0x5A)
	b, _ := parsePSF1("b", makePSF1(g2, c))
	_, err := build([]*psf{a, b})
	if err == nil || !strings.Contains(err.Error(), "41h U+0041") {
		t.Fatalf("build accepted two different A glyphs: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	g, c := fullFont()
	good := makePSF1(g, c)
	cases := map[string][]byte{
		"empty":     nil,
		"not psf":   []byte("PK\x03\x04"),
		"8 rows":    append([]byte{0x36, 0x04, 0x02, 8}, good[4:]...),
		"no table":  append([]byte{0x36, 0x04, 0x00, glyphHeight}, good[4:]...),
		"truncated": good[:100],
		"short map": good[:4+256*glyphHeight+10],
	}
	for name, data := range cases {
		if _, err := parsePSF1(name, data); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzParsePSF1(f *testing.F) {
	g, c := fullFont()
	f.Add(makePSF1(g, c))
	f.Add([]byte{0x36, 0x04, 0x03, glyphHeight})
	f.Add([]byte{0x36, 0x04, 0x02, glyphHeight, 0xFF, 0xFE})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parsePSF1("fuzz", data)
		if err != nil {
			return
		}
		for i, gl := range p.glyphs {
			if len(gl) != glyphHeight {
				t.Fatalf("glyph %d has %d rows", i, len(gl))
			}
		}
		if _, err := build([]*psf{p}); err != nil {
			return
		}
	})
}
