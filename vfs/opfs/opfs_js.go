//go:build js && wasm

package opfs

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall/js"
	"time"

	"github.com/nachoos/nacho/vfs/internal/jsutil"
	"github.com/nachoos/nacho/vfs/store"
)

const journalName = "journal"

// Store is a store.Store in one OPFS directory.
type Store struct {
	dir    js.Value // FileSystemDirectoryHandle
	unlock func()

	mu     sync.RWMutex // Txn holds it for writing, reads for reading
	closed bool
	seq    atomic.Uint64
}

var (
	_ store.Store = (*Store)(nil)
	_ store.Sizer = (*Store)(nil)
)

// ErrLocked is returned by Open when another tab or worker holds the
// namespace.
var ErrLocked = jsutil.ErrLocked

func opts(kv ...any) js.Value {
	o := js.Global().Get("Object").New()
	for i := 0; i+1 < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

func nacho(ctx context.Context) (js.Value, error) {
	nav := js.Global().Get("navigator")
	if nav.Get("storage").IsUndefined() || nav.Get("storage").Get("getDirectory").IsUndefined() {
		return js.Value{}, fmt.Errorf("opfs: this browser has no Origin Private File System: %w", errors.ErrUnsupported)
	}
	root, err := jsutil.Await(ctx, nav.Get("storage").Call("getDirectory"))
	if err != nil {
		return js.Value{}, fmt.Errorf("opfs: %w", err)
	}
	d, err := jsutil.Await(ctx, root.Call("getDirectoryHandle", "nacho", opts("create", true)))
	if err != nil {
		return js.Value{}, fmt.Errorf("opfs: %w", err)
	}
	return d, nil
}

// Open opens (creating if needed) the store of namespace, finishing or
// rolling back a transaction a crash interrupted.
func Open(ctx context.Context, namespace string) (store.Store, error) {
	return OpenStore(ctx, namespace)
}

// OpenStore is Open returning the concrete type, for Open(key) readers.
func OpenStore(ctx context.Context, namespace string) (*Store, error) {
	if namespace == "" || strings.ContainsAny(namespace, "/\\\x00") {
		return nil, fmt.Errorf("opfs: bad namespace %q", namespace)
	}
	// A page being reloaded lets go of its lock a moment after the new
	// one starts: wait for it rather than fail.
	unlock, err := jsutil.Lock(ctx, "nacho-opfs/"+namespace, 3*time.Second)
	if err != nil {
		return nil, err
	}
	top, err := nacho(ctx)
	if err != nil {
		unlock()
		return nil, err
	}
	dir, err := jsutil.Await(ctx, top.Call("getDirectoryHandle", namespace, opts("create", true)))
	if err != nil {
		unlock()
		return nil, fmt.Errorf("opfs: %w", err)
	}
	s := &Store{dir: dir, unlock: unlock}
	if err := s.recover(ctx); err != nil {
		unlock()
		return nil, err
	}
	return s, nil
}

// Delete removes the store of namespace. It must not be open.
func Delete(ctx context.Context, namespace string) error {
	top, err := nacho(ctx)
	if err != nil {
		return err
	}
	_, err = jsutil.Await(ctx, top.Call("removeEntry", namespace, opts("recursive", true)))
	if err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

func isNotFound(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NotFoundError") }

func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if strings.HasPrefix(err.Error(), "QuotaExceededError") {
		return fmt.Errorf("%w: %v", store.ErrNoSpace, err)
	}
	return fmt.Errorf("opfs: %w", err)
}

func (s *Store) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed {
		return store.ErrClosed
	}
	return nil
}

func (s *Store) names(ctx context.Context) ([]string, error) {
	it := s.dir.Call("keys")
	var names []string
	for {
		r, err := jsutil.Await(ctx, it.Call("next"))
		if err != nil {
			return nil, mapErr(err)
		}
		if r.Get("done").Bool() {
			return names, nil
		}
		names = append(names, r.Get("value").String())
	}
}

func (s *Store) file(ctx context.Context, name string) (js.Value, error) {
	h, err := jsutil.Await(ctx, s.dir.Call("getFileHandle", name))
	if err != nil {
		if isNotFound(err) {
			return js.Value{}, store.ErrNotFound
		}
		return js.Value{}, mapErr(err)
	}
	f, err := jsutil.Await(ctx, h.Call("getFile"))
	if err != nil {
		if isNotFound(err) {
			return js.Value{}, store.ErrNotFound
		}
		return js.Value{}, mapErr(err)
	}
	return f, nil
}

func (s *Store) readName(ctx context.Context, name string) ([]byte, error) {
	f, err := s.file(ctx, name)
	if err != nil {
		return nil, err
	}
	ab, err := jsutil.Await(ctx, f.Call("arrayBuffer"))
	if err != nil {
		return nil, mapErr(err)
	}
	return jsutil.BytesFromJS(ab), nil
}

func (s *Store) writeName(ctx context.Context, name string, data []byte) error {
	h, err := jsutil.Await(ctx, s.dir.Call("getFileHandle", name, opts("create", true)))
	if err != nil {
		return mapErr(err)
	}
	w, err := jsutil.Await(ctx, h.Call("createWritable"))
	if err != nil {
		return mapErr(err)
	}
	if _, err := jsutil.Await(ctx, w.Call("write", jsutil.BytesToJS(data))); err != nil {
		jsutil.Await(ctx, w.Call("abort"))
		return mapErr(err)
	}
	if _, err := jsutil.Await(ctx, w.Call("close")); err != nil {
		return mapErr(err)
	}
	return nil
}

func (s *Store) removeName(ctx context.Context, name string) error {
	_, err := jsutil.Await(ctx, s.dir.Call("removeEntry", name))
	if err != nil && !isNotFound(err) {
		return mapErr(err)
	}
	return nil
}

func (s *Store) moveName(ctx context.Context, from, to string) error {
	h, err := jsutil.Await(ctx, s.dir.Call("getFileHandle", from))
	if err != nil {
		return mapErr(err)
	}
	if _, err := jsutil.Await(ctx, h.Call("move", to)); err != nil {
		// Where move does not replace, make room and move again; the
		// journal covers the moment in between.
		if rerr := s.removeName(ctx, to); rerr != nil {
			return rerr
		}
		if _, err := jsutil.Await(ctx, h.Call("move", to)); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// journal is the list of renames and deletes of one transaction.
type journal struct {
	puts [][2]string // temp name, final name
	dels []string
}

func (j *journal) encode() []byte {
	var b strings.Builder
	b.WriteString("NCJ1\n")
	for _, p := range j.puts {
		b.WriteString("p " + p[0] + " " + p[1] + "\n")
	}
	for _, d := range j.dels {
		b.WriteString("d " + d + "\n")
	}
	body := b.String()
	return []byte(body + "crc " + strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(body))), 16) + "\n")
}

func decodeJournal(data []byte) (*journal, bool) {
	s := string(data)
	i := strings.LastIndex(s, "crc ")
	if i < 0 || !strings.HasPrefix(s, "NCJ1\n") {
		return nil, false
	}
	sum, err := strconv.ParseUint(strings.TrimSpace(s[i+4:]), 16, 32)
	if err != nil || uint32(sum) != crc32.ChecksumIEEE([]byte(s[:i])) {
		return nil, false
	}
	j := &journal{}
	for _, line := range strings.Split(strings.TrimSuffix(s[5:i], "\n"), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 3 && f[0] == "p":
			j.puts = append(j.puts, [2]string{f[1], f[2]})
		case len(f) == 2 && f[0] == "d":
			j.dels = append(j.dels, f[1])
		case line == "":
		default:
			return nil, false
		}
	}
	return j, true
}

// apply carries out a journal; it can run again after a crash.
func (s *Store) apply(ctx context.Context, j *journal, existing map[string]bool) error {
	for _, p := range j.puts {
		if existing != nil && !existing[p[0]] {
			continue // moved before the crash
		}
		if err := s.moveName(ctx, p[0], p[1]); err != nil {
			return err
		}
	}
	for _, d := range j.dels {
		if err := s.removeName(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// recover finishes a journaled transaction and drops temporary files.
func (s *Store) recover(ctx context.Context) error {
	names, err := s.names(ctx)
	if err != nil {
		return err
	}
	existing := map[string]bool{}
	for _, n := range names {
		existing[n] = true
	}
	if existing[journalName] {
		data, err := s.readName(ctx, journalName)
		if err != nil {
			return err
		}
		if j, ok := decodeJournal(data); ok {
			if err := s.apply(ctx, j, existing); err != nil {
				return err
			}
		}
		if err := s.removeName(ctx, journalName); err != nil {
			return err
		}
		if names, err = s.names(ctx); err != nil {
			return err
		}
	}
	for _, n := range names {
		if strings.HasPrefix(n, "t.") {
			if err := s.removeName(ctx, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	return s.get(ctx, key)
}

func (s *Store) get(ctx context.Context, key string) ([]byte, error) {
	if err := store.CheckKey(key); err != nil {
		return nil, err
	}
	return s.readName(ctx, encodeName(key))
}

func (s *Store) keys(ctx context.Context, prefix string) ([]string, error) {
	names, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, n := range names {
		if k, ok := decodeName(n); ok && strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys, nil
}

// List implements store.Store.
func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	return s.keys(ctx, prefix)
}

// Scan implements store.Store.
func (s *Store) Scan(ctx context.Context, prefix string, fn func(string, []byte) error) error {
	s.mu.RLock()
	if err := s.check(ctx); err != nil {
		s.mu.RUnlock()
		return err
	}
	keys, err := s.keys(ctx, prefix)
	s.mu.RUnlock()
	if err != nil {
		return err
	}
	for _, k := range keys {
		v, err := s.Get(ctx, k)
		if errors.Is(err, store.ErrNotFound) {
			continue
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

func (s *Store) tempName() string { return fmt.Sprintf("t.%d", s.seq.Add(1)) }

// Txn implements store.Store.
func (s *Store) Txn(ctx context.Context, fn func(store.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ctx); err != nil {
		return err
	}
	tx, err := store.Collect(func(key string) ([]byte, error) { return s.get(ctx, key) }, fn)
	if err != nil {
		return err
	}
	if tx.Len() == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	j := &journal{}
	var temps []string
	cleanup := func() {
		for _, t := range temps {
			s.removeName(context.WithoutCancel(ctx), t)
		}
	}
	for _, op := range tx.Ops() {
		if op.Delete {
			j.dels = append(j.dels, encodeName(op.Key))
			continue
		}
		t := s.tempName()
		temps = append(temps, t)
		if err := s.writeName(ctx, t, op.Value); err != nil {
			cleanup()
			return err
		}
		j.puts = append(j.puts, [2]string{t, encodeName(op.Key)})
	}
	// One write is atomic on its own (a move, or a remove); more need the
	// journal.
	single := len(j.puts)+len(j.dels) == 1
	if !single {
		if err := s.writeName(ctx, journalName, j.encode()); err != nil {
			cleanup()
			return err
		}
	}
	// From here the transaction is committed: a crash is finished by
	// recover at the next Open.
	ctx = context.WithoutCancel(ctx)
	if err := s.apply(ctx, j, nil); err != nil {
		return err
	}
	if !single {
		return s.removeName(ctx, journalName)
	}
	return nil
}

// Size implements store.Sizer with the origin's estimate.
func (s *Store) Size(ctx context.Context) (int64, int64, error) {
	v, err := jsutil.Await(ctx, js.Global().Get("navigator").Get("storage").Call("estimate"))
	if err != nil {
		return 0, 0, err
	}
	return int64(v.Get("usage").Float()), int64(v.Get("quota").Float()), nil
}

// Close implements store.Store.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		s.unlock()
	}
	return nil
}

// Blob is a stored value read in pieces: the file is not loaded whole.
type Blob struct {
	file js.Value // a File snapshot
	size int64
}

var _ io.ReaderAt = (*Blob)(nil)

// Open returns a reader over the value of key.
func (s *Store) Open(ctx context.Context, key string) (*Blob, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if err := store.CheckKey(key); err != nil {
		return nil, err
	}
	f, err := s.file(ctx, encodeName(key))
	if err != nil {
		return nil, err
	}
	return &Blob{file: f, size: int64(f.Get("size").Float())}, nil
}

// Size is the blob's length.
func (b *Blob) Size() int64 { return b.size }

// ReadAt reads len(p) bytes at off (fewer and io.EOF at the end).
func (b *Blob) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("opfs: negative offset")
	}
	if off >= b.size {
		return 0, io.EOF
	}
	end := min(b.size, off+int64(len(p)))
	ab, err := jsutil.Await(context.Background(), b.file.Call("slice", off, end).Call("arrayBuffer"))
	if err != nil {
		return 0, mapErr(err)
	}
	n := js.CopyBytesToGo(p, js.Global().Get("Uint8Array").New(ab))
	if int64(n) < int64(len(p)) {
		return n, io.EOF
	}
	return n, nil
}

// Writer streams a large value into the store without holding it in
// memory; Close publishes it atomically under key.
type Writer struct {
	s    *Store
	ctx  context.Context
	key  string
	temp string
	w    js.Value // FileSystemWritableFileStream
	err  error
}

// Create starts a streamed write of key.
func (s *Store) Create(ctx context.Context, key string) (*Writer, error) {
	if err := store.CheckKey(key); err != nil {
		return nil, err
	}
	t := s.tempName()
	h, err := jsutil.Await(ctx, s.dir.Call("getFileHandle", t, opts("create", true)))
	if err != nil {
		return nil, mapErr(err)
	}
	w, err := jsutil.Await(ctx, h.Call("createWritable"))
	if err != nil {
		return nil, mapErr(err)
	}
	return &Writer{s: s, ctx: ctx, key: key, temp: t, w: w}, nil
}

// Write appends p.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if _, err := jsutil.Await(w.ctx, w.w.Call("write", jsutil.BytesToJS(p))); err != nil {
		w.err = mapErr(err)
		return 0, w.err
	}
	return len(p), nil
}

// Close finishes the file and moves it into place.
func (w *Writer) Close() error {
	if w.err != nil {
		jsutil.Await(w.ctx, w.w.Call("abort"))
		w.s.removeName(w.ctx, w.temp)
		return w.err
	}
	if _, err := jsutil.Await(w.ctx, w.w.Call("close")); err != nil {
		w.s.removeName(w.ctx, w.temp)
		return mapErr(err)
	}
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return w.s.moveName(w.ctx, w.temp, encodeName(w.key))
}
