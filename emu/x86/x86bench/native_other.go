//go:build !linux || !amd64

package x86bench

import "errors"

// ErrUnsupported: native references exist only on linux/amd64 hosts.
var ErrUnsupported = errors.New("x86bench: native references need a linux/amd64 host")

// RunNative is not available here.
func RunNative(dir string) (Result, error) { return Result{}, ErrUnsupported }

// RunQEMU is not available here.
func RunQEMU(dir string) (Result, error) { return Result{}, ErrUnsupported }
