//go:build !js

package sync

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nachoos/nacho/vfs/sync/crdt"
)

// rssBytes is this process's resident memory (Linux), or 0.
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func waitFor(b *testing.B, what string, timeout time.Duration, ok func() bool) {
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			b.Fatalf("%s: not done in %v", what, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// BenchmarkSync10k syncs a tree of 10,000 small files from one device to
// an empty one through a real node on loopback, then one changed file.
// It reports times and bytes on the wire (both devices, both ways), the
// metadata document's size and the memory it takes loaded, and, as the
// reference on the same machine, the time to write the tree to disk.
//
//	go test ./vfs/sync -run '^$' -bench Sync10k -benchtime 1x
func BenchmarkSync10k(b *testing.B) {
	const dirs, per = 100, 100
	for range b.N {
		c := newCluster(b)
		srcDir := filepath.Join(b.TempDir(), "a")
		os.MkdirAll(srcDir, 0o755)
		start := time.Now()
		var content int64
		for d := range dirs {
			dd := filepath.Join(srcDir, fmt.Sprintf("dir%03d", d))
			os.MkdirAll(dd, 0o755)
			for f := range per {
				data := fmt.Sprintf("file %d of directory %d: some small content\n", f, d)
				content += int64(len(data))
				if err := os.WriteFile(filepath.Join(dd, fmt.Sprintf("f%03d.txt", f)), []byte(data), 0o644); err != nil {
					b.Fatal(err)
				}
			}
		}
		ref := time.Since(start)
		time.Sleep(150 * time.Millisecond) // past the settle time
		a := &replica{name: "a", dir: srcDir, state: filepath.Join(b.TempDir(), "a-state"), c: c}
		dst := &replica{name: "b", dir: filepath.Join(b.TempDir(), "b"), state: filepath.Join(b.TempDir(), "b-state"), c: c}
		os.MkdirAll(dst.dir, 0o755)

		start = time.Now()
		a.open()
		dst.open()
		files := func(r *replica) int { return len(r.e.Durability()) }
		waitFor(b, "first sync", 10*time.Minute, func() bool {
			return files(dst) == dirs*per && a.e.Status().State == "synced" && dst.e.Status().State == "synced"
		})
		first := time.Since(start)
		firstBytes := a.net.sent.Load() + a.net.recv.Load() + dst.net.sent.Load() + dst.net.recv.Load()

		s0 := firstBytes
		p := filepath.Join(srcDir, "dir042", "f042.txt")
		time.Sleep(20 * time.Millisecond)
		start = time.Now()
		os.WriteFile(p, []byte("changed\n"), 0o644)
		waitFor(b, "one change", time.Minute, func() bool {
			got, _ := os.ReadFile(filepath.Join(dst.dir, "dir042", "f042.txt"))
			return string(got) == "changed\n" && a.e.Status().State == "synced" && dst.e.Status().State == "synced"
		})
		one := time.Since(start)
		oneBytes := a.net.sent.Load() + a.net.recv.Load() + dst.net.sent.Load() + dst.net.recv.Load() - s0

		// A pass over the folder with nothing new: the steady cost of
		// watching 10,000 files by polling.
		start = time.Now()
		const idle = 5
		for range idle {
			if err := a.e.Scan(b.Context()); err != nil {
				b.Fatal(err)
			}
		}
		idlePass := time.Since(start) / idle

		// Reopening the synced folder (the page's boot): load state and
		// document, look at every file, reach "synced".
		dst.e.Close()
		start = time.Now()
		dst.open()
		waitFor(b, "reopen", time.Minute, func() bool {
			return files(dst) == dirs*per && dst.e.Status().State == "synced"
		})
		reopen := time.Since(start)

		a.e.mu.Lock()
		doc, _ := a.e.doc.Save()
		a.e.mu.Unlock()
		// Resident memory of the loaded document: several copies loaded
		// side by side, so allocator noise averages out.
		runtime.GC()
		const copies = 8
		before := rssBytes()
		var loaded []crdt.Doc
		for range copies {
			d, err := crdt.Load(doc, crdt.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := d.Heads(); err != nil {
				b.Fatal(err)
			}
			loaded = append(loaded, d)
		}
		after := rssBytes()
		per := float64(after-before) / copies
		for _, d := range loaded {
			d.Close()
		}
		b.ReportMetric(first.Seconds(), "first-s")
		b.ReportMetric(float64(firstBytes)/1e6, "first-MB")
		b.ReportMetric(float64(firstBytes)/float64(content), "first-bytes/content")
		b.ReportMetric(float64(one.Milliseconds()), "one-ms")
		b.ReportMetric(float64(oneBytes)/1e3, "one-KB")
		b.ReportMetric(float64(len(doc))/1e3, "doc-KB")
		b.ReportMetric(per/1e6, "doc-loaded-MB")
		b.ReportMetric(float64(idlePass.Milliseconds()), "idle-pass-ms")
		b.ReportMetric(reopen.Seconds(), "reopen-s")
		b.ReportMetric(ref.Seconds(), "ref-write-tree-s")
		b.ReportMetric(first.Seconds()/ref.Seconds(), "first/ref")
		b.Logf("10,000 files, %d content bytes: first sync %v, %.1f MB on the wire; one change %v, %.1f KB; idle pass %v; reopen %v; document %d KB saved, ~%.1f MB loaded; writing the tree took %v",
			content, first.Round(time.Millisecond), float64(firstBytes)/1e6, one.Round(time.Millisecond), float64(oneBytes)/1e3,
			idlePass.Round(time.Millisecond), reopen.Round(time.Millisecond), len(doc)/1000, per/1e6, ref.Round(time.Millisecond))
	}
}
