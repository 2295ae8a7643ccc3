package kernel

import (
	"errors"
	"fmt"

	"github.com/nachoos/nacho/perf"
)

// ErrNoMemory is returned when a charge would pass a memory limit.
var ErrNoMemory = errors.New("out of memory")

// Default memory limits: a guest's memory and the kernel buffers held for
// it count against both.
const (
	DefaultProcMemLimit   = 512 << 20
	DefaultGlobalMemLimit = 2 << 30
)

// MemError says which limit a charge hit.
type MemError struct {
	PID    int
	Asked  int64
	Limit  int64
	Global bool
}

func (e *MemError) Error() string {
	scope := "process"
	if e.Global {
		scope = "system"
	}
	return fmt.Sprintf("out of memory: %s limit of %s reached (pid %d asked for %s more)",
		scope, mib(e.Limit), e.PID, mib(e.Asked))
}

func (e *MemError) Unwrap() error { return ErrNoMemory }

func mib(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 {
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Charge counts n more bytes against the process and the system. It fails
// with a *MemError, charging nothing, when either limit would be passed.
func (p *Process) Charge(n int64) error {
	if n <= 0 {
		return nil
	}
	k := p.k
	k.mu.Lock()
	if k.memUsed+n > k.memLimit {
		k.mu.Unlock()
		return &MemError{PID: p.pid, Asked: n, Limit: k.memLimit, Global: true}
	}
	p.mu.Lock()
	if p.mem+n > p.memLimit {
		p.mu.Unlock()
		k.mu.Unlock()
		return &MemError{PID: p.pid, Asked: n, Limit: p.memLimit}
	}
	p.mem += n
	mem := p.mem
	p.mu.Unlock()
	k.memUsed += n
	k.mu.Unlock()
	k.sink.Publish(perf.Sample{Name: perf.ProcMemory, PID: p.pid, Value: float64(mem), At: k.now()})
	return nil
}

// Uncharge gives back n bytes charged earlier.
func (p *Process) Uncharge(n int64) {
	if n <= 0 {
		return
	}
	k := p.k
	k.mu.Lock()
	p.mu.Lock()
	n = min(n, p.mem)
	p.mem -= n
	mem := p.mem
	p.mu.Unlock()
	k.memUsed -= n
	k.mu.Unlock()
	k.sink.Publish(perf.Sample{Name: perf.ProcMemory, PID: p.pid, Value: float64(mem), At: k.now()})
}

// Memory is what the process has charged.
func (p *Process) Memory() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mem
}

// SetMemLimit changes the process's own limit.
func (p *Process) SetMemLimit(n int64) {
	p.mu.Lock()
	p.memLimit = n
	p.mu.Unlock()
}

// MemoryUsed is what all processes have charged, and the system limit.
func (k *Kernel) MemoryUsed() (used, limit int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.memUsed, k.memLimit
}

// releaseMemory returns whatever an exiting process still holds.
func (p *Process) releaseMemory() {
	p.mu.Lock()
	n := p.mem
	p.mu.Unlock()
	p.Uncharge(n)
}

// Pipe makes a pipe whose buffer is charged to the process until both
// ends are closed.
func (p *Process) Pipe() (r, w *OpenFile, err error) {
	if err := p.Charge(PipeSize); err != nil {
		return nil, nil, err
	}
	r, w = newPipe(func() { p.Uncharge(PipeSize) })
	return r, w, nil
}
