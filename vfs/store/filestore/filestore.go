//go:build !js

// Package filestore is the native store.Store: a log-structured key/value
// store in one data directory, for native tools and the cloud node.
//
// Every transaction is one frame appended to the log and fsynced:
//
//	magic "NCHL" | payload length u32 | payload CRC-32C u32 | header CRC-32C u32 | payload
//
// so a crash leaves a prefix of whole frames plus at most one torn frame,
// which Open cuts off. A frame that fails its checksum in the middle of the
// log (damage, not a crash) is skipped and reported through Problems while
// every other key stays readable. Values are read from the log in place
// (pread); an index of key → offset lives in RAM. When more than half of
// the log is dead it is compacted into a new generation, written aside,
// fsynced and renamed over.
//
// It must not import syscall/js.
package filestore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/nachoos/nacho/vfs/store"
)

// Options configure a file store.
type Options struct {
	// Quota bounds the bytes of live keys and values; 0 means no limit.
	Quota int64
	// NoSync skips fsync. Commits are then atomic but not durable across
	// a power cut; only for tests and throwaway data.
	NoSync bool
	// CompactMin is the least dead bytes before the log is compacted
	// (default 32 MiB).
	CompactMin int64

	layer layer // file operations, replaced by fault-injection tests
}

// Store is a log-structured store in a directory.
type Store struct {
	dir  string
	opts Options
	fs   layer

	mu       sync.RWMutex
	f        file
	gen      uint64
	end      int64 // end of the last whole frame
	index    map[string]loc
	live     int64 // bytes of live keys and values
	broken   error // set when the log could not be restored after a failed write
	closed   bool
	problems []string
	unlock   func()
}

type loc struct {
	off int64 // offset of the value in the log
	n   int32 // length of the value
}

var (
	_ store.Store   = (*Store)(nil)
	_ store.Sizer   = (*Store)(nil)
	_ store.Checker = (*Store)(nil)
)

const (
	magic      = "NCHL"
	headerLen  = 16
	maxFrame   = 1 << 30
	logPrefix  = "store-"
	logSuffix  = ".log"
	tmpSuffix  = ".tmp"
	opPut      = 1
	opDelete   = 2
	compactMax = 8 << 20 // payload per frame when compacting
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func logName(gen uint64) string { return fmt.Sprintf("%s%016x%s", logPrefix, gen, logSuffix) }

// Open opens or creates the store in dir.
func Open(dir string, opts Options) (*Store, error) {
	if opts.CompactMin == 0 {
		opts.CompactMin = 32 << 20
	}
	fsys := opts.layer
	if fsys == nil {
		fsys = osLayer{}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil && opts.layer == nil {
		return nil, err
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, fmt.Errorf("filestore: %s is in use by another process: %w", dir, err)
	}
	s := &Store{dir: dir, opts: opts, fs: fsys, index: map[string]loc{}, unlock: unlock}
	if err := s.open(); err != nil {
		unlock()
		return nil, err
	}
	return s, nil
}

func (s *Store) open() error {
	names, err := s.fs.ReadDir(s.dir)
	if err != nil {
		return err
	}
	var gens []uint64
	for _, n := range names {
		switch {
		case strings.HasSuffix(n, tmpSuffix):
			// A compaction that did not finish.
			s.fs.Remove(filepath.Join(s.dir, n))
		case strings.HasPrefix(n, logPrefix) && strings.HasSuffix(n, logSuffix):
			g, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(n, logPrefix), logSuffix), 16, 64)
			if err == nil {
				gens = append(gens, g)
			}
		}
	}
	sort.Slice(gens, func(i, j int) bool { return gens[i] < gens[j] })
	if len(gens) > 0 {
		s.gen = gens[len(gens)-1]
		// Older generations were replaced by a finished compaction.
		for _, g := range gens[:len(gens)-1] {
			s.fs.Remove(filepath.Join(s.dir, logName(g)))
		}
	}
	f, err := s.fs.OpenFile(filepath.Join(s.dir, logName(s.gen)), os.O_RDWR|os.O_CREATE)
	if err != nil {
		return err
	}
	s.f = f
	if err := s.replay(); err != nil {
		f.Close()
		return err
	}
	return nil
}

// replay rebuilds the index from the log and cuts off a torn tail.
func (s *Store) replay() error {
	size, err := s.f.Size()
	if err != nil {
		return err
	}
	var off int64
	hdr := make([]byte, headerLen)
	for off < size {
		n, ok, err := s.readFrame(off, size, hdr)
		if err != nil {
			return err
		}
		if ok {
			off += n
			continue
		}
		// Damage or a torn tail. If a whole frame follows, it is damage.
		next := s.resync(off+1, size)
		if next < 0 {
			if off < size {
				if err := s.f.Truncate(off); err != nil {
					return err
				}
				if !s.opts.NoSync {
					s.f.Sync()
				}
			}
			break
		}
		s.problems = append(s.problems, fmt.Sprintf("filestore: log %s: bytes %d..%d are damaged; the writes in them were skipped", logName(s.gen), off, next))
		off = next
	}
	s.end = off
	return nil
}

// readFrame reads and applies the frame at off. ok is false if it is not a
// whole, valid frame.
func (s *Store) readFrame(off, size int64, hdr []byte) (n int64, ok bool, err error) {
	if size-off < headerLen {
		return 0, false, nil
	}
	if _, err := s.f.ReadAt(hdr, off); err != nil {
		return 0, false, err
	}
	plen, pcrc, good := parseHeader(hdr)
	if !good || off+headerLen+int64(plen) > size {
		return 0, false, nil
	}
	payload := make([]byte, plen)
	if _, err := s.f.ReadAt(payload, off+headerLen); err != nil {
		return 0, false, err
	}
	if crc32.Checksum(payload, castagnoli) != pcrc {
		return 0, false, nil
	}
	ops, err := decodePayload(payload)
	if err != nil {
		return 0, false, nil
	}
	for _, op := range ops {
		s.apply(op.Op, off+headerLen+int64(op.valOff))
	}
	return headerLen + int64(plen), true, nil
}

func parseHeader(hdr []byte) (plen, pcrc uint32, ok bool) {
	if string(hdr[:4]) != magic {
		return 0, 0, false
	}
	if crc32.Checksum(hdr[:12], castagnoli) != binary.LittleEndian.Uint32(hdr[12:16]) {
		return 0, 0, false
	}
	plen = binary.LittleEndian.Uint32(hdr[4:8])
	if plen > maxFrame {
		return 0, 0, false
	}
	return plen, binary.LittleEndian.Uint32(hdr[8:12]), true
}

// resync finds the next whole, valid frame at or after off, or -1.
func (s *Store) resync(off, size int64) int64 {
	buf := make([]byte, 64<<10)
	hdr := make([]byte, headerLen)
	for off < size {
		n, _ := s.f.ReadAt(buf, off)
		if n == 0 {
			return -1
		}
		chunk := buf[:n]
		for i := 0; ; {
			j := bytes.Index(chunk[i:], []byte(magic))
			if j < 0 {
				break
			}
			at := off + int64(i+j)
			if size-at >= headerLen {
				s.f.ReadAt(hdr, at)
				if plen, pcrc, ok := parseHeader(hdr); ok && at+headerLen+int64(plen) <= size {
					payload := make([]byte, plen)
					s.f.ReadAt(payload, at+headerLen)
					if crc32.Checksum(payload, castagnoli) == pcrc {
						if _, err := decodePayload(payload); err == nil {
							return at
						}
					}
				}
			}
			i += j + 1
		}
		if n < len(magic) {
			return -1
		}
		off += int64(n - len(magic) + 1)
	}
	return -1
}

type decodedOp struct {
	store.Op
	valOff int // offset of the value within the payload
}

// decodePayload parses a frame's writes. Values alias payload.
func decodePayload(p []byte) ([]decodedOp, error) {
	count, n := binary.Uvarint(p)
	if n <= 0 || count > uint64(len(p)) {
		return nil, errors.New("bad count")
	}
	p0 := len(p)
	p = p[n:]
	ops := make([]decodedOp, 0, count)
	for range count {
		if len(p) < 1 {
			return nil, errors.New("short op")
		}
		kind := p[0]
		p = p[1:]
		klen, n := binary.Uvarint(p)
		if n <= 0 || klen > uint64(len(p)-n) || klen == 0 || klen > store.MaxKeyLen {
			return nil, errors.New("bad key length")
		}
		key := string(p[n : n+int(klen)])
		p = p[n+int(klen):]
		switch kind {
		case opDelete:
			ops = append(ops, decodedOp{Op: store.Op{Key: key, Delete: true}})
		case opPut:
			vlen, n := binary.Uvarint(p)
			if n <= 0 || vlen > uint64(len(p)-n) {
				return nil, errors.New("bad value length")
			}
			valOff := p0 - len(p) + n
			ops = append(ops, decodedOp{Op: store.Op{Key: key, Value: p[n : n+int(vlen)]}, valOff: valOff})
			p = p[n+int(vlen):]
		default:
			return nil, errors.New("bad op")
		}
	}
	if len(p) != 0 {
		return nil, errors.New("trailing bytes")
	}
	return ops, nil
}

// encodeFrame returns the frame of ops and each put's value offset in it.
func encodeFrame(ops []store.Op) ([]byte, []int) {
	size := headerLen + binary.MaxVarintLen64
	for _, op := range ops {
		size += 1 + 2*binary.MaxVarintLen64 + len(op.Key) + len(op.Value)
	}
	buf := make([]byte, headerLen, size)
	buf = binary.AppendUvarint(buf, uint64(len(ops)))
	offs := make([]int, len(ops))
	for i, op := range ops {
		if op.Delete {
			buf = append(buf, opDelete)
			buf = binary.AppendUvarint(buf, uint64(len(op.Key)))
			buf = append(buf, op.Key...)
			continue
		}
		buf = append(buf, opPut)
		buf = binary.AppendUvarint(buf, uint64(len(op.Key)))
		buf = append(buf, op.Key...)
		buf = binary.AppendUvarint(buf, uint64(len(op.Value)))
		offs[i] = len(buf)
		buf = append(buf, op.Value...)
	}
	copy(buf, magic)
	binary.LittleEndian.PutUint32(buf[4:], uint32(len(buf)-headerLen))
	binary.LittleEndian.PutUint32(buf[8:], crc32.Checksum(buf[headerLen:], castagnoli))
	binary.LittleEndian.PutUint32(buf[12:], crc32.Checksum(buf[:12], castagnoli))
	return buf, offs
}

func (s *Store) apply(op store.Op, valOff int64) {
	if old, ok := s.index[op.Key]; ok {
		s.live -= int64(len(op.Key)) + int64(old.n)
	}
	if op.Delete {
		delete(s.index, op.Key)
		return
	}
	s.index[op.Key] = loc{off: valOff, n: int32(len(op.Value))}
	s.live += int64(len(op.Key) + len(op.Value))
}

func (s *Store) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed {
		return store.ErrClosed
	}
	return s.broken
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	return s.get(key)
}

func (s *Store) get(key string) ([]byte, error) {
	if err := store.CheckKey(key); err != nil {
		return nil, err
	}
	l, ok := s.index[key]
	if !ok {
		return nil, store.ErrNotFound
	}
	v := make([]byte, l.n)
	if _, err := s.f.ReadAt(v, l.off); err != nil && !(err == io.EOF && l.n == 0) {
		return nil, err
	}
	return v, nil
}

func (s *Store) keys(prefix string) []string {
	var keys []string
	for k := range s.index {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// List implements store.Store.
func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	return s.keys(prefix), nil
}

// Scan implements store.Store.
func (s *Store) Scan(ctx context.Context, prefix string, fn func(string, []byte) error) error {
	s.mu.RLock()
	if err := s.check(ctx); err != nil {
		s.mu.RUnlock()
		return err
	}
	keys := s.keys(prefix)
	s.mu.RUnlock()
	for _, k := range keys {
		s.mu.RLock()
		v, err := s.get(k)
		if s.closed {
			err = store.ErrClosed
		}
		s.mu.RUnlock()
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return err
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// Put implements store.Store.
func (s *Store) Put(ctx context.Context, key string, value []byte) error {
	return s.Txn(ctx, func(tx store.Tx) error { tx.Put(key, value); return nil })
}

// Delete implements store.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	return s.Txn(ctx, func(tx store.Tx) error { tx.Delete(key); return nil })
}

// Txn implements store.Store.
func (s *Store) Txn(ctx context.Context, fn func(store.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ctx); err != nil {
		return err
	}
	tx, err := store.Collect(s.get, fn)
	if err != nil {
		return err
	}
	if tx.Len() == 0 {
		return nil
	}
	live := s.live
	for _, op := range tx.Ops() {
		if old, ok := s.index[op.Key]; ok {
			live -= int64(len(op.Key)) + int64(old.n)
		}
		if !op.Delete {
			live += int64(len(op.Key) + len(op.Value))
		}
	}
	if s.opts.Quota > 0 && live > s.opts.Quota && live > s.live {
		return store.ErrNoSpace
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	frame, offs := encodeFrame(tx.Ops())
	if len(frame)-headerLen > maxFrame {
		return fmt.Errorf("filestore: transaction of %d bytes is over the %d-byte limit", len(frame), maxFrame)
	}
	if err := s.write(frame); err != nil {
		return err
	}
	for i, op := range tx.Ops() {
		s.apply(op, s.end+int64(offs[i]))
	}
	s.end += int64(len(frame))
	if dead := s.end - s.live; dead > s.opts.CompactMin && dead > s.live {
		if err := s.compact(); err != nil {
			s.problems = append(s.problems, "filestore: compaction failed: "+err.Error())
		}
	}
	return nil
}

// write appends frame at s.end and makes it durable, or leaves the log as
// it was.
func (s *Store) write(frame []byte) error {
	_, err := s.f.WriteAt(frame, s.end)
	if err == nil && !s.opts.NoSync {
		err = s.f.Sync()
	}
	if err == nil {
		return nil
	}
	// Take the partial frame back so the log stays a sequence of frames.
	if terr := s.f.Truncate(s.end); terr != nil {
		s.broken = fmt.Errorf("filestore: log could not be restored after a failed write (%v); reopen the store: %w", terr, err)
	}
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("%w: %v", store.ErrNoSpace, err)
	}
	return err
}

// compact writes the live entries to a new generation and switches to it.
func (s *Store) compact() error {
	gen := s.gen + 1
	final := filepath.Join(s.dir, logName(gen))
	tmp := final + tmpSuffix
	f, err := s.fs.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		f.Close()
		s.fs.Remove(tmp)
		return err
	}
	index := make(map[string]loc, len(s.index))
	var end int64
	var batch []store.Op
	var size int
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		frame, offs := encodeFrame(batch)
		if _, err := f.WriteAt(frame, end); err != nil {
			return err
		}
		for i, op := range batch {
			index[op.Key] = loc{off: end + int64(offs[i]), n: int32(len(op.Value))}
		}
		end += int64(len(frame))
		batch, size = batch[:0], 0
		return nil
	}
	for _, k := range s.keys("") {
		v, err := s.get(k)
		if err != nil {
			return fail(err)
		}
		batch = append(batch, store.Op{Key: k, Value: v})
		size += len(k) + len(v)
		if size >= compactMax {
			if err := flush(); err != nil {
				return fail(err)
			}
		}
	}
	if err := flush(); err != nil {
		return fail(err)
	}
	if !s.opts.NoSync {
		if err := f.Sync(); err != nil {
			return fail(err)
		}
	}
	if err := s.fs.Rename(tmp, final); err != nil {
		return fail(err)
	}
	if !s.opts.NoSync {
		if err := s.fs.SyncDir(s.dir); err != nil {
			// The rename may not be durable; the old log is still whole,
			// so keep using the new one but do not delete the old.
			s.problems = append(s.problems, "filestore: directory sync failed: "+err.Error())
		}
	}
	old := s.f
	oldName := filepath.Join(s.dir, logName(s.gen))
	s.f, s.gen, s.index, s.end = f, gen, index, end
	old.Close()
	s.fs.Remove(oldName)
	return nil
}

// Size implements store.Sizer.
func (s *Store) Size(ctx context.Context) (int64, int64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.live, s.opts.Quota, s.check(ctx)
}

// Problems implements store.Checker.
func (s *Store) Problems() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]string(nil), s.problems...)
}

// Close implements store.Store.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.f.Close()
	s.unlock()
	return err
}
