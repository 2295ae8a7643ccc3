// Package fabrik holds Nacho's end-to-end fabrik tests: a real `nacho
// serve` and real `nacho peer` processes on loopback, and pages in headless
// Chromium (driven with chromedp) running fabrik/room's js/wasm build,
// talking to each other and to native peers. The page program is in
// testpage/. The tests carry the e2e build tag: `make test-e2e` runs them
// (with NACHO_BIN naming the nacho under test; without it they build one),
// or `go test -tags e2e ./e2e/fabrik/`. Nothing here is imported by the
// product.
package fabrik
