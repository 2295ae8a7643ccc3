//go:build js && wasm

package main

import "github.com/nachoos/nacho/internal/webworker"

// Short names for the shared browser glue.
type obj = webworker.Obj

var (
	bytesToJS   = webworker.BytesToJS
	bytesFromJS = webworker.BytesFromJS
	post        = webworker.Post
	hostYield   = webworker.HostYield
	envFrom     = webworker.EnvFrom
)
