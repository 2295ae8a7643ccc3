// Package chunkfs is Nacho's persistent file system: layer 2 of the storage
// design, over any store.Store (IndexedDB in the browser, the file store
// natively, memory in tests).
//
// Files are kept as content-addressed chunks (key "c/<sha256>") plus one
// metadata record per file, directory or link (key "i/<inode>"), so a small
// write to a large file rewrites one chunk and one record, identical chunks
// are stored once, and the sync and cloud layers can ship chunks between
// devices by hash.
//
// The namespace and metadata live in RAM (loaded at Open); chunk data is
// read on demand through a bounded cache. Writes go to RAM and are
// committed to the store in one transaction per commit: a commit runs a
// moment after a change, on Sync, on fsync of a file, and on Close. A file
// open for writing keeps its last committed content in the store until it
// is closed or synced, so a crash leaves the old content or the new, never
// a mix. Dirty data beyond Options.MaxDirty is written early as chunks that
// nothing references yet; the commit that publishes them is still one
// transaction, and chunks left over by a crash are collected at the next
// Open.
//
// Damage is contained: a record that fails its checksum is reported by
// Problems and skipped, files whose parent is lost are put in /lost+found,
// and a chunk whose hash does not match fails reads of that file with EIO
// while every other file stays readable.
//
// It must not import syscall/js.
package chunkfs

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/internal/tree"
	"github.com/nachoos/nacho/vfs/store"
)

// Options configure a file system.
type Options struct {
	// ChunkSize is the chunk size of a new file system: a power of two
	// between 4 KiB and 16 MiB (default 256 KiB). An existing file system
	// keeps the chunk size it was made with.
	ChunkSize int64
	// CacheSize bounds the RAM cache of clean chunks (default 32 MiB).
	CacheSize int64
	// MaxDirty bounds file content written but not yet in the store; past
	// it, dirty chunks are written early (default 16 MiB).
	MaxDirty int64
	// CommitDelay is how long after a change the background commit runs
	// (default 250 ms). Negative: only Sync, fsync and Close commit.
	CommitDelay time.Duration
	// Quota bounds the bytes of file content; writes past it fail with
	// ENOSPC. 0: no limit but the store's.
	Quota int64
	// Now is the clock (default time.Now).
	Now func() time.Time
	// OnCommit, if set, is called after each commit with the time the
	// committed changes were made up to ("durable up to").
	OnCommit func(durableUpTo time.Time)
}

func (o *Options) defaults() {
	if o.ChunkSize == 0 {
		o.ChunkSize = 256 << 10
	}
	if o.CacheSize == 0 {
		o.CacheSize = 32 << 20
	}
	if o.MaxDirty == 0 {
		o.MaxDirty = 16 << 20
	}
	if o.CommitDelay == 0 {
		o.CommitDelay = 250 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// FS is a persistent file system over a store.
type FS struct {
	*tree.FS
	st   store.Store
	opts Options
	ctx  context.Context
	sb   superblock

	// Guarded by tree.FS.Mu.
	refs       map[Hash]int      // references from records and live slots
	stored     map[Hash]int64    // chunks in the store, with their length
	garbage    map[Hash]struct{} // chunks whose refs fell to 0
	dirty      map[*tree.Node]struct{}
	dirtyFiles map[*file]struct{}
	dirtyBytes int64
	cache      *cache
	problems   []string
	commitErr  error // error of the last background commit
	timer      *time.Timer
	closed     bool
	changedAt  time.Time
}

// nodeState is what FS keeps per node beside the tree.
type nodeState struct {
	inStore   bool   // a record of this node is in the store
	committed []Hash // the chunk list of that record
	size      int64  // the size in that record
}

var (
	_ vfs.Filesystem   = (*FS)(nil)
	_ vfs.AtomicWriter = (*FS)(nil)
)

// Open mounts the file system in st, formatting an empty store. The FS owns
// st from then on and closes it in Close.
func Open(ctx context.Context, st store.Store, opts Options) (*FS, error) {
	opts.defaults()
	if cs := opts.ChunkSize; cs < minChunkSize || cs > maxChunkSize || cs&(cs-1) != 0 {
		return nil, fmt.Errorf("chunkfs: chunk size %d is not a power of two in [4 KiB, 16 MiB]", cs)
	}
	f := &FS{
		st: st, opts: opts, ctx: context.WithoutCancel(ctx),
		refs: map[Hash]int{}, stored: map[Hash]int64{}, garbage: map[Hash]struct{}{},
		dirty: map[*tree.Node]struct{}{}, dirtyFiles: map[*file]struct{}{},
		cache: newCache(opts.CacheSize),
	}
	f.FS = tree.New(hooks{f}, opts.Now)
	f.FS.Quota = opts.Quota
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if err := f.load(ctx); err != nil {
		return nil, err
	}
	return f, nil
}

// Problems lists damage found at Open and since: records that failed to
// decode, files moved to /lost+found, chunks missing or corrupt.
func (f *FS) Problems() []string {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return append([]string(nil), f.problems...)
}

func (f *FS) problem(format string, a ...any) {
	f.problems = append(f.problems, fmt.Sprintf(format, a...))
}

// ID identifies the file system (stable across reopen), for sync.
func (f *FS) ID() [16]byte { return f.sb.id }

// load reads the superblock and every record and builds the tree.
// Preconditions: f.Mu held.
func (f *FS) load(ctx context.Context) error {
	sbData, err := f.st.Get(ctx, superKey)
	fresh := false
	switch {
	case errors.Is(err, store.ErrNotFound):
		keys, lerr := f.st.List(ctx, recordPrefix)
		if lerr != nil {
			return lerr
		}
		if len(keys) > 0 {
			f.problem("chunkfs: superblock missing; rebuilt with chunk size %d", f.opts.ChunkSize)
		}
		fresh = true
	case err != nil:
		return fmt.Errorf("chunkfs: reading superblock: %w", err)
	default:
		f.sb, err = decodeSuper(sbData)
		if err != nil {
			f.problem("chunkfs: %v; rebuilt with chunk size %d", err, f.opts.ChunkSize)
			fresh = true
		}
	}
	if fresh {
		f.sb = superblock{chunkSize: f.opts.ChunkSize}
		rand.Read(f.sb.id[:])
		if err := f.st.Put(ctx, superKey, encodeSuper(f.sb)); err != nil {
			return fmt.Errorf("chunkfs: writing superblock: %w", err)
		}
	}

	// Records.
	recs := map[uint64]*Record{}
	err = f.st.Scan(ctx, recordPrefix, func(key string, value []byte) error {
		ino, ok := parseRecordKey(key)
		if !ok {
			f.problem("chunkfs: stray key %q ignored", key)
			return nil
		}
		r, err := DecodeRecord(ino, value)
		if err != nil {
			f.problem("chunkfs: record %s: %v; skipped", key, err)
			return nil
		}
		recs[ino] = r
		return nil
	})
	if err != nil {
		return fmt.Errorf("chunkfs: reading records: %w", err)
	}
	chunkKeys, err := f.st.List(ctx, chunkPrefix)
	if err != nil {
		return fmt.Errorf("chunkfs: listing chunks: %w", err)
	}
	for _, k := range chunkKeys {
		if h, ok := parseChunkKey(k); ok {
			f.stored[h] = -1 // length unknown until read
		}
	}
	f.build(recs)
	// Chunks nothing references are left over from a crash: collect them.
	var orphans []Hash
	for h := range f.stored {
		if f.refs[h] == 0 {
			orphans = append(orphans, h)
		}
	}
	if len(orphans) > 0 {
		err := f.st.Txn(ctx, func(tx store.Tx) error {
			for _, h := range orphans {
				tx.Delete(h.Key())
			}
			return nil
		})
		if err == nil {
			for _, h := range orphans {
				delete(f.stored, h)
			}
		}
	}
	// A repaired tree (lost+found) is written back at once.
	if len(f.dirty) > 0 {
		return f.commitLocked(true)
	}
	return nil
}

func parseChunkKey(k string) (Hash, bool) {
	var h Hash
	hexs := k[len(chunkPrefix):]
	if len(hexs) != 64 {
		return h, false
	}
	for i := range h {
		hi, ok1 := unhex(hexs[2*i])
		lo, ok2 := unhex(hexs[2*i+1])
		if !ok1 || !ok2 {
			return h, false
		}
		h[i] = hi<<4 | lo
	}
	return h, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// build makes the tree from decoded records, repairing what it must.
func (f *FS) build(recs map[uint64]*Record) {
	nodes := map[uint64]*tree.Node{}
	var maxIno uint64 = rootIno
	root := f.Root
	if r, ok := recs[rootIno]; ok {
		f.applyRecord(root, r)
	} else {
		if len(recs) > 0 {
			f.problem("chunkfs: root directory record missing; rebuilt")
		}
		f.markDirty(root)
	}
	root.Ext = &nodeState{inStore: recs[rootIno] != nil}
	nodes[rootIno] = root
	inos := make([]uint64, 0, len(recs))
	for ino, r := range recs {
		maxIno = max(maxIno, ino)
		if ino == rootIno {
			continue
		}
		inos = append(inos, ino)
		n := &tree.Node{Ino: ino}
		f.applyRecord(n, r)
		n.Ext = &nodeState{inStore: true, committed: r.Chunks, size: r.Size}
		nodes[ino] = n
		f.Files++
	}
	sort.Slice(inos, func(i, j int) bool { return inos[i] < inos[j] })
	f.SetNextIno(maxIno + 1)
	var lost []*tree.Node
	for _, ino := range inos {
		r, n := recs[ino], nodes[ino]
		p := nodes[r.Parent]
		switch {
		case p == nil:
			f.problem("chunkfs: %q (inode %d) lost its directory (inode %d)", r.Name, ino, r.Parent)
			lost = append(lost, n)
		case !p.IsDir():
			f.problem("chunkfs: %q (inode %d) names a non-directory as its parent", r.Name, ino)
			lost = append(lost, n)
		case p.Kids[r.Name] != nil:
			f.problem("chunkfs: two entries named %q in directory inode %d", r.Name, r.Parent)
			lost = append(lost, n)
		default:
			f.Attach(p, r.Name, n)
		}
	}
	// Directories whose parents form a cycle are not reachable from the root.
	reach := map[*tree.Node]bool{}
	var walk func(*tree.Node)
	walk = func(n *tree.Node) {
		reach[n] = true
		for _, k := range n.Kids {
			walk(k)
		}
	}
	walk(root)
	for _, ino := range inos {
		n := nodes[ino]
		if n.Linked && !reach[n] {
			// Break the cycle at this node.
			delete(n.Parent.Kids, n.Name)
			n.Linked, n.Parent = false, nil
			f.problem("chunkfs: %q (inode %d) was in a directory cycle", n.Name, ino)
			lost = append(lost, n)
			walk(n)
		}
	}
	if len(lost) > 0 {
		lf := root.Kids["lost+found"]
		if lf == nil || !lf.IsDir() {
			name := "lost+found"
			if lf != nil {
				name = fmt.Sprintf("lost+found.%d", f.Now().Unix())
			}
			lf = f.NewNode(fs.ModeDir | 0o700)
			lf.Ext = &nodeState{}
			f.Attach(root, name, lf)
			f.markDirty(lf)
		}
		for _, n := range lost {
			name := fmt.Sprintf("%s.%d", recs[n.Ino].Name, n.Ino)
			if len(name) > vfs.NameMax {
				name = fmt.Sprintf("inode.%d", n.Ino)
			}
			f.Attach(lf, name, n)
			f.markDirty(n)
		}
	}
	// Account content and check that every chunk is there.
	for _, n := range nodes {
		fl, ok := n.Data.(*file)
		if !ok {
			continue
		}
		f.AddUsed(fl.size)
		st := n.Ext.(*nodeState)
		for _, h := range st.committed {
			if h.IsHole() {
				continue
			}
			f.refs[h] += 2 // the record and the live slot
			if _, ok := f.stored[h]; !ok {
				f.problem("chunkfs: %s: chunk %s is missing; reads of it fail", n.Path(), h)
			}
		}
	}
}

// applyRecord sets n's attributes and content from r.
func (f *FS) applyRecord(n *tree.Node, r *Record) {
	switch r.Kind {
	case KindDir:
		n.Mode = fs.ModeDir | r.Perm
		if n.Kids == nil {
			n.Kids = map[string]*tree.Node{}
		}
	case KindLink:
		n.Mode = fs.ModeSymlink | r.Perm
		n.Target = r.Target
	case KindFile:
		n.Mode = r.Perm
		fl := &file{fs: f, node: n, cs: r.ChunkSize, size: r.Size, slots: make([]slot, len(r.Chunks))}
		for i, h := range r.Chunks {
			fl.slots[i].hash = h
		}
		n.Data = fl
	}
	n.Mtime, n.Atime, n.Ctime = r.Mtime, r.Atime, r.Ctime
}

func (f *FS) markDirty(n *tree.Node) {
	f.dirty[n] = struct{}{}
	f.changedAt = f.Now()
	f.schedule()
}

// schedule arranges a background commit. Preconditions: f.Mu held.
func (f *FS) schedule() {
	if f.opts.CommitDelay < 0 || f.timer != nil || f.closed {
		return
	}
	f.timer = time.AfterFunc(f.opts.CommitDelay, func() {
		f.Mu.Lock()
		defer f.Mu.Unlock()
		f.timer = nil
		if f.closed {
			return
		}
		if err := f.commitLocked(false); err != nil {
			f.commitErr = err
		}
	})
}

// loadChunk returns the content of a stored chunk, verified against its
// hash. Preconditions: f.Mu held.
func (f *FS) loadChunk(h Hash, n *tree.Node) ([]byte, error) {
	if data, ok := f.cache.get(h); ok {
		return data, nil
	}
	data, err := f.st.Get(f.ctx, h.Key())
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = fmt.Errorf("chunk %s of %s is missing", h, n.Path())
			f.problem("chunkfs: %v", err)
		}
		return nil, vfs.WithErrno(vfs.EIO, err)
	}
	if sha256.Sum256(data) != h {
		err := fmt.Errorf("chunk %s of %s is corrupt (hash mismatch)", h, n.Path())
		f.problem("chunkfs: %v", err)
		return nil, vfs.WithErrno(vfs.EIO, err)
	}
	f.stored[h] = int64(len(data))
	f.cache.put(h, data)
	return data, nil
}

// unref drops one reference to a chunk. Preconditions: f.Mu held.
func (f *FS) unref(h Hash) {
	if h.IsHole() {
		return
	}
	f.refs[h]--
	if f.refs[h] <= 0 {
		delete(f.refs, h)
		f.garbage[h] = struct{}{}
	}
}

// maybeFlush writes dirty chunks early when there are too many.
// Preconditions: f.Mu held.
func (f *FS) maybeFlush() error {
	if f.dirtyBytes <= f.opts.MaxDirty {
		return nil
	}
	return f.flushChunks()
}

// Sync implements vfs.Filesystem: it commits everything, files open for
// writing included, and returns once the store has it.
func (f *FS) Sync() error {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if f.closed {
		return vfs.EBADF
	}
	// A failed background commit left its changes dirty; this commit
	// covers them, so its result is the answer.
	f.commitErr = nil
	return f.commitLocked(true)
}

// Statfs implements vfs.Filesystem.
func (f *FS) Statfs() (vfs.FSInfo, error) {
	f.Mu.Lock()
	quota := f.Quota
	info := vfs.FSInfo{Type: "chunkfs", Used: f.Used, Quota: quota, Files: f.Files, Durable: true}
	f.Mu.Unlock()
	if quota == 0 {
		if sz, ok := f.st.(store.Sizer); ok {
			if _, q, err := sz.Size(f.ctx); err == nil {
				info.Quota = q
			}
		}
	}
	return info, nil
}

// Close implements vfs.Filesystem: it commits everything and closes the
// store.
func (f *FS) Close() error {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if f.closed {
		return nil
	}
	err := f.commitLocked(true)
	f.closed = true
	if f.timer != nil {
		f.timer.Stop()
		f.timer = nil
	}
	if cerr := f.st.Close(); err == nil {
		err = cerr
	}
	return err
}

// hooks connect the tree to the file system.
type hooks struct{ f *FS }

func (h hooks) NewContent(n *tree.Node) tree.Content {
	if n.Ext == nil {
		n.Ext = &nodeState{}
	}
	return &file{fs: h.f, node: n, cs: h.f.sb.chunkSize}
}

func (h hooks) Discard(c tree.Content) {
	if fl, ok := c.(*file); ok {
		fl.release()
	}
}

func (h hooks) Changed(n *tree.Node) {
	if n.Ext == nil {
		n.Ext = &nodeState{}
	}
	h.f.markDirty(n)
}

func (h hooks) Unlinked(n *tree.Node) { h.f.markDirty(n) }

func (h hooks) Released(n *tree.Node) {
	if fl, ok := n.Data.(*file); ok {
		fl.release()
	}
	if st, ok := n.Ext.(*nodeState); !ok || !st.inStore {
		delete(h.f.dirty, n)
	}
}

func (h hooks) Closed(n *tree.Node, wrote bool) {
	if wrote && n.Linked {
		h.f.markDirty(n)
	}
}

func (h hooks) Sync(n *tree.Node) error {
	// fsync: commit everything, this file's open content included. The
	// tree lock is held; commitLocked runs under it.
	return h.f.commitLocked(true)
}

// Commit writes what is complete to the store, as the background commit
// does: every change except the content of files still open for writing,
// which keep their last committed content. Sync commits everything.
func (f *FS) Commit() error {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if f.closed {
		return vfs.EBADF
	}
	return f.commitLocked(false)
}
