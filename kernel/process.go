package kernel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nachoos/nacho/perf"
)

// Main is a program's entry point. It runs in the process's own goroutine
// and returns the exit code. It must return soon after p.Context() is done.
type Main func(p *Process) int

// State is where a process is in its life.
type State int

const (
	Running State = iota
	Sleeping
	Exited
)

func (s State) String() string {
	switch s {
	case Running:
		return "R"
	case Sleeping:
		return "S"
	case Exited:
		return "Z"
	}
	return "?"
}

// SpawnOptions describe a new process.
type SpawnOptions struct {
	Args []string // Args[0] is the program name shown by ps
	Main Main     // nil: the registered program named Args[0]
	Cwd  string   // absolute; the parent's (or "/") when empty
	Env  map[string]string
	// Files become descriptors 0, 1, 2, ...; a nil entry is /dev/null. Spawn
	// takes a reference of its own on each.
	Files []*OpenFile
	TTY   *TTY // controlling terminal, or nil
	// PGID is the process group to join; 0 starts a new group led by the
	// new process.
	PGID   int
	Parent *Process
}

// Process is one running program.
type Process struct {
	k      *Kernel
	pid    int
	ppid   int
	pgid   int
	args   []string
	tty    *TTY
	start  time.Time
	ctx    context.Context
	cancel context.CancelCauseFunc
	done   chan struct{}

	mu       sync.Mutex
	cwd      string
	env      map[string]string
	fds      []*OpenFile
	state    State
	status   int
	cpu      time.Duration
	sigNotes map[Signal]chan Signal
	ignored  map[Signal]bool
	killedBy Signal
	mem      int64
	memLimit int64
	task     *Task
	remote   struct {
		insns uint64
		cpu   time.Duration
		ips   float64
		host  int64
	}
}

// Spawn starts a process.
func (k *Kernel) Spawn(opts SpawnOptions) (*Process, error) {
	if len(opts.Args) == 0 {
		return nil, errors.New("spawn: no program name")
	}
	main := opts.Main
	if main == nil {
		prog, ok := LookupProgram(opts.Args[0])
		if !ok {
			return nil, fmt.Errorf("%s: command not found", opts.Args[0])
		}
		main = prog.Main
	}
	cwd := opts.Cwd
	env := opts.Env
	if opts.Parent != nil {
		if cwd == "" {
			cwd = opts.Parent.Cwd()
		}
		if env == nil {
			env = opts.Parent.Environ()
		}
	}
	if cwd == "" {
		cwd = "/"
	}
	if env == nil {
		env = k.env
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	p := &Process{
		k:      k,
		args:   slices.Clone(opts.Args),
		tty:    opts.TTY,
		start:  k.now(),
		ctx:    ctx,
		cancel: cancel,
		done:   make(chan struct{}),
		cwd:    path.Clean(cwd),
		env:    maps.Clone(env),
		state:  Running,
	}
	p.memLimit = k.procMemLimit
	for _, f := range opts.Files {
		if f == nil {
			f = NewOpenFile(DevNull{})
		} else {
			f.Ref()
		}
		p.fds = append(p.fds, f)
	}
	if opts.Parent != nil {
		p.ppid = opts.Parent.pid
	}
	k.mu.Lock()
	p.pid = k.nextPID
	k.nextPID++
	p.pgid = opts.PGID
	if p.pgid == 0 {
		p.pgid = p.pid
	}
	k.procs[p.pid] = p
	k.mu.Unlock()

	go p.run(main)
	return p, nil
}

func (p *Process) run(main Main) {
	code := func() (code int) {
		defer func() {
			if r := recover(); r != nil {
				fmt.Fprintf(p.Stderr(), "%s: crashed: %v\n", p.Name(), r)
				code = 134
			}
		}()
		return main(p)
	}()
	p.mu.Lock()
	if p.killedBy != 0 {
		code = 128 + int(p.killedBy)
	}
	p.state = Exited
	p.status = code
	fds := p.fds
	p.fds = nil
	p.mu.Unlock()
	for _, f := range fds {
		f.Close()
	}
	p.cancel(errExited)
	p.releaseMemory()
	k := p.k
	k.mu.Lock()
	delete(k.procs, p.pid)
	fns := slices.Clone(k.exitFns)
	k.mu.Unlock()
	close(p.done)
	ev := ExitEvent{PID: p.pid, Name: p.Name(), Status: code}
	for _, fn := range fns {
		fn(ev)
	}
}

var errExited = errors.New("process exited")

// PID is the process id.
func (p *Process) PID() int { return p.pid }

// PGID is the process group id.
func (p *Process) PGID() int { return p.pgid }

// Kernel is the kernel the process runs on.
func (p *Process) Kernel() *Kernel { return p.k }

// Args are the process's arguments; Args()[0] is its name.
func (p *Process) Args() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.args
}

// Name is the program name (base name of Args[0]).
func (p *Process) Name() string { return path.Base(p.Args()[0]) }

// TTY is the controlling terminal, or nil.
func (p *Process) TTY() *TTY { return p.tty }

// Context is done when the process must stop (a signal ended it).
func (p *Process) Context() context.Context { return p.ctx }

// Done is closed once the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Wait blocks until the process exits and returns its status.
func (p *Process) Wait() int {
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status
}

// Cwd is the working directory.
func (p *Process) Cwd() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cwd
}

// Chdir changes the working directory to dir (relative to the current one),
// which must be a directory.
func (p *Process) Chdir(dir string) error {
	abs := p.Abs(dir)
	fi, err := p.k.fs.Stat(abs)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s: not a directory", dir)
	}
	p.mu.Lock()
	p.cwd = abs
	p.mu.Unlock()
	return nil
}

// Abs makes name absolute against the working directory.
func (p *Process) Abs(name string) string {
	if strings.HasPrefix(name, "/") {
		return path.Clean(name)
	}
	return path.Join(p.Cwd(), name)
}

// Getenv returns an environment variable.
func (p *Process) Getenv(key string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.env[key]
}

// Setenv sets (or, with an empty value and unset, removes) a variable.
func (p *Process) Setenv(key, value string) {
	p.mu.Lock()
	p.env[key] = value
	p.mu.Unlock()
}

// Unsetenv removes a variable.
func (p *Process) Unsetenv(key string) {
	p.mu.Lock()
	delete(p.env, key)
	p.mu.Unlock()
}

// Environ returns a copy of the environment.
func (p *Process) Environ() map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.env)
}

// EnvList is the environment as sorted KEY=value strings.
func (p *Process) EnvList() []string {
	env := p.Environ()
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// File returns descriptor fd, or nil when it is not open.
func (p *Process) File(fd int) *OpenFile {
	p.mu.Lock()
	defer p.mu.Unlock()
	if fd < 0 || fd >= len(p.fds) {
		return nil
	}
	return p.fds[fd]
}

// Stdin reads descriptor 0; a read blocks until data comes or the process
// is signalled.
func (p *Process) Stdin() io.Reader { return fdReader{p, 0} }

// Stdout writes descriptor 1.
func (p *Process) Stdout() io.Writer { return fdWriter{p, 1} }

// Stderr writes descriptor 2.
func (p *Process) Stderr() io.Writer { return fdWriter{p, 2} }

type fdReader struct {
	p  *Process
	fd int
}

func (r fdReader) Read(b []byte) (int, error) {
	f := r.p.File(r.fd)
	if f == nil {
		return 0, io.EOF
	}
	r.p.setState(Sleeping)
	defer r.p.setState(Running)
	return f.ReadContext(r.p.ctx, b)
}

type fdWriter struct {
	p  *Process
	fd int
}

func (w fdWriter) Write(b []byte) (int, error) {
	f := w.p.File(w.fd)
	if f == nil {
		return len(b), nil
	}
	return f.WriteContext(w.p.ctx, b)
}

func (p *Process) setState(s State) {
	p.mu.Lock()
	if p.state != Exited {
		p.state = s
	}
	p.mu.Unlock()
}

// AddCPU accounts d of CPU time to the process.
func (p *Process) AddCPU(d time.Duration) {
	p.mu.Lock()
	p.cpu += d
	p.mu.Unlock()
}

// Info is a snapshot for ps and top.
func (p *Process) Info() ProcInfo {
	p.mu.Lock()
	info := ProcInfo{
		PID: p.pid, PPID: p.ppid, PGID: p.pgid, Name: path.Base(p.args[0]), Args: p.args,
		State: p.state, Start: p.start, CPU: p.cpu, Status: p.status, Memory: p.mem,
	}
	task := p.task
	info.Insns, info.IPS, info.HostMemory = p.remote.insns, p.remote.ips, p.remote.host
	info.CPU += p.remote.cpu
	p.mu.Unlock()
	if task != nil {
		insns, cpu, ips := task.Stats()
		info.Insns, info.IPS = insns, ips
		info.CPU += cpu
	}
	return info
}

// SetRemoteStats records what a process running elsewhere (a worker)
// reports of itself, for ps and top: instructions, CPU time, speed, and the
// memory its worker holds (hostMem).
func (p *Process) SetRemoteStats(insns uint64, cpu time.Duration, ips float64, hostMem int64) {
	p.mu.Lock()
	p.remote.insns, p.remote.cpu, p.remote.ips, p.remote.host = insns, cpu, ips, hostMem
	p.mu.Unlock()
	now := p.k.now()
	p.k.sink.Publish(perf.Sample{Name: perf.GuestIPS, PID: p.pid, Value: ips, At: now})
}

// Task is the process's account with the scheduler, made on first use by
// a guest's run loop.
func (p *Process) Task() *Task {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.task == nil {
		p.task = p.k.sched.Add(p.pid)
	}
	return p.task
}

// Notify routes the signals to c instead of their default action. SIGKILL
// cannot be caught. The channel should be buffered; a delivery that would
// block is dropped, as a pending signal of the same number already is.
func (p *Process) Notify(c chan Signal, sigs ...Signal) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sigNotes == nil {
		p.sigNotes = map[Signal]chan Signal{}
	}
	for _, s := range sigs {
		if s != SIGKILL {
			p.sigNotes[s] = c
		}
	}
}

// Ignore makes the process ignore the signals (SIGKILL excepted).
func (p *Process) Ignore(sigs ...Signal) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ignored == nil {
		p.ignored = map[Signal]bool{}
	}
	for _, s := range sigs {
		if s != SIGKILL {
			p.ignored[s] = true
		}
	}
}

// Signal delivers sig. It reports false when the process has already
// exited.
func (p *Process) Signal(sig Signal) bool {
	p.mu.Lock()
	if p.state == Exited {
		p.mu.Unlock()
		return false
	}
	if sig != SIGKILL {
		if p.ignored[sig] {
			p.mu.Unlock()
			return true
		}
		if c, ok := p.sigNotes[sig]; ok {
			p.mu.Unlock()
			select {
			case c <- sig:
			default:
			}
			return true
		}
	}
	if !sig.terminates() {
		p.mu.Unlock()
		return true
	}
	if p.killedBy == 0 {
		p.killedBy = sig
	}
	p.mu.Unlock()
	p.cancel(fmt.Errorf("killed by %v", sig))
	return true
}

// Exec replaces the process's program: its arguments become args (what ps
// shows) and main runs in the same process, keeping its descriptors.
func (p *Process) Exec(args []string, main Main) int {
	p.mu.Lock()
	p.args = slices.Clone(args)
	p.mu.Unlock()
	return main(p)
}
