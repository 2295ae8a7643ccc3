//go:build js && wasm

package main

import "syscall/js"

// obj is a message being built for postMessage.
type obj = map[string]any

var uint8Array = js.Global().Get("Uint8Array")

// bytesToJS copies b into a new Uint8Array.
func bytesToJS(b []byte) js.Value {
	a := uint8Array.New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

// bytesFromJS copies a Uint8Array (or a string, as UTF-8) into Go.
func bytesFromJS(v js.Value) []byte {
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

// post sends a message to the page. Values of type js.Value pass as they
// are; a message whose "data" is a Uint8Array transfers its buffer.
func post(m obj) {
	var transfer []any
	if d, ok := m["data"].(js.Value); ok && d.InstanceOf(uint8Array) {
		transfer = append(transfer, d.Get("buffer"))
	}
	js.Global().Call("nachoPost", m, transfer)
}
