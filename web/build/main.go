// Command build precompresses the page's large assets with brotli at a
// high quality, once at build time, so that `nacho serve` sends them
// small without spending CPU per request. It writes FILE.br beside each
// FILE given; gzip is made by the server itself.
//
//	go run ./web/build web/dist/kernel.wasm ...
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/andybalholm/brotli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: build FILE...")
		os.Exit(2)
	}
	for _, name := range os.Args[1:] {
		if err := compress(name); err != nil {
			fmt.Fprintf(os.Stderr, "build: %s: %v\n", name, err)
			os.Exit(1)
		}
	}
}

func compress(name string) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	w := brotli.NewWriterLevel(&b, 9)
	if _, err := w.Write(data); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	tmp := name + ".br.tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d bytes, brotli %d (%.0f%%)\n", name, len(data), b.Len(), 100*float64(b.Len())/float64(len(data)))
	return os.Rename(tmp, name+".br")
}
