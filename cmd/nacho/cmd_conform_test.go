//go:build !js

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedTestdata finds ../shared/testdata beside the project root (or
// NACHO_TESTDATA), skipping when it is not there.
func sharedTestdata(t *testing.T, sub string) string {
	t.Helper()
	dir := os.Getenv("NACHO_TESTDATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "testdata")
	}
	p := filepath.Join(dir, sub)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("SingleStepTests sample not found at %s (set NACHO_TESTDATA): %v", p, err)
	}
	return p
}

func TestConformPasses(t *testing.T) {
	file := sharedTestdata(t, "singlestep-8086/v1/F6.7.json.gz")
	var out, errb bytes.Buffer
	if rc := runConformTo([]string{file, "--cpu", "8086"}, &out, &errb); rc != 0 {
		t.Fatalf("exit %d\n%s%s", rc, out.String(), errb.String())
	}
	if got := strings.TrimSpace(out.String()); got != "100 passed, 0 failed" {
		t.Errorf("output %q", got)
	}
}

// Running the 8086's DAA tests as a 286 fails them all (the 286 suite ends
// on HLT): the report names each test with its bytes and the difference,
// stops at --limit, and ends with the count.
func TestConformReportsFailures(t *testing.T) {
	file := sharedTestdata(t, "singlestep-8086/v1/27.json.gz")
	var out, errb bytes.Buffer
	rc := runConformTo([]string{"--cpu", "80286", "--limit", "3", file}, &out, &errb)
	if rc != 1 {
		t.Fatalf("exit %d, want 1", rc)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("want 3 failures, a 'more' line and the count; got:\n%s", out.String())
	}
	if !strings.HasPrefix(lines[0], `27.json.gz#0 "daa" [27]: `) || !strings.Contains(lines[0], "want") {
		t.Errorf("failure line %q", lines[0])
	}
	if lines[4] != "0 passed, 100 failed" {
		t.Errorf("last line %q", lines[4])
	}
}

func TestConformUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if rc := runConformTo([]string{"somewhere"}, &out, &errb); rc != 2 {
		t.Errorf("no --cpu: exit %d, want 2", rc)
	}
	if rc := runConformTo([]string{"--cpu", "8086", "/does/not/exist"}, &out, &errb); rc != 1 {
		t.Errorf("missing path: exit %d, want 1", rc)
	}
}
