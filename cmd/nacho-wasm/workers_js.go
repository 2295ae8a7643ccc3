//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"sync"
	"syscall/js"
	"time"

	"github.com/nachoos/nacho/internal/webworker"
	"github.com/nachoos/nacho/kernel"
)

func init() {
	kernel.RegisterProgram(kernel.Program{
		Name:    "peer",
		Summary: "share files with a room, fetch them, chat: peer share|fetch|chat|members (see peer help)",
		Main:    runPeer,
	})
	kernel.RegisterProgram(kernel.Program{
		Name:    "syncd",
		Summary: "keeps one folder in sync with a room (started by sync add)",
		Main:    func(p *kernel.Process) int { return runNet(p, "syncd") },
	})
}

// runInWorker runs a heavy guest in a Web Worker of its own: a second
// instance of this module, which runs the runner's Main in a small kernel
// and reaches ours through kernel/remote. p is the guest's stand-in here.
func runInWorker(p *kernel.Process, r kernel.Runner) int {
	module := js.Global().Get("nachoBootModule")
	if !js.Global().Get("nachoBootOptions").Get("workerSource").Truthy() || !module.Truthy() {
		return r.Main(p) // no way to start workers: run here
	}
	return webworker.StartGuest(p, module, r.Name, nil)
}

// The network module (cmd/nacho-net: WebRTC and the peer program) is big
// and most sessions never need it, so it is fetched and compiled the first
// time `peer` runs, then kept.
var netModule struct {
	once sync.Once
	mod  js.Value
	err  error
}

func loadNetModule() (js.Value, error) {
	netModule.once.Do(func() {
		url := js.Global().Get("nachoBootOptions").Get("netWasm")
		if url.Type() != js.TypeString || url.String() == "" {
			netModule.err = errors.New("this build has no network module")
			return
		}
		wa := js.Global().Get("WebAssembly")
		resp, err := webworker.Await(js.Global().Call("fetch", url))
		if err != nil {
			netModule.err = fmt.Errorf("downloading the network module: %w", err)
			return
		}
		if !resp.Get("ok").Bool() {
			netModule.err = fmt.Errorf("downloading the network module: HTTP %d", resp.Get("status").Int())
			return
		}
		netModule.mod, netModule.err = webworker.Await(wa.Call("compileStreaming", resp))
		if netModule.err != nil {
			netModule.err = fmt.Errorf("compiling the network module: %w", netModule.err)
		}
	})
	return netModule.mod, netModule.err
}

func runPeer(p *kernel.Process) int { return runNet(p, "peer") }

// runNet runs a program of the network module in a worker of its own.
func runNet(p *kernel.Process, name string) int {
	mod, err := loadNetModule()
	if err != nil {
		fmt.Fprintf(p.Stderr(), "%s: %v\n", name, err)
		return 1
	}
	// WebRTC exists only in windows: the page hosts the connections for the
	// worker (web/static/rtc-proxy.js).
	rtc, err := askPage("rtc-port")
	if err != nil {
		fmt.Fprintf(p.Stderr(), "%s: %v\n", name, err)
		return 1
	}
	return webworker.StartGuest(p, mod, name, map[string]js.Value{"rtcPort": rtc})
}

// Questions the kernel asks the page, answered with {type: "answer", id, value}.
var asks struct {
	sync.Mutex
	next    int
	pending map[int]chan js.Value
}

// askPage posts {type: typ, id} to the page and waits for its answer.
func askPage(typ string) (js.Value, error) {
	asks.Lock()
	if asks.pending == nil {
		asks.pending = map[int]chan js.Value{}
	}
	asks.next++
	id := asks.next
	ch := make(chan js.Value, 1)
	asks.pending[id] = ch
	asks.Unlock()
	post(obj{"type": typ, "id": id})
	select {
	case v := <-ch:
		return v, nil
	case <-time.After(10 * time.Second):
		asks.Lock()
		delete(asks.pending, id)
		asks.Unlock()
		return js.Undefined(), fmt.Errorf("the page did not answer %q", typ)
	}
}

// answered delivers the page's answer to askPage.
func answered(id int, v js.Value) {
	asks.Lock()
	ch := asks.pending[id]
	delete(asks.pending, id)
	asks.Unlock()
	if ch != nil {
		ch <- v
	}
}

// joinRoom starts a room membership for the embed API: a process running
// the network module's room program, which talks to the page over port.
func (b *bridge) joinRoom(name, secret string, port js.Value) (int, error) {
	env := b.k.Env()
	env["NACHO_ROOM"], env["NACHO_SECRET"] = name, secret
	p, err := b.k.Spawn(kernel.SpawnOptions{
		Args: []string{"room", name},
		Env:  env,
		Main: func(p *kernel.Process) int {
			mod, err := loadNetModule()
			if err != nil {
				port.Call("postMessage", map[string]any{"op": "error", "message": err.Error()})
				return 1
			}
			rtc, err := askPage("rtc-port")
			if err != nil {
				port.Call("postMessage", map[string]any{"op": "error", "message": err.Error()})
				return 1
			}
			return webworker.StartGuest(p, mod, "room", map[string]js.Value{"rtcPort": rtc, "appPort": port})
		},
	})
	if err != nil {
		return 0, err
	}
	return p.PID(), nil
}
