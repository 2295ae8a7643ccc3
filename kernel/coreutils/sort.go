package coreutils

import (
	"bufio"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/nachoos/nacho/kernel"
)

func init() {
	prog("sort", "sort lines (-r reverse, -n numeric, -u unique, -f fold case)", sortCmd)
	prog("uniq", "drop repeated adjacent lines (-c count, -d only repeated)", uniq)
}

func readLines(p *kernel.Process, args []string) ([]string, int) {
	var lines []string
	st := openInputs(p, args, func(name string, r io.Reader) error {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		return sc.Err()
	})
	return lines, st
}

func sortCmd(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "rnuf", "")
	if !ok {
		return 2
	}
	lines, st := readLines(p, f.args)
	key := func(s string) string {
		if f.set['f'] {
			return strings.ToLower(s)
		}
		return s
	}
	num := func(s string) float64 {
		fields := strings.Fields(s)
		if len(fields) == 0 {
			return 0
		}
		v, _ := strconv.ParseFloat(fields[0], 64)
		return v
	}
	less := func(a, b string) bool {
		if f.set['n'] {
			if x, y := num(a), num(b); x != y {
				return x < y
			}
		}
		return key(a) < key(b)
	}
	sort.SliceStable(lines, func(i, j int) bool {
		if f.set['r'] {
			return less(lines[j], lines[i])
		}
		return less(lines[i], lines[j])
	})
	w := bufio.NewWriter(p.Stdout())
	for i, l := range lines {
		if f.set['u'] && i > 0 && key(l) == key(lines[i-1]) {
			continue
		}
		w.WriteString(l)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return 1
	}
	return st
}

func uniq(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "cd", "")
	if !ok {
		return 2
	}
	lines, st := readLines(p, f.args)
	w := bufio.NewWriter(p.Stdout())
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && lines[j] == lines[i] {
			j++
		}
		if !f.set['d'] || j-i > 1 {
			if f.set['c'] {
				w.WriteString(strconv.Itoa(j-i) + " ")
			}
			w.WriteString(lines[i])
			w.WriteByte('\n')
		}
		i = j
	}
	if err := w.Flush(); err != nil {
		return 1
	}
	return st
}
