package dos

import (
	"bytes"
	"testing"
)

// TestLoopProgram: the benchmark's bytes are what testdata/loop.asm
// assembles to, and it runs the instructions it says.
func TestLoopProgram(t *testing.T) {
	if got, want := LoopProgram(7), assemble(t, "loop", "OUTER=7"); !bytes.Equal(got, want) {
		t.Fatalf("LoopProgram differs from loop.asm:\n% x\n% x", got[:40], want[:40])
	}
	r, err := MeasureRun(LoopProgram(7), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Instructions != LoopInstructions(7) {
		t.Errorf("ran %d instructions, want %d", r.Instructions, LoopInstructions(7))
	}
	b, err := MeasureBare(LoopProgram(7))
	if err != nil {
		t.Fatal(err)
	}
	if b.Instructions != LoopInstructions(7) { // the INT 21h counts
		t.Errorf("bare run: %d instructions, want %d", b.Instructions, LoopInstructions(7))
	}
	h, err := MeasureRun(HelloProgram(), nil, 0)
	if err != nil || h.FirstOutput == 0 {
		t.Errorf("hello: %v, first output %v", err, h.FirstOutput)
	}
}

// BenchmarkLoop reports guest instructions per second of a DOS program,
// and of the same code on a bare CPU in the same run (the ratio is what
// the machine around the CPU costs).
func BenchmarkLoop(b *testing.B) {
	prog := LoopProgram(500) // 45 million instructions
	b.Run("dos", func(b *testing.B) {
		var insns uint64
		var secs float64
		for i := 0; i < b.N; i++ {
			r, err := MeasureRun(prog, nil, 0)
			if err != nil {
				b.Fatal(err)
			}
			insns += r.Instructions
			secs += r.Elapsed.Seconds()
		}
		b.ReportMetric(float64(insns)/secs/1e6, "MIPS")
	})
	b.Run("bare", func(b *testing.B) {
		var insns uint64
		var secs float64
		for i := 0; i < b.N; i++ {
			r, err := MeasureBare(prog)
			if err != nil {
				b.Fatal(err)
			}
			insns += r.Instructions
			secs += r.Elapsed.Seconds()
		}
		b.ReportMetric(float64(insns)/secs/1e6, "MIPS")
	})
}

// BenchmarkStart is the time from New to a program's first output.
func BenchmarkStart(b *testing.B) {
	var total float64
	for i := 0; i < b.N; i++ {
		r, err := MeasureRun(HelloProgram(), nil, 0)
		if err != nil {
			b.Fatal(err)
		}
		total += r.FirstOutput.Seconds()
	}
	b.ReportMetric(total/float64(b.N)*1e6, "µs-to-output")
}
