// Package webworker is the browser glue shared by Nacho's WebAssembly
// programs (the kernel, cmd/nacho-wasm, and the network module,
// cmd/nacho-net): messages to the page, byte copies across the Go/JS
// boundary, a kernel/remote connection over a MessagePort, giving the
// event loop its turn, and starting or being a guest worker.
//
// Everything here is js/wasm only.
package webworker
