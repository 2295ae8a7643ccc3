//go:build !js && !cgo

package crdt

// Without cgo there is no native automerge: every constructor says so.

import "fmt"

const implementation = "none"

func newDoc(Options) (Doc, error) {
	return nil, fmt.Errorf("%w: the native implementation needs cgo (CGO_ENABLED=1 and a C compiler)", ErrUnsupported)
}

func loadDoc([]byte, Options) (Doc, error) { return newDoc(Options{}) }

func loadSyncState(Doc, []byte) (SyncState, error) {
	return nil, fmt.Errorf("%w: the native implementation needs cgo", ErrUnsupported)
}
