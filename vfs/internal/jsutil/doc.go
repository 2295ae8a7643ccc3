// Package jsutil holds the syscall/js helpers of the browser back ends:
// awaiting promises, JavaScript errors as Go errors, copying bytes. It is
// js/wasm only.
package jsutil

import "errors"

// ErrLocked is returned by Lock when another tab or worker holds the lock.
var ErrLocked = errors.New("the namespace is open in another tab or worker")
