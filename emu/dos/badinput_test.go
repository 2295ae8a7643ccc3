package dos

import (
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"
)

// mz builds an MZ header for an image of imageLen bytes with relocs
// relocations (table right after the 28-byte header).
func mz(imageLen, relocs int) []byte {
	hdrParas := (28 + relocs*4 + 15) / 16
	total := hdrParas*16 + imageLen
	h := make([]byte, hdrParas*16)
	copy(h, "MZ")
	binary.LittleEndian.PutUint16(h[2:], uint16(total%512))
	binary.LittleEndian.PutUint16(h[4:], uint16((total+511)/512))
	binary.LittleEndian.PutUint16(h[6:], uint16(relocs))
	binary.LittleEndian.PutUint16(h[8:], uint16(hdrParas))
	binary.LittleEndian.PutUint16(h[0x0C:], 0xFFFF)
	binary.LittleEndian.PutUint16(h[0x10:], 0x100)
	binary.LittleEndian.PutUint16(h[0x18:], 28)
	return append(h, make([]byte, imageLen)...)
}

func TestLoadErrors(t *testing.T) {
	relocPastEOF := mz(64, 1)
	binary.LittleEndian.PutUint16(relocPastEOF[0x18:], 0x7FF0)
	relocOutside := mz(64, 1)
	binary.LittleEndian.PutUint16(relocOutside[28:], 0xFFF0) // offset
	binary.LittleEndian.PutUint16(relocOutside[30:], 0xF000) // segment
	badLastPage := mz(64, 0)
	binary.LittleEndian.PutUint16(badLastPage[2:], 600)
	noPages := mz(64, 0)
	binary.LittleEndian.PutUint16(noPages[4:], 0)
	overlay := mz(64, 0)
	binary.LittleEndian.PutUint16(overlay[0x1A:], 3)
	truncated := mz(4096, 0)[:1000]
	hugeHeader := mz(64, 0)
	binary.LittleEndian.PutUint16(hugeHeader[8:], 0x1000)
	tooMuchMemory := mz(64, 0)
	binary.LittleEndian.PutUint16(tooMuchMemory[0x0A:], 0xF000) // min alloc: 960 KiB
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"short header", []byte("MZ\x00\x01\x02"), "truncated MZ header"},
		{"relocations past the end", relocPastEOF, "relocation table"},
		{"relocation outside the program", relocOutside, "relocation at F000:FFF0 points outside"},
		{"bytes in the last page", badLastPage, "600 bytes in the last page"},
		{"no pages", noPages, "0 pages"},
		{"an overlay", overlay, "overlay number 3"},
		{"a cut file", truncated, "truncated file: the load image needs"},
		{"header larger than the file", hugeHeader, "truncated file: the MZ header claims"},
		{"more memory than there is", tooMuchMemory, "needs 960 KiB of memory"},
		{"a .COM over 64 KiB", make([]byte, 70000), "too large for a .COM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, map[string][]byte{"BAD.EXE": tc.data})
			_, err := r.run("BAD.EXE")
			var de *Error
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want a *dos.Error with %q", err, tc.want)
			}
		})
	}
}

func TestGuestFaults(t *testing.T) {
	for _, tc := range []struct {
		def, want string
	}{
		{"UD", "invalid opcode at"},
		{"GARBAGE", "invalid opcode at"},
	} {
		t.Run(tc.def, func(t *testing.T) {
			r := newRig(t, map[string][]byte{"F.COM": assemble(t, "faults", tc.def)})
			code, err := r.run("F.COM")
			if err == nil || !strings.Contains(err.Error(), tc.want) || code != 0xFF {
				t.Fatalf("exit %d, error %v; want %q", code, err, tc.want)
			}
		})
	}
	// A divide error is DOS's own: "Divide overflow", and the program ends.
	r := newRig(t, map[string][]byte{"F.COM": assemble(t, "faults", "DIVIDE")})
	code := r.mustRun("F.COM")
	if code != 0xFF || !strings.Contains(r.out.String(), "Divide overflow") {
		t.Errorf("divide error: exit %d, console %q", code, r.out.String())
	}
}

// TestKillable: programs that never end (a loop, a wiped vector table, a
// halt with interrupts off) stop as soon as their context is cancelled.
func TestKillable(t *testing.T) {
	for _, def := range []string{"LOOP", "IVT", "CLIHLT"} {
		t.Run(def, func(t *testing.T) {
			r := newRig(t, map[string][]byte{"F.COM": assemble(t, "faults", def)})
			cfg := r.cfg
			cfg.Program = "/c/F.COM"
			m, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := m.Run(ctx)
				done <- err
			}()
			time.Sleep(200 * time.Millisecond)
			select {
			case err := <-done:
				// Ending by itself is fine when it says why.
				var de *Error
				if !errors.As(err, &de) {
					t.Fatalf("ended with %v", err)
				}
				cancel()
				return
			default:
			}
			cancel()
			select {
			case err := <-done:
				if err != ErrKilled {
					t.Errorf("Run after cancel: %v", err)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("the machine did not stop after its context was cancelled")
			}
		})
	}
}
