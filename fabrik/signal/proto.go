// Package signal is the rendezvous of fabrik peers: a WebSocket service in
// the cloud node where peers join rooms and pass each other the WebRTC
// offers, answers and ICE candidates they need to connect directly, and
// the client peers use to reach it (native and js/wasm alike, through
// coder/websocket).
//
// A room needs a shared secret. Peers never send the secret itself: they
// send Proof(room, secret), an HMAC the node compares in constant time with
// the proof of the room's first member, so a peer without the secret is
// refused with a clear error. (A room lives while it has members; its first
// member sets its proof.)
//
// The server relays signal payloads without reading them; it checks sizes,
// names and membership, and drops a connection that breaks the protocol.
// Nothing here imports pion or syscall/js; the server part is native only.
package signal

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Message types.
const (
	TJoin    = "join"    // client: join Room with Proof as peer ID
	TWelcome = "welcome" // server: you are in; Peers are the others
	TJoined  = "joined"  // server: peer ID joined
	TLeft    = "left"    // server: peer ID left
	TSignal  = "signal"  // client: relay Data To a peer; server: Data From a peer
	TError   = "error"   // server: Error says what went wrong
)

// Limits.
const (
	MaxMessage   = 64 << 10 // one WebSocket message
	MaxData      = 32 << 10 // one signal payload
	MaxRoomName  = 128
	MaxPeers     = 64 // members of one room
	MinIDLen     = 8
	MaxIDLen     = 64
	ProofHexSize = 2 * sha256.Size
)

// Message is one signaling message, JSON-encoded on the wire.
type Message struct {
	Type  string          `json:"type"`
	Room  string          `json:"room,omitempty"`
	Proof string          `json:"proof,omitempty"`
	ID    string          `json:"id,omitempty"`
	Peers []string        `json:"peers,omitempty"`
	To    string          `json:"to,omitempty"`
	From  string          `json:"from,omitempty"`
	Data  json.RawMessage `json:"data,omitempty"`
	Error string          `json:"error,omitempty"`
}

// ErrMalformed is wrapped by every decoding error.
var ErrMalformed = errors.New("signal: malformed message")

func bad(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, a...))
}

// Decode parses and checks one message.
func Decode(b []byte) (Message, error) {
	var m Message
	if len(b) > MaxMessage {
		return m, bad("%d bytes over the %d-byte limit", len(b), MaxMessage)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, bad("%v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return m, bad("trailing data")
	}
	return m, m.Check()
}

// Check validates the fields a message of its type needs.
func (m *Message) Check() error {
	switch m.Type {
	case TJoin:
		if err := CheckRoom(m.Room); err != nil {
			return err
		}
		if len(m.Proof) != ProofHexSize || !isHex(m.Proof) {
			return bad("proof must be %d hex digits", ProofHexSize)
		}
		return CheckID(m.ID)
	case TWelcome:
		if len(m.Peers) > MaxPeers {
			return bad("%d peers over the limit of %d", len(m.Peers), MaxPeers)
		}
		for _, p := range m.Peers {
			if err := CheckID(p); err != nil {
				return err
			}
		}
		return CheckID(m.ID)
	case TJoined, TLeft:
		return CheckID(m.ID)
	case TSignal:
		if len(m.Data) == 0 || len(m.Data) > MaxData {
			return bad("signal data of %d bytes, want 1..%d", len(m.Data), MaxData)
		}
		if m.To != "" {
			if err := CheckID(m.To); err != nil {
				return err
			}
		}
		if m.From != "" {
			if err := CheckID(m.From); err != nil {
				return err
			}
		}
		if (m.To == "") == (m.From == "") {
			return bad("a signal has exactly one of to and from")
		}
		return nil
	case TError:
		if len(m.Error) > 512 {
			return bad("error text too long")
		}
		return nil
	}
	return bad("unknown type %q", clip(m.Type))
}

// CheckRoom accepts a room name: 1..MaxRoomName bytes of printable ASCII.
func CheckRoom(room string) error {
	if len(room) == 0 || len(room) > MaxRoomName {
		return bad("room name must be 1..%d bytes", MaxRoomName)
	}
	for i := 0; i < len(room); i++ {
		if c := room[i]; c < 0x20 || c > 0x7e {
			return bad("room name has a byte outside printable ASCII")
		}
	}
	return nil
}

// CheckID accepts a peer id: MinIDLen..MaxIDLen of [A-Za-z0-9_-].
func CheckID(id string) error {
	if len(id) < MinIDLen || len(id) > MaxIDLen {
		return bad("peer id must be %d..%d characters", MinIDLen, MaxIDLen)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return bad("peer id %q has a character outside [A-Za-z0-9_-]", clip(id))
		}
	}
	return nil
}

// Proof is what a peer shows to join room: HMAC-SHA256 keyed by the secret
// over the room's name, in hex. The node never learns the secret.
func Proof(room, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("nacho-fabrik-room\x00"))
	mac.Write([]byte(room))
	return hex.EncodeToString(mac.Sum(nil))
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
