//go:build js && wasm

package webworker

import (
	"errors"
	"sync"
	"syscall/js"
)

// Obj is a message being built for postMessage.
type Obj = map[string]any

var uint8Array = js.Global().Get("Uint8Array")

// BytesToJS copies b into a new Uint8Array.
func BytesToJS(b []byte) js.Value {
	a := uint8Array.New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

// BytesFromJS copies a Uint8Array (or a string, as UTF-8) into Go.
func BytesFromJS(v js.Value) []byte {
	switch {
	case v.Type() == js.TypeString:
		return []byte(v.String())
	case v.InstanceOf(uint8Array):
		b := make([]byte, v.Get("byteLength").Int())
		js.CopyBytesToGo(b, v)
		return b
	}
	return nil
}

// Post sends a message to whoever started this worker. Values of type
// js.Value pass as they are; a message whose "data" is a Uint8Array
// transfers its buffer.
func Post(m Obj) {
	var transfer []any
	if d, ok := m["data"].(js.Value); ok && d.InstanceOf(uint8Array) {
		transfer = append(transfer, d.Get("buffer"))
	}
	js.Global().Call("nachoPost", m, transfer)
}

// HostYield returns after the worker's event loop has run once (see
// nachoYield in web/static/worker.js).
func HostYield() {
	done := make(chan struct{})
	cb := js.FuncOf(func(js.Value, []js.Value) any { close(done); return nil })
	js.Global().Call("nachoYield", cb)
	<-done
	cb.Release()
}

// EnvFrom reads a {NAME: value} object.
func EnvFrom(v js.Value) map[string]string {
	env := map[string]string{}
	if !v.Truthy() {
		return env
	}
	keys := js.Global().Get("Object").Call("keys", v)
	for i := 0; i < keys.Length(); i++ {
		k := keys.Index(i).String()
		env[k] = v.Get(k).String()
	}
	return env
}

// Await waits for a promise from a goroutine (never from inside a
// JavaScript callback).
func Await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	ok := js.FuncOf(func(_ js.Value, a []js.Value) any {
		v := js.Undefined()
		if len(a) > 0 {
			v = a[0]
		}
		ch <- result{v: v}
		return nil
	})
	fail := js.FuncOf(func(_ js.Value, a []js.Value) any {
		msg := "rejected"
		if len(a) > 0 {
			if m := a[0].Get("message"); m.Type() == js.TypeString {
				msg = m.String()
			} else {
				msg = a[0].Call("toString").String()
			}
		}
		ch <- result{err: errors.New(msg)}
		return nil
	})
	p.Call("then", ok, fail)
	r := <-ch
	ok.Release()
	fail.Release()
	return r.v, r.err
}

// PortConn is a kernel/remote Conn over a MessagePort.
type PortConn struct {
	port  js.Value
	onmsg js.Func

	mu     sync.Mutex
	queue  [][]byte
	ready  chan struct{} // signalled when queue gains a message
	closed bool

	// OnObject receives the messages that are not protocol bytes (a
	// window's canvas, forwarded by the kernel).
	OnObject func(js.Value)
}

// NewPortConn starts listening on port.
func NewPortConn(port js.Value) *PortConn {
	c := &PortConn{port: port, ready: make(chan struct{}, 1)}
	c.onmsg = js.FuncOf(func(_ js.Value, args []js.Value) any {
		data := args[0].Get("data")
		if data.IsNull() || data.IsUndefined() { // the other end said goodbye
			c.Close()
			return nil
		}
		if !data.InstanceOf(uint8Array) {
			if c.OnObject != nil {
				c.OnObject(data)
			}
			return nil
		}
		b := BytesFromJS(data)
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

// Send implements remote.Conn.
func (c *PortConn) Send(msg []byte) error {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return errPortClosed
	}
	a := BytesToJS(msg)
	c.port.Call("postMessage", a, []any{a.Get("buffer")})
	return nil
}

// Recv implements remote.Conn.
func (c *PortConn) Recv() ([]byte, error) {
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

// Close implements remote.Conn.
func (c *PortConn) Close() error {
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

// PostTransfer sends a message to whoever started this worker, moving the
// transferable objects (MessagePorts, buffers) with it.
func PostTransfer(m Obj, transfer ...js.Value) {
	list := make([]any, len(transfer))
	for i, t := range transfer {
		list[i] = t
	}
	js.Global().Call("nachoPost", m, list)
}
