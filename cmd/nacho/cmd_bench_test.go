//go:build !js

package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestBenchList(t *testing.T) {
	var out, errb bytes.Buffer
	if rc := runBenchTo([]string{"-list"}, &out, &errb); rc != 0 {
		t.Fatalf("exit %d: %s", rc, errb.String())
	}
	if !strings.Contains(out.String(), "x86-loop") {
		t.Errorf("list lacks x86-loop:\n%s", out.String())
	}
	if rc := runBenchTo([]string{"no-such-bench"}, &out, &errb); rc == 0 {
		t.Error("unknown benchmark ran")
	}
}
