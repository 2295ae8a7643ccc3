//go:build js && wasm

package idb

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/nachoos/nacho/vfs/internal/jsutil"
)

func storageManager() (js.Value, error) {
	nav := js.Global().Get("navigator")
	if nav.IsUndefined() || nav.Get("storage").IsUndefined() {
		return js.Value{}, fmt.Errorf("idb: navigator.storage is not available here: %w", errors.ErrUnsupported)
	}
	return nav.Get("storage"), nil
}

// Estimate returns the bytes this origin uses and may use
// (navigator.storage.estimate), for df.
func Estimate(ctx context.Context) (usage, quota int64, err error) {
	sm, err := storageManager()
	if err != nil {
		return 0, 0, err
	}
	v, err := jsutil.Await(ctx, sm.Call("estimate"))
	if err != nil {
		return 0, 0, err
	}
	return int64(v.Get("usage").Float()), int64(v.Get("quota").Float()), nil
}

// RequestPersist asks the browser not to evict this origin's storage under
// pressure (navigator.storage.persist) and reports whether it agreed.
func RequestPersist(ctx context.Context) (bool, error) {
	sm, err := storageManager()
	if err != nil {
		return false, err
	}
	v, err := jsutil.Await(ctx, sm.Call("persist"))
	if err != nil {
		return false, err
	}
	return v.Truthy(), nil
}

// Persisted reports whether storage is already persistent.
func Persisted(ctx context.Context) (bool, error) {
	sm, err := storageManager()
	if err != nil {
		return false, err
	}
	v, err := jsutil.Await(ctx, sm.Call("persisted"))
	if err != nil {
		return false, err
	}
	return v.Truthy(), nil
}
