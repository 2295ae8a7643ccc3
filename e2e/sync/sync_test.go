//go:build e2e && !js

package sync

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nachoos/nacho/e2e/e2etest"
)

type device struct {
	t     *testing.T
	dir   string
	state string
	cmd   *exec.Cmd
	log   *os.File
	srv   *e2etest.Server
}

func newDevice(t *testing.T, srv *e2etest.Server, name string) *device {
	d := &device{t: t, dir: filepath.Join(t.TempDir(), name), state: filepath.Join(t.TempDir(), name+"-state"), srv: srv}
	os.MkdirAll(d.dir, 0o755)
	return d
}

func (d *device) start() {
	d.t.Helper()
	log, err := os.CreateTemp(d.t.TempDir(), "sync-*.log")
	if err != nil {
		d.t.Fatal(err)
	}
	d.log = log
	d.cmd = exec.Command(e2etest.Bin(d.t), "sync", d.dir, "--server", strings.TrimSuffix(d.srv.URL, "/"),
		"--room", "e2e-room", "--secret", "e2e-secret", "--state", d.state, "--interval", "100ms")
	d.cmd.Stdout, d.cmd.Stderr = log, log
	if err := d.cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	cmd := d.cmd
	d.t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
}

// kill ends the process at once (SIGKILL): no state is saved on the way.
func (d *device) kill() {
	d.cmd.Process.Signal(syscall.SIGKILL)
	d.cmd.Wait()
}

// stop ends it as a user would (SIGINT).
func (d *device) stop() {
	d.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		d.t.Errorf("nacho sync did not stop on SIGINT")
		d.kill()
	}
}

func (d *device) logText() string {
	b, _ := os.ReadFile(d.log.Name())
	return string(b)
}

func tree(dir string) map[string]string {
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasPrefix(filepath.Base(rel), ".nacho-sync-") {
			return nil
		}
		if e.IsDir() {
			m[rel] = "/"
			return nil
		}
		b, _ := os.ReadFile(p)
		m[rel] = string(b)
		return nil
	})
	return m
}

func same(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// waitSame waits until every device's folder equals want (or, with want
// nil, until they all equal each other) and returns it.
func waitSame(t *testing.T, timeout time.Duration, want map[string]string, ds ...*device) map[string]string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		first := tree(ds[0].dir)
		ok := want == nil || same(first, want)
		for _, d := range ds[1:] {
			ok = ok && same(first, tree(d.dir))
		}
		if ok {
			return first
		}
		if time.Now().After(deadline) {
			for _, d := range ds {
				t.Logf("%s: %d paths; log:\n%s", d.dir, len(tree(d.dir)), d.logText())
			}
			ref, refName := want, "want"
			if ref == nil {
				ref, refName = first, ds[0].dir
			}
			for _, d := range ds {
				t.Logf("%s differs from %s: %s", d.dir, refName, diffTrees(ref, tree(d.dir)))
			}
			t.Fatalf("folders did not converge in %v", timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// diffTrees lists up to ten paths where two trees differ.
func diffTrees(a, b map[string]string) string {
	short := func(s string, ok bool) string {
		if !ok {
			return "(absent)"
		}
		if len(s) > 40 {
			return fmt.Sprintf("%q... (%d bytes)", s[:40], len(s))
		}
		return fmt.Sprintf("%q", s)
	}
	var out []string
	seen := map[string]bool{}
	for _, m := range []map[string]string{a, b} {
		for p := range m {
			if seen[p] {
				continue
			}
			seen[p] = true
			va, oka := a[p]
			vb, okb := b[p]
			if oka != okb || va != vb {
				out = append(out, fmt.Sprintf("%s: %s vs %s", p, short(va, oka), short(vb, okb)))
			}
		}
	}
	sort.Strings(out)
	if len(out) > 10 {
		out = append(out[:10], fmt.Sprintf("and %d more", len(out)-10))
	}
	if len(out) == 0 {
		return "nothing"
	}
	return strings.Join(out, "; ")
}

// TestSyncKilledMidSyncAndRestore: two devices sync a burst of files; one
// is killed (SIGKILL) in the middle and restarted; they converge with
// nothing lost and no spurious conflict copy. Then both stop and a third,
// empty device restores the folder from the node alone.
func TestSyncKilledMidSyncAndRestore(t *testing.T) {
	srv := e2etest.StartServe(t)
	a, b := newDevice(t, srv, "a"), newDevice(t, srv, "b")
	a.start()
	b.start()
	want := map[string]string{}
	for i := range 300 {
		p := filepath.Join("burst", fmt.Sprintf("d%d", i%10), fmt.Sprintf("f%03d.txt", i))
		os.MkdirAll(filepath.Join(a.dir, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(a.dir, p), []byte(fmt.Sprintf("file %d\n", i)), 0o644)
		want[p] = fmt.Sprintf("file %d\n", i)
		if i == 150 {
			b.kill()
		}
	}
	big := strings.Repeat("0123456789", 250_000) // 2.5 MB, three chunks
	os.WriteFile(filepath.Join(a.dir, "big.bin"), []byte(big), 0o644)
	want["big.bin"] = big
	want["burst"] = "/"
	for i := range 10 {
		want[filepath.Join("burst", fmt.Sprintf("d%d", i))] = "/"
	}
	time.Sleep(500 * time.Millisecond)
	b.start()
	waitSame(t, 60*time.Second, want, a, b)

	// Both edit while b is killed again; the edits on both sides survive.
	os.WriteFile(filepath.Join(a.dir, "burst", "d1", "f001.txt"), []byte("edited on a\n"), 0o644)
	b.kill()
	os.WriteFile(filepath.Join(b.dir, "burst", "d2", "f002.txt"), []byte("edited on b while down\n"), 0o644)
	b.start()
	want[filepath.Join("burst", "d1", "f001.txt")] = "edited on a\n"
	want[filepath.Join("burst", "d2", "f002.txt")] = "edited on b while down\n"
	waitSame(t, 60*time.Second, want, a, b)

	a.stop()
	b.stop()
	c := newDevice(t, srv, "c")
	c.start()
	waitSame(t, 60*time.Second, want, c)
	c.stop()
}
