// Package nasmtest assembles guest programs for tests with nasm: flat
// binaries (-f bin) from a source file or from source text. A test that
// needs it skips, saying so, where nasm is not installed; make test
// installs it.
package nasmtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// File assembles the nasm source at path into a flat binary. Each define
// is passed as -D (NAME or NAME=VALUE); includes resolve from the source's
// directory.
func File(t testing.TB, path string, defines ...string) []byte {
	t.Helper()
	bin, err := exec.LookPath("nasm")
	if err != nil {
		t.Skip("nasm not installed (Debian package nasm; make test installs it)")
	}
	out := filepath.Join(t.TempDir(), filepath.Base(path)+".bin")
	args := []string{"-f", "bin", "-o", out, "-I", filepath.Dir(path) + string(filepath.Separator)}
	for _, d := range defines {
		args = append(args, "-D"+d)
	}
	args = append(args, path)
	if msg, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("nasm %s: %v\n%s", path, err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Source assembles nasm source text into a flat binary.
func Source(t testing.TB, src string, defines ...string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "prog.asm")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return File(t, path, defines...)
}
