package sh

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/nachoos/nacho/kernel"
)

// stdio is where a builtin reads and writes: the redirected descriptors
// when it runs in the shell, the process's own when it runs in a pipeline.
type stdio struct {
	files []*kernel.OpenFile // nil: the process's descriptors
	p     *kernel.Process
}

type fileWriter struct {
	f *kernel.OpenFile
	p *kernel.Process
}

func (w fileWriter) Write(b []byte) (int, error) { return w.f.WriteContext(w.p.Context(), b) }

func (io stdio) out(fd int) io.Writer {
	if io.files == nil {
		if fd == 1 {
			return io.p.Stdout()
		}
		return io.p.Stderr()
	}
	if fd < len(io.files) && io.files[fd] != nil {
		return fileWriter{io.files[fd], io.p}
	}
	return discard{}
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

func (io stdio) Stdout() io.Writer { return io.out(1) }
func (io stdio) Stderr() io.Writer { return io.out(2) }

type builtin func(s *Shell, argv []string, io stdio) int

var builtins map[string]builtin

// builtinHelp is shown by help, in this order.
var builtinHelp = [][2]string{
	{"cd [DIR]", "change the working directory (default $HOME; - for the previous one)"},
	{"pwd", "print the working directory"},
	{"export [NAME[=VALUE]...]", "export variables to commands"},
	{"unset NAME...", "remove variables"},
	{"exit [CODE]", "leave the shell"},
	{"history", "list the commands typed so far"},
	{"jobs", "list background jobs"},
	{"wait [PID...]", "wait for background jobs"},
	{"help", "this list"},
	{"if/while/until/for/{ }", "if C; then ...; elif ...; else ...; fi, while C; do ...; done, for V in W...; do ...; done"},
	{"break [N], continue [N]", "leave, or go on with, the innermost N loops"},
}

func init() {
	builtins = map[string]builtin{
		"cd":      builtinCd,
		"pwd":     builtinPwd,
		"export":  builtinExport,
		"unset":   builtinUnset,
		"exit":    builtinExit,
		"history": builtinHistory,
		"jobs":    builtinJobs,
		"wait":    builtinWait,
		"help":    builtinHelpCmd,
		"break":   func(s *Shell, argv []string, io stdio) int { return s.loopJump(argv, io, &s.breakN) },
		"continue": func(s *Shell, argv []string, io stdio) int {
			return s.loopJump(argv, io, &s.continueN)
		},
		":": func(*Shell, []string, stdio) int { return 0 },
	}
}

func builtinCd(s *Shell, argv []string, io stdio) int {
	dir := s.p.Getenv("HOME")
	if len(argv) > 1 {
		dir = argv[1]
	}
	if dir == "-" {
		dir = s.p.Getenv("OLDPWD")
		if dir == "" {
			fmt.Fprintln(io.Stderr(), "cd: OLDPWD not set")
			return 1
		}
		fmt.Fprintln(io.Stdout(), dir)
	}
	if dir == "" {
		dir = "/"
	}
	old := s.p.Cwd()
	if err := s.p.Chdir(dir); err != nil {
		fmt.Fprintf(io.Stderr(), "cd: %s: %s\n", dir, errText(err))
		return 1
	}
	s.p.Setenv("OLDPWD", old)
	s.p.Setenv("PWD", s.p.Cwd())
	return 0
}

func builtinPwd(s *Shell, _ []string, io stdio) int {
	fmt.Fprintln(io.Stdout(), s.p.Cwd())
	return 0
}

func builtinExport(s *Shell, argv []string, io stdio) int {
	if len(argv) == 1 {
		for _, kv := range s.p.EnvList() {
			k, v, _ := strings.Cut(kv, "=")
			fmt.Fprintf(io.Stdout(), "export %s=%s\n", k, quote(v))
		}
		return 0
	}
	st := 0
	for _, a := range argv[1:] {
		name, val, hasVal := strings.Cut(a, "=")
		if !validName(name) {
			fmt.Fprintf(io.Stderr(), "export: %s: not a valid identifier\n", a)
			st = 1
			continue
		}
		if !hasVal {
			val = s.vars[name]
			if v, ok := s.p.Environ()[name]; ok {
				val = v
			}
		}
		delete(s.vars, name)
		s.p.Setenv(name, val)
	}
	return st
}

func builtinUnset(s *Shell, argv []string, _ stdio) int {
	for _, name := range argv[1:] {
		delete(s.vars, name)
		s.p.Unsetenv(name)
	}
	return 0
}

func builtinExit(s *Shell, argv []string, io stdio) int {
	code := s.status
	if len(argv) > 1 {
		n, err := strconv.Atoi(argv[1])
		if err != nil {
			fmt.Fprintf(io.Stderr(), "exit: %s: numeric argument required\n", argv[1])
			code = 2
		} else {
			code = n & 0xff
		}
	}
	s.exiting = true
	s.exitCode = code
	return code
}

func builtinHistory(s *Shell, _ []string, io stdio) int {
	if s.hist == nil {
		return 0
	}
	for i, l := range s.hist.lines {
		fmt.Fprintf(io.Stdout(), "%5d  %s\n", i+1, l)
	}
	return 0
}

func builtinJobs(s *Shell, _ []string, io stdio) int {
	s.reapJobs(false)
	for _, j := range s.jobs {
		last := j.procs[len(j.procs)-1]
		fmt.Fprintf(io.Stdout(), "[%d] Running %d\t%s\n", j.id, last.PID(), strings.Join(last.Args(), " "))
	}
	return 0
}

func builtinWait(s *Shell, argv []string, io stdio) int {
	st := 0
	if len(argv) == 1 {
		for _, j := range s.jobs {
			for _, p := range j.procs {
				st = p.Wait()
			}
		}
		s.reapJobs(false)
		return st
	}
	for _, a := range argv[1:] {
		pid, err := strconv.Atoi(a)
		if err != nil {
			fmt.Fprintf(io.Stderr(), "wait: %s: not a pid\n", a)
			st = 2
			continue
		}
		p, ok := s.k.Process(pid)
		if !ok {
			st = 127
			continue
		}
		st = p.Wait()
	}
	s.reapJobs(false)
	return st
}

func builtinHelpCmd(s *Shell, _ []string, io stdio) int {
	w := io.Stdout()
	fmt.Fprintln(w, "Nacho shell. Commands run as processes; | pipes, > >> < 2>&1 redirect, && || ; & combine.")
	fmt.Fprintln(w, "\nShell builtins:")
	for _, h := range builtinHelp {
		fmt.Fprintf(w, "  %-26s %s\n", h[0], h[1])
	}
	fmt.Fprintln(w, "\nPrograms:")
	progs := kernel.Programs()
	sort.Slice(progs, func(i, j int) bool { return progs[i].Name < progs[j].Name })
	for _, p := range progs {
		fmt.Fprintf(w, "  %-26s %s\n", p.Name, p.Summary)
	}
	if rs := kernel.Runners(); len(rs) > 0 {
		fmt.Fprintf(w, "\nrun FILE (or ./FILE) runs guest programs with: %s\n", strings.Join(rs, ", "))
	}
	return 0
}

// quote quotes s for the shell when it needs it.
func quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`*?[]|&;<>()#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// loopJump is break and continue: it asks the N innermost loops to end
// (or go on), by setting *counter.
func (s *Shell) loopJump(argv []string, io stdio, counter *int) int {
	n := 1
	if len(argv) > 1 {
		v, err := strconv.Atoi(argv[1])
		if err != nil || v < 1 {
			fmt.Fprintf(io.Stderr(), "%s: %s: loop count out of range\n", argv[0], argv[1])
			return 1
		}
		n = v
	}
	if s.loops == 0 {
		fmt.Fprintf(io.Stderr(), "%s: only meaningful in a for, while or until loop\n", argv[0])
		return 0
	}
	*counter = min(n, s.loops)
	return 0
}
