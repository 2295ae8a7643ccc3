package remote

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"time"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/vfs"
)

// Messages are byte strings: a header (kind, request id, op) followed by
// fields, each written by an encoder method and read back in the same
// order. Lengths are bounded so a malformed message fails cleanly.

// MaxMessage bounds one message. Reads and writes larger than this are
// split by the client.
const MaxMessage = 4 << 20

// MaxChunk is the largest read or write payload one request carries.
const MaxChunk = 1 << 20

var errMalformed = errors.New("remote: malformed message")

type encoder struct{ b []byte }

func (e *encoder) u8(v uint8)    { e.b = append(e.b, v) }
func (e *encoder) uvar(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) svar(v int64)  { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) bytes(p []byte) {
	e.uvar(uint64(len(p)))
	e.b = append(e.b, p...)
}
func (e *encoder) str(s string) {
	e.uvar(uint64(len(s)))
	e.b = append(e.b, s...)
}
func (e *encoder) bool(v bool) {
	if v {
		e.u8(1)
	} else {
		e.u8(0)
	}
}
func (e *encoder) f64(v float64) { e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v)) }
func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.svar(math.MinInt64)
		return
	}
	e.svar(t.UnixNano())
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errMalformed
	}
}

func (d *decoder) u8() uint8 {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) uvar() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) svar() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// int reads a signed value that must fit an int of 32 bits.
func (d *decoder) int() int {
	v := d.svar()
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *decoder) bytes() []byte {
	n := d.uvar()
	if n > uint64(len(d.b)) || n > MaxMessage {
		d.fail()
		return nil
	}
	p := d.b[:n:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) str() string { return string(d.bytes()) }

func (d *decoder) bool() bool {
	switch d.u8() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail()
	return false
}

func (d *decoder) f64() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *decoder) time() time.Time {
	v := d.svar()
	if v == math.MinInt64 {
		return time.Time{}
	}
	return time.Unix(0, v)
}

// done reports the decoder's error, and an error for trailing bytes.
func (d *decoder) done() error {
	if d.err == nil && len(d.b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", errMalformed, len(d.b))
	}
	return d.err
}

// fileInfo is a fs.FileInfo that crossed the wire.
type fileInfo struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
	sys   any
}

func (f *fileInfo) Name() string       { return f.name }
func (f *fileInfo) Size() int64        { return f.size }
func (f *fileInfo) Mode() fs.FileMode  { return f.mode }
func (f *fileInfo) ModTime() time.Time { return f.mtime }
func (f *fileInfo) IsDir() bool        { return f.mode.IsDir() }
func (f *fileInfo) Sys() any           { return f.sys }

func (e *encoder) info(fi fs.FileInfo) {
	e.str(fi.Name())
	e.svar(fi.Size())
	e.uvar(uint64(fi.Mode()))
	e.time(fi.ModTime())
	a, ok := fi.Sys().(*vfs.Attr)
	e.bool(ok)
	if ok {
		e.uvar(a.Ino)
		e.uvar(uint64(a.Nlink))
		e.time(a.Atime)
		e.time(a.Ctime)
	}
}

func (d *decoder) info() *fileInfo {
	fi := &fileInfo{name: d.str(), size: d.svar(), mode: fs.FileMode(d.uvar()), mtime: d.time()}
	if d.bool() {
		a := &vfs.Attr{Ino: d.uvar()}
		a.Nlink = uint32(d.uvar())
		a.Atime, a.Ctime = d.time(), d.time()
		fi.sys = a
	}
	return fi
}

// dirEntry is a fs.DirEntry that crossed the wire, with its info.
type dirEntry struct{ fi *fileInfo }

func (e dirEntry) Name() string               { return e.fi.name }
func (e dirEntry) IsDir() bool                { return e.fi.IsDir() }
func (e dirEntry) Type() fs.FileMode          { return e.fi.mode.Type() }
func (e dirEntry) Info() (fs.FileInfo, error) { return e.fi, nil }

func (e *encoder) entries(es []fs.DirEntry) {
	n := 0
	infos := make([]fs.FileInfo, 0, len(es))
	for _, de := range es {
		fi, err := de.Info()
		if err != nil { // gone since it was listed
			continue
		}
		infos = append(infos, fi)
		n++
	}
	e.uvar(uint64(n))
	for _, fi := range infos {
		e.info(fi)
	}
}

func (d *decoder) entries() []fs.DirEntry {
	n := d.uvar()
	if n > uint64(len(d.b)) { // every entry takes at least a byte
		d.fail()
		return nil
	}
	out := make([]fs.DirEntry, 0, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		out = append(out, dirEntry{d.info()})
	}
	return out
}

func (e *encoder) input(ev kernel.InputEvent) {
	e.u8(uint8(ev.Kind))
	e.str(ev.Code)
	e.str(ev.Key)
	e.svar(int64(ev.Mods))
	e.bool(ev.Repeat)
	e.svar(int64(ev.X))
	e.svar(int64(ev.Y))
	e.svar(int64(ev.Buttons))
	e.svar(int64(ev.DX))
	e.svar(int64(ev.DY))
	e.str(ev.Text)
}

func (d *decoder) input() kernel.InputEvent {
	return kernel.InputEvent{
		Kind: kernel.InputKind(d.u8()), Code: d.str(), Key: d.str(), Mods: d.int(), Repeat: d.bool(),
		X: d.int(), Y: d.int(), Buttons: d.int(), DX: d.int(), DY: d.int(), Text: d.str(),
	}
}

// winInfo is what a guest says about one of its windows.
type winInfo struct {
	id                   int
	title                string
	width, height, scale int
}

func (e *encoder) win(w winInfo) {
	e.svar(int64(w.id))
	e.str(w.title)
	e.svar(int64(w.width))
	e.svar(int64(w.height))
	e.svar(int64(w.scale))
}

func (d *decoder) win() winInfo {
	return winInfo{id: d.int(), title: d.str(), width: d.int(), height: d.int(), scale: d.int()}
}
