// Package surface holds what a window shows, in the form guests produce
// it: a text grid (code page 437 characters and attribute bytes, as in VGA
// text memory), an indexed framebuffer with a 256-colour palette (VGA mode
// 13h and the 16-colour modes), and an RGBA framebuffer. Each surface
// records what changed since it was last presented (Damage), so a
// presenter uploads and redraws only that. Render is the CPU reference
// renderer: it turns any surface into RGBA pixels exactly as the GPU
// presenter's shaders do, and is what the Canvas2D presenter draws and
// what tests compare the GPU against.
//
// Surfaces are plain memory: not safe for concurrent use (the display
// server owns them and serialises access). The package is pure Go and must
// not import syscall/js or anything that does; the kernel imports it.
package surface

import "image/color"

// Surface is one of *TextGrid, *Indexed or *RGBA.
type Surface interface {
	// Size is the surface's size in pixels when drawn at scale 1.
	Size() (width, height int)
	// TakeDamage moves what changed since the last call into d and
	// clears the surface's own record. One presenter consumes a
	// surface's damage; anything else that draws it draws it whole.
	TakeDamage(d *Damage)
	isSurface()
}

var (
	_ Surface = (*TextGrid)(nil)
	_ Surface = (*Indexed)(nil)
	_ Surface = (*RGBA)(nil)
)

// MaxDim bounds each side of a surface in pixels (and each side of a text
// grid in cells), far above any guest video mode and within what a GPU
// texture may hold everywhere.
const MaxDim = 4096

func checkSize(w, h int) {
	if w < 1 || h < 1 || w > MaxDim || h > MaxDim {
		panic("surface: size out of range")
	}
}

func putColor(dst []byte, c color.RGBA) {
	dst[0], dst[1], dst[2], dst[3] = c.R, c.G, c.B, 255
}

func getColor(src []byte) color.RGBA {
	return color.RGBA{src[0], src[1], src[2], 255}
}

// DAC6 expands a 6-bit VGA DAC component (0–63) to 8 bits the way VGA
// boards' DACs do: 0 stays 0, 63 becomes 255, and the steps in between are
// evenly spread ((v << 2) | (v >> 4)).
func DAC6(v uint8) uint8 {
	v &= 63
	return v<<2 | v>>4
}
