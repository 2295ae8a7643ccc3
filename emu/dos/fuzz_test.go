package dos

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func seedPrograms(f *testing.F) {
	f.Add([]byte("MZ"))
	f.Add(mz(64, 0))
	f.Add(mz(64, 2))
	f.Add([]byte{0xB4, 0x4C, 0xCD, 0x21})
	f.Add([]byte{0xEB, 0xFE})
	f.Add([]byte{0x0F, 0xFF})
	if d := os.Getenv("NACHO_TESTDATA"); d != "" || true {
		dir := filepath.Join("..", "..", "..", "shared", "testdata", "freedos")
		if d != "" {
			dir = filepath.Join(d, "freedos")
		}
		for _, n := range []string{"SORT.COM", "MORE.EXE", "CHOICE.EXE"} {
			if b, err := os.ReadFile(filepath.Join(dir, n)); err == nil {
				f.Add(b[:min(len(b), 2048)])
				f.Add(b)
			}
		}
	}
}

// FuzzParseEXE: any bytes give a parsed program or an error, and a parsed
// program's relocations stay inside what is loaded.
func FuzzParseEXE(f *testing.F) {
	seedPrograms(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := parseEXE(data)
		if err != nil {
			return
		}
		img := make([]byte, len(x.image)+int(x.minAlloc)*16)
		copy(img, x.image)
		x.relocate(img, 0x1000)
	})
}

// FuzzRun: any file run as a program loads or fails clearly, and runs
// without crashing the emulator until it ends or is stopped.
func FuzzRun(f *testing.F) {
	seedPrograms(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := newRig(t, map[string][]byte{"P.EXE": data})
		r.keys("y\r")
		cfg := r.cfg
		cfg.Program = "/c/P.EXE"
		m, err := New(cfg)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		if _, err := m.Run(ctx); err != nil && err != ErrKilled {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("run: %v (%T)", err, err)
			}
		}
	})
}
