// Package coreutils holds the programs a user reaches for first: ls, cat,
// cp, mv, rm, mkdir, ps, kill and friends. Each is a kernel.Program that
// runs in a process of its own, reads its descriptors and reports errors
// the way Unix utilities do ("ls: /nope: no such file or directory").
//
// It must not import syscall/js.
package coreutils

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/nachoos/nacho/kernel"
)

// prog registers a program.
func prog(name, summary string, main kernel.Main) {
	kernel.RegisterProgram(kernel.Program{Name: name, Summary: summary, Main: main})
}

// errText is the Unix text of an error without the operation and path a
// *fs.PathError carries: callers print the path the user typed.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// warn prints "name: path: error" on stderr.
func warn(p *kernel.Process, path string, err error) {
	fmt.Fprintf(p.Stderr(), "%s: %s: %s\n", p.Name(), path, errText(err))
}

// flags parses short options (combinable, as in -la) from args. Options
// that take a value are listed in withValue. It stops at "--" or at the
// first operand.
type flags struct {
	set    map[byte]bool
	values map[byte]string
	args   []string
}

func parseFlags(p *kernel.Process, args []string, allowed, withValue string) (*flags, bool) {
	f := &flags{set: map[byte]bool{}, values: map[byte]string{}}
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			switch {
			case strings.IndexByte(withValue, c) >= 0:
				v := a[j+1:]
				if v == "" {
					if i+1 >= len(args) {
						fmt.Fprintf(p.Stderr(), "%s: option requires an argument -- '%c'\n", p.Name(), c)
						return nil, false
					}
					i++
					v = args[i]
				}
				f.values[c] = v
				f.set[c] = true
				j = len(a)
			case strings.IndexByte(allowed, c) >= 0:
				f.set[c] = true
			default:
				fmt.Fprintf(p.Stderr(), "%s: invalid option -- '%c'\n", p.Name(), c)
				return nil, false
			}
		}
	}
	f.args = args[i:]
	return f, true
}

// isTerminal reports whether descriptor fd is a terminal, and its width.
func isTerminal(p *kernel.Process, fd int) (bool, int) {
	t, ok := kernel.TTYOf(p.File(fd))
	if !ok {
		return false, 0
	}
	cols, _ := t.Size()
	return true, cols
}
