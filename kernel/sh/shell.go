// Package sh is Nacho's shell: a POSIX-flavoured command language (quoting,
// variables, globbing, pipelines, && ||, redirections, background jobs) with
// an interactive line editor (history, completion, the usual Emacs keys).
// It runs as a kernel process and starts commands as processes of their own.
//
// It must not import syscall/js.
package sh

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/nachoos/nacho/kernel"
)

func init() {
	kernel.RegisterProgram(kernel.Program{Name: "sh", Summary: "the shell", Main: Main})
}

// Shell is one shell process's state.
type Shell struct {
	p            *kernel.Process
	k            *kernel.Kernel
	vars         map[string]string // shell variables that are not exported
	status       int               // $?
	substStatus  int               // status of the last $(...) in a command, or -1
	expandFailed bool              // an expansion in the current word list failed
	params       []string          // $0, $1, ...
	interactive  bool
	tty          *kernel.TTY
	hist         *history
	exiting      bool
	exitCode     int
	jobs         []*job
	// Loop control: break and continue count the loops still to leave;
	// interrupted is set when ^C ended a command, and stops the lists
	// and loops around it until the next prompt.
	breakN, continueN int
	interrupted       bool
	loops             int  // loops being run, for break and continue
	failedLast        bool // the last command of the pipeline being started could not start
}

// Main is the shell program: `sh` (interactive on a terminal, else reading
// commands from standard input), `sh -c COMMAND [NAME ARGS...]`, `sh FILE
// [ARGS...]`. `-l` marks a login shell, which greets the user.
func Main(p *kernel.Process) int {
	s := &Shell{p: p, k: p.Kernel(), vars: map[string]string{}, params: []string{"sh"}}
	args := p.Args()[1:]
	login := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		switch args[0] {
		case "-l", "--login":
			login = true
			args = args[1:]
		case "-c":
			if len(args) < 2 {
				fmt.Fprintln(p.Stderr(), "sh: -c: option requires an argument")
				return 2
			}
			if len(args) > 2 {
				s.params = args[2:]
			}
			s.run(args[1])
			return s.exitStatus()
		default:
			fmt.Fprintf(p.Stderr(), "sh: %s: invalid option\nusage: sh [-l] [-c COMMAND | FILE] [ARGS...]\n", args[0])
			return 2
		}
	}
	if len(args) > 0 {
		data, err := p.Kernel().FS().ReadFile(p.Abs(args[0]))
		if err != nil {
			fmt.Fprintf(p.Stderr(), "sh: %s: %s\n", args[0], errText(err))
			return 127
		}
		s.params = args
		s.run(string(data))
		return s.exitStatus()
	}
	if tty, ok := kernel.TTYOf(p.File(0)); ok {
		s.tty = tty
		s.interactive = true
		return s.interact(login)
	}
	data, err := io.ReadAll(p.Stdin())
	if err != nil {
		fmt.Fprintf(p.Stderr(), "sh: %v\n", err)
		return 1
	}
	s.run(string(data))
	return s.exitStatus()
}

func (s *Shell) exitStatus() int {
	if s.exiting {
		return s.exitCode
	}
	return s.status
}

// run parses and runs src, reporting syntax errors on stderr.
func (s *Shell) run(src string) {
	items, err := parse(src)
	if err != nil {
		fmt.Fprintf(s.p.Stderr(), "sh: %v\n", err)
		s.status = 2
		return
	}
	s.runList(items)
}

func (s *Shell) interact(login bool) int {
	p := s.p
	s.hist = loadHistory(s.k.FS(), p.Getenv("HOME"))
	sigs := make(chan kernel.Signal, 4)
	p.Notify(sigs, kernel.SIGINT, kernel.SIGQUIT, kernel.SIGWINCH)
	p.Ignore(kernel.SIGTERM)
	go func() { // the line editor sees ^C as a key; drain the notifications
		for range sigs {
		}
	}()
	s.tty.SetForeground(p.PGID())
	if login {
		fmt.Fprintf(p.Stdout(), "Welcome to Nacho. Type \033[1mhelp\033[0m for the commands.\n\n")
	}
	ed := newLineEditor(s)
	var pending string
	for !s.exiting {
		s.reapJobs(true)
		prompt := s.prompt()
		if pending != "" {
			prompt = "> "
		}
		line, err := ed.readLine(prompt)
		if errors.Is(err, errInterrupt) {
			pending = ""
			s.status = 130
			continue
		}
		if err != nil { // end of input (^D) or hangup
			if err == io.EOF && pending == "" {
				fmt.Fprintln(p.Stdout(), "exit")
			}
			break
		}
		src := pending + line
		if _, perr := parse(src); perr != nil {
			var se *syntaxError
			if errors.As(perr, &se) && se.incomplete {
				pending = src + "\n"
				continue
			}
		}
		pending = ""
		if strings.TrimSpace(src) != "" {
			s.hist.add(src)
		}
		s.interrupted, s.breakN, s.continueN = false, 0, 0
		s.run(src)
	}
	return s.exitStatus()
}

func (s *Shell) prompt() string {
	cwd := s.p.Cwd()
	if home := s.p.Getenv("HOME"); home != "" && home != "/" {
		if cwd == home {
			cwd = "~"
		} else if strings.HasPrefix(cwd, home+"/") {
			cwd = "~" + cwd[len(home):]
		}
	}
	user := s.p.Getenv("USER")
	if user == "" {
		user = "user"
	}
	return fmt.Sprintf("\033[1;32m%s@%s\033[0m:\033[1;34m%s\033[0m$ ", user, s.k.Hostname(), cwd)
}

// lookupVar gives the value of a variable or special parameter.
func (s *Shell) lookupVar(name string) (string, bool) {
	switch name {
	case "?":
		return fmt.Sprint(s.status), true
	case "$":
		return fmt.Sprint(s.p.PID()), true
	case "#":
		return fmt.Sprint(len(s.params) - 1), true
	case "@", "*":
		return strings.Join(s.params[1:], " "), true
	case "!":
		if len(s.jobs) > 0 {
			j := s.jobs[len(s.jobs)-1]
			return fmt.Sprint(j.procs[len(j.procs)-1].PID()), true
		}
		return "", false
	}
	if len(name) == 1 && name[0] >= '0' && name[0] <= '9' {
		i := int(name[0] - '0')
		if i < len(s.params) {
			return s.params[i], true
		}
		return "", false
	}
	if v, ok := s.vars[name]; ok {
		return v, true
	}
	env := s.p.Environ()
	v, ok := env[name]
	return v, ok
}

// setVar assigns a variable: exported ones stay in the environment.
func (s *Shell) setVar(name, value string) {
	if _, exported := s.p.Environ()[name]; exported {
		s.p.Setenv(name, value)
		return
	}
	s.vars[name] = value
}

// errText is the Unix text of an error: a path error's cause without its
// operation and path, which the caller prints in its own words.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
