//go:build !(js && wasm)

package idb

import (
	"context"
	"errors"
	"fmt"

	"github.com/nachoos/nacho/vfs/store"
)

// Options configure an IndexedDB store.
type Options struct {
	Relaxed bool
}

var errNative = fmt.Errorf("idb: IndexedDB exists only in the browser (GOOS=js GOARCH=wasm): %w", errors.ErrUnsupported)

// Open is unsupported outside the browser.
func Open(ctx context.Context, namespace string, opts Options) (store.Store, error) {
	return nil, errNative
}

// Delete is unsupported outside the browser.
func Delete(ctx context.Context, namespace string) error { return errNative }

// Estimate is unsupported outside the browser.
func Estimate(ctx context.Context) (usage, quota int64, err error) { return 0, 0, errNative }

// RequestPersist is unsupported outside the browser.
func RequestPersist(ctx context.Context) (bool, error) { return false, errNative }

// Persisted is unsupported outside the browser.
func Persisted(ctx context.Context) (bool, error) { return false, errNative }
