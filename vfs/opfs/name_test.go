package opfs

import (
	"strings"
	"testing"
)

func FuzzName(f *testing.F) {
	for _, k := range []string{"c/abc", "UPPER", "%", "v.x", "\x00\xff", "", "a b"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		name := encodeName(key)
		if strings.ContainsAny(name[2:], "/\\.:*?\"<>| ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			t.Fatalf("name %q has unsafe characters", name)
		}
		back, ok := decodeName(name)
		if !ok || back != key {
			t.Fatalf("round trip of %q gave %q, %v", key, back, ok)
		}
	})
}

func TestDecodeRejects(t *testing.T) {
	for _, n := range []string{"t.1", "journal", "v.%", "v.%4", "v.%zz", "v.%4G"} {
		if _, ok := decodeName(n); ok {
			t.Errorf("decodeName(%q) accepted", n)
		}
	}
}
