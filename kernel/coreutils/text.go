package coreutils

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/vfs"
)

func init() {
	prog("echo", "print arguments (-n: no newline, -e: interpret \\ escapes)", echo)
	prog("head", "first lines of files (-n N)", head)
	prog("tail", "last lines of files (-n N)", tail)
	prog("wc", "count lines, words and bytes (-l -w -c)", wc)
	prog("grep", "print lines matching a regular expression (-i -v -n -c)", grep)
	prog("tee", "copy standard input to files and stdout (-a append)", tee)
	prog("seq", "print a sequence of numbers: seq [FIRST [STEP]] LAST", seq)
	prog("yes", "print a line (default y) forever", yes)
	prog("true", "do nothing, successfully", func(*kernel.Process) int { return 0 })
	prog("false", "do nothing, unsuccessfully", func(*kernel.Process) int { return 1 })
	prog("sleep", "wait for a number of seconds", sleep)
}

func echo(p *kernel.Process) int {
	args := p.Args()[1:]
	newline, escapes := true, false
	for len(args) > 0 {
		switch args[0] {
		case "-n":
			newline = false
		case "-e":
			escapes = true
		case "-ne", "-en":
			newline, escapes = false, true
		default:
			goto done
		}
		args = args[1:]
	}
done:
	s := strings.Join(args, " ")
	if escapes {
		s = unescapeEcho(s)
	}
	if newline {
		s += "\n"
	}
	if _, err := io.WriteString(p.Stdout(), s); err != nil {
		return 1
	}
	return 0
}

func unescapeEcho(s string) string {
	r := strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\\`, `\`, `\r`, "\r", `\e`, "\033", `\033`, "\033", `\a`, "\a", `\b`, "\b")
	return r.Replace(s)
}

// openInputs yields a reader per operand ("-" or none: standard input).
func openInputs(p *kernel.Process, args []string, fn func(name string, r io.Reader) error) int {
	if len(args) == 0 {
		args = []string{"-"}
	}
	st := 0
	for _, a := range args {
		if a == "-" {
			if err := fn(a, p.Stdin()); err != nil {
				return 1
			}
			continue
		}
		f, err := p.Kernel().FS().Open(p.Abs(a), vfs.O_RDONLY, 0)
		if err != nil {
			warn(p, a, err)
			st = 1
			continue
		}
		err = fn(a, f)
		f.Close()
		if err != nil {
			if errors.Is(err, kernel.ErrBrokenPipe) || errors.Is(err, kernel.ErrInterrupted) {
				return 1
			}
			warn(p, a, err)
			st = 1
		}
	}
	return st
}

// countFlag parses -n N, -N and -nN.
func countFlag(p *kernel.Process, args []string) (int, []string, bool) {
	n := 10
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-n" && i+1 < len(args):
			v, err := strconv.Atoi(args[i+1])
			if err != nil {
				fmt.Fprintf(p.Stderr(), "%s: invalid number of lines: '%s'\n", p.Name(), args[i+1])
				return 0, nil, false
			}
			n = v
			i++
		case strings.HasPrefix(a, "-n") && len(a) > 2:
			v, err := strconv.Atoi(a[2:])
			if err != nil {
				fmt.Fprintf(p.Stderr(), "%s: invalid number of lines: '%s'\n", p.Name(), a[2:])
				return 0, nil, false
			}
			n = v
		case len(a) > 1 && a[0] == '-' && a[1] >= '0' && a[1] <= '9':
			v, err := strconv.Atoi(a[1:])
			if err != nil {
				fmt.Fprintf(p.Stderr(), "%s: invalid option '%s'\n", p.Name(), a)
				return 0, nil, false
			}
			n = v
		default:
			rest = append(rest, a)
		}
	}
	return n, rest, true
}

func head(p *kernel.Process) int {
	n, args, ok := countFlag(p, p.Args()[1:])
	if !ok {
		return 2
	}
	return openInputs(p, args, func(name string, r io.Reader) error {
		if len(args) > 1 {
			fmt.Fprintf(p.Stdout(), "==> %s <==\n", name)
		}
		br := bufio.NewReader(r)
		for i := 0; i < n; i++ {
			line, err := br.ReadString('\n')
			if line != "" {
				if _, werr := io.WriteString(p.Stdout(), line); werr != nil {
					return werr
				}
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func tail(p *kernel.Process) int {
	n, args, ok := countFlag(p, p.Args()[1:])
	if !ok {
		return 2
	}
	return openInputs(p, args, func(name string, r io.Reader) error {
		if len(args) > 1 {
			fmt.Fprintf(p.Stdout(), "==> %s <==\n", name)
		}
		ring := make([]string, 0, n)
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadString('\n')
			if line != "" && n > 0 {
				if len(ring) == n {
					ring = append(ring[:0], ring[1:]...)
				}
				ring = append(ring, line)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
		}
		_, err := io.WriteString(p.Stdout(), strings.Join(ring, ""))
		return err
	})
}

func wc(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "lwc", "")
	if !ok {
		return 2
	}
	all := !f.set['l'] && !f.set['w'] && !f.set['c']
	var tl, tw, tc int64
	print := func(l, w, c int64, name string) {
		var parts []string
		if all || f.set['l'] {
			parts = append(parts, fmt.Sprintf("%7d", l))
		}
		if all || f.set['w'] {
			parts = append(parts, fmt.Sprintf("%7d", w))
		}
		if all || f.set['c'] {
			parts = append(parts, fmt.Sprintf("%7d", c))
		}
		if name != "-" {
			parts = append(parts, name)
		}
		fmt.Fprintln(p.Stdout(), strings.Join(parts, " "))
	}
	st := openInputs(p, f.args, func(name string, r io.Reader) error {
		var l, w, c int64
		inWord := false
		buf := make([]byte, 32<<10)
		for {
			n, err := r.Read(buf)
			for _, b := range buf[:n] {
				c++
				if b == '\n' {
					l++
				}
				space := b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '\v' || b == '\f'
				if !space && !inWord {
					w++
				}
				inWord = !space
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
		}
		tl, tw, tc = tl+l, tw+w, tc+c
		print(l, w, c, name)
		return nil
	})
	if len(f.args) > 1 {
		print(tl, tw, tc, "total")
	}
	return st
}

func grep(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "ivncFqHh", "e")
	if !ok {
		return 2
	}
	args := f.args
	pattern, hasE := f.values['e']
	if !hasE {
		if len(args) == 0 {
			fmt.Fprintln(p.Stderr(), "usage: grep [-ivncFq] PATTERN [FILE...]")
			return 2
		}
		pattern, args = args[0], args[1:]
	}
	if f.set['F'] {
		pattern = regexp.QuoteMeta(pattern)
	}
	if f.set['i'] {
		pattern = "(?i)" + pattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		fmt.Fprintf(p.Stderr(), "grep: invalid pattern: %v\n", err)
		return 2
	}
	showName := (len(args) > 1 || f.set['H']) && !f.set['h']
	found := false
	st := openInputs(p, args, func(name string, r io.Reader) error {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		count, lineNo := 0, 0
		var out bytes.Buffer
		for sc.Scan() {
			lineNo++
			if re.Match(sc.Bytes()) == f.set['v'] {
				continue
			}
			count++
			found = true
			if f.set['q'] {
				return nil
			}
			if f.set['c'] {
				continue
			}
			if showName {
				out.WriteString(name + ":")
			}
			if f.set['n'] {
				fmt.Fprintf(&out, "%d:", lineNo)
			}
			out.Write(sc.Bytes())
			out.WriteByte('\n')
			if out.Len() > 16<<10 {
				if _, err := p.Stdout().Write(out.Bytes()); err != nil {
					return err
				}
				out.Reset()
			}
		}
		if f.set['c'] {
			if showName {
				fmt.Fprintf(&out, "%s:", name)
			}
			fmt.Fprintf(&out, "%d\n", count)
		}
		if _, err := p.Stdout().Write(out.Bytes()); err != nil {
			return err
		}
		return sc.Err()
	})
	if st != 0 {
		return 2
	}
	if !found {
		return 1
	}
	return 0
}

func tee(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "a", "")
	if !ok {
		return 2
	}
	flag := vfs.O_WRONLY | vfs.O_CREATE | vfs.O_TRUNC
	if f.set['a'] {
		flag = vfs.O_WRONLY | vfs.O_CREATE | vfs.O_APPEND
	}
	writers := []io.Writer{p.Stdout()}
	st := 0
	for _, a := range f.args {
		file, err := p.Kernel().FS().Open(p.Abs(a), flag, 0o644)
		if err != nil {
			warn(p, a, err)
			st = 1
			continue
		}
		defer file.Close()
		writers = append(writers, file)
	}
	if _, err := io.Copy(io.MultiWriter(writers...), p.Stdin()); err != nil {
		return 1
	}
	return st
}

func seq(p *kernel.Process) int {
	args := p.Args()[1:]
	nums := make([]float64, len(args))
	for i, a := range args {
		v, err := strconv.ParseFloat(a, 64)
		if err != nil {
			fmt.Fprintf(p.Stderr(), "seq: invalid floating point argument: '%s'\n", a)
			return 1
		}
		nums[i] = v
	}
	first, step, last := 1.0, 1.0, 0.0
	switch len(nums) {
	case 1:
		last = nums[0]
	case 2:
		first, last = nums[0], nums[1]
	case 3:
		first, step, last = nums[0], nums[1], nums[2]
	default:
		fmt.Fprintln(p.Stderr(), "usage: seq [FIRST [STEP]] LAST")
		return 2
	}
	if step == 0 {
		fmt.Fprintln(p.Stderr(), "seq: invalid zero increment value")
		return 1
	}
	w := bufio.NewWriterSize(p.Stdout(), 16<<10)
	for v := first; (step > 0 && v <= last) || (step < 0 && v >= last); v += step {
		if _, err := w.WriteString(strconv.FormatFloat(v, 'f', -1, 64) + "\n"); err != nil {
			return 1
		}
		if p.Context().Err() != nil {
			return 1
		}
	}
	if err := w.Flush(); err != nil {
		return 1
	}
	return 0
}

func yes(p *kernel.Process) int {
	s := "y"
	if len(p.Args()) > 1 {
		s = strings.Join(p.Args()[1:], " ")
	}
	line := []byte(strings.Repeat(s+"\n", max(1, 4096/(len(s)+1))))
	for {
		if _, err := p.Stdout().Write(line); err != nil {
			return 1
		}
	}
}

func sleep(p *kernel.Process) int {
	if len(p.Args()) != 2 {
		fmt.Fprintln(p.Stderr(), "usage: sleep SECONDS")
		return 2
	}
	secs, err := strconv.ParseFloat(strings.TrimSuffix(p.Args()[1], "s"), 64)
	if err != nil || secs < 0 {
		fmt.Fprintf(p.Stderr(), "sleep: invalid time interval '%s'\n", p.Args()[1])
		return 1
	}
	t := time.NewTimer(time.Duration(secs * float64(time.Second)))
	defer t.Stop()
	select {
	case <-t.C:
		return 0
	case <-p.Context().Done():
		return 1
	}
}
