// Package perf is Nacho's performance plumbing: the clock that time-based
// code is given (so tests use a fake one), and the sink that metrics are
// published to (frame times, guest instructions per second, memory, JIT
// activity). The performance controller reads the sink and adjusts the
// scheduler and the JIT; tests read it to check what was measured.
//
// This package must not import syscall/js or any other Nacho package.
package perf

import (
	"sync"
	"time"
)

// Clock is the time source of schedulers and controllers.
type Clock interface {
	Now() time.Time
	// After is like time.After.
	After(d time.Duration) <-chan time.Time
}

// RealClock is the wall clock.
type RealClock struct{}

func (RealClock) Now() time.Time                         { return time.Now() }
func (RealClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// FakeClock is a clock that moves only when told to. Timers fire when
// Advance passes their deadline.
type FakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
}

type fakeTimer struct {
	at time.Time
	c  chan time.Time
}

// NewFakeClock returns a fake clock reading start.
func NewFakeClock(start time.Time) *FakeClock { return &FakeClock{now: start} }

func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *FakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.timers = append(c.timers, fakeTimer{at: c.now.Add(d), c: ch})
	return ch
}

// Advance moves the clock forward by d, firing the timers that fall due.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	kept := c.timers[:0]
	var due []fakeTimer
	for _, t := range c.timers {
		if !t.at.After(now) {
			due = append(due, t)
		} else {
			kept = append(kept, t)
		}
	}
	c.timers = kept
	c.mu.Unlock()
	for _, t := range due {
		t.c <- now
	}
}

// Metric names published by the kernel and the page.
const (
	FrameTime   = "frame.time"      // seconds to draw one frame (page)
	GuestIPS    = "guest.ips"       // guest instructions per second, per process
	GuestInsns  = "guest.insns"     // guest instructions retired, cumulative, per process
	ProcMemory  = "proc.memory"     // bytes charged to a process
	ProcCPU     = "proc.cpu"        // share of one host core, 0..1, per process
	JITCompiles = "jit.compiles"    // regions compiled, cumulative
	JITQueue    = "jit.queue"       // regions waiting to be compiled
	SchedSlice  = "sched.slice"     // seconds of the last time slice
	SchedYield  = "sched.host_wait" // seconds the scheduler gave back to the host per second
)

// Sample is one measurement.
type Sample struct {
	Name  string
	PID   int // 0 when not about one process
	Value float64
	At    time.Time
}

// Sink receives measurements. Publish must be cheap and must not block.
type Sink interface {
	Publish(s Sample)
}

// Discard is a Sink that keeps nothing.
type Discard struct{}

func (Discard) Publish(Sample) {}

// Latest is a Sink that keeps the most recent value of each (name, pid),
// for `top` and for tests.
type Latest struct {
	mu   sync.Mutex
	last map[key]Sample
}

type key struct {
	name string
	pid  int
}

func (l *Latest) Publish(s Sample) {
	l.mu.Lock()
	if l.last == nil {
		l.last = map[key]Sample{}
	}
	l.last[key{s.Name, s.PID}] = s
	l.mu.Unlock()
}

// Get returns the latest sample of name for pid.
func (l *Latest) Get(name string, pid int) (Sample, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.last[key{name, pid}]
	return s, ok
}

// Forget drops every sample about pid (when it exits).
func (l *Latest) Forget(pid int) {
	l.mu.Lock()
	for k := range l.last {
		if k.pid == pid {
			delete(l.last, k)
		}
	}
	l.mu.Unlock()
}

// Tee publishes to several sinks.
type Tee []Sink

func (t Tee) Publish(s Sample) {
	for _, k := range t {
		k.Publish(s)
	}
}
