//go:build js && wasm

package jsutil

import (
	"context"
	"fmt"
	"syscall/js"
	"time"
)

// Await waits for a JavaScript promise.
func Await(ctx context.Context, p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		var v js.Value
		if len(args) > 0 {
			v = args[0]
		}
		ch <- result{v: v}
		return nil
	})
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		err := fmt.Errorf("javascript promise rejected")
		if len(args) > 0 {
			err = Error(args[0])
		}
		ch <- result{err: err}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return js.Undefined(), ctx.Err()
	}
}

// Error turns a thrown JavaScript value into a Go error.
func Error(v js.Value) error {
	if v.Type() == js.TypeObject {
		name, msg := v.Get("name"), v.Get("message")
		if name.Type() == js.TypeString && msg.Type() == js.TypeString {
			return fmt.Errorf("%s: %s", name.String(), msg.String())
		}
	}
	return fmt.Errorf("%s", v.String())
}

// BytesToJS copies b into a new Uint8Array.
func BytesToJS(b []byte) js.Value {
	u := uint8Array.New(len(b))
	if len(b) > 0 {
		js.CopyBytesToJS(u, b)
	}
	return u
}

// BytesFromJS copies a Uint8Array, ArrayBuffer or typed array into Go.
func BytesFromJS(v js.Value) []byte {
	if !v.InstanceOf(uint8Array) {
		v = uint8Array.New(v)
	}
	b := make([]byte, v.Get("length").Int())
	if len(b) > 0 {
		js.CopyBytesToGo(b, v)
	}
	return b
}

var uint8Array = js.Global().Get("Uint8Array")

// Lock takes an exclusive Web Lock named name, if the browser has Web
// Locks, and returns its release. With wait 0 it fails at once with
// ErrLocked when the lock is held; otherwise it waits up to wait for it (a
// page being reloaded releases its locks a moment after the new one
// starts).
func Lock(ctx context.Context, name string, wait time.Duration) (func(), error) {
	locks := js.Global().Get("navigator").Get("locks")
	if locks.IsUndefined() {
		return func() {}, nil
	}
	granted := make(chan bool, 1)
	var release js.Value
	cb := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) == 0 || args[0].IsNull() {
			granted <- false
			return nil
		}
		// Hold the lock until the promise we return settles.
		var resolve js.Value
		executor := js.FuncOf(func(_ js.Value, a []js.Value) any {
			resolve = a[0]
			return nil
		})
		p := js.Global().Get("Promise").New(executor)
		executor.Release()
		release = resolve
		granted <- true
		return p
	})
	opts := js.Global().Get("Object").New()
	var timer *time.Timer
	if wait <= 0 {
		opts.Set("ifAvailable", true)
	} else {
		ac := js.Global().Get("AbortController").New()
		opts.Set("signal", ac.Get("signal"))
		timer = time.AfterFunc(wait, func() { ac.Call("abort") })
	}
	done := locks.Call("request", name, opts, cb)
	onReject := js.FuncOf(func(js.Value, []js.Value) any {
		select {
		case granted <- false: // aborted while waiting
		default:
		}
		return nil
	})
	done.Call("catch", onReject)
	var ok bool
	select {
	case ok = <-granted:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if timer != nil {
		timer.Stop()
	}
	if !ok {
		cb.Release()
		return nil, ErrLocked
	}
	return func() {
		release.Invoke()
		// The lock is free once the request's promise settles; wait, so
		// that reopening right after Close finds it free.
		Await(context.Background(), done)
		cb.Release()
		onReject.Release()
	}, nil
}
