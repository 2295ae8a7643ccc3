package kernel

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/nachoos/nacho/perf"
)

// SchedConfig tunes the scheduler of guest processes.
type SchedConfig struct {
	Clock perf.Clock // wall clock when nil
	// Slots is how many guests may execute at the same moment: 1 where
	// the kernel has one thread (the page, without workers), the number of
	// host cores natively.
	Slots int
	// Slice is the target length of one time slice (5 ms when zero). A
	// guest's budget of instructions is sized from its measured speed so
	// that a slice lasts about this long.
	Slice time.Duration
	// FocusWeight multiplies the slices of the process that owns the
	// focused window (4 when zero).
	FocusWeight int
	// HostYield, when set, is called once guests have held the CPU for
	// YieldEvery: it returns after the host has had its turn (in the page,
	// after the event loop has run, so messages and input get through
	// while guests are busy).
	HostYield  func()
	YieldEvery time.Duration
	Sink       perf.Sink
}

// Scheduler shares the CPU among guest processes. Guests run in time
// slices measured in guest instructions: a guest asks for a slice with
// Task.Begin, executes at most the budget it is given, and reports what it
// executed with Task.End. A guest that waits for an event (HLT, a keyboard
// poll) does not ask for slices, so it costs nothing.
//
// Go programs (the shell, utilities) are not scheduled here: they block on
// I/O and the Go runtime runs them between slices.
type Scheduler struct {
	cfg SchedConfig

	mu        sync.Mutex
	free      int     // free slots
	queue     []*Task // waiting for a slot, in arrival order
	focus     int     // pid with the focused window
	busySince time.Time
	busy      time.Duration // guest time since the last host yield
	yielding  bool
}

// Task is one guest's account with the scheduler.
type Task struct {
	s     *Scheduler
	pid   int
	grant chan struct{}

	// guarded by s.mu
	ips     float64 // measured guest instructions per second
	running bool
	start   time.Time
	removed bool

	// statistics, guarded by s.mu
	insns   uint64
	cpu     time.Duration
	winIns  uint64
	winCPU  time.Duration
	winFrom time.Time
	lastIPS float64
}

const (
	defaultSlice  = 5 * time.Millisecond
	initialIPS    = 20e6 // until measured
	minBudget     = 1000
	ipsWindow     = time.Second
	defaultWeight = 4
)

// NewScheduler makes a scheduler.
func NewScheduler(cfg SchedConfig) *Scheduler {
	if cfg.Clock == nil {
		cfg.Clock = perf.RealClock{}
	}
	if cfg.Slots <= 0 {
		cfg.Slots = 1
	}
	if cfg.Slice <= 0 {
		cfg.Slice = defaultSlice
	}
	if cfg.FocusWeight <= 0 {
		cfg.FocusWeight = defaultWeight
	}
	if cfg.Sink == nil {
		cfg.Sink = perf.Discard{}
	}
	return &Scheduler{cfg: cfg, free: cfg.Slots}
}

// Add registers a guest process.
func (s *Scheduler) Add(pid int) *Task {
	return &Task{s: s, pid: pid, grant: make(chan struct{}, 1), ips: initialIPS, winFrom: s.cfg.Clock.Now()}
}

// SetFocus gives the process pid the focused window's priority.
func (s *Scheduler) SetFocus(pid int) {
	s.mu.Lock()
	s.focus = pid
	s.mu.Unlock()
}

// Focus is the pid with priority, or 0.
func (s *Scheduler) Focus() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.focus
}

// Begin waits for this guest's turn and returns how many instructions it
// may execute. It returns ctx's error if ctx ends first.
func (t *Task) Begin(ctx context.Context) (int64, error) {
	s := t.s
	s.mu.Lock()
	if t.running {
		s.mu.Unlock()
		panic("kernel: Task.Begin while running")
	}
	if s.free > 0 && len(s.queue) == 0 && !s.yielding {
		s.free--
		t.startLocked()
		b := t.budgetLocked()
		s.mu.Unlock()
		return b, nil
	}
	s.queue = append(s.queue, t)
	s.mu.Unlock()
	select {
	case <-t.grant:
		s.mu.Lock()
		b := t.budgetLocked()
		s.mu.Unlock()
		return b, nil
	case <-ctx.Done():
		s.mu.Lock()
		for i, q := range s.queue {
			if q == t {
				s.queue = append(s.queue[:i], s.queue[i+1:]...)
				s.mu.Unlock()
				return 0, ctx.Err()
			}
		}
		// Granted while we were giving up: hand the slot on.
		s.mu.Unlock()
		<-t.grant
		t.End(0)
		return 0, ctx.Err()
	}
}

func (t *Task) startLocked() {
	t.running = true
	t.start = t.s.cfg.Clock.Now()
	if t.s.busySince.IsZero() {
		t.s.busySince = t.start
	}
}

func (t *Task) budgetLocked() int64 {
	slice := t.s.cfg.Slice
	if t.pid == t.s.focus {
		slice *= time.Duration(t.s.cfg.FocusWeight)
	}
	b := int64(t.ips * slice.Seconds())
	if b < minBudget {
		b = minBudget
	}
	return b
}

// End reports that the slice is over and executed instructions ran. It
// gives the slot to the next guest in line.
func (t *Task) End(executed uint64) {
	s := t.s
	now := s.cfg.Clock.Now()
	s.mu.Lock()
	if !t.running {
		s.mu.Unlock()
		panic("kernel: Task.End without Begin")
	}
	t.running = false
	d := now.Sub(t.start)
	t.insns += executed
	t.cpu += d
	t.winIns += executed
	t.winCPU += d
	if d > 0 && executed > 0 {
		measured := float64(executed) / d.Seconds()
		// Smooth, but follow big changes (a guest leaving a tight loop).
		t.ips = 0.5*t.ips + 0.5*measured
	}
	var publish []perf.Sample
	if w := now.Sub(t.winFrom); w >= ipsWindow {
		t.lastIPS = float64(t.winIns) / w.Seconds()
		publish = append(publish,
			perf.Sample{Name: perf.GuestIPS, PID: t.pid, Value: t.lastIPS, At: now},
			perf.Sample{Name: perf.ProcCPU, PID: t.pid, Value: t.winCPU.Seconds() / w.Seconds(), At: now},
			perf.Sample{Name: perf.GuestInsns, PID: t.pid, Value: float64(t.insns), At: now})
		t.winIns, t.winCPU, t.winFrom = 0, 0, now
	}
	s.busy += d
	yield := s.cfg.HostYield != nil && s.cfg.YieldEvery > 0 && s.busy >= s.cfg.YieldEvery && !s.yielding
	if yield {
		s.yielding = true
		s.busy = 0
	}
	if !yield {
		s.handOnLocked()
	} else {
		s.free++
	}
	s.mu.Unlock()
	for _, p := range publish {
		s.cfg.Sink.Publish(p)
	}
	if !yield {
		// Between slices, let the Go scheduler run whatever else is
		// ready (timers, the goroutine that would cancel this guest):
		// where there is one thread and no host yield, a busy guest
		// would otherwise never let them run.
		runtime.Gosched()
	}
	if yield {
		s.cfg.HostYield()
		s.mu.Lock()
		s.yielding = false
		s.free--
		s.handOnLocked()
		s.mu.Unlock()
	}
}

// handOnLocked gives the slot being released to the next waiting guest,
// or frees it.
func (s *Scheduler) handOnLocked() {
	if len(s.queue) == 0 {
		s.free++
		return
	}
	next := s.queue[0]
	s.queue = s.queue[1:]
	next.startLocked()
	next.grant <- struct{}{}
}

// Stats returns the guest's totals and its speed over the last second.
func (t *Task) Stats() (insns uint64, cpu time.Duration, ips float64) {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	return t.insns, t.cpu, t.lastIPS
}
