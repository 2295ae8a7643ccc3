//go:build !js

package room

import (
	"bytes"
	"context"
	"log/slog"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/chunkstore"
	"github.com/nachoos/nacho/fabrik/node"
)

func testLog() *slog.Logger {
	if os.Getenv("FABRIK_DEBUG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return nil
}

// startNode runs the node's handlers on a loopback HTTP server.
func startNode(t testing.TB) string {
	mux := http.NewServeMux()
	node.New(node.Config{Chunks: chunkstore.NewMem(), Manifests: chunkstore.NewMem(), Log: testLog()}).Register(mux)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return hs.URL
}

func join(t testing.TB, server, room, secret string) *Peer {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := Join(ctx, Config{Server: server, Room: room, Secret: secret, ICEServers: []fabrik.ICEServer{}, Log: testLog()})
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func waitPeers(t testing.TB, n int, ps ...*Peer) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, p := range ps {
		if err := p.WaitPeers(ctx, n); err != nil {
			t.Fatalf("%s: %v", p.ID(), err)
		}
	}
}

func writeRandom(t testing.TB, dir, name string, n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(int64(n))).Read(b)
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTwoPeersShareAndFetch(t *testing.T) {
	server := startNode(t)
	a := join(t, server, "r", "s")
	b := join(t, server, "r", "s")
	waitPeers(t, 1, a, b)

	dir := t.TempDir()
	data := writeRandom(t, dir, "f.bin", 5*fabrik.ChunkSize+99)
	sh, err := a.Share(context.Background(), os.DirFS(dir), "f.bin", ShareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	id := sh.ID
	out := filepath.Join(t.TempDir(), "out.bin")
	var prog fabrik.Progress
	if _, err := b.Fetch(context.Background(), id, &fabrik.FileDest{Path: out}, fabrik.FetchOptions{Progress: func(p fabrik.Progress) { prog = p }}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, data) {
		t.Fatal("fetched file differs")
	}
	if prog.BySource["node"] != 0 {
		t.Fatalf("node delivered chunks it was never given: %v", prog.BySource)
	}
}

func TestChannels(t *testing.T) {
	server := startNode(t)
	a := join(t, server, "r", "s")
	b := join(t, server, "r", "s")
	c := join(t, server, "r", "s")
	waitPeers(t, 2, a, b, c)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	ca, _ := a.Channel("chat", ChannelOptions{})
	cb, _ := b.Channel("chat", ChannelOptions{})
	for i := 0; i < 100; i++ {
		if err := ca.Send(ctx, []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 100; i++ {
		m, err := cb.Recv(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m.From != a.ID() || m.Data[0] != byte(i) {
			t.Fatalf("message %d: from %s data %v", i, m.From, m.Data)
		}
	}
	// c opens the name late: the backlog is there.
	cc, _ := c.Channel("chat", ChannelOptions{})
	if m, err := cc.Recv(ctx); err != nil || m.Data[0] != 0 {
		t.Fatalf("late opener: %v %v", m, err)
	}
	// Unordered, unreliable channel: on loopback, messages arrive.
	ua, _ := a.Channel("pos", ChannelOptions{Unordered: true})
	ub, _ := b.Channel("pos", ChannelOptions{Unordered: true})
	if err := ua.SendTo(ctx, b.ID(), []byte("x=1")); err != nil {
		t.Fatal(err)
	}
	if m, err := ub.Recv(ctx); err != nil || string(m.Data) != "x=1" {
		t.Fatalf("unordered: %v %v", m, err)
	}
	if err := ua.Send(ctx, make([]byte, MaxMessage+1)); err == nil {
		t.Fatal("oversized message sent")
	}
}

func TestWrongSecret(t *testing.T) {
	server := startNode(t)
	join(t, server, "r", "s")
	_, err := Join(context.Background(), Config{Server: server, Room: "r", Secret: "nope", ICEServers: []fabrik.ICEServer{}})
	if err == nil {
		t.Fatal("joined with the wrong secret")
	}
}

// TestPeerLeavesMidTransfer: three peers, two of them serving; one
// vanishes half-way and the fetch finishes from the other.
func TestPeerLeavesMidTransfer(t *testing.T) {
	server := startNode(t)
	a := join(t, server, "r", "s")
	b := join(t, server, "r", "s")
	f := join(t, server, "r", "s")
	waitPeers(t, 2, a, b, f)
	dir := t.TempDir()
	data := writeRandom(t, dir, "f.bin", 24*fabrik.ChunkSize)
	ctx := context.Background()
	sh, err := a.Share(ctx, os.DirFS(dir), "f.bin", ShareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	id := sh.ID
	if sh2, _ := b.Share(ctx, os.DirFS(dir), "f.bin", ShareOptions{}); sh2 == nil || sh2.ID != id {
		t.Fatal("the same file shared twice has two ids")
	}
	out := filepath.Join(t.TempDir(), "out.bin")
	killed := false
	var prog fabrik.Progress
	_, err = f.Fetch(ctx, id, &fabrik.FileDest{Path: out}, fabrik.FetchOptions{Window: 2, Progress: func(p fabrik.Progress) {
		prog = p
		if !killed && p.Chunks >= 6 {
			killed = true
			go a.Close()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !killed {
		t.Fatal("the peer was never killed")
	}
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, data) {
		t.Fatal("fetched file differs")
	}
	t.Logf("bytes by source: %v", prog.BySource)
}

// TestReconnect: a link that drops comes back.
func TestReconnect(t *testing.T) {
	server := startNode(t)
	a := join(t, server, "r", "s")
	b := join(t, server, "r", "s")
	waitPeers(t, 1, a, b)
	// Break the link from one side, as a network drop would.
	a.post(func() {
		for _, l := range a.snapshotLinks() {
			l.pc.Close()
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Wait for it to go down and come back.
	for len(a.Connected()) != 0 && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	if err := a.WaitPeers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitPeers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	ca, _ := a.Channel("c", ChannelOptions{})
	cb, _ := b.Channel("c", ChannelOptions{})
	for ctx.Err() == nil {
		if len(b.Connected()) == 1 {
			ca.Send(ctx, []byte("back"))
			rctx, rcancel := context.WithTimeout(ctx, 500*time.Millisecond)
			m, err := cb.Recv(rctx)
			rcancel()
			if err == nil && string(m.Data) == "back" {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("no message over the re-established link")
}
