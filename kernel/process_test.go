package kernel

import (
	"testing"
	"time"

	"github.com/nachoos/nacho/vfs"
)

func TestProcessLifecycle(t *testing.T) {
	k := newKernel(t)
	var exits []ExitEvent
	done := make(chan struct{}, 1)
	k.OnExit(func(e ExitEvent) { exits = append(exits, e); done <- struct{}{} })
	p, err := k.Spawn(SpawnOptions{Args: []string{"seven"}, Main: func(*Process) int { return 7 }})
	if err != nil {
		t.Fatal(err)
	}
	if st := p.Wait(); st != 7 {
		t.Fatalf("status %d", st)
	}
	<-done
	if len(exits) != 1 || exits[0].PID != p.PID() || exits[0].Status != 7 {
		t.Fatalf("exit events %+v", exits)
	}
	if _, ok := k.Process(p.PID()); ok {
		t.Fatal("exited process still in the table")
	}
}

func TestKillTerminatesAndReportsSignal(t *testing.T) {
	k := newKernel(t)
	p, _ := k.Spawn(SpawnOptions{Args: []string{"spin"}, Main: func(p *Process) int {
		<-p.Context().Done()
		return 0
	}})
	if len(k.Processes()) != 1 {
		t.Fatalf("process table: %+v", k.Processes())
	}
	if err := k.Kill(p.PID(), SIGTERM); err != nil {
		t.Fatal(err)
	}
	if st := p.Wait(); st != 128+int(SIGTERM) {
		t.Fatalf("status %d", st)
	}
	if err := k.Kill(p.PID(), SIGTERM); err == nil {
		t.Fatal("kill of an exited process succeeded")
	}
}

func TestCaughtSignalDoesNotTerminate(t *testing.T) {
	k := newKernel(t)
	got := make(chan Signal, 1)
	ready := make(chan struct{})
	p, _ := k.Spawn(SpawnOptions{Args: []string{"catcher"}, Main: func(p *Process) int {
		c := make(chan Signal, 1)
		p.Notify(c, SIGINT)
		close(ready)
		got <- <-c
		return 3
	}})
	<-ready
	k.Kill(p.PID(), SIGINT)
	select {
	case s := <-got:
		if s != SIGINT {
			t.Fatalf("got %v", s)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("signal not delivered")
	}
	if st := p.Wait(); st != 3 {
		t.Fatalf("status %d: a caught signal must not override the exit code", st)
	}
}

func TestSIGKILLCannotBeCaught(t *testing.T) {
	k := newKernel(t)
	ready := make(chan struct{})
	p, _ := k.Spawn(SpawnOptions{Args: []string{"stubborn"}, Main: func(p *Process) int {
		c := make(chan Signal, 1)
		p.Notify(c, SIGKILL, SIGTERM)
		p.Ignore(SIGKILL)
		close(ready)
		<-p.Context().Done()
		return 0
	}})
	<-ready
	k.Kill(p.PID(), SIGKILL)
	if st := p.Wait(); st != 128+int(SIGKILL) {
		t.Fatalf("status %d", st)
	}
}

func TestPanickingProgramIsContained(t *testing.T) {
	k := newKernel(t)
	var out []byte
	errf := NewOpenFile(NewWriterFile(func(b []byte) { out = append(out, b...) }))
	p, _ := k.Spawn(SpawnOptions{Args: []string{"boom"}, Files: []*OpenFile{nil, nil, errf}, Main: func(*Process) int { panic("bad") }})
	errf.Close()
	if st := p.Wait(); st != 134 {
		t.Fatalf("status %d", st)
	}
	if string(out) != "boom: crashed: bad\n" {
		t.Fatalf("stderr %q", out)
	}
}

func TestKindOf(t *testing.T) {
	k := newKernel(t)
	r, w := NewPipe()
	f, err := k.FS().Open("/x", vfs.O_RDWR|vfs.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	tty := k.NewTTY(80, 24, func([]byte) {})
	for _, c := range []struct {
		f    *OpenFile
		want FileKind
	}{
		{nil, KindNull},
		{NewOpenFile(DevNull{}), KindNull},
		{r, KindPipe},
		{w, KindPipe},
		{NewOpenFile(f), KindFile},
		{NewOpenFile(NewWriterFile(func([]byte) {})), KindCapture},
		{tty.OpenFile(), KindTerminal},
	} {
		if got := KindOf(c.f); got != c.want {
			t.Errorf("KindOf(%T) = %d, want %d", c.f.File(), got, c.want)
		}
	}
}
