//go:build !js

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func nasm(t *testing.T, name string) string {
	t.Helper()
	bin, err := exec.LookPath("nasm")
	if err != nil {
		t.Skip("nasm not installed (scripts/x86-deps.sh installs it)")
	}
	out := filepath.Join(t.TempDir(), name+".bin")
	src := filepath.Join("..", "..", "emu", "x86", "testdata", name+".asm")
	if b, err := exec.Command(bin, "-f", "bin", "-o", out, src).CombinedOutput(); err != nil {
		t.Fatalf("nasm: %v\n%s", err, b)
	}
	return out
}

func TestRunBare(t *testing.T) {
	prog := nasm(t, "bare")
	dir := t.TempDir()
	dump := filepath.Join(dir, "dump.bin")
	log := filepath.Join(dir, "e9.txt")
	var out, errb bytes.Buffer
	rc := runBareTo([]string{"--bare", "--cpu", "8086", "--load", "10000:" + prog, "--entry", "1000:0",
		"--until-hlt", "--port-log", "e9:" + log, "--dump", "0x1FFFF:0x12:" + dump}, &out, &errb)
	if rc != 0 {
		t.Fatalf("exit %d: %s", rc, errb.String())
	}
	if b, _ := os.ReadFile(log); string(b) != "hello, bare\n" {
		t.Errorf("port E9 got %q", b)
	}
	want := append(append([]byte{0}, bytes.Repeat([]byte{0xA5}, 16)...), 0)
	if b, _ := os.ReadFile(dump); !bytes.Equal(b, want) {
		t.Errorf("dump % x, want % x", b, want)
	}
	if !strings.Contains(errb.String(), "halted") {
		t.Errorf("summary %q", errb.String())
	}
}

// Without --entry the 8086 starts at FFFF:0000; a far jump there leads to
// the program. The port log goes to stdout when no file is named.
func TestRunBareResetVector(t *testing.T) {
	prog := nasm(t, "bare")
	reset := filepath.Join(t.TempDir(), "reset.bin")
	os.WriteFile(reset, []byte{0xEA, 0x00, 0x00, 0x00, 0x10}, 0o644) // jmp 1000:0000
	var out, errb bytes.Buffer
	rc := runBareTo([]string{"--bare", "--load", "FFFF0:" + reset, "--load", "10000:" + prog, "--port-log", "E9", "--trace"}, &out, &errb)
	if rc != 0 || out.String() != "hello, bare\n" {
		t.Fatalf("exit %d, stdout %q, stderr %s", rc, out.String(), errb.String())
	}
	if !strings.Contains(errb.String(), "ffff:0000  jmp 0x1000:0x0") {
		t.Errorf("trace does not show the reset jump:\n%.300s", errb.String())
	}
}

func TestRunBareLimits(t *testing.T) {
	loop := filepath.Join(t.TempDir(), "loop.bin")
	os.WriteFile(loop, []byte{0xEB, 0xFE}, 0o644) // jmp $
	var out, errb bytes.Buffer
	if rc := runBareTo([]string{"--bare", "--load", "0:" + loop, "--entry", "0:0", "--max-insns", "1000", "--until-hlt"}, &out, &errb); rc != 1 {
		t.Errorf("--until-hlt without HLT: exit %d, want 1", rc)
	}
	if rc := runBareTo([]string{"--bare", "--load", "0:" + loop, "--entry", "0:0", "--max-insns", "1000"}, &out, &errb); rc != 0 {
		t.Errorf("reaching --max-insns: exit %d, want 0", rc)
	}
	if rc := runBareTo([]string{"--bare", "--load", "zz:" + loop}, &out, &errb); rc != 1 {
		t.Errorf("bad address: exit %d, want 1", rc)
	}
	if rc := runBareTo([]string{"--bare", "--cpu", "8087", "--load", "0:" + loop}, &out, &errb); rc != 1 {
		t.Errorf("bad model: exit %d, want 1", rc)
	}
}

func TestRunWithoutRunner(t *testing.T) {
	f := filepath.Join(t.TempDir(), "data.xyz")
	os.WriteFile(f, []byte("not a program"), 0o644)
	if rc := runRun([]string{f}); rc == 0 {
		t.Error("a file no runner takes ran")
	}
}
