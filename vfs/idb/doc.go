// Package idb is layer 2 of Nacho's storage in the browser: a store.Store
// over IndexedDB (hack-pad/go-indexeddb), one database per persistence
// namespace, plus the navigator.storage helpers df needs (Estimate,
// RequestPersist).
//
// Transactions are batched: a Txn buffers its writes in Go and issues them
// all in one readwrite IndexedDB transaction with strict durability, so
// throughput is limited by the browser, not by per-call overhead, and a
// write is acknowledged only after IndexedDB has committed it. Keys are
// binary (bytes compare as IndexedDB compares ArrayBuffers), so every key
// round-trips and List's prefix ranges are exact.
//
// A namespace is held with a Web Lock while open, so a second tab of the
// same page gets ErrLocked instead of two writers in one database.
//
// Everything here is js/wasm only; the native build returns
// errors.ErrUnsupported.
package idb

import "github.com/nachoos/nacho/vfs/internal/jsutil"

// ErrLocked is returned by Open when another tab or worker holds the
// namespace.
var ErrLocked = jsutil.ErrLocked

// DBName is the IndexedDB database that holds namespace.
func DBName(namespace string) string { return "nacho/" + namespace }
