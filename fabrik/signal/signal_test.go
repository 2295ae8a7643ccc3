//go:build !js

package signal

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func server(t *testing.T) (*Server, string) {
	s := NewServer(ServerConfig{})
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return s, "ws" + strings.TrimPrefix(hs.URL, "http")
}

func dial(t *testing.T, url, room, secret, id string) *Client {
	c, err := Dial(context.Background(), ClientConfig{URL: url, Room: room, Secret: secret, ID: id})
	if err != nil {
		t.Fatalf("Dial %s: %v", id, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func next(t *testing.T, c *Client, typ string) Event {
	t.Helper()
	for {
		select {
		case e := <-c.Events():
			if e.Type == typ {
				return e
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: no %s event", c.ID(), typ)
		}
	}
}

func TestRoom(t *testing.T) {
	s, url := server(t)
	a := dial(t, url, "r1", "s3cret", "peer-aaaa")
	if w := next(t, a, TWelcome); len(w.Peers) != 0 {
		t.Fatalf("first member sees peers %v", w.Peers)
	}
	b := dial(t, url, "r1", "s3cret", "peer-bbbb")
	if w := next(t, b, TWelcome); len(w.Peers) != 1 || w.Peers[0] != "peer-aaaa" {
		t.Fatalf("second member sees %v", w.Peers)
	}
	if e := next(t, a, TJoined); e.ID != "peer-bbbb" {
		t.Fatalf("joined %q", e.ID)
	}
	if err := b.Signal(context.Background(), "peer-aaaa", map[string]string{"sdp": "x"}); err != nil {
		t.Fatal(err)
	}
	e := next(t, a, TSignal)
	var d map[string]string
	json.Unmarshal(e.Data, &d)
	if e.From != "peer-bbbb" || d["sdp"] != "x" {
		t.Fatalf("signal %+v", e)
	}

	// Wrong secret: refused with a clear error.
	_, err := Dial(context.Background(), ClientConfig{URL: url, Room: "r1", Secret: "guess", ID: "peer-cccc"})
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "wrong secret") {
		t.Fatalf("wrong secret: %v", err)
	}
	// Same name, other room: unaffected.
	dial(t, url, "r2", "other", "peer-aaaa")

	b.Close()
	if e := next(t, a, TLeft); e.ID != "peer-bbbb" {
		t.Fatalf("left %q", e.ID)
	}
	a.Close()
	deadline := time.Now().Add(5 * time.Second)
	for s.Rooms() != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := s.Rooms(); n != 1 {
		t.Fatalf("%d rooms open after r1 emptied, want 1", n)
	}
}

func TestReconnect(t *testing.T) {
	s, url := server(t)
	a := dial(t, url, "r", "k", "peer-aaaa")
	next(t, a, TWelcome)
	b := dial(t, url, "r", "k", "peer-bbbb")
	next(t, b, TWelcome)
	// Drop a's connection from the node's side.
	s.mu.Lock()
	s.rooms["r"].peers["peer-aaaa"].close()
	s.mu.Unlock()
	next(t, a, EventDisconnected)
	if w := next(t, a, TWelcome); len(w.Peers) != 1 || w.Peers[0] != "peer-bbbb" {
		t.Fatalf("after reconnect a sees %v", w.Peers)
	}
	if err := b.Signal(context.Background(), "peer-aaaa", "hi"); err != nil {
		t.Fatal(err)
	}
	next(t, a, TSignal)
}

func TestServerDropsBadClients(t *testing.T) {
	_, url := server(t)
	a := dial(t, url, "r", "k", "peer-aaaa")
	next(t, a, TWelcome)
	// A member that sends something other than a signal is dropped.
	a.mu.Lock()
	ws := a.ws
	a.mu.Unlock()
	ws.Write(context.Background(), 1, []byte(`{"type":"join","room":"x"}`))
	next(t, a, EventDisconnected)
}

func TestFloodingMemberDropped(t *testing.T) {
	_, url := server(t)
	a := dial(t, url, "r", "k", "peer-aaaa")
	next(t, a, TWelcome)
	b := dial(t, url, "r", "k", "peer-bbbb")
	next(t, b, TWelcome)
	ctx := context.Background()
	var err error
	for i := 0; i < 2*burst && err == nil; i++ {
		err = b.Signal(ctx, "peer-aaaa", i)
	}
	// Either a write failed already or the node cut b off: b sees a drop.
	next(t, b, EventDisconnected)
}

func TestDecodeRejects(t *testing.T) {
	proof := Proof("r", "s")
	for name, b := range map[string]string{
		"unknown type":  `{"type":"hack"}`,
		"unknown field": `{"type":"left","id":"peer-aaaa","x":1}`,
		"short id":      `{"type":"left","id":"a"}`,
		"bad id":        `{"type":"left","id":"peer aaaa"}`,
		"bad proof":     `{"type":"join","room":"r","id":"peer-aaaa","proof":"zz"}`,
		"empty room":    `{"type":"join","room":"","id":"peer-aaaa","proof":"` + proof + `"}`,
		"both to from":  `{"type":"signal","to":"peer-aaaa","from":"peer-bbbb","data":1}`,
		"no data":       `{"type":"signal","to":"peer-aaaa"}`,
		"trailing":      `{"type":"left","id":"peer-aaaa"} {}`,
		"huge":          `{"type":"signal","to":"peer-aaaa","data":"` + strings.Repeat("x", MaxData) + `"}`,
	} {
		if _, err := Decode([]byte(b)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: Decode = %v, want ErrMalformed", name, err)
		}
	}
	if Proof("r", "a") == Proof("r", "b") || Proof("r1", "a") == Proof("r2", "a") {
		t.Fatal("proofs collide")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"type":"join","room":"r","id":"peer-aaaa","proof":"` + Proof("r", "s") + `"}`))
	f.Add([]byte(`{"type":"welcome","id":"peer-aaaa","peers":["peer-bbbb"]}`))
	f.Add([]byte(`{"type":"signal","to":"peer-aaaa","data":{"sdp":"v=0"}}`))
	f.Add([]byte(`{"type":"error","error":"no"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			return
		}
		// What was accepted re-encodes to something that is accepted too.
		re, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Decode(re); err != nil {
			t.Fatalf("re-encoding of an accepted message rejected: %v", err)
		}
	})
}
