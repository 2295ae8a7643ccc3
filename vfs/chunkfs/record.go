package chunkfs

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"strconv"
	"time"

	"github.com/nachoos/nacho/vfs"
)

// Hash names a chunk: the SHA-256 of its bytes. The zero Hash is a hole
// (all zeros) and is never stored.
type Hash [32]byte

// IsHole reports whether h is the zero Hash.
func (h Hash) IsHole() bool { return h == Hash{} }

// Key is the store key of the chunk.
func (h Hash) Key() string { return chunkPrefix + hex.EncodeToString(h[:]) }

func (h Hash) String() string { return hex.EncodeToString(h[:8]) }

// Store keys.
const (
	superKey     = "s"
	recordPrefix = "i/"
	chunkPrefix  = "c/"
)

func recordKey(ino uint64) string { return fmt.Sprintf("%s%016x", recordPrefix, ino) }

func parseRecordKey(key string) (uint64, bool) {
	if len(key) != len(recordPrefix)+16 {
		return 0, false
	}
	ino, err := strconv.ParseUint(key[len(recordPrefix):], 16, 64)
	return ino, err == nil && ino != 0
}

// Record is the stored metadata of one file, directory or symbolic link.
// Each node is one record, keyed by inode number, naming its parent; a
// directory's entries are the records that name it. So creating a file
// writes one record, and renaming a directory rewrites one.
type Record struct {
	Ino       uint64
	Kind      Kind
	Perm      fs.FileMode
	Parent    uint64 // 0 for the root
	Name      string // "" for the root
	Mtime     time.Time
	Atime     time.Time
	Ctime     time.Time
	Size      int64  // files
	ChunkSize int64  // files
	Chunks    []Hash // files: ceil(Size/ChunkSize) hashes
	Target    string // links
}

// Kind is what a record describes.
type Kind uint8

const (
	KindFile Kind = 1
	KindDir  Kind = 2
	KindLink Kind = 3
)

// permBits are the mode bits a record keeps beside the kind.
const permBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

const (
	recordVersion = 1
	minChunkSize  = 4 << 10
	maxChunkSize  = 16 << 20
	rootIno       = 1
)

// ErrCorruptRecord marks a record that failed to decode.
var ErrCorruptRecord = errors.New("corrupt metadata record")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// EncodeRecord returns the stored form of r: a version byte, the fields as
// varints and length-prefixed strings, and a CRC-32C of all of it.
func EncodeRecord(r *Record) []byte {
	b := make([]byte, 0, 64+len(r.Name)+len(r.Target)+32*len(r.Chunks))
	b = append(b, recordVersion, byte(r.Kind))
	b = binary.AppendUvarint(b, uint64(r.Perm&permBits))
	b = binary.AppendUvarint(b, r.Parent)
	b = binary.AppendUvarint(b, uint64(len(r.Name)))
	b = append(b, r.Name...)
	b = binary.AppendVarint(b, r.Mtime.UnixNano())
	b = binary.AppendVarint(b, r.Atime.UnixNano())
	b = binary.AppendVarint(b, r.Ctime.UnixNano())
	switch r.Kind {
	case KindFile:
		b = binary.AppendUvarint(b, uint64(r.Size))
		b = binary.AppendUvarint(b, uint64(r.ChunkSize))
		for _, h := range r.Chunks {
			b = append(b, h[:]...)
		}
	case KindLink:
		b = binary.AppendUvarint(b, uint64(len(r.Target)))
		b = append(b, r.Target...)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrCorruptRecord, what)
	}
}

func (d *decoder) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad " + what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint(what string) int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("bad " + what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes(n uint64, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail(what + " runs past the end")
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

// DecodeRecord parses a stored record of inode ino. Any damage gives an
// error wrapping ErrCorruptRecord, never a panic or a huge allocation.
func DecodeRecord(ino uint64, data []byte) (*Record, error) {
	if len(data) < 2+4 {
		return nil, fmt.Errorf("%w: %d bytes is too short", ErrCorruptRecord, len(data))
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorruptRecord)
	}
	if body[0] != recordVersion {
		return nil, fmt.Errorf("%w: unknown version %d", ErrCorruptRecord, body[0])
	}
	r := &Record{Ino: ino, Kind: Kind(body[1])}
	d := &decoder{b: body[2:]}
	perm := d.uvarint("mode")
	if perm&^uint64(permBits) != 0 {
		d.fail("bad mode bits")
	}
	r.Perm = fs.FileMode(perm)
	r.Parent = d.uvarint("parent")
	r.Name = string(d.bytes(d.uvarint("name length"), "name"))
	r.Mtime = time.Unix(0, d.varint("mtime"))
	r.Atime = time.Unix(0, d.varint("atime"))
	r.Ctime = time.Unix(0, d.varint("ctime"))
	switch r.Kind {
	case KindFile:
		size := d.uvarint("size")
		cs := d.uvarint("chunk size")
		if d.err == nil {
			if cs < minChunkSize || cs > maxChunkSize || cs&(cs-1) != 0 {
				d.fail(fmt.Sprintf("chunk size %d", cs))
			} else if size > 1<<50 {
				d.fail(fmt.Sprintf("size %d", size))
			} else if n := (size + cs - 1) / cs; n*32 != uint64(len(d.b)) {
				d.fail(fmt.Sprintf("%d bytes of chunk list for %d chunks", len(d.b), n))
			} else {
				r.Size, r.ChunkSize = int64(size), int64(cs)
				r.Chunks = make([]Hash, n)
				for i := range r.Chunks {
					copy(r.Chunks[i][:], d.bytes(32, "chunk hash"))
				}
			}
		}
	case KindDir:
	case KindLink:
		r.Target = string(d.bytes(d.uvarint("target length"), "target"))
		if d.err == nil && (r.Target == "" || len(r.Target) > vfs.PathMax) {
			d.fail("bad link target")
		}
	default:
		d.fail(fmt.Sprintf("unknown kind %d", r.Kind))
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("trailing bytes")
	}
	if d.err == nil {
		if ino == rootIno {
			if r.Parent != 0 || r.Name != "" || r.Kind != KindDir {
				d.fail("root record is not a parentless directory")
			}
		} else if r.Parent == 0 || r.Parent == ino {
			d.fail("bad parent")
		} else if err := vfs.ValidName(r.Name); err != nil {
			d.fail(fmt.Sprintf("bad name %q", r.Name))
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	return r, nil
}

// Superblock is the record that marks a store as holding a file system.
type superblock struct {
	chunkSize int64
	id        [16]byte // identifies the file system, for sync
}

const superMagic = "NCFS"

func encodeSuper(s superblock) []byte {
	b := append([]byte(superMagic), recordVersion)
	b = binary.AppendUvarint(b, uint64(s.chunkSize))
	b = append(b, s.id[:]...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

func decodeSuper(data []byte) (superblock, error) {
	var s superblock
	if len(data) < 5+1+16+4 || string(data[:4]) != superMagic {
		return s, errors.New("not a chunkfs superblock")
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return s, errors.New("superblock checksum mismatch")
	}
	if body[4] != recordVersion {
		return s, fmt.Errorf("superblock version %d is newer than this build", body[4])
	}
	cs, n := binary.Uvarint(body[5:])
	if n <= 0 || cs < minChunkSize || cs > maxChunkSize || cs&(cs-1) != 0 || len(body[5+n:]) != 16 {
		return s, errors.New("bad superblock")
	}
	s.chunkSize = int64(cs)
	copy(s.id[:], body[5+n:])
	return s, nil
}

func crc32c(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }
