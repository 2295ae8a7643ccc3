//go:build e2e

// Package perf measures the page end to end (Go benchmarks that drive
// headless Chromium; run them with make bench or
// go test -tags e2e -run '^$' -bench . ./e2e/perf): boot time, frame
// times with busy guests, guest speed alone and in pairs, and the memory
// an extra guest process costs.
package perf

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	. "github.com/nachoos/nacho/e2e/e2etest"
)

// loop.com: inc ax; jmp short -3 — a guest that never idles.
const loopCOM = `new Uint8Array([0x40, 0xEB, 0xFD])`

type guest struct{ ips, rss float64 }

// guests reads each guest's instructions per second and worker memory
// from top.
func guests(b *testing.B, ctx context.Context) map[string]guest {
	b.Helper()
	r := Shell(b, ctx, "top -b -n 2 -d 1")
	out := map[string]guest{}
	blocks := strings.Split(r.Stdout, "top - ")
	last := blocks[len(blocks)-1]
	for _, l := range strings.Split(last, "\n") {
		f := strings.Fields(l)
		if len(f) != 9 || f[7] != "dos" || !strings.HasPrefix(f[8], "/home/LOOP") {
			continue
		}
		out[f[8]] = guest{ips: parseSI(f[3]), rss: parseSI(strings.TrimSuffix(f[5], "B"))}
	}
	return out
}

func parseSI(s string) float64 {
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "G"):
		mult, s = 1e9, strings.TrimSuffix(s, "G")
	case strings.HasSuffix(s, "M"):
		mult, s = 1e6, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "k"), strings.HasSuffix(s, "K"):
		mult, s = 1e3, s[:len(s)-1]
	}
	v, _ := strconv.ParseFloat(s, 64)
	return v * mult
}

func BenchmarkGuests(b *testing.B) {
	for i := 0; i < b.N; i++ {
		srv := StartServe(b)
		ctx := Browser(b)
		WaitBoot(b, ctx, srv.URL)
		Eval[bool](b, ctx, `(async () => {
			await window.nacho.writeFile('/home/LOOP1.COM', `+loopCOM+`);
			await window.nacho.writeFile('/home/LOOP2.COM', `+loopCOM+`);
			return true;
		})()`)
		Eval[bool](b, ctx, `(() => { window.nacho.run('run /home/LOOP1.COM'); return true; })()`)
		time.Sleep(3 * time.Second)
		solo := guests(b, ctx)["/home/LOOP1.COM"]
		Eval[bool](b, ctx, `(() => { window.nacho.run('run /home/LOOP2.COM'); return true; })()`)
		time.Sleep(3 * time.Second)
		both := guests(b, ctx)
		// Frame intervals on the page's main thread over 3 s, two guests busy.
		frames := Eval[[]float64](b, ctx, `new Promise(res => {
			const t = []; let last = performance.now(); const end = last + 3000;
			function f(now) { t.push(now - last); last = now; if (now < end) requestAnimationFrame(f); else res(t); }
			requestAnimationFrame(f);
		})`)
		sort.Float64s(frames)
		p := func(q float64) float64 { return frames[int(q*float64(len(frames)-1))] }
		b.Logf("solo %+v, paired %+v", solo, both)
		b.ReportMetric(solo.ips/1e6, "MIPS-solo")
		b.ReportMetric(both["/home/LOOP1.COM"].ips/1e6, "MIPS-first-paired")
		b.ReportMetric(both["/home/LOOP2.COM"].ips/1e6, "MIPS-second-paired")
		if solo.ips > 0 {
			b.ReportMetric(both["/home/LOOP1.COM"].ips/solo.ips, "paired/solo")
		}
		b.ReportMetric(p(0.5), "frame-p50-ms")
		b.ReportMetric(p(0.95), "frame-p95-ms")
		// What an extra guest process costs: its worker's WebAssembly memory.
		b.ReportMetric(both["/home/LOOP2.COM"].rss/1e6, "MB-per-guest-worker")
	}
}

// BenchmarkBoot is navigation to a ready kernel, the page cached.
func BenchmarkBoot(b *testing.B) {
	srv := StartServe(b)
	ctx := Browser(b)
	WaitBoot(b, ctx, srv.URL)
	b.ResetTimer()
	var ds []time.Duration
	for i := 0; i < b.N; i++ {
		ds = append(ds, WaitBoot(b, ctx, srv.URL))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	b.ReportMetric(float64(ds[len(ds)/2].Milliseconds()), "boot-median-ms")
}
