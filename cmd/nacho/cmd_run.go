//go:build !js

package main

// `nacho run`: run a program. `nacho run --bare ...` runs raw images on a
// bare x86 CPU (run_bare.go). Otherwise the file's content picks a runner:
// personalities (DOS, Linux, ...) register themselves from
// run_<personality>.go files with registerRunner, and are tried in
// registration order.

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// runner runs one kind of program.
type runner struct {
	name string // "dos", "linux-i386", ...
	// order sorts runners (lower first); runners with equal order go by
	// name. A runner for a format that is easy to mistake (DOS .COM files
	// have no header) should come late.
	order int
	// sniff says whether this runner takes the file; head is its first
	// bytes (up to 4 KiB), path its name.
	sniff func(path string, head []byte) bool
	// run runs the file with the arguments after it and returns the exit
	// status.
	run func(path string, args []string) int
}

var runners []*runner

// registerRunner adds a personality; it is called from init functions.
func registerRunner(r *runner) {
	for _, o := range runners {
		if o.name == r.name {
			panic("nacho: duplicate runner " + r.name)
		}
	}
	runners = append(runners, r)
	sort.SliceStable(runners, func(i, j int) bool {
		if runners[i].order != runners[j].order {
			return runners[i].order < runners[j].order
		}
		return runners[i].name < runners[j].name
	})
}

func init() {
	register(&command{name: "run", summary: "run a program (DOS, Linux, ...) or, with --bare, raw images on a bare CPU", run: runRun})
}

func runUsage() {
	fmt.Fprint(os.Stderr, `usage:
  nacho run [OPTIONS] FILE [OPTIONS] [--] [ARGS...]
      run a program; its content picks the personality (DOS options:
      --drive X=DIR, --screen)
  nacho run --bare --cpu MODEL --load ADDR:FILE ... [--entry SEG:OFF] [--until-hlt]
        [--max-insns N] [--dump ADDR:LEN:FILE] [--port-log PORT[:FILE]] [--trace]
      run raw images on a bare x86 CPU (see 'nacho run --bare -h')
`)
	if len(runners) > 0 {
		fmt.Fprint(os.Stderr, "\nrunners:")
		for _, r := range runners {
			fmt.Fprint(os.Stderr, " ", r.name)
		}
		fmt.Fprintln(os.Stderr)
	}
}

func runRun(args []string) int {
	for _, a := range args {
		if a == "--bare" || a == "-bare" {
			return runBare(args)
		}
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		runUsage()
		return 2
	}
	// Options may come before the file (nacho run --drive D=/tmp GAME.EXE):
	// the file is the first argument that is not an option and names a
	// file; what stands before it goes to the runner ahead of the rest.
	lead := 0
	for lead < len(args)-1 && strings.HasPrefix(args[0+lead], "-") {
		lead++
		if lead < len(args) && !strings.HasPrefix(args[lead], "-") {
			if fi, err := os.Stat(args[lead]); err == nil && !fi.IsDir() {
				break
			}
			lead++ // the option's value
		}
	}
	if lead > 0 && lead < len(args) {
		opts := append([]string(nil), args[:lead]...)
		args = append(append([]string{args[lead]}, opts...), args[lead+1:]...)
	}
	path := args[0]
	f, err := os.Open(path)
	if err != nil {
		return fatalf("run", "%v", err)
	}
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	f.Close()
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return fatalf("run", "%s: %v", path, err)
	}
	head = head[:n]
	for _, r := range runners {
		if r.sniff(path, head) {
			return r.run(path, args[1:])
		}
	}
	names := "none registered yet"
	if len(runners) > 0 {
		names = ""
		for i, r := range runners {
			if i > 0 {
				names += ", "
			}
			names += r.name
		}
	}
	return fatalf("run", "no runner for this file: %s (runners: %s; for raw images use --bare)", path, names)
}
