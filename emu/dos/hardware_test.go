package dos

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTimer(t *testing.T) {
	r := newRig(t, map[string][]byte{"TIMER.COM": assemble(t, "timer")})
	start := time.Now()
	code := r.mustRun("TIMER.COM")
	wall := time.Since(start)
	out := r.out.String()
	if code != 0 || !strings.Contains(out, "timer OK") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	f := strings.Fields(out)
	elapsed, _ := strconv.ParseUint(f[1], 16, 16)
	bios, _ := strconv.ParseUint(f[3], 16, 16)
	// 500 ticks at 1000 Hz are half a second of the guest's clock, which
	// is the host's; and the host saw them take that long too.
	if elapsed < 45 || elapsed > 150 {
		t.Errorf("500 ticks at 1000 Hz took %d hundredths by DOS's clock, want about 50", elapsed)
	}
	if wall < 450*time.Millisecond {
		t.Errorf("500 ticks at 1000 Hz took %v of wall time, want at least 0.45 s", wall)
	}
	if bios < 3 || bios > 5 {
		t.Errorf("four HLTs at 18.2 Hz moved the BIOS count by %d, want 3-5", bios)
	}
}

func TestKeyboardHardware(t *testing.T) {
	r := newRig(t, map[string][]byte{"KBDHW.COM": assemble(t, "kbdhw")})
	w := newFakeWindow()
	r.cfg.IO.Window = w
	go func() {
		time.Sleep(100 * time.Millisecond)
		w.send("a{Up}") // make/break of A, then the grey Up arrow (E0 48)
		time.Sleep(300 * time.Millisecond)
		w.send("x")
	}()
	code := r.mustRun("KBDHW.COM")
	out := strings.ReplaceAll(r.m.Screen().Dump(), "\n", "\r\n") // with a window, output is on the screen
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// A: make 1Eh, break 9Eh; Up: E0h 48h (the first four codes).
	if !strings.Contains(out, "codes 001E 009E 00E0 0048\r\n") {
		t.Errorf("scan codes:\n%q", out)
	}
	// The rest of Up (E0 C8) went to the BIOS after the vector was
	// restored; x then reads as 2D78h.
	if !strings.Contains(out, "key 2D78\r\n") {
		t.Errorf("INT 16h key:\n%s", out)
	}
}
