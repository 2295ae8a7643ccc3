package surface

import "math/bits"

// Damage records what changed on a surface: whole rows (pixel rows of a
// framebuffer, cell rows of a text grid), a changed palette, or
// everything. The zero value is empty.
type Damage struct {
	// Full means everything changed: a new or resized surface, a changed
	// cell width or blink mode. Rows then reports every row.
	Full bool
	// Palette means the palette changed, which changes every pixel's
	// colour without changing any index or cell.
	Palette bool

	n    int
	rows []uint64
}

func (d *Damage) reset(n int) {
	words := (n + 63) / 64
	if cap(d.rows) < words {
		d.rows = make([]uint64, words)
	} else {
		d.rows = d.rows[:words]
		clear(d.rows)
	}
	d.n = n
	d.Full, d.Palette = false, false
}

// markRows marks rows [y0, y1), clipped to the surface.
func (d *Damage) markRows(y0, y1 int) {
	y0, y1 = max(y0, 0), min(y1, d.n)
	for y := y0; y < y1; {
		w, b := y/64, uint(y%64)
		if b == 0 && y+64 <= y1 {
			d.rows[w] = ^uint64(0)
			y += 64
			continue
		}
		d.rows[w] |= 1 << b
		y++
	}
}

// take moves d into dst and leaves d empty with the same row count.
func (d *Damage) take(dst *Damage) {
	n := d.n
	*d, *dst = *dst, *d
	d.reset(n)
}

// Len is the number of rows the damage covers (changed or not).
func (d *Damage) Len() int { return d.n }

// Empty reports whether nothing changed.
func (d *Damage) Empty() bool {
	if d.Full || d.Palette {
		return false
	}
	for _, w := range d.rows {
		if w != 0 {
			return false
		}
	}
	return true
}

// Row reports whether row y changed (always true when Full).
func (d *Damage) Row(y int) bool {
	if y < 0 || y >= d.n {
		return false
	}
	return d.Full || d.rows[y/64]&(1<<uint(y%64)) != 0
}

// Spans calls fn for each run of consecutive changed rows [y0, y1), top to
// bottom; one run of every row when Full. A palette change alone changes
// no row: callers that draw colours treat Palette as everything.
func (d *Damage) Spans(fn func(y0, y1 int)) {
	if d.Full {
		if d.n > 0 {
			fn(0, d.n)
		}
		return
	}
	for y := 0; y < d.n; {
		w := d.rows[y/64] >> uint(y%64)
		if w == 0 {
			y = (y/64 + 1) * 64
			continue
		}
		y += bits.TrailingZeros64(w)
		start := y
		for y < d.n && d.rows[y/64]&(1<<uint(y%64)) != 0 {
			if y%64 == 0 && d.rows[y/64] == ^uint64(0) {
				y += 64
				continue
			}
			y++
		}
		fn(start, min(y, d.n))
	}
}
