//go:build tools

// Package tools pins the versions of the programs the test run builds
// (wasmbrowsertest runs GOOS=js GOARCH=wasm tests in headless Chromium). It
// is a module of its own so the project's own dependency versions (chromedp
// among them) stay free of the tools' needs.
package tools

import _ "github.com/agnivade/wasmbrowsertest"
