package coreutils

import (
	"fmt"
	"io/fs"
	"strconv"

	"github.com/nachoos/nacho/kernel"
)

func init() {
	prog("test", "evaluate a condition: test -e FILE, -f, -d, -s, -z STR, -n STR, A = B, N -lt M, ! ... (also [ ... ])", testCmd)
	prog("[", "the same as test, ending with ]", testCmd)
}

// testCmd is test and [: exit 0 when the expression holds, 1 when not, 2
// on a malformed expression.
func testCmd(p *kernel.Process) int {
	args := p.Args()[1:]
	if p.Name() == "[" {
		if len(args) == 0 || args[len(args)-1] != "]" {
			fmt.Fprintln(p.Stderr(), "[: missing ]")
			return 2
		}
		args = args[:len(args)-1]
	}
	t := &tester{p: p, args: args}
	ok, err := t.expr()
	if err == nil && t.i < len(t.args) {
		err = fmt.Errorf("unexpected %s", t.args[t.i])
	}
	if err != nil {
		fmt.Fprintf(p.Stderr(), "%s: %v\n", p.Name(), err)
		return 2
	}
	if ok {
		return 0
	}
	return 1
}

type tester struct {
	p    *kernel.Process
	args []string
	i    int
}

func (t *tester) more() bool   { return t.i < len(t.args) }
func (t *tester) peek() string { return t.args[t.i] }
func (t *tester) next() string { t.i++; return t.args[t.i-1] }
func (t *tester) left() int    { return len(t.args) - t.i }
func (t *tester) isBinary() bool {
	if t.left() < 3 {
		return false
	}
	switch t.args[t.i+1] {
	case "=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge":
		return true
	}
	return false
}

// expr is or-expressions of and-expressions (-o, -a), as POSIX test.
func (t *tester) expr() (bool, error) {
	if !t.more() {
		return false, nil // test with no arguments is false
	}
	v, err := t.and()
	for err == nil && t.more() && t.peek() == "-o" {
		t.next()
		var w bool
		w, err = t.and()
		v = v || w
	}
	return v, err
}

func (t *tester) and() (bool, error) {
	v, err := t.unary()
	for err == nil && t.more() && t.peek() == "-a" {
		t.next()
		var w bool
		w, err = t.unary()
		v = v && w
	}
	return v, err
}

func (t *tester) unary() (bool, error) {
	if !t.more() {
		return false, fmt.Errorf("missing argument")
	}
	if t.peek() == "!" && !t.isBinary() {
		t.next()
		v, err := t.unary()
		return !v, err
	}
	if t.peek() == "(" {
		t.next()
		v, err := t.expr()
		if err != nil {
			return false, err
		}
		if !t.more() || t.next() != ")" {
			return false, fmt.Errorf("missing )")
		}
		return v, nil
	}
	if t.isBinary() {
		a, op, b := t.next(), t.next(), t.next()
		switch op {
		case "=", "==":
			return a == b, nil
		case "!=":
			return a != b, nil
		}
		x, err1 := strconv.ParseInt(a, 10, 64)
		y, err2 := strconv.ParseInt(b, 10, 64)
		if err1 != nil || err2 != nil {
			return false, fmt.Errorf("integer expression expected: %s %s %s", a, op, b)
		}
		switch op {
		case "-eq":
			return x == y, nil
		case "-ne":
			return x != y, nil
		case "-lt":
			return x < y, nil
		case "-le":
			return x <= y, nil
		case "-gt":
			return x > y, nil
		}
		return x >= y, nil
	}
	a := t.next()
	if len(a) == 2 && a[0] == '-' && t.more() {
		switch a[1] {
		case 'z':
			return t.next() == "", nil
		case 'n':
			return t.next() != "", nil
		case 'e', 'f', 'd', 's', 'L', 'h', 'r', 'w', 'x':
			name := t.p.Abs(t.next())
			v := t.p.Kernel().FS()
			var fi fs.FileInfo
			var err error
			if a[1] == 'L' || a[1] == 'h' {
				fi, err = v.Lstat(name)
			} else {
				fi, err = v.Stat(name)
			}
			if err != nil {
				return false, nil
			}
			switch a[1] {
			case 'f':
				return fi.Mode().IsRegular(), nil
			case 'd':
				return fi.IsDir(), nil
			case 's':
				return fi.Size() > 0, nil
			case 'L', 'h':
				return fi.Mode()&fs.ModeSymlink != 0, nil
			case 'r':
				return fi.Mode().Perm()&0o400 != 0, nil
			case 'w':
				return fi.Mode().Perm()&0o200 != 0, nil
			case 'x':
				return fi.Mode().Perm()&0o100 != 0, nil
			}
			return true, nil
		}
	}
	return a != "", nil // a lone string: true when not empty
}
