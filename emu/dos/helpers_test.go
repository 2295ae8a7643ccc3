package dos

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nachoos/nacho/internal/nasmtest"

	"github.com/nachoos/nacho/emu/x86"
	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

// assemble builds testdata/name.asm with nasm into a flat binary.
func assemble(t testing.TB, name string, defs ...string) []byte {
	t.Helper()
	return nasmtest.File(t, filepath.Join("testdata", name+".asm"), defs...)
}

// testdataDir is ../shared/testdata from the project root, or
// $NACHO_TESTDATA.
func testdataDir(t testing.TB, sub string) string {
	t.Helper()
	d := os.Getenv("NACHO_TESTDATA")
	if d == "" {
		d = filepath.Join("..", "..", "..", "shared", "testdata")
	}
	d = filepath.Join(d, sub)
	if _, err := os.Stat(d); err != nil {
		t.Skipf("test data %s not present (set NACHO_TESTDATA): %v", d, err)
	}
	return d
}

// freedos returns the FreeDOS programs by name.
func freedos(t testing.TB, names ...string) map[string][]byte {
	t.Helper()
	dir := testdataDir(t, "freedos")
	files := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		files[n] = b
	}
	return files
}

// rig is a machine on a RAM disk with C: at /c.
type rig struct {
	t       testing.TB
	fs      *vfs.VFS
	out     bytes.Buffer // console
	stdout  *bytes.Buffer
	stderr  *bytes.Buffer
	logs    []string
	m       *Machine
	cfg     Config
	timeout time.Duration
	// onMachine, when set, sees the machine before it runs.
	onMachine func(m *Machine)
}

func newRig(t testing.TB, files map[string][]byte) *rig {
	t.Helper()
	r := &rig{t: t, fs: vfs.New(memfs.New(memfs.Options{})), timeout: 20 * time.Second}
	if err := r.fs.MkdirAll("/c", 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		p := "/c/" + name
		if err := r.fs.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := r.fs.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r.cfg = Config{
		FS:     r.fs,
		Drives: []Drive{{Letter: 'C', Root: "/c"}},
		Model:  x86.I80386,
		Log:    func(s string) { r.logs = append(r.logs, s) },
	}
	r.cfg.IO.Console = &r.out
	return r
}

// keys makes typed input come from s (a pipe into the keyboard).
func (r *rig) keys(s string) *rig {
	r.cfg.IO.Keyboard = strings.NewReader(s)
	return r
}

// redirect makes handles 0, 1 and 2 streams: stdin from s, stdout and
// stderr into buffers.
func (r *rig) redirect(stdin string) *rig {
	rd := strings.NewReader(stdin)
	r.cfg.IO.Stdin = rd
	r.cfg.IO.Keyboard = rd
	r.stdout, r.stderr = new(bytes.Buffer), new(bytes.Buffer)
	r.cfg.IO.Stdout = r.stdout
	r.cfg.IO.Stderr = r.stderr
	return r
}

// run runs the program and returns its exit code.
func (r *rig) run(prog string, args ...string) (int, error) {
	r.t.Helper()
	cfg := r.cfg
	cfg.Program = "/c/" + prog
	cfg.Args = args
	m, err := New(cfg)
	if err != nil {
		return 0, err
	}
	r.m = m
	if r.onMachine != nil {
		r.onMachine(m)
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	code, err := m.Run(ctx)
	if err == ErrKilled && ctx.Err() == context.DeadlineExceeded {
		r.t.Fatalf("%s did not end within %v; console so far:\n%s\nscreen:\n%s", prog, r.timeout, r.out.String(), m.Screen().Dump())
	}
	return code, err
}

// mustRun runs the program and fails the test on an error.
func (r *rig) mustRun(prog string, args ...string) int {
	r.t.Helper()
	code, err := r.run(prog, args...)
	if err != nil {
		r.t.Fatalf("%s: %v\nconsole:\n%s\nlog: %q", prog, err, r.out.String(), r.logs)
	}
	return code
}

// file reads a file of the C: drive.
func (r *rig) file(name string) string {
	r.t.Helper()
	b, err := r.fs.ReadFile("/c/" + name)
	if err != nil {
		r.t.Fatal(err)
	}
	return string(b)
}
