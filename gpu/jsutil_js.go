//go:build js && wasm

package gpu

import (
	"errors"
	"fmt"
	"syscall/js"
)

// await waits for a promise. It blocks the calling goroutine while the
// event loop runs, so it must not be called from inside a js.Func callback
// (that would wait for the loop the callback is holding up).
func await(p js.Value) (js.Value, error) {
	if p.Type() != js.TypeObject || p.Get("then").Type() != js.TypeFunction {
		return p, nil
	}
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	onOK := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: arg0(args)}
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: jsError(arg0(args))}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	p.Call("then", onOK, onErr)
	r := <-ch
	return r.v, r.err
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

// jsError turns a thrown or rejected JavaScript value into an error.
func jsError(v js.Value) error {
	switch {
	case v.IsUndefined() || v.IsNull():
		return errors.New("unknown JavaScript error")
	case v.Type() == js.TypeObject && v.Get("message").Type() == js.TypeString:
		name := v.Get("name")
		if name.Type() == js.TypeString && name.String() != "" && name.String() != "Error" {
			return fmt.Errorf("%s: %s", name.String(), v.Get("message").String())
		}
		return errors.New(v.Get("message").String())
	default:
		return errors.New(v.String())
	}
}

// try runs f, turning a JavaScript exception (which syscall/js raises as
// a panic with a js.Error) into an error.
func try(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if je, ok := r.(js.Error); ok {
				err = jsError(je.Value)
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}

// obj builds a plain JavaScript object.
func obj(kv map[string]any) js.Value { return js.ValueOf(kv) }
