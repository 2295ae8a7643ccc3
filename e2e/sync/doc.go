// Package sync holds Nacho's end-to-end tests of synced folders: a real
// `nacho serve` and real `nacho sync` processes on loopback, killed and
// restarted mid-sync, and a fresh device restoring from the node alone.
// The tests carry the e2e build tag: `make test-e2e` runs them (with
// NACHO_BIN naming the nacho under test, else bin/nacho), or
// `go test -tags e2e ./e2e/sync/`. Nothing here is imported by the product.
package sync
