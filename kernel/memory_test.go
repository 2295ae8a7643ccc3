package kernel

import (
	"errors"
	"testing"

	"github.com/nachoos/nacho/perf"
	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

func TestMemoryLimits(t *testing.T) {
	k := New(Config{FS: vfs.New(memfs.New(memfs.Options{})), MemLimit: 10 << 20, ProcMemLimit: 6 << 20})
	block := make(chan struct{})
	spawn := func() *Process {
		p, err := k.Spawn(SpawnOptions{Args: []string{"hog"}, Main: func(*Process) int { <-block; return 0 }})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := spawn(), spawn()
	if err := a.Charge(5 << 20); err != nil {
		t.Fatal(err)
	}
	err := a.Charge(2 << 20)
	var me *MemError
	if !errors.As(err, &me) || me.Global || !errors.Is(err, ErrNoMemory) {
		t.Fatalf("charge past the process limit: %v", err)
	}
	if a.Memory() != 5<<20 {
		t.Fatalf("a failed charge changed the account: %d", a.Memory())
	}
	err = b.Charge(6 << 20)
	if !errors.As(err, &me) || !me.Global {
		t.Fatalf("charge past the system limit: %v", err)
	}
	if got := err.Error(); got != "out of memory: system limit of 10 MiB reached (pid 2 asked for 6 MiB more)" {
		t.Errorf("message: %q", got)
	}
	if err := b.Charge(4 << 20); err != nil {
		t.Fatal(err)
	}
	close(block)
	a.Wait()
	b.Wait()
	if used, _ := k.MemoryUsed(); used != 0 {
		t.Fatalf("exited processes still hold %d bytes", used)
	}
}

func TestMemoryIsPublished(t *testing.T) {
	var sink perf.Latest
	k := New(Config{FS: vfs.New(memfs.New(memfs.Options{})), Sink: &sink})
	done := make(chan struct{})
	p, _ := k.Spawn(SpawnOptions{Args: []string{"m"}, Main: func(p *Process) int { <-done; return 0 }})
	p.Charge(3000)
	p.Uncharge(1000)
	s, ok := sink.Get(perf.ProcMemory, p.PID())
	if !ok || s.Value != 2000 {
		t.Fatalf("published %v %v, want 2000", s, ok)
	}
	close(done)
	p.Wait()
}

func TestPipeMemoryIsReturned(t *testing.T) {
	k := New(Config{FS: vfs.New(memfs.New(memfs.Options{}))})
	done := make(chan struct{})
	p, _ := k.Spawn(SpawnOptions{Args: []string{"piper"}, Main: func(p *Process) int {
		r, w, err := p.Pipe()
		if err != nil {
			t.Error(err)
			return 1
		}
		if p.Memory() != PipeSize {
			t.Errorf("pipe charged %d", p.Memory())
		}
		r.Close()
		w.Close()
		if p.Memory() != 0 {
			t.Errorf("closed pipe still charged: %d", p.Memory())
		}
		close(done)
		return 0
	}})
	<-done
	p.Wait()
}
