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

// BenchmarkLoop reports guest instructions per second of a DOS program
// and, interleaved in the same iterations, of the same code on a bare CPU
// (the reference): the ratio is what the machine around the CPU costs.
func BenchmarkLoop(b *testing.B) {
	prog := LoopProgram(500) // 45 million instructions
	var dosN, bareN uint64
	var dosT, bareT float64
	for i := 0; i < b.N; i++ {
		r, err := MeasureRun(prog, nil, 0)
		if err != nil {
			b.Fatal(err)
		}
		dosN += r.Instructions
		dosT += r.Elapsed.Seconds()
		r, err = MeasureBare(prog)
		if err != nil {
			b.Fatal(err)
		}
		bareN += r.Instructions
		bareT += r.Elapsed.Seconds()
	}
	dos, bare := float64(dosN)/dosT/1e6, float64(bareN)/bareT/1e6
	b.ReportMetric(dos, "dos-MIPS")
	b.ReportMetric(bare, "bare-MIPS")
	b.ReportMetric(dos/bare, "dos/bare")
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
