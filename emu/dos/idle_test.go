package dos

import (
	"context"
	"testing"
	"time"
)

// TestIdle: a program that waits (for a key, for the retrace, in HLT)
// runs a few thousand instructions a second instead of spinning: the
// host sleeps until the next event. A busy loop runs millions.
func TestIdle(t *testing.T) {
	const waitFor = time.Second
	for _, tc := range []struct {
		def  string
		done bool // ends by itself (the others are stopped)
	}{
		{"BIOS", false}, {"POLL", false}, {"DOS", false}, {"PORT", false},
		{"RETRACE", true}, {"HALT", true},
	} {
		t.Run(tc.def, func(t *testing.T) {
			r := newRig(t, map[string][]byte{"IDLE.COM": assemble(t, "idle", tc.def)})
			r.cfg.IO.Keyboard = blockingReader{}
			cfg := r.cfg
			cfg.Program = "/c/IDLE.COM"
			m, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), waitFor)
			defer cancel()
			start := time.Now()
			_, err = m.Run(ctx)
			took := time.Since(start)
			if tc.done {
				if err != nil {
					t.Fatalf("run: %v", err)
				}
				if took < 400*time.Millisecond {
					t.Errorf("half a second of waiting took %v", took)
				}
			} else if err != ErrKilled {
				t.Fatalf("run: %v, want it still waiting when stopped", err)
			}
			// Spinning at even 10 MIPS would be 10 million instructions.
			if n := m.Instructions(); n > 1_000_000 {
				t.Errorf("%d instructions in %v of waiting: the guest spins", n, took)
			}
			t.Logf("%s: %d instructions in %v", tc.def, m.Instructions(), took.Round(time.Millisecond))
		})
	}
}
