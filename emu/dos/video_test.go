package dos

import (
	"testing"

	"github.com/nachoos/nacho/gpu/font"
)

func runVideo(t *testing.T, name string) *Screen {
	t.Helper()
	r := newRig(t, map[string][]byte{name + ".COM": assemble(t, name)})
	code := r.mustRun(name + ".COM")
	if code != 0 {
		t.Fatalf("%s: exit %d (its own check failed)", name, code)
	}
	return r.m.Screen()
}

func cell(s *Screen, row, col int) (byte, byte) {
	i := (row*s.Cols + col) * 2
	return s.Cells[i], s.Cells[i+1]
}

func TestVideoText(t *testing.T) {
	s := runVideo(t, "text")
	if !s.Text || s.Cols != 80 || s.Rows != 25 || s.Mode != 3 {
		t.Fatalf("mode %02X %dx%d text=%v", s.Mode, s.Cols, s.Rows, s.Text)
	}
	check := func(row, col int, ch, attr byte) {
		t.Helper()
		if c, a := cell(s, row, col); c != ch || a != attr {
			t.Errorf("cell %d,%d = %q %02X, want %q %02X", row, col, c, a, ch, attr)
		}
	}
	for col := 5; col < 8; col++ {
		check(2, col, 'H', 0x1E) // AH=09h: character and attribute, CX times
	}
	check(2, 8, ' ', 0x07)
	check(4, 0, 'A', 0x07) // teletype keeps the cell's attribute
	check(4, 1, 'B', 0x07)
	check(5, 0, 'C', 0x07) // CR LF
	// "Direct" was written at row 11 straight into B800h; the scroll
	// moved it up to row 10 and blanked row 11 with attribute 17h.
	for i, c := range []byte("Direct") {
		check(10, i, c, 0x4F)
	}
	check(11, 0, ' ', 0x17)
	check(11, 79, ' ', 0x17)
	check(12, 0, ' ', 0x07)
	if s.Cursor.Row != 20 || s.Cursor.Col != 40 || !s.Cursor.Visible || s.Cursor.Start != 0 || s.Cursor.End != 15 {
		t.Errorf("cursor %+v", s.Cursor)
	}
	// The text palette: colour 1 is blue, 14 yellow (VGA defaults).
	if s.Palette[1] != [3]uint8{0, 0, 0xAA} || s.Palette[14] != [3]uint8{0xFF, 0xFF, 0x55} {
		t.Errorf("palette %v %v", s.Palette[1], s.Palette[14])
	}
}

func TestVideoMode13(t *testing.T) {
	s := runVideo(t, "mode13")
	if s.Text || s.Width != 320 || s.Height != 200 || s.Mode != 0x13 {
		t.Fatalf("mode %02X %dx%d", s.Mode, s.Width, s.Height)
	}
	// The expected frame, pixel for pixel.
	want := make([]byte, 320*200)
	for x := 0; x < 320; x++ {
		want[100*320+x] = 1
	}
	for y := 50; y < 60; y++ {
		for x := 50; x < 60; x++ {
			want[y*320+x] = 2
		}
	}
	want[199*320+300] = 0x2A
	a := font8(font.Glyph('A'))
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			if a[y]&(0x80>>x) != 0 {
				want[y*320+x] = 15
			}
		}
	}
	bad := 0
	for i := range want {
		if s.Pixels[i] != want[i] {
			if bad < 10 {
				t.Errorf("pixel (%d,%d) = %d, want %d", i%320, i/320, s.Pixels[i], want[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d pixels differ", bad)
	}
	// DAC 1 = (63,0,0) and 2 = (0,40,0) in 6 bits; 8 bits as a VGA's DAC
	// shows them. 15 is the default white; 0x2A a default wheel colour.
	if s.Palette[1] != [3]uint8{255, 0, 0} || s.Palette[2] != [3]uint8{0, 40<<2 | 40>>4, 0} || s.Palette[15] != [3]uint8{255, 255, 255} {
		t.Errorf("palette 1 %v, 2 %v, 15 %v", s.Palette[1], s.Palette[2], s.Palette[15])
	}
}

func TestVideoCGA(t *testing.T) {
	s := runVideo(t, "cga")
	if s.Text || s.Width != 320 || s.Height != 200 || s.Mode != 4 {
		t.Fatalf("mode %02X %dx%d", s.Mode, s.Width, s.Height)
	}
	px := func(x, y int) byte { return s.Pixels[y*320+x] }
	for _, p := range []struct {
		x, y int
		c    byte
	}{
		{0, 0, 1}, {1, 0, 2}, {2, 0, 0}, {3, 0, 0}, // (2,0) XORed back to 0
		{0, 1, 3}, {1, 1, 2}, {2, 1, 1}, {3, 1, 0}, // E4h in the odd bank
		{0, 2, 0},
	} {
		if got := px(p.x, p.y); got != p.c {
			t.Errorf("pixel (%d,%d) = %d, want %d", p.x, p.y, got, p.c)
		}
	}
	// Palette 1 with a blue background: blue, cyan, magenta, light grey.
	want := [4][3]uint8{{0, 0, 0xAA}, {0, 0xAA, 0xAA}, {0xAA, 0, 0xAA}, {0xAA, 0xAA, 0xAA}}
	for i, c := range want {
		if s.Palette[i] != c {
			t.Errorf("palette %d = %v, want %v", i, s.Palette[i], c)
		}
	}
}

func TestVideoEGA(t *testing.T) {
	r := newRig(t, map[string][]byte{"EGA.COM": assemble(t, "ega")})
	if code := r.mustRun("EGA.COM"); code != 0 {
		t.Fatalf("exit %d: the program's own checks (latches, colour compare, INT 10h read back) failed", code)
	}
	s := r.m.Screen()
	if s.Text || s.Width != 640 || s.Height != 480 || s.Mode != 0x12 {
		t.Fatalf("mode %02X %dx%d", s.Mode, s.Width, s.Height)
	}
	want := make([]byte, 640*480)
	set := func(x, y int, c byte) { want[y*640+x] = c }
	for x := 0; x < 4; x++ {
		set(x, 0, 9)
		set(x+4, 0, 12)
		set(x+8, 1, 9)
		set(x+12, 1, 12)
	}
	for x := 0; x < 8; x++ {
		set(x, 1, 5)
	}
	set(100, 100, 14)
	g := font.Glyph('A')
	for y := 0; y < 16; y++ {
		for x := 0; x < 8; x++ {
			if g[y]&(0x80>>x) != 0 {
				set(16+x, y, 15)
			}
		}
	}
	bad := 0
	for i := range want {
		if s.Pixels[i] != want[i] {
			if bad < 8 {
				t.Errorf("pixel (%d,%d) = %d, want %d", i%640, i/640, s.Pixels[i], want[i])
			}
			bad++
		}
	}
	if s.Palette[9] != [3]uint8{0x55, 0x55, 0xFF} || s.Palette[12] != [3]uint8{0xFF, 0x55, 0x55} {
		t.Errorf("palette 9 %v, 12 %v", s.Palette[9], s.Palette[12])
	}
}

func TestVideoModeX(t *testing.T) {
	r := newRig(t, map[string][]byte{"X.COM": assemble(t, "ega", "MODEX")})
	if code := r.mustRun("X.COM"); code != 0 {
		t.Fatalf("exit %d", code)
	}
	s := r.m.Screen()
	if s.Mode != 0x13 || s.Width != 320 {
		t.Fatalf("mode %02X", s.Mode)
	}
	px := func(x, y int) byte { return s.Pixels[y*320+x] }
	if px(1, 0) != 33 || px(0, 0) != 0 || px(2, 0) != 0 || px(1, 1) != 44 {
		t.Errorf("mode X pixels: (1,0)=%d (0,0)=%d (2,0)=%d (1,1)=%d", px(1, 0), px(0, 0), px(2, 0), px(1, 1))
	}
}
