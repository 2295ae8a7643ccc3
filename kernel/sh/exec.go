package sh

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/vfs"
)

// job is a pipeline started in the background.
type job struct {
	id    int
	text  string
	procs []*kernel.Process
}

func (s *Shell) runList(items []listItem) {
	for _, it := range items {
		if s.stopped() {
			return
		}
		if it.async {
			s.runAsync(it.ao)
			continue
		}
		s.runAndOr(it.ao)
	}
}

func (s *Shell) runAndOr(ao *andOr) {
	s.status = s.runPipeline(ao.pipes[0], false)
	for i, op := range ao.ops {
		if s.stopped() {
			return
		}
		if (op == "&&") == (s.status == 0) {
			s.status = s.runPipeline(ao.pipes[i+1], false)
		}
	}
}

// runAsync starts each pipeline of ao in the background. The whole and-or
// list runs in a shell process of its own so its && and || still apply.
func (s *Shell) runAsync(ao *andOr) {
	var procs []*kernel.Process
	if len(ao.pipes) == 1 && len(ao.ops) == 0 {
		procs = s.startPipeline(ao.pipes[0], true, nil)
	} else {
		sub, err := s.k.Spawn(kernel.SpawnOptions{
			Args:   []string{"sh"},
			Main:   func(p *kernel.Process) int { c := s.fork(p); c.runAndOr(ao); return c.status },
			Files:  []*kernel.OpenFile{nil, s.p.File(1), s.p.File(2)},
			TTY:    s.tty,
			Parent: s.p,
		})
		if err != nil {
			fmt.Fprintf(s.p.Stderr(), "sh: %v\n", err)
			s.status = 1
			return
		}
		procs = []*kernel.Process{sub}
	}
	if len(procs) == 0 {
		return
	}
	j := &job{id: len(s.jobs) + 1, procs: procs}
	for _, jj := range s.jobs {
		j.id = max(j.id, jj.id+1)
	}
	s.jobs = append(s.jobs, j)
	if s.interactive {
		fmt.Fprintf(s.p.Stderr(), "[%d] %d\n", j.id, procs[len(procs)-1].PID())
	}
	s.status = 0
}

// fork makes a copy of the shell's state for a subshell process.
func (s *Shell) fork(p *kernel.Process) *Shell {
	c := &Shell{p: p, k: s.k, vars: map[string]string{}, params: s.params, status: s.status}
	for k, v := range s.vars {
		c.vars[k] = v
	}
	return c
}

// reapJobs reports finished background jobs.
func (s *Shell) reapJobs(report bool) {
	kept := s.jobs[:0]
	for _, j := range s.jobs {
		last := j.procs[len(j.procs)-1]
		select {
		case <-last.Done():
			if report && s.interactive {
				fmt.Fprintf(s.p.Stderr(), "[%d]+ Done (%d)\t%s\n", j.id, last.Wait(), last.Name())
			}
		default:
			kept = append(kept, j)
		}
	}
	s.jobs = kept
}

// stopped reports whether the rest of a list must be skipped: the shell is
// exiting, a loop is being left (break, continue), or ^C interrupted a
// command.
func (s *Shell) stopped() bool {
	return s.exiting || s.breakN > 0 || s.continueN > 0 || s.interrupted
}

// runCompound runs an if, a loop or a group in the shell itself.
func (s *Shell) runCompound(c any) int {
	switch c := c.(type) {
	case *ifClause:
		for i, cond := range c.conds {
			s.runList(cond)
			if s.stopped() {
				return s.status
			}
			if s.status == 0 {
				s.runList(c.bodies[i])
				return s.status
			}
		}
		if c.els != nil {
			s.runList(c.els)
			return s.status
		}
		return 0
	case *loopClause:
		s.loops++
		defer func() { s.loops-- }()
		st := 0
		for {
			s.runList(c.cond)
			if s.stopped() {
				break
			}
			if (s.status == 0) == c.until {
				break
			}
			s.runList(c.body)
			st = s.status
			if s.loopControl() {
				break
			}
		}
		return st
	case *forClause:
		var words []string
		if c.hasIn {
			var ok bool
			if words, ok = s.expandArgs(c.words); !ok {
				return 1
			}
		} else if len(s.params) > 1 {
			words = s.params[1:]
		}
		s.loops++
		defer func() { s.loops-- }()
		st := 0
		for _, w := range words {
			s.setVar(c.name, w)
			s.runList(c.body)
			st = s.status
			if s.loopControl() {
				break
			}
		}
		return st
	case *groupClause:
		s.runList(c.body)
		return s.status
	}
	return 1
}

// loopControl settles break and continue at the end of a loop's pass and
// reports whether the loop must end.
func (s *Shell) loopControl() bool {
	switch {
	case s.exiting || s.interrupted:
		return true
	case s.breakN > 0:
		s.breakN--
		return true
	case s.continueN > 1:
		s.continueN-- // continue an outer loop: leave this one
		return true
	case s.continueN == 1:
		s.continueN = 0
	}
	return false
}

// runPipeline runs a pipeline in the foreground and returns its status.
func (s *Shell) runPipeline(pl *pipeline, _ bool) int {
	// A lone builtin or compound command runs in the shell itself, so cd,
	// export and variables set in loops take effect.
	if len(pl.cmds) == 1 && pl.cmds[0].compound != nil && len(pl.cmds[0].redirs) == 0 {
		return negate(pl.bang, s.runCompound(pl.cmds[0].compound))
	}
	var expanded []string // a lone command's arguments, expanded once
	if len(pl.cmds) == 1 && pl.cmds[0].compound == nil {
		c := pl.cmds[0]
		s.substStatus = -1
		argv, ok := s.expandArgs(c.args)
		if !ok {
			return 1
		}
		expanded = argv
		if len(argv) == 0 {
			st := s.assignOnly(c)
			return negate(pl.bang, st)
		}
		if b, isBuiltin := builtins[argv[0]]; isBuiltin {
			files, err := s.redirect(c.redirs, s.stdFiles())
			if err != nil {
				fmt.Fprintf(s.p.Stderr(), "sh: %v\n", err)
				return negate(pl.bang, 1)
			}
			io := stdio{files: files, p: s.p}
			st := b(s, argv, io)
			closeAll(files)
			return negate(pl.bang, st)
		}
	}
	s.failedLast = false
	procs := s.startPipeline(pl, false, expanded)
	if len(procs) == 0 {
		return negate(pl.bang, s.status)
	}
	failed, failedSt := s.failedLast, s.status
	if s.tty != nil && s.interactive {
		s.tty.SetForeground(procs[0].PGID())
	}
	st := 0
	for _, pr := range procs {
		st = pr.Wait()
	}
	if failed { // the last command could not start: its status is the pipeline's
		st = failedSt
	}
	if s.tty != nil && s.interactive {
		s.tty.SetForeground(s.p.PGID())
		if st == 128+int(kernel.SIGINT) {
			fmt.Fprintln(s.p.Stdout())
			s.interrupted = true // ^C ends the loops and lists around it too
		} else if st == 128+int(kernel.SIGKILL) {
			fmt.Fprintln(s.p.Stderr(), "Killed")
		}
	}
	return negate(pl.bang, st)
}

func negate(bang bool, st int) int {
	if !bang {
		return st
	}
	if st == 0 {
		return 1
	}
	return 0
}

// startPipeline spawns every command of pl, connected by pipes, and
// returns the processes (none when nothing could start; s.status says why).
// expanded, when not nil, holds the already-expanded arguments of a
// one-command pipeline, so substitutions are not run twice.
func (s *Shell) startPipeline(pl *pipeline, background bool, expanded []string) []*kernel.Process {
	var procs []*kernel.Process
	// Without job control (a script, sh -c) commands stay in the shell's
	// process group, so signalling the group reaches them all.
	pgid := 0
	if !s.interactive {
		pgid = s.p.PGID()
	}
	var prevRead *kernel.OpenFile
	fail := func(st int, format string, a ...any) []*kernel.Process {
		if format != "" {
			fmt.Fprintf(s.p.Stderr(), format, a...)
		}
		if prevRead != nil {
			prevRead.Close()
		}
		s.status = st
		return procs
	}
	for i, c := range pl.cmds {
		s.failedLast = i == len(pl.cmds)-1
		files := s.stdFiles()
		if background && i == 0 {
			files[0] = kernel.NewOpenFile(kernel.DevNull{})
		}
		if prevRead != nil {
			files[0] = prevRead
			prevRead = nil
		}
		var nextRead *kernel.OpenFile
		if i < len(pl.cmds)-1 {
			r, w, perr := s.p.Pipe()
			if perr != nil {
				closeAll(files)
				return fail(1, "sh: %v\n", perr)
			}
			files[1] = w
			nextRead = r
		}
		files, err := s.redirect(c.redirs, files)
		if err != nil {
			prevRead = nextRead
			return fail(1, "sh: %v\n", err)
		}
		if c.compound != nil {
			// A compound command in a pipeline, or redirected, runs in a
			// shell process of its own.
			comp := c.compound
			pr, err := s.k.Spawn(kernel.SpawnOptions{
				Args:  []string{"sh"},
				Main:  func(p *kernel.Process) int { c := s.fork(p); return c.runCompound(comp) },
				Files: files, TTY: s.tty, PGID: pgid, Parent: s.p,
			})
			closeAll(files)
			if err != nil {
				prevRead = nextRead
				return fail(126, "sh: %v\n", err)
			}
			if pgid == 0 {
				pgid = pr.PID()
			}
			procs = append(procs, pr)
			prevRead = nextRead
			continue
		}
		argv, ok := expanded, true
		if argv == nil {
			argv, ok = s.expandArgs(c.args)
		}
		env, ok2 := s.commandEnv(c)
		if !ok || !ok2 {
			closeAll(files)
			prevRead = nextRead
			return fail(1, "")
		}
		if len(argv) == 0 {
			closeAll(files)
			prevRead = nextRead
			continue
		}
		main, args, err := s.resolve(argv)
		if err != nil {
			closeAll(files)
			prevRead = nextRead
			st := 127
			if errors.Is(err, errNotExecutable) {
				st = 126
			}
			return fail(st, "sh: %v\n", err)
		}
		pr, err := s.k.Spawn(kernel.SpawnOptions{
			Args: args, Main: main, Files: files, TTY: s.tty, PGID: pgid, Parent: s.p, Env: env,
		})
		closeAll(files)
		if err != nil {
			prevRead = nextRead
			return fail(126, "sh: %v\n", err)
		}
		if pgid == 0 {
			pgid = pr.PID()
		}
		procs = append(procs, pr)
		prevRead = nextRead
	}
	if prevRead != nil {
		prevRead.Close()
	}
	s.failedLast = false
	return procs
}

var errNotExecutable = errors.New("cannot execute")

// resolve finds what argv[0] names: a builtin (run in a child process when
// part of a pipeline), a path to a guest program file, or a program.
func (s *Shell) resolve(argv []string) (kernel.Main, []string, error) {
	name := argv[0]
	if b, ok := builtins[name]; ok {
		return func(p *kernel.Process) int {
			c := s.fork(p)
			return b(c, argv, stdio{p: p})
		}, argv, nil
	}
	if strings.Contains(name, "/") {
		return s.resolveFile(name, argv)
	}
	if prog, ok := kernel.LookupProgram(name); ok {
		return prog.Main, argv, nil
	}
	for _, dir := range strings.Split(s.p.Getenv("PATH"), ":") {
		if dir == "" {
			continue
		}
		cand := s.p.Abs(dir + "/" + name)
		if fi, err := s.k.FS().Stat(cand); err == nil && !fi.IsDir() {
			return s.resolveFile(cand, argv)
		}
	}
	return nil, nil, fmt.Errorf("%s: command not found", name)
}

// resolveFile picks the runner for a guest program file, or runs a script
// that starts with #! as a shell script.
func (s *Shell) resolveFile(name string, argv []string) (kernel.Main, []string, error) {
	abs := s.p.Abs(name)
	head, err := readHead(s.k.FS(), abs)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %s", name, errText(err))
	}
	if r, ok := kernel.FindRunner(abs, head); ok {
		return s.k.RunnerMain(r), append([]string{r.Name, abs}, argv[1:]...), nil
	}
	if strings.HasPrefix(string(head), "#!") {
		return Main, append([]string{"sh", abs}, argv[1:]...), nil
	}
	return nil, nil, fmt.Errorf("%s: %w: no runner for this kind of file", name, errNotExecutable)
}

// readHead reads up to kernel.HeadSize bytes of a file.
func readHead(v *vfs.VFS, name string) ([]byte, error) {
	f, err := v.Open(name, vfs.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, vfs.EISDIR
	}
	buf := make([]byte, kernel.HeadSize)
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	return buf[:n], nil
}

// commandEnv is the environment of a command: the shell's, plus its own
// NAME=value prefixes.
func (s *Shell) commandEnv(c *command) (map[string]string, bool) {
	env := s.p.Environ()
	for _, a := range c.assigns {
		name, val, ok := s.expandAssign(a)
		if !ok {
			return nil, false
		}
		env[name] = val
	}
	return env, true
}

func (s *Shell) assignOnly(c *command) int {
	for _, a := range c.assigns {
		name, val, ok := s.expandAssign(a)
		if !ok {
			return 1
		}
		s.setVar(name, val)
	}
	// Redirections without a command still create or truncate files.
	files, err := s.redirect(c.redirs, s.stdFiles())
	if err != nil {
		fmt.Fprintf(s.p.Stderr(), "sh: %v\n", err)
		return 1
	}
	closeAll(files)
	// With no command name, the status is that of the last command
	// substitution, if any (POSIX 2.9.1).
	if s.substStatus >= 0 {
		return s.substStatus
	}
	return 0
}

// stdFiles returns new references to the shell's descriptors 0-2.
func (s *Shell) stdFiles() []*kernel.OpenFile {
	files := make([]*kernel.OpenFile, 3)
	for i := range files {
		if f := s.p.File(i); f != nil {
			files[i] = f.Ref()
		} else {
			files[i] = kernel.NewOpenFile(kernel.DevNull{})
		}
	}
	return files
}

func closeAll(files []*kernel.OpenFile) {
	for _, f := range files {
		if f != nil {
			f.Close()
		}
	}
}

// redirect applies redirections to files (which it owns); on error every
// reference is released.
func (s *Shell) redirect(rs []redir, files []*kernel.OpenFile) ([]*kernel.OpenFile, error) {
	set := func(fd int, f *kernel.OpenFile) {
		for len(files) <= fd {
			files = append(files, nil)
		}
		if files[fd] != nil {
			files[fd].Close()
		}
		files[fd] = f
	}
	for _, r := range rs {
		target, ok := s.expandOne(r.target)
		if !ok {
			closeAll(files)
			return nil, fmt.Errorf("ambiguous redirect")
		}
		switch r.op {
		case ">&", "<&":
			if target == "-" {
				set(r.fd, kernel.NewOpenFile(kernel.DevNull{}))
				continue
			}
			var src int
			if _, err := fmt.Sscanf(target, "%d", &src); err != nil || src < 0 || src >= len(files) || files[src] == nil {
				closeAll(files)
				return nil, fmt.Errorf("%s: bad file descriptor", target)
			}
			set(r.fd, files[src].Ref())
			continue
		}
		flag := vfs.O_WRONLY | vfs.O_CREATE | vfs.O_TRUNC
		switch r.op {
		case ">>", "&>>":
			flag = vfs.O_WRONLY | vfs.O_CREATE | vfs.O_APPEND
		case "<":
			flag = vfs.O_RDONLY
		}
		f, err := s.openFile(target, flag)
		if err != nil {
			closeAll(files)
			return nil, err
		}
		of := kernel.NewOpenFile(f)
		if r.op == "&>" || r.op == "&>>" {
			set(1, of)
			set(2, of.Ref())
			continue
		}
		set(r.fd, of)
	}
	return files, nil
}

func (s *Shell) openFile(name string, flag int) (kernel.File, error) {
	if name == "/dev/null" {
		return kernel.DevNull{}, nil
	}
	if name == "/dev/tty" && s.tty != nil {
		return s.tty.OpenFile().File(), nil
	}
	f, err := s.k.FS().Open(s.p.Abs(name), flag, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", name, errText(err))
	}
	return f, nil
}
