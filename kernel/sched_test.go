package kernel

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nachoos/nacho/perf"
)

// guest simulates a CPU-bound guest that executes ips instructions per
// second of the fake clock: every slice it advances the clock by the time
// its budget takes. The clock is shared, so with one slot the guests'
// slices add up as they would on one core.
type guest struct {
	t     *Task
	ips   float64
	insns uint64
}

func (g *guest) slice(ctx context.Context, clk *perf.FakeClock, mu *sync.Mutex) error {
	b, err := g.t.Begin(ctx)
	if err != nil {
		return err
	}
	mu.Lock()
	clk.Advance(time.Duration(float64(b) / g.ips * float64(time.Second)))
	mu.Unlock()
	g.insns += uint64(b)
	g.t.End(uint64(b))
	return nil
}

func runGuests(t *testing.T, s *Scheduler, clk *perf.FakeClock, gs []*guest, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	// Hold the CPU until every guest is waiting in line, so that the
	// run starts fair rather than with whichever goroutine came first.
	holder := s.Add(-1)
	holder.Begin(ctx)
	start := clk.Now()
	for _, g := range gs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				over := clk.Now().Sub(start) >= d
				mu.Unlock()
				if over {
					cancel()
					return
				}
				if g.slice(ctx, clk, &mu) != nil {
					return
				}
			}
		}()
	}
	for {
		s.mu.Lock()
		n := len(s.queue)
		s.mu.Unlock()
		if n >= min(len(gs), len(gs)-s.cfg.Slots+1) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	holder.End(0)
	wg.Wait()
}

func TestSchedulerSharesOneSlotFairly(t *testing.T) {
	clk := perf.NewFakeClock(time.Unix(0, 0))
	s := NewScheduler(SchedConfig{Clock: clk, Slots: 1})
	gs := []*guest{{t: s.Add(1), ips: 50e6}, {t: s.Add(2), ips: 50e6}, {t: s.Add(3), ips: 10e6}}
	runGuests(t, s, clk, gs, 3*time.Second)
	// Each guest should get about a third of the (fake) CPU time.
	for _, g := range gs {
		_, cpu, _ := g.t.Stats()
		share := cpu.Seconds() / 3
		if share < 0.25 || share > 0.42 {
			t.Errorf("pid %d got %.0f%% of the CPU, want about a third", g.t.pid, share*100)
		}
	}
	// Budgets follow measured speed: the slow guest executes fewer
	// instructions in its share, not a longer time.
	if gs[2].insns*3 > gs[0].insns {
		t.Errorf("slow guest executed %d instructions vs %d for a fast one", gs[2].insns, gs[0].insns)
	}
}

func TestSchedulerFocusedProcessGetsPriority(t *testing.T) {
	clk := perf.NewFakeClock(time.Unix(0, 0))
	s := NewScheduler(SchedConfig{Clock: clk, Slots: 1, FocusWeight: 4})
	a, b := &guest{t: s.Add(1), ips: 40e6}, &guest{t: s.Add(2), ips: 40e6}
	s.SetFocus(2)
	runGuests(t, s, clk, []*guest{a, b}, 2*time.Second)
	_, ca, _ := a.t.Stats()
	_, cb, _ := b.t.Stats()
	ratio := cb.Seconds() / ca.Seconds()
	if ratio < 3 || ratio > 5 {
		t.Errorf("focused guest got %.1fx the CPU of the other, want about 4x", ratio)
	}
	// ...but the other one is not starved.
	if ca < 200*time.Millisecond {
		t.Errorf("unfocused guest got only %v of 2 s", ca)
	}
}

// A busy guest cannot keep the host from its turn: with HostYield set, the
// host runs at least once per YieldEvery of guest time.
func TestSchedulerYieldsToHost(t *testing.T) {
	clk := perf.NewFakeClock(time.Unix(0, 0))
	yields := 0
	s := NewScheduler(SchedConfig{Clock: clk, Slots: 1, HostYield: func() { yields++ }, YieldEvery: 20 * time.Millisecond})
	g := &guest{t: s.Add(1), ips: 100e6}
	runGuests(t, s, clk, []*guest{g}, time.Second)
	if yields < 45 || yields > 55 {
		t.Errorf("%d host yields in 1 s of guest time, want about 50", yields)
	}
}

func TestSchedulerParallelSlots(t *testing.T) {
	clk := perf.NewFakeClock(time.Unix(0, 0))
	s := NewScheduler(SchedConfig{Clock: clk, Slots: 2})
	ctx := context.Background()
	// Two guests get slots at once; a third waits.
	a, b, c := s.Add(1), s.Add(2), s.Add(3)
	if _, err := a.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	got := make(chan struct{})
	go func() { c.Begin(ctx); close(got) }()
	select {
	case <-got:
		t.Fatal("third guest ran while both slots were taken")
	case <-time.After(20 * time.Millisecond):
	}
	a.End(1000)
	select {
	case <-got:
	case <-time.After(2 * time.Second):
		t.Fatal("third guest never got the freed slot")
	}
	b.End(1000)
	c.End(1000)
}

func TestSchedulerBeginCancelled(t *testing.T) {
	s := NewScheduler(SchedConfig{Slots: 1})
	a, b := s.Add(1), s.Add(2)
	a.Begin(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { _, err := b.Begin(ctx); errc <- err }()
	time.Sleep(10 * time.Millisecond)
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("cancelled Begin returned no error")
	}
	a.End(10)
	// The slot is free again: a third guest gets it at once.
	c := s.Add(3)
	done := make(chan struct{})
	go func() { c.Begin(context.Background()); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("slot leaked by a cancelled waiter")
	}
}

func TestSchedulerPublishesSpeed(t *testing.T) {
	clk := perf.NewFakeClock(time.Unix(0, 0))
	var sink perf.Latest
	s := NewScheduler(SchedConfig{Clock: clk, Slots: 1, Sink: &sink})
	g := &guest{t: s.Add(7), ips: 30e6}
	runGuests(t, s, clk, []*guest{g}, 1500*time.Millisecond)
	smp, ok := sink.Get(perf.GuestIPS, 7)
	if !ok {
		t.Fatal("no guest.ips published")
	}
	if smp.Value < 27e6 || smp.Value > 33e6 {
		t.Errorf("published %.0f instructions per second, want about 30e6", smp.Value)
	}
}
