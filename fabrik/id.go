package fabrik

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// ID names a chunk or a manifest: the SHA-256 of its bytes. The VFS names
// its chunks the same way, so a chunk stored by one layer is found by the
// other.
type ID [sha256.Size]byte

// Sum returns the ID of b.
func Sum(b []byte) ID { return sha256.Sum256(b) }

// String returns the ID as 64 lowercase hex digits, its form in URLs,
// manifests and on the command line.
func (id ID) String() string { return hex.EncodeToString(id[:]) }

// IsZero reports whether id is the zero ID (no content hashes to it).
func (id ID) IsZero() bool { return id == ID{} }

// ParseID parses 64 hex digits (either case).
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != 2*len(id) {
		return id, fmt.Errorf("fabrik: id %q: want %d hex digits, got %d", clip(s), 2*len(id), len(s))
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return id, fmt.Errorf("fabrik: id %q: not hex", clip(s))
	}
	return id, nil
}

// MarshalText implements encoding.TextMarshaler (hex).
func (id ID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler (hex).
func (id *ID) UnmarshalText(b []byte) error {
	v, err := ParseID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// clip shortens untrusted text before it goes into an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
