// Package columns lays words out in columns across a terminal, down then
// across, as ls does: used by ls and by the shell's completion list.
//
// It must not import syscall/js.
package columns

import "strings"

// Format lays out n items: show(i) is what is printed for item i (which
// may hold colour escapes), width(i) how many cells it takes. Each column
// is as wide as its widest item plus two spaces; termWidth <= 0 means 80.
// Every row ends with a newline.
func Format(n int, show func(i int) string, width func(i int) int, termWidth int) string {
	if n == 0 {
		return ""
	}
	if termWidth <= 0 {
		termWidth = 80
	}
	maxw := 0
	for i := 0; i < n; i++ {
		maxw = max(maxw, width(i))
	}
	colw := maxw + 2
	ncols := max(1, termWidth/colw)
	nrows := (n + ncols - 1) / ncols
	var b strings.Builder
	for r := 0; r < nrows; r++ {
		for c := 0; c < ncols; c++ {
			i := c*nrows + r
			if i >= n {
				break
			}
			b.WriteString(show(i))
			if (c+1)*nrows+r < n {
				b.WriteString(strings.Repeat(" ", colw-width(i)))
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}
