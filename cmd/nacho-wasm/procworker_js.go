//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"sync"
	"syscall/js"
	"time"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/kernel/remote"
)

// portConn is a remote.Conn over a MessagePort.
type portConn struct {
	port  js.Value
	onmsg js.Func

	mu     sync.Mutex
	queue  [][]byte
	ready  chan struct{} // signalled when queue gains a message
	closed bool
}

func newPortConn(port js.Value) *portConn {
	c := &portConn{port: port, ready: make(chan struct{}, 1)}
	c.onmsg = js.FuncOf(func(_ js.Value, args []js.Value) any {
		data := args[0].Get("data")
		if data.IsNull() || data.IsUndefined() { // the other end said goodbye
			c.Close()
			return nil
		}
		b := bytesFromJS(data)
		c.mu.Lock()
		c.queue = append(c.queue, b)
		c.mu.Unlock()
		select {
		case c.ready <- struct{}{}:
		default:
		}
		return nil
	})
	port.Set("onmessage", c.onmsg)
	port.Call("start")
	return c
}

var errPortClosed = errors.New("message port closed")

func (c *portConn) Send(msg []byte) error {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return errPortClosed
	}
	a := bytesToJS(msg)
	c.port.Call("postMessage", a, []any{a.Get("buffer")})
	return nil
}

func (c *portConn) Recv() ([]byte, error) {
	for {
		c.mu.Lock()
		if len(c.queue) > 0 {
			m := c.queue[0]
			c.queue = c.queue[1:]
			c.mu.Unlock()
			return m, nil
		}
		if c.closed {
			c.mu.Unlock()
			return nil, errPortClosed
		}
		c.mu.Unlock()
		<-c.ready
	}
}

func (c *portConn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	select {
	case c.ready <- struct{}{}:
	default:
	}
	c.port.Call("close")
	return nil
}

// runInWorker runs a heavy guest in a Web Worker of its own: a second
// instance of this module, which runs the runner's Main in a small kernel
// of its own and reaches ours (files, descriptors, signals) through
// kernel/remote. p is the guest's stand-in here; killing it terminates the
// worker at once.
func runInWorker(p *kernel.Process, r kernel.Runner) int {
	g := js.Global()
	opts := g.Get("nachoBootOptions")
	src := opts.Get("workerSource")
	if !src.Truthy() {
		return r.Main(p) // no way to start workers: run here
	}
	blob := g.Get("Blob").New([]any{src}, map[string]any{"type": "text/javascript"})
	url := g.Get("URL").Call("createObjectURL", blob)
	defer g.Get("URL").Call("revokeObjectURL", url)
	worker := g.Get("Worker").New(url, map[string]any{"name": fmt.Sprintf("nacho-%s-%d", r.Name, p.PID())})
	defer worker.Call("terminate")
	ch := g.Get("MessageChannel").New()
	conn := newPortConn(ch.Get("port1"))
	defer conn.Close()
	failed := make(chan string, 1)
	onerr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "the worker failed"
		if len(args) > 0 && args[0].Get("message").Truthy() {
			msg = args[0].Get("message").String()
		}
		select {
		case failed <- msg:
		default:
		}
		conn.Close()
		return nil
	})
	defer onerr.Release()
	worker.Set("onerror", onerr)
	// Messages the worker posts on its own (a crash report) end it too.
	onmsg := js.FuncOf(func(_ js.Value, args []js.Value) any {
		m := args[0].Get("data")
		if t := m.Get("type").String(); t == "fatal" || t == "halted" {
			text := t
			if e := m.Get("error"); e.Truthy() {
				text = e.String()
			}
			select {
			case failed <- text:
			default:
			}
			conn.Close()
		}
		return nil
	})
	defer onmsg.Release()
	worker.Set("onmessage", onmsg)

	env := map[string]any{}
	for k, v := range p.Environ() {
		env[k] = v
	}
	args := make([]any, 0, len(p.Args()))
	for _, a := range p.Args() {
		args = append(args, a)
	}
	port2 := ch.Get("port2")
	worker.Call("postMessage", map[string]any{
		"type":   "boot",
		"module": g.Get("nachoBootModule"),
		"port":   port2,
		"options": map[string]any{
			"mode": "process", "runner": r.Name, "args": args, "cwd": p.Cwd(), "env": env,
			"build": opts.Get("build"),
		},
	}, []any{port2})

	code, err := remote.Host(p, conn, remote.HostOptions{})
	if err != nil {
		why := err.Error()
		select {
		case msg := <-failed:
			why = msg
		default:
		}
		fmt.Fprintf(p.Stderr(), "%s: %s\n", r.Name, why)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// guestMain is the worker side: run one guest program for the kernel at
// the other end of the boot port, then stop.
func guestMain(opts js.Value) {
	conn := newPortConn(js.Global().Get("nachoBootPort"))
	name := opts.Get("runner").String()
	r, ok := kernel.LookupRunner(name)
	if !ok {
		fatal(fmt.Errorf("no runner %q in this build", name))
		return
	}
	var args []string
	a := opts.Get("args")
	for i := 0; i < a.Length(); i++ {
		args = append(args, a.Index(i).String())
	}
	_, err := remote.Guest(conn, remote.GuestOptions{
		Args: args,
		Main: r.Main,
		Cwd:  opts.Get("cwd").String(),
		Env:  envFrom(opts.Get("env")),
		Sched: kernel.SchedConfig{
			Slots: 1, Slice: 4 * time.Millisecond, YieldEvery: 8 * time.Millisecond, HostYield: hostYield,
		},
	})
	if err != nil {
		post(obj{"type": "log", "level": "error", "text": err.Error()})
	}
	// Let the last message leave before the worker is terminated.
	time.Sleep(10 * time.Millisecond)
	conn.Close()
}
