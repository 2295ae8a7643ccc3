//go:build !js

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Runner options may stand before the file as well as after it.
func TestRunOptionsBeforeFile(t *testing.T) {
	if os.Getenv("NACHO_RUN_CHILD") != "" {
		os.Exit(runRun(strings.Fields(os.Getenv("NACHO_RUN_CHILD"))))
	}
	dir := t.TempDir()
	// mov ah,9; mov dx,m; int 21h; mov ax,4C03h; int 21h; m: "hi$"
	com := []byte{0xB4, 0x09, 0xBA, 0x0C, 0x01, 0xCD, 0x21, 0xB8, 0x03, 0x4C, 0xCD, 0x21, 'h', 'i', '$'}
	prog := filepath.Join(dir, "H.COM")
	os.WriteFile(prog, com, 0o644)
	other := t.TempDir()
	for _, args := range []string{
		prog,
		"--drive D=" + other + " " + prog,
		"--screen " + prog,
		prog + " --drive D=" + other,
	} {
		cmd := exec.Command(os.Args[0], "-test.run=TestRunOptionsBeforeFile")
		cmd.Env = append(os.Environ(), "NACHO_RUN_CHILD="+args)
		cmd.Dir = dir
		out, err := cmd.Output()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != 3 || !strings.HasPrefix(string(out), "hi") {
			t.Errorf("nacho run %s: exit %d, output %q", args, code, out)
		}
	}
}
