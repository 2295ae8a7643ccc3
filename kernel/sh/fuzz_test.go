package sh

import (
	"strings"
	"testing"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

// FuzzParse feeds arbitrary command lines to the parser: it must return a
// list or a syntax error, never panic or loop.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"echo hi", "a=1 b=$(echo $((1+2))) c", "if true; then echo x; elif false; then :; else y; fi",
		"for i in a b; do echo $i; done | sort > f 2>&1 &", "while :; do break; done",
		"echo \"$(echo 'a)' \")\"\"", "$((", "$(", "{ echo; }", "x=${HOME}s ~/y *.go",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, _ = parse(src)
	})
}

// FuzzArith checks $((...)) on arbitrary expressions: no panics (shifts,
// overflow, division), and a parenthesised expression means the same.
func FuzzArith(f *testing.F) {
	k := kernel.New(kernel.Config{FS: vfs.New(memfs.New(memfs.Options{}))})
	ready := make(chan *kernel.Process)
	done := make(chan struct{})
	if _, err := k.Spawn(kernel.SpawnOptions{
		Args: []string{"fuzz"},
		Main: func(p *kernel.Process) int { ready <- p; <-done; return 0 },
	}); err != nil {
		f.Fatal(err)
	}
	p := <-ready
	defer close(done)
	s := &Shell{p: p, k: k, vars: map[string]string{"n": "7", "word": "x"}, params: []string{"sh", "3"}}
	for _, e := range []string{
		"1 + 2 * 3", "(1 + 2) * -3", "n << 70", "1 << -1", "-9223372036854775808 / -1",
		"7 % 0", "0x1f & ~3", "!n || $1 && word", "((((1))))", "1 >= 2 != 3 <= 4", "$?", "$#",
	} {
		f.Add(e)
	}
	f.Fuzz(func(t *testing.T, src string) {
		v, err := s.arith(src)
		if err != nil && v != 0 {
			t.Fatalf("%q: error %v with value %d", src, err, v)
		}
		if strings.ContainsAny(src, "()") {
			return // wrapping could re-pair the parentheses
		}
		pv, perr := s.arith("(" + src + ")")
		if (err == nil) != (perr == nil) || v != pv {
			t.Fatalf("%q = %d, %v but (%q) = %d, %v", src, v, err, src, pv, perr)
		}
	})
}
