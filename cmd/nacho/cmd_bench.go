//go:build !js

package main

// `nacho bench`: named benchmarks that report speeds as ratios against a
// reference measured in the same run. Areas add theirs with registerBench
// from their own files:
//
//	func init() { registerBench("vfs-write", "...", benchVFSWrite) }
//
//	nacho bench [-list] [NAME...]

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/nachoos/nacho/emu/x86"
	"github.com/nachoos/nacho/emu/x86/x86bench"
)

// benchmark is one named benchmark. run writes its report to w and
// returns an error if the measurement could not be made or was wrong.
type benchmark struct {
	name    string
	summary string
	run     func(w io.Writer) error
}

var benchmarks = map[string]*benchmark{}

// registerBench adds a benchmark; it is called from init functions.
func registerBench(name, summary string, run func(w io.Writer) error) {
	if _, dup := benchmarks[name]; dup {
		panic("nacho: duplicate benchmark " + name)
	}
	benchmarks[name] = &benchmark{name, summary, run}
}

func init() {
	register(&command{name: "bench", summary: "run named benchmarks (speeds as ratios to a reference)", run: runBench})
	registerBench("x86-loop", "x86 interpreter on a 200M-instruction loop of ALU, memory and branches", benchX86Loop)
}

func runBench(args []string) int { return runBenchTo(args, os.Stdout, os.Stderr) }

func runBenchTo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("nacho bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	list := fs.Bool("list", false, "list the benchmarks")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: nacho bench [-list] [NAME...]   (all benchmarks when no name is given)")
		fs.PrintDefaults()
	}
	names, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	all := make([]string, 0, len(benchmarks))
	for n := range benchmarks {
		all = append(all, n)
	}
	sort.Strings(all)
	if *list {
		for _, n := range all {
			fmt.Fprintf(stdout, "%-16s %s\n", n, benchmarks[n].summary)
		}
		return 0
	}
	if len(names) == 0 {
		names = all
	}
	status := 0
	for _, n := range names {
		b, ok := benchmarks[n]
		if !ok {
			return fatalf("bench", "no benchmark %q (have: %s)", n, strings.Join(all, ", "))
		}
		fmt.Fprintf(stdout, "== %s: %s\n", b.name, b.summary)
		if err := b.run(stdout); err != nil {
			fmt.Fprintf(stderr, "nacho bench: %s: %v\n", n, err)
			status = 1
		}
	}
	return status
}

// benchX86Loop runs the interpreter on emu/x86/testdata/loop.asm and, in the
// same run, the references: the loop's algorithm compiled by Go, the same
// instructions run natively, and under qemu-i386 where installed. Every
// measurement is taken in each of three interleaved rounds and the best
// kept, so a busy machine disturbs the ratios less.
func benchX86Loop(w io.Writer) error {
	dir, err := os.MkdirTemp("", "nacho-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	type meas struct {
		name string
		run  func() (x86bench.Result, error)
		best x86bench.Result
		err  error
	}
	ms := []*meas{
		{name: "interpreter (386, data own page)", run: func() (x86bench.Result, error) { return x86bench.Run(x86.I80386, false) }},
		{name: "interpreter (data beside code)", run: func() (x86bench.Result, error) { return x86bench.Run(x86.I80386, true) }},
		{name: "same algorithm compiled by Go", run: func() (x86bench.Result, error) { return x86bench.RunModel(), nil }},
		{name: "native x86-64 (same instructions)", run: func() (x86bench.Result, error) { return x86bench.RunNative(dir) }},
		{name: "qemu-i386 (same instructions)", run: func() (x86bench.Result, error) { return x86bench.RunQEMU(dir) }},
	}
	const rounds = 3
	for i := 0; i < rounds; i++ {
		for _, m := range ms {
			if m.err != nil {
				continue
			}
			r, err := m.run()
			if err != nil {
				m.err = err
				continue
			}
			if m.best.Insns == 0 || r.IPS() > m.best.IPS() {
				m.best = r
			}
		}
	}
	if ms[0].err != nil {
		return ms[0].err
	}
	ref := ms[0].best.IPS()
	fmt.Fprintf(w, "  best of %d rounds; ratios are to the interpreter's own-page figure\n", rounds)
	for i, m := range ms {
		if m.err != nil {
			if i < 2 {
				return m.err
			}
			fmt.Fprintf(w, "  %-34s skipped: %v\n", m.name, m.err)
			continue
		}
		fmt.Fprintf(w, "  %-34s %9.1f M instructions/s", m.name, m.best.IPS()/1e6)
		if i > 0 {
			fmt.Fprintf(w, "   %.3gx", m.best.IPS()/ref)
		}
		fmt.Fprintln(w)
	}
	return nil
}
