//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

// mountFilesystems builds the page's file namespace: / and /tmp.
func mountFilesystems(opts js.Value) (*vfs.VFS, error) {
	v := vfs.New(memfs.New(memfs.Options{}))
	for _, d := range []string{"/home", "/tmp"} {
		if err := v.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if err := v.Mount("/tmp", memfs.New(memfs.Options{}), vfs.MountOptions{}); err != nil {
		return nil, err
	}
	return v, nil
}
