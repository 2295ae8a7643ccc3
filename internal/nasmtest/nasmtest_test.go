package nasmtest

import (
	"bytes"
	"testing"
)

func TestSource(t *testing.T) {
	got := Source(t, "org 100h\n%ifdef TWO\nnop\n%endif\nint 20h\n", "TWO")
	if want := []byte{0x90, 0xCD, 0x20}; !bytes.Equal(got, want) {
		t.Fatalf("got % x, want % x", got, want)
	}
	if got := Source(t, "int 20h\n"); !bytes.Equal(got, []byte{0xCD, 0x20}) {
		t.Fatalf("without the define: % x", got)
	}
}
