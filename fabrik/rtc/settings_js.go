//go:build js && wasm

package rtc

import "github.com/pion/webrtc/v4"

// In the browser, transport settings belong to the browser.
func newAPI() *webrtc.API { return webrtc.NewAPI() }
