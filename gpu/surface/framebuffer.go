package surface

import (
	"bytes"
	"image"
	"image/color"
)

// Indexed is a framebuffer of palette indices, one byte per pixel, with a
// 256-entry palette: VGA mode 13h (320x200), and the 16-colour modes once
// converted from planes to one index per pixel. The zero value is not
// usable; call NewIndexed.
type Indexed struct {
	w, h   int
	pix    []byte
	pal    [256 * 4]byte
	damage Damage
}

// NewIndexed returns a w x h framebuffer of index 0, with palette entries
// 0–15 set to the 16 text-mode colours and the rest black. It panics if a
// side is < 1 or > MaxDim.
func NewIndexed(w, h int) *Indexed {
	f := &Indexed{}
	for i, c := range DefaultTextPalette {
		putColor(f.pal[i*4:], c)
	}
	for i := 16; i < 256; i++ {
		putColor(f.pal[i*4:], color.RGBA{})
	}
	f.Resize(w, h)
	return f
}

// Resize changes the size; every pixel becomes index 0.
func (f *Indexed) Resize(w, h int) {
	checkSize(w, h)
	f.w, f.h = w, h
	f.pix = make([]byte, w*h)
	f.damage.reset(h)
	f.damage.Full = true
}

// Size implements Surface.
func (f *Indexed) Size() (int, int) { return f.w, f.h }

// TakeDamage implements Surface; its rows are pixel rows.
func (f *Indexed) TakeDamage(d *Damage) { f.damage.take(d) }

func (f *Indexed) isSurface() {}

// Set stores one pixel's index; pixels outside are ignored.
func (f *Indexed) Set(x, y int, index byte) {
	if x < 0 || y < 0 || x >= f.w || y >= f.h {
		return
	}
	if i := y*f.w + x; f.pix[i] != index {
		f.pix[i] = index
		f.damage.markRows(y, y+1)
	}
}

// At returns one pixel's index (0 outside).
func (f *Indexed) At(x, y int) byte {
	if x < 0 || y < 0 || x >= f.w || y >= f.h {
		return 0
	}
	return f.pix[y*f.w+x]
}

// Update copies a frame (row after row, w bytes a row, as at A000h in mode
// 13h) in, marking only the rows that differ. A shorter src updates the
// rows it covers; extra bytes are ignored.
func (f *Indexed) Update(src []byte) { updateRows(f.pix, src, f.w, &f.damage) }

// Pix returns the indices, row after row. Callers must not modify it; it
// is valid until the next Resize.
func (f *Indexed) Pix() []byte { return f.pix }

// SetColor sets palette entry i (alpha is ignored).
func (f *Indexed) SetColor(i byte, c color.RGBA) {
	if getColor(f.pal[int(i)*4:]) != (color.RGBA{c.R, c.G, c.B, 255}) {
		putColor(f.pal[int(i)*4:], c)
		f.damage.Palette = true
	}
}

// SetDAC sets palette entry i from 6-bit VGA DAC components (0–63), as a
// program writes them to ports 3C8h/3C9h.
func (f *Indexed) SetDAC(i byte, r, g, b uint8) {
	f.SetColor(i, color.RGBA{DAC6(r), DAC6(g), DAC6(b), 255})
}

// Color returns palette entry i.
func (f *Indexed) Color(i byte) color.RGBA { return getColor(f.pal[int(i)*4:]) }

// PaletteBytes returns the 256 colours as RGBA bytes (alpha 255). Callers
// must not modify it.
func (f *Indexed) PaletteBytes() []byte { return f.pal[:] }

// RGBA is a true-colour framebuffer, 4 bytes a pixel (red, green, blue,
// alpha) row after row. Alpha is ignored when presenting: windows are
// opaque. The zero value is not usable; call NewRGBA.
type RGBA struct {
	w, h   int
	pix    []byte
	damage Damage
}

// NewRGBA returns a w x h black framebuffer. It panics if a side is < 1 or
// > MaxDim.
func NewRGBA(w, h int) *RGBA {
	f := &RGBA{}
	f.Resize(w, h)
	return f
}

// Resize changes the size; every pixel becomes black.
func (f *RGBA) Resize(w, h int) {
	checkSize(w, h)
	f.w, f.h = w, h
	f.pix = make([]byte, 4*w*h)
	for i := 3; i < len(f.pix); i += 4 {
		f.pix[i] = 255
	}
	f.damage.reset(h)
	f.damage.Full = true
}

// Size implements Surface.
func (f *RGBA) Size() (int, int) { return f.w, f.h }

// TakeDamage implements Surface; its rows are pixel rows.
func (f *RGBA) TakeDamage(d *Damage) { f.damage.take(d) }

func (f *RGBA) isSurface() {}

// Set stores one pixel; pixels outside are ignored.
func (f *RGBA) Set(x, y int, c color.RGBA) {
	if x < 0 || y < 0 || x >= f.w || y >= f.h {
		return
	}
	i := 4 * (y*f.w + x)
	if getColor(f.pix[i:]) != (color.RGBA{c.R, c.G, c.B, 255}) || f.pix[i+3] != 255 {
		putColor(f.pix[i:], c)
		f.damage.markRows(y, y+1)
	}
}

// Update copies a frame (4*w bytes a row) in, marking only the rows that
// differ. A shorter src updates the rows it covers.
func (f *RGBA) Update(src []byte) { updateRows(f.pix, src, 4*f.w, &f.damage) }

// Image returns the pixels as an image sharing the framebuffer's memory.
// Whoever draws into it must call MarkRows for what they changed.
func (f *RGBA) Image() *image.RGBA {
	return &image.RGBA{Pix: f.pix, Stride: 4 * f.w, Rect: image.Rect(0, 0, f.w, f.h)}
}

// MarkRows records that rows [y0, y1) changed through Image.
func (f *RGBA) MarkRows(y0, y1 int) { f.damage.markRows(y0, y1) }

// Pix returns the pixels. Callers must not modify it (use Image and
// MarkRows to draw); it is valid until the next Resize.
func (f *RGBA) Pix() []byte { return f.pix }

func updateRows(dst, src []byte, stride int, d *Damage) {
	for y := 0; len(src) > 0 && y*stride < len(dst); y++ {
		row := dst[y*stride : (y+1)*stride]
		n := min(len(src), stride)
		if !bytes.Equal(row[:n], src[:n]) {
			copy(row, src[:n])
			d.markRows(y, y+1)
		}
		src = src[n:]
	}
}

// UpdatePlanar copies a 16-colour planar frame in (EGA/VGA modes 0Dh–12h:
// four bit planes, bytesPerLine bytes a line in each, the leftmost pixel
// in bit 7 of a byte), turning each pixel's four bits (plane 0 the lowest)
// into one index 0–15, and marks the rows that changed. Planes shorter than
// the frame leave the rows they do not cover as they were. The attribute
// controller's mapping of those indices to DAC colours is the caller's
// to apply, through SetColor for entries 0–15.
func (f *Indexed) UpdatePlanar(planes *[4][]byte, bytesPerLine int) {
	if bytesPerLine <= 0 {
		return
	}
	row := make([]byte, f.w)
	n := min(len(planes[0]), len(planes[1]), len(planes[2]), len(planes[3]))
	for y := 0; y < f.h && (y+1)*bytesPerLine <= n; y++ {
		base := y * bytesPerLine
		for x := 0; x < f.w && x/8 < bytesPerLine; x++ {
			i, bit := base+x/8, 7-uint(x%8)
			row[x] = planes[0][i]>>bit&1 | (planes[1][i]>>bit&1)<<1 | (planes[2][i]>>bit&1)<<2 | (planes[3][i]>>bit&1)<<3
		}
		dst := f.pix[y*f.w : (y+1)*f.w]
		if !bytes.Equal(dst, row) {
			copy(dst, row)
			f.damage.markRows(y, y+1)
		}
	}
}
