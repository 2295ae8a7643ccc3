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

func runBench(args []string) int {
	fs := flag.NewFlagSet("nacho bench", flag.ContinueOnError)
	list := fs.Bool("list", false, "list the benchmarks")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: nacho bench [-list] [NAME...]   (all benchmarks when no name is given)")
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
			fmt.Printf("%-16s %s\n", n, benchmarks[n].summary)
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
		fmt.Printf("== %s: %s\n", b.name, b.summary)
		if err := b.run(os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "nacho bench: %s: %v\n", n, err)
			status = 1
		}
	}
	return status
}

// benchX86Loop runs the interpreter on emu/x86/testdata/loop.asm and, in the
// same run, the references: the loop's algorithm compiled by Go, the same
// instructions run natively, and under qemu-i386 where installed.
func benchX86Loop(w io.Writer) error {
	dir, err := os.MkdirTemp("", "nacho-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	row := func(name string, r x86bench.Result, ref float64) {
		fmt.Fprintf(w, "  %-34s %9.1f M instructions/s", name, r.IPS()/1e6)
		if ref > 0 {
			fmt.Fprintf(w, "   %.3gx of the interpreter", r.IPS()/ref)
		}
		fmt.Fprintln(w)
	}
	interp, err := x86bench.Run(x86.I80386, false)
	if err != nil {
		return err
	}
	row("interpreter (386, data own page)", interp, 0)
	beside, err := x86bench.Run(x86.I80386, true)
	if err != nil {
		return err
	}
	row("interpreter (data beside code)", beside, interp.IPS())
	row("same algorithm compiled by Go", x86bench.RunModel(), interp.IPS())
	if r, err := x86bench.RunNative(dir); err != nil {
		fmt.Fprintf(w, "  %-34s skipped: %v\n", "native x86-64", err)
	} else {
		row("native x86-64 (same instructions)", r, interp.IPS())
	}
	if r, err := x86bench.RunQEMU(dir); err != nil {
		fmt.Fprintf(w, "  %-34s skipped: %v\n", "qemu-i386", err)
	} else {
		row("qemu-i386 (same instructions)", r, interp.IPS())
	}
	return nil
}
