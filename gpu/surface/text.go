package surface

import (
	"bytes"
	"image/color"

	"github.com/nachoos/nacho/gpu/font"
)

// CellHeight is the height of a text cell in pixels (the 8x16 font).
const CellHeight = font.Height

// Cursor is the text-mode hardware cursor: the cell it sits on and the
// scanlines it covers, as the CRTC's cursor start and end registers give
// them (0 is the cell's top scanline, 15 its bottom). BIOS's default
// underline cursor in an 8x16 font is Start 14, End 15 (INT 10h AH=01h
// with CX=0E0Fh). Like a VGA, no cursor shows when Start > End, when it is
// hidden, or when it sits outside the grid. It blinks (see Phase) and takes
// the foreground colour of the cell under it.
type Cursor struct {
	Col, Row   int
	Start, End int
	Visible    bool
}

// DefaultCursor is BIOS's underline cursor at the top-left cell.
var DefaultCursor = Cursor{Start: 14, End: 15, Visible: true}

// TextGrid is a text-mode screen: cols x rows cells, each a code page 437
// character and an attribute byte (low nibble foreground colour, high
// nibble background; with blinking on, bit 7 blinks the character and
// the background has 8 colours), drawn with the 8x16 font through a
// 16-colour palette. The zero value is not usable; call NewTextGrid.
type TextGrid struct {
	cols, rows int
	cells      []byte // char, attr pairs row by row, as in VGA memory at B800h
	pal        [16 * 4]byte
	cursor     Cursor
	blink      bool
	nineDot    bool
	damage     Damage
}

// DefaultTextPalette is the 16 colours of CGA/EGA/VGA text mode.
var DefaultTextPalette = [16]color.RGBA{
	{0x00, 0x00, 0x00, 255}, {0x00, 0x00, 0xAA, 255}, {0x00, 0xAA, 0x00, 255}, {0x00, 0xAA, 0xAA, 255},
	{0xAA, 0x00, 0x00, 255}, {0xAA, 0x00, 0xAA, 255}, {0xAA, 0x55, 0x00, 255}, {0xAA, 0xAA, 0xAA, 255},
	{0x55, 0x55, 0x55, 255}, {0x55, 0x55, 0xFF, 255}, {0x55, 0xFF, 0x55, 255}, {0x55, 0xFF, 0xFF, 255},
	{0xFF, 0x55, 0x55, 255}, {0xFF, 0x55, 0xFF, 255}, {0xFF, 0xFF, 0x55, 255}, {0xFF, 0xFF, 0xFF, 255},
}

// NewTextGrid returns a cols x rows grid of blanks in light grey on black
// (attribute 07h), with the default palette, blinking on, 8-pixel cells
// and the underline cursor at the top left. 80x25 is the PC's usual text
// mode; 40x25, 80x43 and 80x50 are others. It panics if a side is < 1 or
// > MaxDim cells, or the drawn size exceeds MaxDim pixels.
func NewTextGrid(cols, rows int) *TextGrid {
	g := &TextGrid{blink: true, cursor: DefaultCursor}
	for i, c := range DefaultTextPalette {
		putColor(g.pal[i*4:], c)
	}
	g.Resize(cols, rows)
	return g
}

// Resize changes the grid's size; every cell becomes a blank with
// attribute 07h (what setting a video mode does) and the cursor keeps its
// position if still inside.
func (g *TextGrid) Resize(cols, rows int) {
	checkSize(cols, rows)
	checkSize(cols*9, rows*CellHeight)
	g.cols, g.rows = cols, rows
	g.cells = make([]byte, 2*cols*rows)
	for i := 0; i < len(g.cells); i += 2 {
		g.cells[i], g.cells[i+1] = ' ', 0x07
	}
	g.damage.reset(rows)
	g.damage.Full = true
}

// Cols and Rows are the grid's size in cells.
func (g *TextGrid) Cols() int { return g.cols }
func (g *TextGrid) Rows() int { return g.rows }

// CellWidth is 8, or 9 with SetNineDot.
func (g *TextGrid) CellWidth() int {
	if g.nineDot {
		return 9
	}
	return 8
}

// Size implements Surface.
func (g *TextGrid) Size() (int, int) { return g.cols * g.CellWidth(), g.rows * CellHeight }

// TakeDamage implements Surface; its rows are cell rows.
func (g *TextGrid) TakeDamage(d *Damage) { g.damage.take(d) }

func (g *TextGrid) isSurface() {}

func (g *TextGrid) inside(col, row int) bool {
	return col >= 0 && row >= 0 && col < g.cols && row < g.rows
}

// Set stores a character and attribute; cells outside the grid are ignored.
func (g *TextGrid) Set(col, row int, ch, attr byte) {
	if !g.inside(col, row) {
		return
	}
	i := 2 * (row*g.cols + col)
	if g.cells[i] != ch || g.cells[i+1] != attr {
		g.cells[i], g.cells[i+1] = ch, attr
		g.damage.markRows(row, row+1)
	}
}

// At returns a cell's character and attribute (0, 0 outside the grid).
func (g *TextGrid) At(col, row int) (ch, attr byte) {
	if !g.inside(col, row) {
		return 0, 0
	}
	i := 2 * (row*g.cols + col)
	return g.cells[i], g.cells[i+1]
}

// Print writes code page 437 text from (col, row) along the row in one
// attribute, stopping at the grid's right edge.
func (g *TextGrid) Print(col, row int, text []byte, attr byte) {
	for i, c := range text {
		g.Set(col+i, row, c, attr)
	}
}

// Fill sets every cell.
func (g *TextGrid) Fill(ch, attr byte) {
	for r := 0; r < g.rows; r++ {
		for c := 0; c < g.cols; c++ {
			g.Set(c, r, ch, attr)
		}
	}
}

// Update copies text memory in VGA layout (character, attribute, character,
// ... row after row, as at B800h) into the grid, marking only the rows
// that differ. A shorter src updates the cells it covers; bytes beyond the
// grid are ignored. It is how an emulator hands over a frame.
func (g *TextGrid) Update(vram []byte) {
	rowBytes := 2 * g.cols
	for r := 0; r < g.rows && len(vram) > 0; r++ {
		dst := g.cells[r*rowBytes : (r+1)*rowBytes]
		n := min(len(vram), rowBytes)
		if !bytes.Equal(dst[:n], vram[:n]) {
			copy(dst, vram[:n])
			g.damage.markRows(r, r+1)
		}
		vram = vram[n:]
	}
}

// Bytes returns the cells in VGA layout (see Update). Callers must not
// modify it; it is valid until the next Resize.
func (g *TextGrid) Bytes() []byte { return g.cells }

// SetCursor moves or reshapes the cursor, damaging the rows it leaves and
// enters.
func (g *TextGrid) SetCursor(c Cursor) {
	if c == g.cursor {
		return
	}
	g.damage.markRows(g.cursor.Row, g.cursor.Row+1)
	g.cursor = c
	g.damage.markRows(c.Row, c.Row+1)
}

// Cursor returns the cursor.
func (g *TextGrid) Cursor() Cursor { return g.cursor }

// Shown reports whether the cursor draws at all on a cols x rows grid,
// blinking aside.
func (c Cursor) Shown(cols, rows int) bool {
	return c.Visible && c.Start <= c.End && c.Start < CellHeight && c.End >= 0 &&
		c.Col >= 0 && c.Row >= 0 && c.Col < cols && c.Row < rows
}

// SetPalette sets one of the 16 colours (alpha is ignored).
func (g *TextGrid) SetPalette(i int, c color.RGBA) {
	if i < 0 || i >= 16 || getColor(g.pal[i*4:]) == (color.RGBA{c.R, c.G, c.B, 255}) {
		return
	}
	putColor(g.pal[i*4:], c)
	g.damage.Palette = true
}

// Palette returns one of the 16 colours.
func (g *TextGrid) Palette(i int) color.RGBA { return getColor(g.pal[(i&15)*4:]) }

// PaletteBytes returns the 16 colours as RGBA bytes (alpha 255). Callers
// must not modify it.
func (g *TextGrid) PaletteBytes() []byte { return g.pal[:] }

// SetBlink chooses what attribute bit 7 means: true (the PC's default)
// blinks the character and limits backgrounds to colours 0–7; false gives
// 16 background colours (INT 10h AX=1003h).
func (g *TextGrid) SetBlink(on bool) {
	if on != g.blink {
		g.blink = on
		g.damage.Full = true
	}
}

// Blink reports the blink mode (see SetBlink).
func (g *TextGrid) Blink() bool { return g.blink }

// SetNineDot switches between 8- and 9-pixel-wide cells. A VGA shows
// 80x25 text 720 pixels wide: the ninth column is the background, except
// for the line-drawing characters C0h–DFh, which repeat their eighth
// column so lines join.
func (g *TextGrid) SetNineDot(on bool) {
	if on != g.nineDot {
		if on {
			checkSize(g.cols*9, g.rows*CellHeight)
		}
		g.nineDot = on
		g.damage.Full = true
	}
}

// NineDot reports whether cells are 9 pixels wide.
func (g *TextGrid) NineDot() bool { return g.nineDot }
