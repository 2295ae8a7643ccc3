//go:build js && wasm

// Command testpage is the page side of the fabrik browser tests: a js/wasm
// program that joins a room through fabrik/room (pion's js build over the
// browser's WebRTC) and shares or fetches, as its URL's query says:
//
//	?server=URL&room=R&secret=S&mode=share&size=N&seed=K   share N bytes
//	?server=URL&room=R&secret=S&mode=fetch&id=ID            fetch and hash
//
// It reports through window.fabrikResult (a JSON string) and logs to the
// console.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand"
	"net/url"
	"os"
	"strconv"
	"syscall/js"
	"testing/fstest"
	"time"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/room"
)

func report(v map[string]any) {
	b, _ := json.Marshal(v)
	js.Global().Set("fabrikResult", string(b))
	fmt.Println("fabrikResult", string(b))
}

func main() {
	q, _ := url.ParseQuery(js.Global().Get("location").Get("search").String()[1:])
	err := run(q)
	if err != nil {
		report(map[string]any{"error": err.Error()})
	}
	select {} // keep serving
}

func run(q url.Values) error {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))
	start := time.Now()
	p, err := room.Join(ctx, room.Config{Server: q.Get("server"), Room: q.Get("room"), Secret: q.Get("secret"), ICEServers: []fabrik.ICEServer{}, Log: log})
	if err != nil {
		return err
	}
	switch q.Get("mode") {
	case "share":
		size, _ := strconv.Atoi(q.Get("size"))
		seed, _ := strconv.ParseInt(q.Get("seed"), 10, 64)
		data := make([]byte, size)
		rand.New(rand.NewSource(seed)).Read(data)
		fsys := fstest.MapFS{"page.bin": {Data: data, Mode: 0o644}}
		sh, err := p.Share(ctx, fsys, "page.bin", room.ShareOptions{})
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		report(map[string]any{"id": sh.ID.String(), "peer": p.ID(), "sha256": hex.EncodeToString(sum[:])})
		return nil
	case "fetch":
		id, err := fabrik.ParseID(q.Get("id"))
		if err != nil {
			return err
		}
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = p.WaitPeers(wctx, 1)
		cancel()
		if err != nil {
			return err
		}
		joined := time.Since(start)
		dest := &fabrik.MemDest{}
		var prog fabrik.Progress
		t0 := time.Now()
		if _, err := p.Fetch(ctx, id, dest, fabrik.FetchOptions{Progress: func(pr fabrik.Progress) { prog = pr }}); err != nil {
			return err
		}
		el := time.Since(t0)
		var data []byte
		for _, b := range dest.Files {
			data = b
		}
		sum := sha256.Sum256(data)
		report(map[string]any{"ok": true, "bytes": len(data), "sha256": hex.EncodeToString(sum[:]),
			"joinMs": joined.Milliseconds(), "fetchMs": el.Milliseconds(), "sources": prog.BySource})
		return nil
	case "sink":
		// Count bytes arriving on the "bulk" app channel until size.
		size, _ := strconv.Atoi(q.Get("size"))
		ch, err := p.Channel("bulk", room.ChannelOptions{})
		if err != nil {
			return err
		}
		var t0 time.Time
		for n := 0; n < size; {
			m, err := ch.Recv(ctx)
			if err != nil {
				return err
			}
			if n == 0 {
				t0 = time.Now()
			}
			n += len(m.Data)
		}
		report(map[string]any{"ok": true, "bytes": size, "fetchMs": time.Since(t0).Milliseconds()})
		return nil
	}
	return fmt.Errorf("unknown mode %q", q.Get("mode"))
}
