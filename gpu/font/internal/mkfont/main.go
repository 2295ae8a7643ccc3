// Command mkfont writes gpu/font's glyph table from the VGA console fonts
// of Debian's console-setup-linux package (PSF version 1 files with a
// Unicode table, all built from the UNI-VGA font u_vga16.bdf).
//
//	go run ./gpu/font/internal/mkfont -o gpu/font/glyphs.go FONT.psf.gz...
//
// scripts/gpu-font.sh fetches the package and runs it. A console font has
// room for 256 or 512 glyphs, so console-setup lets one glyph stand in for
// similar characters: its Unicode table lists the character the glyph was
// drawn for first, then the characters it merely approximates (a single
// line box corner standing in for a double one, an arrow for a triangle).
// mkfont takes a glyph for a code page 437 character only where that
// character is listed first, checks that every font that has such a glyph
// agrees on it, and fails when a character is missing, so no stand-in
// slips into the table. NUL is blank; ► and ◄ take the glyphs of ▶ and ◀,
// which is what those characters are in Unicode's newer charts.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nachoos/nacho/gpu/font"
)

const glyphHeight = 16

// psf is one console font: its glyphs and, for each glyph, the Unicode
// characters its table lists (the first is the one it was drawn for).
type psf struct {
	name   string
	glyphs [][]byte
	codes  [][]rune
}

func readPSF(path string) (*psf, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		r = zr
	}
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return parsePSF1(filepath.Base(path), data)
}

// parsePSF1 reads a PSF version 1 font: magic 36h 04h, a mode byte (bit 0:
// 512 glyphs, bit 1: a Unicode table follows), the glyph height in bytes,
// the glyphs, then for each glyph little-endian UCS-2 values ending in
// FFFFh, where FFFEh starts combining sequences (which we skip).
func parsePSF1(name string, data []byte) (*psf, error) {
	if len(data) < 4 || data[0] != 0x36 || data[1] != 0x04 {
		return nil, fmt.Errorf("%s: not a PSF1 font", name)
	}
	mode, height := data[2], int(data[3])
	if height != glyphHeight {
		return nil, fmt.Errorf("%s: glyphs are %d rows high, want %d", name, height, glyphHeight)
	}
	if mode&0x02 == 0 {
		return nil, fmt.Errorf("%s: no Unicode table", name)
	}
	n := 256
	if mode&0x01 != 0 {
		n = 512
	}
	body := data[4:]
	if len(body) < n*height {
		return nil, fmt.Errorf("%s: truncated glyphs", name)
	}
	p := &psf{name: name, glyphs: make([][]byte, n), codes: make([][]rune, n)}
	for i := range p.glyphs {
		p.glyphs[i] = body[i*height : (i+1)*height]
	}
	table := body[n*height:]
	g, inSeq := 0, false
	for len(table) >= 2 && g < n {
		v := binary.LittleEndian.Uint16(table)
		table = table[2:]
		switch v {
		case 0xFFFF:
			g, inSeq = g+1, false
		case 0xFFFE:
			inSeq = true
		default:
			if !inSeq {
				p.codes[g] = append(p.codes[g], rune(v))
			}
		}
	}
	if g != n {
		return nil, fmt.Errorf("%s: Unicode table covers %d of %d glyphs", name, g, n)
	}
	return p, nil
}

// substitutes are characters whose glyph is taken from another code point.
var substitutes = map[rune]rune{
	0x25BA: 0x25B6, // ► black right-pointing pointer: ▶
	0x25C4: 0x25C0, // ◄ black left-pointing pointer: ◀
}

func build(fonts []*psf) (*[256][glyphHeight]byte, error) {
	// primary[r] holds each distinct glyph drawn for r, with the fonts that have it.
	type seen struct {
		glyph []byte
		fonts []string
	}
	primary := map[rune][]*seen{}
	for _, f := range fonts {
		for i, codes := range f.codes {
			if len(codes) == 0 {
				continue
			}
			r := codes[0]
			found := false
			for _, s := range primary[r] {
				if bytes.Equal(s.glyph, f.glyphs[i]) {
					s.fonts = append(s.fonts, f.name)
					found = true
				}
			}
			if !found {
				primary[r] = append(primary[r], &seen{glyph: f.glyphs[i], fonts: []string{f.name}})
			}
		}
	}
	var out [256][glyphHeight]byte
	var errs []error
	for c := 1; c < 256; c++ {
		r := font.ToRune(byte(c))
		from := r
		if s, ok := substitutes[r]; ok {
			from = s
		}
		cands := primary[from]
		switch {
		case len(cands) == 0:
			errs = append(errs, fmt.Errorf("%02Xh U+%04X %c: no font draws it", c, r, r))
			continue
		case len(cands) > 1:
			errs = append(errs, fmt.Errorf("%02Xh U+%04X %c: the fonts disagree (%d different glyphs)", c, r, r, len(cands)))
			continue
		}
		copy(out[c][:], cands[0].glyph)
	}
	return &out, errors.Join(errs...)
}

func main() {
	outPath := flag.String("o", "", "Go file to write (standard output when empty)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: mkfont [-o glyphs.go] FONT.psf[.gz]...")
		os.Exit(2)
	}
	var fonts []*psf
	var names []string
	for _, p := range flag.Args() {
		f, err := readPSF(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mkfont:", err)
			os.Exit(1)
		}
		fonts = append(fonts, f)
		names = append(names, f.name)
	}
	glyphs, err := build(fonts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkfont:", err)
		os.Exit(1)
	}
	src, err := render(glyphs, names)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkfont:", err)
		os.Exit(1)
	}
	if *outPath == "" {
		os.Stdout.Write(src)
		return
	}
	if err := os.WriteFile(*outPath, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mkfont:", err)
		os.Exit(1)
	}
}

func render(glyphs *[256][glyphHeight]byte, sources []string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by gpu/font/internal/mkfont; DO NOT EDIT.\n")
	b.WriteString("// Source: Debian console-setup-linux's VGA16 console fonts, built from\n")
	b.WriteString("// UNI-VGA (u_vga16.bdf); see README.md and LICENSE. Fonts read:\n")
	for _, s := range sources {
		fmt.Fprintf(&b, "//   %s\n", s)
	}
	b.WriteString("\npackage font\n\n")
	b.WriteString("// vga8x16 is code page 437 in 8x16 glyphs: 16 rows each, top first,\n")
	b.WriteString("// the leftmost pixel in the high bit.\n")
	b.WriteString("var vga8x16 = [256][Height]byte{\n")
	for c := 0; c < 256; c++ {
		r := font.ToRune(byte(c))
		label := fmt.Sprintf("U+%04X", r)
		if r > 0x20 && r != 0x7F && r != 0xA0 {
			label += " " + string(r)
		}
		fmt.Fprintf(&b, "\t0x%02X: {", c)
		for i, v := range glyphs[c] {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "0x%02x", v)
		}
		fmt.Fprintf(&b, "}, // %s\n", label)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
