// Package opfs is layer 2b of Nacho's storage: a store.Store in the
// browser's Origin Private File System, one file per key, for large
// immutable blobs (disk images, bundles) that are read in pieces without
// loading them whole (Store.Open returns an io.ReaderAt over a blob).
//
// A transaction writes each new value to a temporary file, then a journal
// naming the renames and deletes, then applies them and removes the
// journal; Open replays a journal left by a crash and removes temporary
// files no journal names. So a transaction is all or nothing, also across
// a reload.
//
// Everything here is js/wasm only; the native build returns
// errors.ErrUnsupported.
package opfs

import (
	"fmt"
	"strings"
)

// encodeName maps a key to a file name: bytes in [a-z0-9_-] stay, every
// other byte becomes "%xx", so names are valid on every OPFS backend and
// distinct keys never collide (also where names are case-insensitive).
func encodeName(key string) string {
	var b strings.Builder
	b.Grow(len(key) + 2)
	b.WriteString("v.")
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02x", c)
		}
	}
	return b.String()
}

// decodeName reverses encodeName; ok is false for names it did not make.
func decodeName(name string) (string, bool) {
	if !strings.HasPrefix(name, "v.") {
		return "", false
	}
	name = name[2:]
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(name) {
			return "", false
		}
		var v byte
		for _, h := range []byte{name[i+1], name[i+2]} {
			switch {
			case '0' <= h && h <= '9':
				v = v<<4 | (h - '0')
			case 'a' <= h && h <= 'f':
				v = v<<4 | (h - 'a' + 10)
			default:
				return "", false
			}
		}
		b.WriteByte(v)
		i += 2
	}
	return b.String(), true
}
