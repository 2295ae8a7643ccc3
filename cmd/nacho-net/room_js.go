//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"sync"
	"syscall/js"
	"time"

	"github.com/nachoos/nacho/fabrik/room"
	"github.com/nachoos/nacho/internal/webworker"
	"github.com/nachoos/nacho/kernel"
)

// roomMain keeps a page's membership of a room for the embed API
// (os.join, os.channel): it joins, then serves the page over the port the
// page holds the other end of:
//
//	page → here: {op:"channel", name, unordered}, {op:"send", name, data, to},
//	             {op:"close", name}, {op:"leave"}
//	here → page: {op:"joined", id}, {op:"members", ids}, {op:"message", name, from, data},
//	             {op:"error", message}
//
// It runs as a kernel process (ps shows it; kill ends the membership).
func roomMain(p *kernel.Process) int {
	port := js.Global().Get("nachoBootAppPort")
	if !port.Truthy() {
		fmt.Fprintln(p.Stderr(), "room: no port to the page")
		return 2
	}
	send := func(m map[string]any, transfer ...any) { port.Call("postMessage", m, transfer) }
	ctx := p.Context()
	jctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	peer, err := room.Join(jctx, room.Config{Server: p.Getenv("NACHO_SERVER"), Room: p.Getenv("NACHO_ROOM"), Secret: p.Getenv("NACHO_SECRET")})
	cancel()
	if err != nil {
		send(map[string]any{"op": "error", "message": err.Error()})
		fmt.Fprintf(p.Stderr(), "room: %v\n", err)
		return 1
	}
	defer peer.Close()
	send(map[string]any{"op": "joined", "id": peer.ID()})

	var mu sync.Mutex
	channels := map[string]*room.Channel{}
	done := make(chan struct{})
	var once sync.Once
	leave := func() { once.Do(func() { close(done) }) }

	onmsg := js.FuncOf(func(_ js.Value, args []js.Value) any {
		m := args[0].Get("data")
		op := m.Get("op").String()
		name := ""
		if n := m.Get("name"); n.Type() == js.TypeString {
			name = n.String()
		}
		switch op {
		case "leave":
			leave()
		case "channel":
			unordered := m.Get("unordered").Truthy()
			go func() {
				ch, err := peer.Channel(name, room.ChannelOptions{Unordered: unordered})
				if err != nil {
					send(map[string]any{"op": "error", "name": name, "message": err.Error()})
					return
				}
				mu.Lock()
				channels[name] = ch
				mu.Unlock()
				for {
					msg, err := ch.Recv(ctx)
					if err != nil {
						return
					}
					data := webworker.BytesToJS(msg.Data)
					send(map[string]any{"op": "message", "name": name, "from": msg.From, "data": data}, data.Get("buffer"))
				}
			}()
		case "send":
			data := webworker.BytesFromJS(m.Get("data"))
			to := ""
			if t := m.Get("to"); t.Type() == js.TypeString {
				to = t.String()
			}
			go func() {
				mu.Lock()
				ch := channels[name]
				mu.Unlock()
				if ch == nil {
					send(map[string]any{"op": "error", "name": name, "message": "no channel " + name})
					return
				}
				var err error
				if to != "" {
					err = ch.SendTo(ctx, to, data)
				} else {
					err = ch.Send(ctx, data)
				}
				if err != nil {
					send(map[string]any{"op": "error", "name": name, "message": err.Error()})
				}
			}()
		case "close":
			mu.Lock()
			if ch := channels[name]; ch != nil {
				ch.Close()
				delete(channels, name)
			}
			mu.Unlock()
		}
		return nil
	})
	defer onmsg.Release()
	port.Set("onmessage", onmsg)
	port.Call("start")

	// Tell the page who is in the room whenever that changes.
	last := ""
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		ids := peer.Connected()
		key := fmt.Sprint(ids)
		if key != last {
			last = key
			list := make([]any, len(ids))
			for i, id := range ids {
				list[i] = id
			}
			send(map[string]any{"op": "members", "ids": list})
		}
		select {
		case <-tick.C:
		case <-done:
			return 0
		case <-ctx.Done():
			return 130
		}
	}
}
