//go:build !js

package main

// `nacho bench dos-*`: a DOS program's speed, how soon it prints, and what
// a program waiting for a key costs the host. Ratios are to references
// measured in the same run.

import (
	"fmt"
	"io"
	"time"

	"github.com/nachoos/nacho/emu/dos"
)

func init() {
	registerBench("dos-loop", "a DOS program's loop vs the same code on a bare CPU (M instructions/s)", benchDOSLoop)
	registerBench("dos-start", "time from creating a DOS machine to the program's first output", benchDOSStart)
	registerBench("dos-idle", "host CPU used by a DOS program polling the keyboard, vs one spinning", benchDOSIdle)
}

func benchDOSLoop(w io.Writer) error {
	prog := dos.LoopProgram(1000) // 90 million instructions
	var best, bare dos.RunResult
	for i := 0; i < 3; i++ {
		r, err := dos.MeasureRun(prog, nil, 0)
		if err != nil {
			return err
		}
		if r.Instructions < dos.LoopInstructions(1000) { // timer ticks add a few
			return fmt.Errorf("the loop ran %d instructions, want %d", r.Instructions, dos.LoopInstructions(1000))
		}
		if best.Instructions == 0 || r.IPS() > best.IPS() {
			best = r
		}
		b, err := dos.MeasureBare(prog)
		if err != nil {
			return err
		}
		if bare.Instructions == 0 || b.IPS() > bare.IPS() {
			bare = b
		}
	}
	fmt.Fprintf(w, "  best of 3 interleaved rounds\n")
	fmt.Fprintf(w, "  %-34s %9.1f M instructions/s\n", "bare x86 core (reference)", bare.IPS()/1e6)
	fmt.Fprintf(w, "  %-34s %9.1f M instructions/s   %.3gx\n", "DOS machine", best.IPS()/1e6, best.IPS()/bare.IPS())
	return nil
}

func benchDOSStart(w io.Writer) error {
	var runs []time.Duration
	for i := 0; i < 10; i++ {
		r, err := dos.MeasureRun(dos.HelloProgram(), nil, 0)
		if err != nil {
			return err
		}
		runs = append(runs, r.FirstOutput)
	}
	best := runs[0]
	var sum time.Duration
	for _, d := range runs {
		best = min(best, d)
		sum += d
	}
	fmt.Fprintf(w, "  %-34s %9.2f ms (mean of 10: %.2f ms)\n", "first output after New", best.Seconds()*1e3, (sum/10).Seconds()*1e3)
	return nil
}

func benchDOSIdle(w io.Writer) error {
	const d = 2 * time.Second
	wait, err := dos.MeasureRun(dos.WaitProgram(), nil, d)
	if err != nil {
		return err
	}
	// The reference: a loop that never polls, for as long.
	spin, err := dos.MeasureRun(dos.LoopProgram(65535), nil, d)
	if err != nil {
		return err
	}
	if spin.CPU == 0 {
		fmt.Fprintf(w, "  %-34s %d instructions in %v (host CPU time is not measurable here)\n", "polling INT 16h for a key", wait.Instructions, wait.Elapsed.Round(time.Millisecond))
		return nil
	}
	share := func(r dos.RunResult) float64 { return r.CPU.Seconds() / r.Elapsed.Seconds() * 100 }
	fmt.Fprintf(w, "  %-34s %9.2f %% of a core, %d instructions in %v\n", "polling INT 16h for a key", share(wait), wait.Instructions, wait.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "  %-34s %9.2f %% of a core (reference)   ratio %.3g\n", "a loop that never waits", share(spin), share(wait)/share(spin))
	return nil
}
