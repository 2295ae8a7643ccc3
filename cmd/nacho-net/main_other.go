//go:build !(js && wasm)

// Command nacho-net is Nacho's network module for the page; natively, the
// same programs are part of the nacho binary (nacho peer).
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "nacho-net is the page's network module: build it with GOOS=js GOARCH=wasm (make build does); natively use `nacho peer`")
	os.Exit(2)
}
