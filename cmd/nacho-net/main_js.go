//go:build js && wasm

// Command nacho-net is Nacho's network module for the page: the WebRTC
// stack (pion's js build) and the programs that use it (peer). The kernel
// loads it the first time such a program runs, and runs each in a Web
// Worker of its own as a guest of kernel/remote, so the kernel itself
// stays small and quick to boot.
package main

import (
	"syscall/js"

	"github.com/nachoos/nacho/fabrik/peercmd"
	"github.com/nachoos/nacho/internal/webworker"
	"github.com/nachoos/nacho/kernel"
)

func main() {
	opts := js.Global().Get("nachoBootOptions")
	webworker.RunGuest(opts, func(name string) (kernel.Main, bool) {
		switch name {
		case "peer":
			return peercmd.Main, true
		case "room":
			return roomMain, true
		case "syncd":
			return syncdMain, true
		}
		return nil, false
	})
}
