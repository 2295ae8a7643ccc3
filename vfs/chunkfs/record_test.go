package chunkfs

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func sampleRecords() []*Record {
	ts := time.Unix(1700000000, 123456789)
	return []*Record{
		{Ino: rootIno, Kind: KindDir, Perm: 0o755, Mtime: ts, Atime: ts, Ctime: ts},
		{Ino: 2, Kind: KindFile, Perm: 0o644, Parent: 1, Name: "f.txt", Mtime: ts, Atime: ts, Ctime: ts,
			Size: 5000, ChunkSize: 4096, Chunks: []Hash{{1, 2, 3}, {}}},
		{Ino: 3, Kind: KindLink, Perm: 0o777, Parent: 1, Name: "l", Target: "/f.txt", Mtime: ts, Atime: ts, Ctime: ts},
		{Ino: 4, Kind: KindFile, Perm: 0o600, Parent: 1, Name: "empty", ChunkSize: 1 << 20, Chunks: []Hash{}, Mtime: ts, Atime: ts, Ctime: ts},
	}
}

func TestRecordRoundTrip(t *testing.T) {
	for _, r := range sampleRecords() {
		got, err := DecodeRecord(r.Ino, EncodeRecord(r))
		if err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, r)
		}
	}
}

func TestRecordDamage(t *testing.T) {
	data := EncodeRecord(sampleRecords()[1])
	for i := range data {
		for _, bit := range []byte{1, 0x80} {
			d := append([]byte{}, data...)
			d[i] ^= bit
			if _, err := DecodeRecord(2, d); !errors.Is(err, ErrCorruptRecord) {
				t.Fatalf("flipping bit %x of byte %d: %v", bit, i, err)
			}
		}
	}
	for n := range len(data) {
		if _, err := DecodeRecord(2, data[:n]); !errors.Is(err, ErrCorruptRecord) {
			t.Fatalf("truncated to %d: %v", n, err)
		}
	}
}

// FuzzDecodeRecord: any bytes give a record or an ErrCorruptRecord, never
// a panic; what decodes re-encodes to the same bytes.
func FuzzDecodeRecord(f *testing.F) {
	for _, r := range sampleRecords() {
		f.Add(r.Ino, EncodeRecord(r))
	}
	f.Add(uint64(5), []byte{})
	f.Add(uint64(5), []byte{1, 1, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, ino uint64, data []byte) {
		r, err := DecodeRecord(ino, data)
		if err != nil {
			if !errors.Is(err, ErrCorruptRecord) {
				t.Fatalf("error %v is not ErrCorruptRecord", err)
			}
			return
		}
		again := EncodeRecord(r)
		r2, err := DecodeRecord(ino, again)
		if err != nil || !reflect.DeepEqual(r, r2) {
			t.Fatalf("re-encoding changed the record: %v", err)
		}
	})
}

// FuzzDecodeRecordBody: like FuzzDecodeRecord with a valid checksum, so the
// fuzzer reaches the field parsers.
func FuzzDecodeRecordBody(f *testing.F) {
	for _, r := range sampleRecords() {
		e := EncodeRecord(r)
		f.Add(r.Ino, e[:len(e)-4])
	}
	f.Fuzz(func(t *testing.T, ino uint64, body []byte) {
		data := append(append([]byte{}, body...), 0, 0, 0, 0)
		sum := crc32c(body)
		data[len(body)], data[len(body)+1], data[len(body)+2], data[len(body)+3] = byte(sum), byte(sum>>8), byte(sum>>16), byte(sum>>24)
		r, err := DecodeRecord(ino, data)
		if err != nil {
			if !errors.Is(err, ErrCorruptRecord) {
				t.Fatalf("error %v is not ErrCorruptRecord", err)
			}
			return
		}
		if r.Kind == KindFile && int64(len(r.Chunks)) != (r.Size+r.ChunkSize-1)/r.ChunkSize {
			t.Fatalf("chunk count %d for size %d", len(r.Chunks), r.Size)
		}
	})
}
