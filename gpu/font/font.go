// Package font holds the VGA-style 8x16 bitmap font for the 256 characters
// of code page 437, and the mapping between code page 437 and Unicode.
//
// Text grids (gpu/surface) draw with it: the CPU reference renderer reads
// the glyphs directly and the WebGPU presenter uploads them as a glyph
// atlas texture. The glyphs come from Dmitry Bolkhovityanov's UNI-VGA font
// as Debian's console-setup ships it; README.md says how they were
// extracted and LICENSE carries the font's licence.
//
// It is pure data and must not import anything beyond the standard
// library (and never syscall/js).
package font

// Width and Height are the size of one glyph in pixels.
const (
	Width  = 8
	Height = 16
)

// Glyph returns the bitmap of code page 437 character c: Height rows, top
// row first, the leftmost pixel in each row's most significant bit.
func Glyph(c byte) *[Height]byte { return &vga8x16[c] }

// Pixel reports whether pixel (x, y) of character c is set (foreground).
// x must be in [0, Width) and y in [0, Height).
func Pixel(c byte, x, y int) bool { return vga8x16[c][y]&(0x80>>uint(x)) != 0 }

// Atlas returns the font as a glyph atlas: a 128x256 image, one byte per
// pixel (255 where the glyph is set, 0 elsewhere), with character c at
// column c%16 and row c/16 of a 16x16 grid of 8x16 cells. It is the layout
// the WebGPU presenter uploads; the returned slice is a fresh copy.
func Atlas() (pix []byte, width, height int) {
	width, height = 16*Width, 16*Height
	pix = make([]byte, width*height)
	for c := 0; c < 256; c++ {
		ox, oy := (c%16)*Width, (c/16)*Height
		for y := 0; y < Height; y++ {
			row := vga8x16[c][y]
			for x := 0; x < Width; x++ {
				if row&(0x80>>uint(x)) != 0 {
					pix[(oy+y)*width+ox+x] = 255
				}
			}
		}
	}
	return pix, width, height
}
