package gpu

import (
	_ "embed"

	"github.com/nachoos/nacho/gpu/surface"
)

// The WGSL sources: common.wgsl (vertex stage, parameters, placement) is
// prepended to each surface kind's fragment stage.
var (
	//go:embed shaders/common.wgsl
	commonWGSL string
	//go:embed shaders/text.wgsl
	textWGSL string
	//go:embed shaders/indexed.wgsl
	indexedWGSL string
	//go:embed shaders/rgba.wgsl
	rgbaWGSL string
)

// Shader kinds, indexing shaderSources.
const (
	kindText = iota
	kindIndexed
	kindRGBA
	numKinds
)

// shaderSources returns each kind's complete WGSL module. It is a variable
// so that tests can substitute a broken shader and see the pixel
// comparison fail.
var shaderSources = func() [numKinds]string {
	return [numKinds]string{
		kindText:    commonWGSL + textWGSL,
		kindIndexed: commonWGSL + indexedWGSL,
		kindRGBA:    commonWGSL + rgbaWGSL,
	}
}

// params is the uniform block the shaders read (Params in common.wgsl).
type params struct {
	w, h, originX, originY           uint32
	scale, cellW, flags, _           uint32
	curCol, curRow, curStart, curEnd uint32
}

const paramsSize = 48

const (
	flagCursor    = 1 // draw the cursor now
	flagBlinkOn   = 2 // blinking characters are shown now
	flagBlinkMode = 4 // attribute bit 7 blinks
)

func (p *params) bytes(b *[paramsSize]byte) {
	v := [12]uint32{p.w, p.h, p.originX, p.originY, p.scale, p.cellW, p.flags, 0, p.curCol, p.curRow, p.curStart, p.curEnd}
	for i, x := range v {
		b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = byte(x), byte(x>>8), byte(x>>16), byte(x>>24)
	}
}

// shaderParams fills the uniform block for drawing s at pl in phase ph.
func shaderParams(s surface.Surface, pl Placement, ph surface.Phase) params {
	w, h := s.Size()
	p := params{w: uint32(w), h: uint32(h), originX: uint32(pl.X), originY: uint32(pl.Y), scale: uint32(pl.Scale), cellW: 8}
	if g, ok := s.(*surface.TextGrid); ok {
		p.cellW = uint32(g.CellWidth())
		if g.Blink() {
			p.flags |= flagBlinkMode
		}
		if ph.BlinkOn {
			p.flags |= flagBlinkOn
		}
		c := g.Cursor()
		if ph.CursorOn && c.Shown(g.Cols(), g.Rows()) {
			p.flags |= flagCursor
			p.curCol, p.curRow, p.curStart, p.curEnd = uint32(c.Col), uint32(c.Row), uint32(c.Start), uint32(c.End)
		}
	}
	return p
}
