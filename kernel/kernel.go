package kernel

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"sync"
	"time"

	"github.com/nachoos/nacho/perf"
	"github.com/nachoos/nacho/vfs"
)

// Config is what a kernel is made from.
type Config struct {
	FS       *vfs.VFS          // the file namespace every process sees
	Hostname string            // shown in the prompt; "nacho" when empty
	Env      map[string]string // initial environment of the first processes
	Now      func() time.Time  // clock; time.Now when nil
	// MemLimit caps what all processes together may charge
	// (DefaultGlobalMemLimit when zero); ProcMemLimit caps one process
	// (DefaultProcMemLimit when zero).
	MemLimit     int64
	ProcMemLimit int64
	Sched        SchedConfig
	Sink         perf.Sink // where measurements go; discarded when nil
	// RunHeavy, when set, runs the runners marked Heavy somewhere else
	// (a worker) on behalf of the process p, and returns its status.
	RunHeavy func(p *Process, r Runner) int
	// Host is what the machine around the kernel offers programs.
	Host Host
}

// Host is what the machine around the kernel offers programs: the page
// can hand the user a file. Natively there is none.
type Host interface {
	// Download offers data to the user as a file called name.
	Download(name string, data []byte) error
}

// Kernel owns the process table.
type Kernel struct {
	fs       *vfs.VFS
	hostname string
	env      map[string]string
	now      func() time.Time
	bootTime time.Time

	sched        *Scheduler
	sink         perf.Sink
	runHeavy     func(p *Process, r Runner) int
	host         Host
	procMemLimit int64

	mu       sync.Mutex
	nextPID  int
	procs    map[int]*Process
	exitFns  []func(ExitEvent)
	memUsed  int64
	memLimit int64
	display  *Display
}

// ExitEvent describes a process that has ended.
type ExitEvent struct {
	PID    int
	Name   string
	Status int // exit code; 128+signal when a signal ended it
}

// New makes a kernel. It starts no process.
func New(cfg Config) *Kernel {
	k := &Kernel{
		fs:       cfg.FS,
		hostname: cfg.Hostname,
		env:      map[string]string{},
		now:      cfg.Now,
		nextPID:  1,
		procs:    map[int]*Process{},
	}
	if k.hostname == "" {
		k.hostname = "nacho"
	}
	if k.now == nil {
		k.now = time.Now
	}
	k.memLimit, k.procMemLimit = cfg.MemLimit, cfg.ProcMemLimit
	if k.memLimit <= 0 {
		k.memLimit = DefaultGlobalMemLimit
	}
	if k.procMemLimit <= 0 {
		k.procMemLimit = DefaultProcMemLimit
	}
	k.runHeavy = cfg.RunHeavy
	k.host = cfg.Host
	k.sink = cfg.Sink
	if k.sink == nil {
		k.sink = perf.Discard{}
	}
	sc := cfg.Sched
	if sc.Sink == nil {
		sc.Sink = k.sink
	}
	k.sched = NewScheduler(sc)
	k.bootTime = k.now()
	for key, v := range defaultEnv {
		k.env[key] = v
	}
	for key, v := range cfg.Env {
		k.env[key] = v
	}
	return k
}

var defaultEnv = map[string]string{
	"PATH": "/bin",
	"HOME": "/home",
	"TERM": "xterm-256color",
	"USER": "user",
}

// RunnerMain is how this kernel runs r: in a worker of its own when r is
// heavy and the kernel has workers, else in the process.
func (k *Kernel) RunnerMain(r Runner) Main {
	if r.Heavy && k.runHeavy != nil {
		return func(p *Process) int { return k.runHeavy(p, r) }
	}
	return r.Main
}

// Env returns a copy of the environment new processes start with.
func (k *Kernel) Env() map[string]string { return maps.Clone(k.env) }

// Host is what the machine around the kernel offers, or nil.
func (k *Kernel) Host() Host { return k.host }

// Sched is the scheduler of guest processes.
func (k *Kernel) Sched() *Scheduler { return k.sched }

// Sink is where the kernel publishes measurements.
func (k *Kernel) Sink() perf.Sink { return k.sink }

// FS is the file namespace.
func (k *Kernel) FS() *vfs.VFS { return k.fs }

// Hostname is the machine's name.
func (k *Kernel) Hostname() string { return k.hostname }

// Now is the kernel's clock.
func (k *Kernel) Now() time.Time { return k.now() }

// Uptime is the time since New.
func (k *Kernel) Uptime() time.Duration { return k.now().Sub(k.bootTime) }

// OnExit registers fn to be called (in its own goroutine's context, after the
// process has been reaped from the running set) whenever a process ends.
func (k *Kernel) OnExit(fn func(ExitEvent)) {
	k.mu.Lock()
	k.exitFns = append(k.exitFns, fn)
	k.mu.Unlock()
}

// Process returns the live or not-yet-reaped process with the pid.
func (k *Kernel) Process(pid int) (*Process, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	p, ok := k.procs[pid]
	return p, ok
}

// ProcInfo is a snapshot of one process for ps and top.
type ProcInfo struct {
	PID, PPID, PGID int
	Name            string
	Args            []string
	State           State
	Start           time.Time
	CPU             time.Duration // guest CPU time (scheduled slices) plus what Go programs account
	Status          int
	Memory          int64   // bytes charged
	Insns           uint64  // guest instructions retired
	IPS             float64 // guest instructions per second over the last second
	// HostMemory is what the process's own worker holds (its WebAssembly
	// memory), for processes that run in one; 0 otherwise.
	HostMemory int64
}

// Processes returns a snapshot of the process table, sorted by pid.
func (k *Kernel) Processes() []ProcInfo {
	k.mu.Lock()
	ps := make([]*Process, 0, len(k.procs))
	for _, p := range k.procs {
		ps = append(ps, p)
	}
	k.mu.Unlock()
	out := make([]ProcInfo, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Info())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PID < out[j].PID })
	return out
}

// Kill sends sig to the process pid (or, when pid is negative, to every
// process of the group -pid).
func (k *Kernel) Kill(pid int, sig Signal) error {
	if pid < 0 {
		n := 0
		k.mu.Lock()
		var group []*Process
		for _, p := range k.procs {
			if p.pgid == -pid {
				group = append(group, p)
			}
		}
		k.mu.Unlock()
		for _, p := range group {
			if p.Signal(sig) {
				n++
			}
		}
		if n == 0 {
			return fmt.Errorf("(%d) - %w", pid, ErrNoSuchProcess)
		}
		return nil
	}
	p, ok := k.Process(pid)
	if !ok || !p.Signal(sig) {
		return fmt.Errorf("(%d) - %w", pid, ErrNoSuchProcess)
	}
	return nil
}

// Shutdown kills every process and waits (up to ctx) for them to end.
func (k *Kernel) Shutdown(ctx context.Context) error {
	k.mu.Lock()
	ps := make([]*Process, 0, len(k.procs))
	for _, p := range k.procs {
		ps = append(ps, p)
	}
	k.mu.Unlock()
	for _, p := range ps {
		p.Signal(SIGKILL)
	}
	for _, p := range ps {
		select {
		case <-p.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
