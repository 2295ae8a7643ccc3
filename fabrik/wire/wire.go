// Package wire is the binary message format peers speak over a fabrik
// transport: chunk and manifest requests, their replies, and application
// channel messages. Every message starts with one type byte; the rest has a
// fixed layout per type with big-endian integers.
//
// Nothing here is trusted: Decode checks every length against the bytes it
// was given and against the limits below, and rejects unknown types,
// trailing bytes and out-of-range counts with an error that says why.
//
// This package must not import syscall/js, pion or anything else from the
// network stack; it is pure encoding so it can be fuzzed and reused anywhere.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Limits on what a peer may send. A message larger than MaxMessage is
// rejected before it is decoded.
const (
	// MaxMessage bounds one message on the wire. 64 KiB keeps every message
	// under what browsers accept on a data channel (Chromium takes 256 KiB,
	// Firefox 1 GiB, older stacks 64 KiB) while keeping per-message
	// overhead small for bulk chunk data.
	MaxMessage = 64 << 10
	// MaxHasIDs bounds the ids asked about in one Has message (32 KiB of ids).
	MaxHasIDs = 1024
	// MaxErrorText bounds the human-readable text of an Error message.
	MaxErrorText = 256
	// MaxChannelName bounds an application channel's name.
	MaxChannelName = 64
	// MaxPayloadTotal bounds the total size a Data stream may announce:
	// a chunk or a manifest is never larger.
	MaxPayloadTotal = 16 << 20

	// Version is the protocol version this package speaks.
	Version = 1
)

// HashSize is the size of a SHA-256 content id.
const HashSize = 32

// Type is a message's first byte.
type Type byte

// Message types. Values are part of the protocol: never renumber.
const (
	THello       Type = 0x01 // first message on a link: version and limits
	THas         Type = 0x02 // which of these ids do you have?
	THasReply    Type = 0x03 // bitmap answer to Has
	TGetChunk    Type = 0x04 // send me this chunk
	TGetManifest Type = 0x05 // send me this manifest
	TData        Type = 0x06 // one piece of a chunk or manifest reply
	TError       Type = 0x07 // a request failed
	TCancel      Type = 0x08 // stop answering this request
	TApp         Type = 0x10 // a message on a named application channel
)

func (t Type) String() string {
	switch t {
	case THello:
		return "hello"
	case THas:
		return "has"
	case THasReply:
		return "has-reply"
	case TGetChunk:
		return "get-chunk"
	case TGetManifest:
		return "get-manifest"
	case TData:
		return "data"
	case TError:
		return "error"
	case TCancel:
		return "cancel"
	case TApp:
		return "app"
	}
	return fmt.Sprintf("type(0x%02x)", byte(t))
}

// Error codes carried by an Error message.
const (
	CodeNotFound   byte = 1 // the peer does not have it
	CodeBusy       byte = 2 // the peer is overloaded; try elsewhere
	CodeBadRequest byte = 3 // the request was malformed
	CodeInternal   byte = 4 // the peer failed reading its own data
)

// Message is one decoded message. Exactly the fields of its Type are set.
type Message struct {
	Type Type

	Version  byte   // Hello
	MaxFrame uint32 // Hello: the largest message the sender accepts

	Req uint32 // Has, HasReply, GetChunk, GetManifest, Data, Error, Cancel

	IDs    [][HashSize]byte // Has: the ids asked about
	Count  int              // HasReply: how many ids the bitmap covers
	Bitmap []byte           // HasReply: bit i (LSB first) set = has IDs[i]

	ID [HashSize]byte // GetChunk, GetManifest

	Offset  uint32 // Data: where Payload starts in the whole reply
	Total   uint32 // Data: the whole reply's size
	Payload []byte // Data, App

	Code byte   // Error
	Text string // Error

	Channel string // App: the channel's name
}

// Errors returned by Decode. They wrap ErrMalformed so callers can test for
// any protocol violation with errors.Is(err, ErrMalformed).
var (
	ErrMalformed   = errors.New("wire: malformed message")
	ErrUnknownType = fmt.Errorf("%w: unknown type", ErrMalformed)
	ErrTooLarge    = fmt.Errorf("%w: message too large", ErrMalformed)
)

func malformed(t Type, format string, a ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrMalformed, t, fmt.Sprintf(format, a...))
}

// Header sizes of the fixed part of each type, type byte included.
const (
	helloSize   = 1 + 1 + 4
	hasHeader   = 1 + 4 + 2
	hasReplyHdr = 1 + 4 + 2
	getSize     = 1 + 4 + HashSize
	dataHeader  = 1 + 4 + 4 + 4
	errorHeader = 1 + 4 + 1 + 2
	cancelSize  = 1 + 4
	appHeader   = 1 + 1
)

// MaxDataPayload is the most payload bytes one Data message carries.
const MaxDataPayload = MaxMessage - dataHeader

// MaxAppPayload is the most payload bytes one App message carries.
const MaxAppPayload = MaxMessage - appHeader - MaxChannelName

// Decode parses one message. The returned message's byte slices alias b.
func Decode(b []byte) (Message, error) {
	var m Message
	if len(b) == 0 {
		return m, fmt.Errorf("%w: empty message", ErrMalformed)
	}
	if len(b) > MaxMessage {
		return m, fmt.Errorf("%w (%d bytes, limit %d)", ErrTooLarge, len(b), MaxMessage)
	}
	m.Type = Type(b[0])
	be := binary.BigEndian
	exact := func(n int) error {
		if len(b) != n {
			return malformed(m.Type, "%d bytes, want %d", len(b), n)
		}
		return nil
	}
	switch m.Type {
	case THello:
		if err := exact(helloSize); err != nil {
			return m, err
		}
		m.Version = b[1]
		m.MaxFrame = be.Uint32(b[2:])
		if m.MaxFrame < 1024 {
			return m, malformed(m.Type, "max frame %d below 1024", m.MaxFrame)
		}
	case THas:
		if len(b) < hasHeader {
			return m, malformed(m.Type, "short header")
		}
		m.Req = be.Uint32(b[1:])
		n := int(be.Uint16(b[5:]))
		if n == 0 || n > MaxHasIDs {
			return m, malformed(m.Type, "%d ids, want 1..%d", n, MaxHasIDs)
		}
		if err := exact(hasHeader + n*HashSize); err != nil {
			return m, err
		}
		m.IDs = make([][HashSize]byte, n)
		for i := range m.IDs {
			copy(m.IDs[i][:], b[hasHeader+i*HashSize:])
		}
	case THasReply:
		if len(b) < hasReplyHdr {
			return m, malformed(m.Type, "short header")
		}
		m.Req = be.Uint32(b[1:])
		m.Count = int(be.Uint16(b[5:]))
		if m.Count == 0 || m.Count > MaxHasIDs {
			return m, malformed(m.Type, "%d ids, want 1..%d", m.Count, MaxHasIDs)
		}
		if err := exact(hasReplyHdr + (m.Count+7)/8); err != nil {
			return m, err
		}
		m.Bitmap = b[hasReplyHdr:]
		if extra := m.Count % 8; extra != 0 && m.Bitmap[len(m.Bitmap)-1]>>extra != 0 {
			return m, malformed(m.Type, "bits set past the last id")
		}
	case TGetChunk, TGetManifest:
		if err := exact(getSize); err != nil {
			return m, err
		}
		m.Req = be.Uint32(b[1:])
		copy(m.ID[:], b[5:])
	case TData:
		if len(b) < dataHeader {
			return m, malformed(m.Type, "short header")
		}
		m.Req = be.Uint32(b[1:])
		m.Offset = be.Uint32(b[5:])
		m.Total = be.Uint32(b[9:])
		m.Payload = b[dataHeader:]
		if m.Total > MaxPayloadTotal {
			return m, malformed(m.Type, "total %d over limit %d", m.Total, MaxPayloadTotal)
		}
		if uint64(m.Offset)+uint64(len(m.Payload)) > uint64(m.Total) {
			return m, malformed(m.Type, "payload [%d,+%d) past total %d", m.Offset, len(m.Payload), m.Total)
		}
		if len(m.Payload) == 0 && m.Total != 0 {
			return m, malformed(m.Type, "empty payload")
		}
	case TError:
		if len(b) < errorHeader {
			return m, malformed(m.Type, "short header")
		}
		m.Req = be.Uint32(b[1:])
		m.Code = b[5]
		n := int(be.Uint16(b[6:]))
		if n > MaxErrorText {
			return m, malformed(m.Type, "text of %d bytes over limit %d", n, MaxErrorText)
		}
		if err := exact(errorHeader + n); err != nil {
			return m, err
		}
		text := b[errorHeader:]
		if !utf8.Valid(text) {
			return m, malformed(m.Type, "text is not UTF-8")
		}
		m.Text = string(text)
	case TCancel:
		if err := exact(cancelSize); err != nil {
			return m, err
		}
		m.Req = be.Uint32(b[1:])
	case TApp:
		if len(b) < appHeader {
			return m, malformed(m.Type, "short header")
		}
		n := int(b[1])
		if n == 0 || n > MaxChannelName {
			return m, malformed(m.Type, "channel name of %d bytes, want 1..%d", n, MaxChannelName)
		}
		if len(b) < appHeader+n {
			return m, malformed(m.Type, "channel name cut short")
		}
		name := b[appHeader : appHeader+n]
		if err := CheckChannelName(string(name)); err != nil {
			return m, malformed(m.Type, "%v", err)
		}
		m.Channel = string(name)
		m.Payload = b[appHeader+n:]
	default:
		return m, fmt.Errorf("%w 0x%02x", ErrUnknownType, b[0])
	}
	return m, nil
}

// CheckChannelName reports whether name may name an application channel:
// 1 to MaxChannelName bytes of printable ASCII.
func CheckChannelName(name string) error {
	if len(name) == 0 || len(name) > MaxChannelName {
		return fmt.Errorf("channel name must be 1..%d bytes", MaxChannelName)
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x21 || c > 0x7e {
			return fmt.Errorf("channel name %q has a byte outside printable ASCII", name)
		}
	}
	return nil
}

// AppendHello appends a Hello message to dst.
func AppendHello(dst []byte, maxFrame uint32) []byte {
	dst = append(dst, byte(THello), Version)
	return binary.BigEndian.AppendUint32(dst, maxFrame)
}

// AppendHas appends a Has message asking about ids (1..MaxHasIDs of them).
func AppendHas(dst []byte, req uint32, ids [][HashSize]byte) []byte {
	if len(ids) == 0 || len(ids) > MaxHasIDs {
		panic("wire: AppendHas with out-of-range id count")
	}
	dst = append(dst, byte(THas))
	dst = binary.BigEndian.AppendUint32(dst, req)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(ids)))
	for i := range ids {
		dst = append(dst, ids[i][:]...)
	}
	return dst
}

// AppendHasReply appends a HasReply; has[i] answers the i-th id asked.
func AppendHasReply(dst []byte, req uint32, has []bool) []byte {
	if len(has) == 0 || len(has) > MaxHasIDs {
		panic("wire: AppendHasReply with out-of-range count")
	}
	dst = append(dst, byte(THasReply))
	dst = binary.BigEndian.AppendUint32(dst, req)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(has)))
	bm := make([]byte, (len(has)+7)/8)
	for i, h := range has {
		if h {
			bm[i/8] |= 1 << (i % 8)
		}
	}
	return append(dst, bm...)
}

// HasBit reports bit i of a HasReply bitmap.
func HasBit(bitmap []byte, i int) bool { return bitmap[i/8]&(1<<(i%8)) != 0 }

// AppendGet appends a GetChunk or GetManifest message.
func AppendGet(dst []byte, t Type, req uint32, id [HashSize]byte) []byte {
	if t != TGetChunk && t != TGetManifest {
		panic("wire: AppendGet with type " + t.String())
	}
	dst = append(dst, byte(t))
	dst = binary.BigEndian.AppendUint32(dst, req)
	return append(dst, id[:]...)
}

// AppendData appends one Data message carrying payload at offset of total.
func AppendData(dst []byte, req, offset, total uint32, payload []byte) []byte {
	if len(payload) > MaxDataPayload {
		panic("wire: AppendData payload over MaxDataPayload")
	}
	dst = append(dst, byte(TData))
	dst = binary.BigEndian.AppendUint32(dst, req)
	dst = binary.BigEndian.AppendUint32(dst, offset)
	dst = binary.BigEndian.AppendUint32(dst, total)
	return append(dst, payload...)
}

// AppendError appends an Error message; text is cut to MaxErrorText bytes
// at a rune boundary.
func AppendError(dst []byte, req uint32, code byte, text string) []byte {
	if len(text) > MaxErrorText {
		cut := MaxErrorText
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	if !utf8.ValidString(text) {
		text = "invalid text"
	}
	dst = append(dst, byte(TError))
	dst = binary.BigEndian.AppendUint32(dst, req)
	dst = append(dst, code)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(text)))
	return append(dst, text...)
}

// AppendCancel appends a Cancel message.
func AppendCancel(dst []byte, req uint32) []byte {
	dst = append(dst, byte(TCancel))
	return binary.BigEndian.AppendUint32(dst, req)
}

// AppendApp appends an App message on channel name. The caller checks the
// name with CheckChannelName and keeps payload within MaxAppPayload.
func AppendApp(dst []byte, name string, payload []byte) []byte {
	if CheckChannelName(name) != nil || len(payload) > MaxAppPayload {
		panic("wire: AppendApp with a bad name or an oversized payload")
	}
	dst = append(dst, byte(TApp), byte(len(name)))
	dst = append(dst, name...)
	return append(dst, payload...)
}
