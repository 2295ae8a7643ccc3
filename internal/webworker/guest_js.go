//go:build js && wasm

package webworker

import (
	"fmt"
	"sync"
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
//
// The page makes the worker (a worker of the document has
// requestAnimationFrame and shows its canvases promptly; one started by
// another worker gets neither in every browser), and passes on what the
// worker says of itself (a crash report) as guest-event messages.
func StartGuest(p *kernel.Process, module js.Value, runner string, transfer map[string]js.Value) int {
	g := js.Global()
	opts := g.Get("nachoBootOptions")
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
	gid := guests.add(func(m js.Value) {
		var msg string
		switch m.Get("type").String() {
		case "fatal":
			msg = m.Get("error").String()
		case "halted":
			msg = "the program's worker stopped"
		case "log":
			Post(Obj{"type": "log", "level": m.Get("level").String(), "text": m.Get("text").String()})
			return
		default:
			return
		}
		select {
		case failed <- msg:
		default:
		}
		conn.Close()
	})
	defer func() {
		guests.remove(gid)
		Post(Obj{"type": "guest-stop", "id": gid})
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
	boot := map[string]any{
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
		boot[k] = v
		list = append(list, v)
	}
	js.Global().Call("nachoPost", map[string]any{
		"type": "guest-start", "id": gid, "boot": boot, "name": fmt.Sprintf("nacho-%s-%d", runner, p.PID()),
	}, list)

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

// guestTable routes what the page says of each guest worker to its
// StartGuest.
type guestTable struct {
	sync.Mutex
	next int
	fn   map[int]func(js.Value)
}

var guests = &guestTable{fn: map[int]func(js.Value){}}

func (gs *guestTable) add(fn func(js.Value)) int {
	gs.Lock()
	defer gs.Unlock()
	gs.next++
	gs.fn[gs.next] = fn
	return gs.next
}

func (gs *guestTable) remove(id int) {
	gs.Lock()
	delete(gs.fn, id)
	gs.Unlock()
}

// GuestEvent delivers a message the page passed on from guest worker id.
func GuestEvent(id int, m js.Value) {
	guests.Lock()
	fn := guests.fn[id]
	guests.Unlock()
	if fn != nil {
		fn(m)
	}
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
