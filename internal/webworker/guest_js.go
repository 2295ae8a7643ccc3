//go:build js && wasm

package webworker

import (
	"fmt"
	"syscall/js"
	"time"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/kernel/remote"
)

// StartGuest runs the program runner in a new Web Worker made from module
// (a compiled WebAssembly.Module of one of Nacho's programs) and the page's
// worker source: a guest of kernel/remote, whose stand-in here is p.
// Killing p terminates the worker at once. It returns p's exit status.
// transfer adds transferable objects (MessagePorts) to the worker's boot
// message, under their names.
func StartGuest(p *kernel.Process, module js.Value, runner string, transfer map[string]js.Value) int {
	g := js.Global()
	opts := g.Get("nachoBootOptions")
	src := opts.Get("workerSource")
	blob := g.Get("Blob").New([]any{src}, map[string]any{"type": "text/javascript"})
	url := g.Get("URL").Call("createObjectURL", blob)
	defer g.Get("URL").Call("revokeObjectURL", url)
	worker := g.Get("Worker").New(url, map[string]any{"name": fmt.Sprintf("nacho-%s-%d", runner, p.PID())})
	ch := g.Get("MessageChannel").New()
	conn := NewPortConn(ch.Get("port1"))
	defer conn.Close()
	// A guest whose WebGPU cannot present asks for fresh canvases for its
	// windows, which the page makes.
	conn.OnObject = func(m js.Value) {
		if id := m.Get("recanvas"); id.Type() == js.TypeNumber {
			for _, w := range p.Kernel().Display().Windows() {
				if s, _, _, _ := w.Surface(); s != nil {
					if rw, ok := s.(*remote.RemoteWindow); ok && rw.ID == id.Int() && rw.Tag.(js.Value).Equal(ch.Get("port1")) {
						Post(Obj{"type": "win-recanvas", "id": w.ID()})
					}
				}
			}
		}
	}
	failed := make(chan string, 1)
	fail := func(msg string) {
		select {
		case failed <- msg:
		default:
		}
		conn.Close()
	}
	onerr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "the worker failed"
		if len(args) > 0 && args[0].Get("message").Truthy() {
			msg = args[0].Get("message").String()
		}
		fail(msg)
		return nil
	})
	worker.Set("onerror", onerr)
	// What the worker posts on its own (a crash report) ends it too.
	onmsg := js.FuncOf(func(_ js.Value, args []js.Value) any {
		m := args[0].Get("data")
		switch m.Get("type").String() {
		case "fatal":
			fail(m.Get("error").String())
		case "halted":
			fail("the program's worker stopped")
		case "log":
			Post(Obj{"type": "log", "level": m.Get("level").String(), "text": m.Get("text").String()})
		}
		return nil
	})
	worker.Set("onmessage", onmsg)
	// Stop the worker before letting go of its handlers: a message it sent
	// a moment ago must not find them released.
	defer func() {
		worker.Call("terminate")
		worker.Set("onmessage", js.Null())
		worker.Set("onerror", js.Null())
		onmsg.Release()
		onerr.Release()
	}()

	env := map[string]any{}
	for k, v := range p.Environ() {
		env[k] = v
	}
	args := make([]any, 0, len(p.Args()))
	for _, a := range p.Args() {
		args = append(args, a)
	}
	port2 := ch.Get("port2")
	msg := map[string]any{
		"type":   "boot",
		"module": module,
		"port":   port2,
		"options": map[string]any{
			"mode": "process", "runner": runner, "args": args, "cwd": p.Cwd(), "env": env,
			"build": opts.Get("build"), "display": guestBackend(opts),
		},
	}
	list := []any{port2}
	for k, v := range transfer {
		msg[k] = v
		list = append(list, v)
	}
	worker.Call("postMessage", msg, list)

	// The guest's windows show here; their canvases go to it through port1.
	code, err := remote.Host(p, conn, remote.HostOptions{Tag: ch.Get("port1")})
	if err != nil {
		why := err.Error()
		select {
		case msg := <-failed:
			why = msg
		default:
		}
		fmt.Fprintf(p.Stderr(), "%s: %s\n", runner, why)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// RunGuest is the worker side: run the program the boot options name,
// found with lookup, for the kernel at the other end of the boot port;
// then return, which ends the worker.
func RunGuest(opts js.Value, lookup func(name string) (kernel.Main, bool)) {
	conn := NewPortConn(js.Global().Get("nachoBootPort"))
	// The guest draws its own windows, on canvases the kernel forwards.
	backend := ""
	if v := opts.Get("display"); v.Type() == js.TypeString {
		backend = v.String()
	}
	view := NewPresenter(backend, false)
	port := js.Global().Get("nachoBootPort")
	view.OnRecanvas = func(id int) { port.Call("postMessage", map[string]any{"recanvas": id}) }
	conn.OnObject = func(m js.Value) {
		if c := m.Get("canvas"); c.Truthy() {
			go view.Canvas(m.Get("win").Int(), c)
		}
	}
	name := opts.Get("runner").String()
	main, ok := lookup(name)
	if !ok {
		Post(Obj{"type": "fatal", "error": fmt.Sprintf("no program %q in this module", name)})
		return
	}
	var args []string
	a := opts.Get("args")
	for i := 0; i < a.Length(); i++ {
		args = append(args, a.Index(i).String())
	}
	_, err := remote.Guest(conn, remote.GuestOptions{
		Args: args,
		Main: main,
		Cwd:  opts.Get("cwd").String(),
		Env:  EnvFrom(opts.Get("env")),
		Sched: kernel.SchedConfig{
			Slots: 1, Slice: 4 * time.Millisecond, YieldEvery: 8 * time.Millisecond, HostYield: HostYield,
		},
		View: view,
	})
	if err != nil {
		Post(Obj{"type": "log", "level": "error", "text": err.Error()})
	}
	// Let the last message leave before the worker is terminated.
	time.Sleep(10 * time.Millisecond)
	conn.Close()
}

// guestBackend is the display backend a new guest should use: the page's
// choice, or Canvas2D once the kernel found WebGPU cannot present.
func guestBackend(opts js.Value) any {
	if b, ok := childBackend.Load().(string); ok && b != "" {
		return b
	}
	return opts.Get("display")
}
