//go:build !js

package rtc

import (
	"time"

	"github.com/pion/webrtc/v4"
)

// SCTP receive window. pion's default (1 MiB) caps a data channel at about
// window/RTT; a larger one lets bulk chunk transfers fill a fast path.
const sctpReceiveBuffer = 8 << 20

// maxMessage bounds what a peer may send in one data channel message
// (fabrik messages are at most 64 KiB; the rest is slack).
const maxMessage = 256 << 10

func newAPI() *webrtc.API {
	var se webrtc.SettingEngine
	se.SetSCTPMaxReceiveBufferSize(sctpReceiveBuffer)
	se.SetSCTPMaxMessageSize(maxMessage)
	// DTLS already authenticates every packet, so SCTP's CRC32c adds
	// nothing; this is negotiated (RFC 9653) and only used with peers
	// that accept it.
	se.EnableSCTPZeroChecksum(true)
	// Peers on one machine (and tests) connect over loopback.
	se.SetIncludeLoopbackCandidate(true)
	// Notice a vanished peer within seconds, not half a minute.
	se.SetICETimeouts(4*time.Second, 8*time.Second, time.Second)
	return webrtc.NewAPI(webrtc.WithSettingEngine(se))
}
