package sync

import (
	"bytes"
	"testing"
)

func TestFramesRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, framePart - 1, framePart, framePart + 1, 5*framePart + 17} {
		msg := bytes.Repeat([]byte{byte(n)}, n)
		var a assembler
		var got []byte
		frames := splitFrames(7, msg)
		for i, f := range frames {
			if len(f) > frameHeader+framePart {
				t.Fatalf("frame of %d bytes over the room's limit", len(f))
			}
			out, err := a.add(f)
			if err != nil {
				t.Fatal(err)
			}
			if out != nil && i != len(frames)-1 {
				t.Fatalf("message complete after %d of %d frames", i+1, len(frames))
			}
			got = out
		}
		if !bytes.Equal(got, msg) {
			t.Fatalf("%d bytes: reassembled %d bytes", n, len(got))
		}
	}
}

func TestFramesNewMessageDropsUnfinished(t *testing.T) {
	var a assembler
	first := splitFrames(1, bytes.Repeat([]byte{1}, 3*framePart))
	a.add(first[0])
	second := splitFrames(2, []byte("short"))
	got, err := a.add(second[0])
	if err != nil || string(got) != "short" {
		t.Fatalf("%q %v", got, err)
	}
}

// FuzzAssembler: frames come from other members; nothing they send makes
// the assembler panic or hand back more than MaxSyncMessage.
func FuzzAssembler(f *testing.F) {
	for _, fr := range splitFrames(3, bytes.Repeat([]byte("x"), framePart+5)) {
		f.Add(fr)
	}
	f.Add([]byte{frameSync, 0, 0, 0, 1, 0, 5, 0, 1})
	f.Add([]byte{frameSync, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		var a assembler
		for range 3 {
			out, _ := a.add(b)
			if len(out) > MaxSyncMessage {
				t.Fatal("oversized message")
			}
		}
	})
}
