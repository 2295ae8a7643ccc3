//go:build e2e && !js

package fabrik

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/room"
)

func joinNative(t *testing.T, server, roomName string, src fabrik.Source) *room.Peer {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := room.Join(ctx, room.Config{Server: server, Room: roomName, Secret: "pw", ICEServers: []fabrik.ICEServer{}, Source: src})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func waitAll(t *testing.T, n int, ps ...*room.Peer) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, p := range ps {
		if err := p.WaitPeers(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
}

// liar serves the chunks of a library with one bit flipped in each.
type liar struct {
	*fabrik.Library
	served *atomic.Int32
}

func (l liar) ReadChunk(id fabrik.ID, buf []byte) ([]byte, error) {
	l.served.Add(1)
	b, err := l.Library.ReadChunk(id, buf)
	if err == nil {
		b[len(b)/3] ^= 0x40
	}
	return b, err
}

// TestThreePeersOneDiesOneLies: through a real nacho serve, a fetcher
// pulls a file from two honest peers and one that corrupts every chunk;
// one honest peer leaves half-way. The corrupt chunks are rejected, the
// lost peer's share of the work moves to the other, and the file arrives
// whole.
func TestThreePeersOneDiesOneLies(t *testing.T) {
	server := serve(t)
	dir := t.TempDir()
	src := randomFile(t, dir, "f.bin", 32<<20)
	ctx := context.Background()

	lib := fabrik.NewLibrary()
	lies := new(atomic.Int32)
	bad := joinNative(t, server, "three", liar{lib, lies})
	a := joinNative(t, server, "three", nil)
	b := joinNative(t, server, "three", nil)
	f := joinNative(t, server, "three", nil)
	waitAll(t, 3, bad, a, b, f)

	var id fabrik.ID
	for _, p := range []*room.Peer{a, b} {
		sh, err := p.Share(ctx, os.DirFS(dir), "f.bin", room.ShareOptions{})
		if err != nil {
			t.Fatal(err)
		}
		id = sh.ID
	}
	if _, _, err := lib.Share(os.DirFS(dir), "f.bin", nil); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "out.bin")
	killed := false
	var prog fabrik.Progress
	_, err := f.Fetch(ctx, id, &fabrik.FileDest{Path: out}, fabrik.FetchOptions{Window: 2, Progress: func(p fabrik.Progress) {
		prog = p
		if !killed && p.Chunks >= 10 {
			killed = true
			go a.Close()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(src)
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, want) {
		t.Fatal("fetched file differs")
	}
	badName := "peer " + bad.ID()[:8]
	if prog.BySource[badName] != 0 {
		t.Fatalf("the corrupting peer was credited: %v", prog.BySource)
	}
	if !killed {
		t.Fatal("no peer was killed")
	}
	if lies.Load() == 0 {
		t.Fatal("the corrupting peer was never asked, so the test proved nothing")
	}
	t.Logf("bytes by source: %v", prog.BySource)
}

// TestTwoNativePeersChannels: multiplayer channels between native peers
// through a real nacho serve.
func TestTwoNativePeersChannels(t *testing.T) {
	server := serve(t)
	a := joinNative(t, server, "chan", nil)
	b := joinNative(t, server, "chan", nil)
	waitAll(t, 1, a, b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ca, _ := a.Channel("lobby", room.ChannelOptions{})
	cb, _ := b.Channel("lobby", room.ChannelOptions{})
	if err := ca.Send(ctx, []byte("hello from a")); err != nil {
		t.Fatal(err)
	}
	m, err := cb.Recv(ctx)
	if err != nil || string(m.Data) != "hello from a" || m.From != a.ID() {
		t.Fatalf("got %+v, %v", m, err)
	}
	if err := cb.SendTo(ctx, a.ID(), []byte(strings.Repeat("x", room.MaxMessage))); err != nil {
		t.Fatal(err)
	}
	if m, err := ca.Recv(ctx); err != nil || len(m.Data) != room.MaxMessage {
		t.Fatalf("max-size message: %d bytes, %v", len(m.Data), err)
	}
}
