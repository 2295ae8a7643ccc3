package x86

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every line of testdata/disasm.asm, assembled by nasm, must decode to
// itself.
func TestDisasmRoundTrip(t *testing.T) {
	code := assemble(t, "disasm")
	src, err := os.ReadFile(filepath.Join("testdata", "disasm.asm"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(src), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, ";") || strings.HasPrefix(l, "bits") || strings.HasPrefix(l, "cpu") || strings.HasPrefix(l, "org") {
			continue
		}
		lines = append(lines, l)
	}
	ip := uint32(0x100)
	for i, want := range lines {
		if len(code) == 0 {
			t.Fatalf("code ended before line %d (%q)", i, want)
		}
		got, n := Disasm(I80386, code, ip, false)
		if got != want {
			t.Errorf("% x: got %q, want %q", code[:n], got, want)
		}
		code, ip = code[n:], ip+uint32(n)
	}
	if len(code) != 0 {
		t.Errorf("%d bytes left over", len(code))
	}
}

// The 8086 reads some encodings differently; its disassembly says so.
func TestDisasm8086(t *testing.T) {
	for _, c := range []struct {
		code []byte
		want string
	}{
		{[]byte{0x0F}, "pop cs"},
		{[]byte{0x60, 0x10}, "jo 0x112"},
		{[]byte{0xC1}, "ret"},
		{[]byte{0xD0, 0xF0}, "setmo al"},
		{[]byte{0x8C, 0xF0}, "mov ax,ss"}, // only two bits of the register number
		{[]byte{0xFF, 0xF8}, "push ax"},   // FF /7 is PUSH
	} {
		if got, _ := Disasm(I8086, c.code, 0x100, false); got != c.want {
			t.Errorf("8086 % x: got %q, want %q", c.code, got, c.want)
		}
	}
	for _, c := range []struct {
		m    Model
		code []byte
		want string
	}{
		{I80186, []byte{0x0F, 0x0B}, "(bad)"},
		{I80286, []byte{0x8E, 0xC8}, "(bad)"}, // MOV CS
		{I80286, []byte{0x8F, 0xC8}, "(bad)"},
	} {
		if got, _ := Disasm(c.m, c.code, 0x100, false); got != c.want {
			t.Errorf("%v % x: got %q, want %q", c.m, c.code, got, c.want)
		}
	}
}
