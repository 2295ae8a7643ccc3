//go:build e2e

package dos

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	. "github.com/nachoos/nacho/e2e/e2etest"
	"github.com/nachoos/nacho/emu/dos"
)

// The page's figures: a DOS program's speed in its worker, the time from
// `run` to its output, and the host CPU the browser uses while a program
// waits for a key, each against a reference measured in the same run.

func page(b *testing.B) context.Context {
	srv := StartServe(b)
	ctx := Browser(b)
	WaitBoot(b, ctx, srv.URL+"?display=canvas2d")
	return ctx
}

func put(b *testing.B, ctx context.Context, name string, prog []byte) {
	Eval[bool](b, ctx, `window.nacho.writeFile('/home/`+name+`', new Uint8Array(`+JS(ints(prog))+`)).then(() => true)`)
}

// timed runs a command through the embed API and returns how long it took.
func timed(b *testing.B, ctx context.Context, cmd string) (time.Duration, RunResult) {
	start := time.Now()
	r := Shell(b, ctx, cmd)
	return time.Since(start), r
}

// BenchmarkPageLoop: instructions per second of the loop program in the
// page, net of the time to start a program (a program that exits at once,
// run in the same iterations).
func BenchmarkPageLoop(b *testing.B) {
	ctx := page(b)
	const outer = 1000
	put(b, ctx, "LOOP.COM", dos.LoopProgram(outer))
	put(b, ctx, "HELLO.COM", dos.HelloProgram())
	timed(b, ctx, "run /home/HELLO.COM") // warm: the first guest compiles the module
	var loop, hello time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, r := timed(b, ctx, "run /home/LOOP.COM")
		if r.Code != 0 {
			b.Fatalf("LOOP.COM: %+v", r)
		}
		loop += d
		d, _ = timed(b, ctx, "run /home/HELLO.COM")
		hello += d
	}
	net := (loop - hello).Seconds() / float64(b.N)
	b.ReportMetric(float64(dos.LoopInstructions(outer))/net/1e6, "page-MIPS")
	b.ReportMetric(hello.Seconds()/float64(b.N)*1e3, "ms-start-to-exit")
}

// BenchmarkPageFirstOutput: from the embed API's run to the output of a
// program that prints and exits, in a window of its own.
func BenchmarkPageFirstOutput(b *testing.B) {
	ctx := page(b)
	put(b, ctx, "HELLO.COM", dos.HelloProgram())
	timed(b, ctx, "run /home/HELLO.COM")
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, r := timed(b, ctx, "run /home/HELLO.COM")
		if !strings.Contains(r.Stdout, "Hello, DOS!") {
			b.Fatalf("output %q", r.Stdout)
		}
		total += d
	}
	b.ReportMetric(total.Seconds()/float64(b.N)*1e3, "ms-to-output")
}

// BenchmarkPageIdleCPU: the host CPU all of the browser's processes use
// over three seconds with no program, while a DOS program polls for a key
// in its window, and while one spins (the references).
func BenchmarkPageIdleCPU(b *testing.B) {
	ctx := page(b)
	put(b, ctx, "WAIT.COM", dos.WaitProgram())
	put(b, ctx, "SPIN.COM", dos.LoopProgram(65535))
	measure := func(name string) float64 {
		Eval[bool](b, ctx, `(() => { window.nacho.run('run /home/`+name+`'); return true; })()`)
		Do(b, ctx, 30*time.Second, chromedp.Poll[chromedp.Void](`window.nacho.desktop.windows().length === 1`, chromedp.WithPollingTimeout(30*time.Second)))
		time.Sleep(time.Second)
		t0, c0 := time.Now(), browserCPU(b)
		time.Sleep(3 * time.Second)
		share := (browserCPU(b) - c0).Seconds() / time.Since(t0).Seconds() * 100
		for _, l := range strings.Split(Shell(b, ctx, "ps").Stdout, "\n") {
			if f := strings.Fields(l); len(f) > 0 && strings.Contains(l, "dos /home/"+name) {
				Shell(b, ctx, "kill -9 "+f[0])
			}
		}
		Do(b, ctx, 30*time.Second, chromedp.Poll[chromedp.Void](`window.nacho.desktop.windows().length === 0`, chromedp.WithPollingTimeout(30*time.Second)))
		return share
	}
	rest := func() float64 {
		t0, c0 := time.Now(), browserCPU(b)
		time.Sleep(3 * time.Second)
		return (browserCPU(b) - c0).Seconds() / time.Since(t0).Seconds() * 100
	}
	var idle, wait, spin float64
	for i := 0; i < b.N; i++ {
		idle += rest()
		wait += measure("WAIT.COM")
		spin += measure("SPIN.COM")
	}
	b.ReportMetric(idle/float64(b.N), "%cpu-no-program")
	b.ReportMetric(wait/float64(b.N), "%cpu-waiting")
	b.ReportMetric(spin/float64(b.N), "%cpu-spinning")
}

// browserCPU is the CPU time of every Chromium process of this test
// (found by the profile directory on its command line).
func browserCPU(b *testing.B) time.Duration {
	ents, _ := os.ReadDir("/proc")
	var ticks int64
	for _, e := range ents {
		pid := e.Name()
		if _, err := strconv.Atoi(pid); err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", pid, "cmdline"))
		if err != nil || !strings.Contains(string(cmd), "chrom") || !strings.Contains(string(cmd), os.TempDir()) {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
		if err != nil {
			continue
		}
		s := string(stat)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		u, _ := strconv.ParseInt(f[11], 10, 64)
		k, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + k
	}
	return time.Duration(ticks) * time.Second / 100
}
