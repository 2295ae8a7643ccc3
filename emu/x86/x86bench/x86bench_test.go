package x86bench

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/nachoos/nacho/emu/x86"
)

// The embedded images must be what nasm makes of testdata/loop.asm.
func TestImagesMatchSource(t *testing.T) {
	nasm, err := exec.LookPath("nasm")
	if err != nil {
		t.Skip("nasm not installed (Debian package nasm; scripts/x86-deps.sh installs it)")
	}
	for _, c := range []struct {
		def string
		img []byte
	}{{"DATA=1", loopImage}, {"DATA=0", loopBesideImage}} {
		out := filepath.Join(t.TempDir(), "loop.bin")
		if b, err := exec.Command(nasm, "-f", "bin", "-D"+c.def, "-o", out, "../testdata/loop.asm").CombinedOutput(); err != nil {
			t.Fatalf("nasm: %v\n%s", err, b)
		}
		want, _ := os.ReadFile(out)
		if !bytes.Equal(c.img, want) {
			t.Errorf("%s: embedded image differs from nasm's; regenerate with: nasm -f bin -D%s -o x86bench/... testdata/loop.asm", c.def, c.def)
		}
	}
}

func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("200 million instructions")
	}
	for _, beside := range []bool{false, true} {
		if _, err := Run(x86.I8086, beside); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReferences(t *testing.T) {
	if testing.Short() {
		t.Skip("runs external programs")
	}
	dir := t.TempDir()
	if r, err := RunNative(dir); err != nil {
		t.Log("native:", err)
	} else {
		t.Logf("native: %.0f MIPS", r.IPS()/1e6)
	}
	if r, err := RunQEMU(dir); err != nil {
		t.Log("qemu-i386:", err)
	} else {
		t.Logf("qemu-i386: %.0f MIPS", r.IPS()/1e6)
	}
}

// BenchmarkInterpreter reports the interpreter's guest MIPS and, in the same
// run, the Go-compiled model's, as a ratio.
func BenchmarkInterpreter(b *testing.B) {
	for _, beside := range []bool{false, true} {
		name := "data-own-page"
		if beside {
			name = "data-beside-code"
		}
		b.Run(name, func(b *testing.B) {
			var emu, ref Result
			for i := 0; i < b.N; i++ {
				r, err := Run(x86.I80386, beside)
				if err != nil {
					b.Fatal(err)
				}
				emu.Insns += r.Insns
				emu.Duration += r.Duration
				m := RunModel()
				ref.Insns += m.Insns
				ref.Duration += m.Duration
			}
			b.ReportMetric(emu.IPS()/1e6, "MIPS")
			b.ReportMetric(emu.IPS()/ref.IPS(), "x-go-model")
		})
	}
}
