//go:build !js

package main

// `nacho conform`: run SingleStepTests CPU test files on the x86 core.
//
//	nacho conform --cpu 8086|80186|80286|80386 [--limit N] [--only KEYS] PATH...
//
// PATH is a test file (.json, .json.gz, .MOO, .MOO.gz) or a directory of
// them. Each file finds metadata.json (undefined-flag masks) and
// revocation_list.txt in its directory or the one above. One line is
// printed per failing test, up to the limit; the last line is
// "N passed, M failed" (", K skipped (reason: n; ...)" when tests were
// skipped). The exit status is 1 if any test failed.

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nachoos/nacho/emu/x86"
	"github.com/nachoos/nacho/emu/x86/singlestep"
)

func init() {
	register(&command{name: "conform", summary: "run SingleStepTests CPU test files on the x86 core", run: runConform})
}

func runConform(args []string) int { return runConformTo(args, os.Stdout, os.Stderr) }

func runConformTo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("nacho conform", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: nacho conform --cpu 8086|80186|80286|80386 [options] PATH...")
		fs.PrintDefaults()
	}
	cpu := fs.String("cpu", "", "CPU model the tests were made on: 8086, 80186, 80286 or 80386 (required)")
	limit := fs.Int("limit", 50, "print at most this many failing tests")
	only := fs.String("only", "", "run only these opcode files, comma-separated (e.g. F6.7,00,0F01)")
	uncached := fs.Bool("uncached", false, "decode every instruction afresh instead of through the block cache")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if *cpu == "" || len(paths) == 0 {
		fs.Usage()
		return 2
	}
	model, err := x86.ParseModel(*cpu)
	if err != nil {
		return fatalf("conform", "%v", err)
	}
	opt := singlestep.Options{Model: model, Limit: *limit, Out: stdout, Uncached: *uncached}
	if *only != "" {
		keys := map[string]bool{}
		for _, k := range strings.Split(*only, ",") {
			keys[strings.ToUpper(strings.TrimSpace(k))] = true
		}
		opt.Filter = func(key string) bool { return keys[key] }
	}
	sum, fails, err := singlestep.RunPaths(paths, opt)
	if err != nil {
		return fatalf("conform", "%v", err)
	}
	if n := len(fails) - *limit; n > 0 && *limit > 0 {
		fmt.Fprintf(stdout, "... %d more failing tests not shown (--limit)\n", n)
	}
	fmt.Fprintln(stdout, sum)
	if sum.Failed > 0 {
		return 1
	}
	return 0
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments, and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
