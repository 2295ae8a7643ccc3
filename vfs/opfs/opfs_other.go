//go:build !(js && wasm)

package opfs

import (
	"context"
	"errors"
	"fmt"

	"github.com/nachoos/nacho/vfs/store"
)

var errNative = fmt.Errorf("opfs: the Origin Private File System exists only in the browser (GOOS=js GOARCH=wasm): %w", errors.ErrUnsupported)

// Open is unsupported outside the browser.
func Open(ctx context.Context, namespace string) (store.Store, error) { return nil, errNative }

// Delete is unsupported outside the browser.
func Delete(ctx context.Context, namespace string) error { return errNative }
