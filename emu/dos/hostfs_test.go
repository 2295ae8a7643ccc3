//go:build !js

package dos

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/nachoos/nacho/emu/x86"
	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/hostfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

// TestHostDrive: C: on a host folder (what `nacho run` does): a DOS
// program reads the host's files by their DOS names and what it writes is
// a host file.
func TestHostDrive(t *testing.T) {
	dir := t.TempDir()
	for n, b := range freedos(t, "SORT.COM", "COMMAND.COM") {
		os.WriteFile(filepath.Join(dir, n), b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "in.txt"), []byte(fruit), 0o644) // lower case on the host
	h, err := hostfs.New(dir, hostfs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := vfs.New(memfs.New(memfs.Options{}))
	v.MkdirAll("/dos/C", 0o755)
	if err := v.Mount("/dos/C", h, vfs.MountOptions{}); err != nil {
		t.Fatal(err)
	}
	run := func(prog string, args ...string) string {
		var out bytes.Buffer
		m, err := New(Config{FS: v, Drives: []Drive{{Letter: 'C', Root: "/dos/C"}}, Model: x86.I80386,
			Program: "/dos/C/" + prog, Args: args, IO: IO{Console: &out}})
		if err != nil {
			t.Fatal(err)
		}
		if code, err := m.Run(t.Context()); err != nil || code != 0 {
			t.Fatalf("%s: %d %v\n%s", prog, code, err, out.String())
		}
		return out.String()
	}
	wantLines(t, "SORT /R IN.TXT", run("SORT.COM", "/R", "IN.TXT"), "cherry", "banana", "apple")
	run("COMMAND.COM", "/C", "COPY", "IN.TXT", "OUT.TXT")
	b, err := os.ReadFile(filepath.Join(dir, "OUT.TXT"))
	if err != nil || string(b) != fruit {
		t.Fatalf("the host's OUT.TXT: %q %v", b, err)
	}
}
