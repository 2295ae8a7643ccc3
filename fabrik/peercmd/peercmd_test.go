//go:build !js

package peercmd

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nachoos/nacho/fabrik/chunkstore"
	"github.com/nachoos/nacho/fabrik/node"
	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

func startNode(t *testing.T) string {
	mux := http.NewServeMux()
	node.New(node.Config{Chunks: chunkstore.NewMem(), Manifests: chunkstore.NewMem()}).Register(mux)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return hs.URL
}

type capture struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (c *capture) write(p []byte) { c.mu.Lock(); c.b.Write(p); c.mu.Unlock() }
func (c *capture) String() string { c.mu.Lock(); defer c.mu.Unlock(); return c.b.String() }

// start runs the peer program in a kernel of its own (a page, in effect).
func start(t *testing.T, k *kernel.Kernel, server string, args ...string) (*kernel.Process, *capture, *capture) {
	t.Helper()
	out, errb := &capture{}, &capture{}
	o := kernel.NewOpenFile(kernel.NewWriterFile(out.write))
	e := kernel.NewOpenFile(kernel.NewWriterFile(errb.write))
	p, err := k.Spawn(kernel.SpawnOptions{
		Args: append([]string{"peer"}, args...), Main: Main, Cwd: "/",
		Env:   map[string]string{"NACHO_SERVER": server, "NACHO_ROOM": "r1", "NACHO_SECRET": "s1"},
		Files: []*kernel.OpenFile{nil, o, e},
	})
	o.Close()
	e.Close()
	if err != nil {
		t.Fatal(err)
	}
	return p, out, errb
}

func newKernel() *kernel.Kernel {
	return kernel.New(kernel.Config{FS: vfs.New(memfs.New(memfs.Options{}))})
}

func TestShareAndFetchBetweenTwoKernels(t *testing.T) {
	server := startNode(t)
	a, b := newKernel(), newKernel()
	a.FS().MkdirAll("/docs/sub", 0o755)
	big := bytes.Repeat([]byte("nacho!"), 500000) // 3 MB: several chunks
	a.FS().WriteFile("/docs/big.bin", big, 0o644)
	a.FS().WriteFile("/docs/sub/note.txt", []byte("hello"), 0o600)

	sharer, out, serr := start(t, a, server, "share", "/docs")
	defer sharer.Signal(kernel.SIGKILL)
	var id string
	deadline := time.Now().Add(20 * time.Second)
	for id == "" && time.Now().Before(deadline) {
		if line, _, ok := strings.Cut(out.String(), "\n"); ok {
			id = line
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(id) != 64 {
		t.Fatalf("share printed no id; stdout %q stderr %q", out.String(), serr.String())
	}
	fetcher, fout, ferr := start(t, b, server, "fetch", id, "-o", "/got")
	done := make(chan int, 1)
	go func() { done <- fetcher.Wait() }()
	select {
	case st := <-done:
		if st != 0 {
			t.Fatalf("fetch exited %d: %s", st, ferr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("fetch did not finish")
	}
	if !strings.Contains(fout.String(), "every chunk verified") {
		t.Errorf("fetch said %q", fout.String())
	}
	if got, _ := b.FS().ReadFile("/got/big.bin"); !bytes.Equal(got, big) {
		t.Fatalf("big.bin differs after the fetch (%d bytes)", len(got))
	}
	fi, err := b.FS().Stat("/got/sub/note.txt")
	if err != nil || fi.Mode().Perm()&0o777 != 0o600 {
		t.Fatalf("note.txt: %v %v", fi, err)
	}
	if _, err := b.FS().Stat("/got.part"); err == nil {
		t.Fatal("the .part was left behind")
	}
	// Fetching again onto an existing path refuses rather than overwrites.
	again, _, aerr := start(t, b, server, "fetch", id, "-o", "/got")
	if st := again.Wait(); st == 0 || !strings.Contains(aerr.String(), "already exists") {
		t.Fatalf("second fetch: %d %q", st, aerr.String())
	}
}

func TestChatBetweenTwoKernels(t *testing.T) {
	server := startNode(t)
	a, b := newKernel(), newKernel()
	ra, wa := kernel.NewPipe()
	outA, errA := &capture{}, &capture{}
	o := kernel.NewOpenFile(kernel.NewWriterFile(outA.write))
	e := kernel.NewOpenFile(kernel.NewWriterFile(errA.write))
	pa, _ := a.Spawn(kernel.SpawnOptions{Args: []string{"peer", "chat", "lobby"}, Main: Main,
		Env:   map[string]string{"NACHO_SERVER": server, "NACHO_ROOM": "r2", "NACHO_SECRET": "s"},
		Files: []*kernel.OpenFile{ra, o, e}})
	ra.Close()
	defer pa.Signal(kernel.SIGKILL)
	// b's standard input stays open: a chat ends at end of input.
	rb, wb := kernel.NewPipe()
	defer wb.Close()
	outB := &capture{}
	ob := kernel.NewOpenFile(kernel.NewWriterFile(outB.write))
	pb, _ := b.Spawn(kernel.SpawnOptions{Args: []string{"peer", "chat", "lobby", "--room", "r2", "--secret", "s"}, Main: Main,
		Env:   map[string]string{"NACHO_SERVER": server},
		Files: []*kernel.OpenFile{rb, ob, ob}})
	rb.Close()
	ob.Close()
	defer pb.Signal(kernel.SIGKILL)
	// Keep saying hello until the other side hears it (links take a moment).
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for !strings.Contains(outB.String(), ": hello from a") {
		if ctx.Err() != nil {
			t.Fatalf("b never heard a; a's stderr %q", errA.String())
		}
		wa.WriteContext(ctx, []byte("hello from a\n"))
		time.Sleep(200 * time.Millisecond)
	}
	wa.Close() // ^D: a leaves
	if st := pa.Wait(); st != 0 {
		t.Fatalf("chat a exited %d: %s", st, errA.String())
	}
}

func TestWrongSecretIsClear(t *testing.T) {
	server := startNode(t)
	a, b := newKernel(), newKernel()
	a.FS().WriteFile("/f", []byte("x"), 0o644)
	sharer, out, _ := start(t, a, server, "share", "/f")
	defer sharer.Signal(kernel.SIGKILL)
	for out.String() == "" {
		time.Sleep(10 * time.Millisecond)
	}
	p, _, errb := start(t, b, server, "members", "--secret", "not-it")
	if st := p.Wait(); st == 0 || !strings.Contains(errb.String(), "secret") {
		t.Fatalf("wrong secret: %d %q", st, errb.String())
	}
}
