//go:build !js

package fabrik

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCoreImports keeps the protocol and core packages free of the
// browser and of pion, in the js/wasm build where it matters: they must
// stay testable with plain Go and an in-memory Transport. (The standard
// library itself uses syscall/js under js/wasm; only code outside it is
// checked for importing syscall/js.)
func TestCoreImports(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	for _, pkg := range []string{".", "./wire", "./chunkstore"} {
		cmd := exec.Command("go", "list", "-deps", "-f", `{{if not .Standard}}{{.ImportPath}} {{join .Imports " "}}{{"\n"}}{{end}}`, pkg)
		cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Fields(line)
			for _, imp := range f[1:] {
				if imp == "syscall/js" || strings.HasPrefix(imp, "github.com/pion/") {
					t.Errorf("%s (a dependency of fabrik/%s) imports %s", f[0], pkg, imp)
				}
			}
		}
	}
}
