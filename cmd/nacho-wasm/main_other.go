//go:build !(js && wasm)

// Command nacho-wasm is Nacho's kernel built for the browser
// (GOOS=js GOARCH=wasm). The page's nacho.js starts it in a Web Worker.
// Built for any other platform it only says so.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "nacho-wasm is the kernel for the browser: build it with GOOS=js GOARCH=wasm (make build does), and run `nacho serve` to use it")
	os.Exit(2)
}
