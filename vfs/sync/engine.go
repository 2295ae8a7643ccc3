package sync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"sort"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/room"
	"github.com/nachoos/nacho/vfs/sync/crdt"
)

// Config configures an Engine.
type Config struct {
	Folder Folder
	State  StateStore
	// Server is the cloud node, http(s)://host[:port]. Empty: the folder
	// keeps its history locally and syncs with nothing (until Server is
	// set on a later run).
	Server string
	Room   string
	Secret string
	// Name tells several synced folders of one room apart ("" is fine
	// for one).
	Name string
	// Peers also syncs directly with the room's other members over
	// Fabrik (WebRTC), document and chunks, besides the node.
	Peers bool
	// StoreToken is the node's upload token (nacho serve --store-token),
	// if it has one.
	StoreToken string
	// Chunks overrides where chunks go (default: the node's chunk store).
	Chunks     ChunkRemote
	HTTPClient *http.Client
	Log        *slog.Logger
	// ScanInterval is how often the folder is looked at for changes
	// (default 250 ms). Negative: only Scan looks.
	ScanInterval time.Duration
	// Settle is how long a file must go unmodified before it is taken
	// (default 100 ms), so a file being written is not sent half-done.
	Settle time.Duration
	// ChunkSize of new versions (default fabrik.ChunkSize, 1 MiB).
	ChunkSize int64
	// OnChange, if set, is called (from the engine's goroutine) after
	// each pass that changed the folder or its status.
	OnChange func(Status)
}

// Engine keeps one folder in sync with its room's document on the node.
type Engine struct {
	cfg    Config
	log    *slog.Logger
	folder Folder
	node   *nodeDoc
	chunks ChunkRemote

	scanMu gosync.Mutex // one pass at a time

	mu      gosync.Mutex // guards everything below
	doc     crdt.Doc
	idx     *index
	status  Status
	dirty   bool              // index or document changed since the last save
	pending map[string]string // path -> why it is not in place yet
	online  bool
	inSync  bool // the node and this replica have the same document
	lastErr string
	acked   []crdt.Hash // heads the node acknowledged last
	// lastHeads and replan let a pass with nothing new skip reconciling.
	lastHeads []crdt.Hash
	replan    atomic.Bool
	wrote     atomic.Int64          // files written this pass, not yet flushed
	chunkAt   map[[32]byte]chunkLoc // where this replica holds each chunk
	// fetched holds chunks of files not yet in place (up to maxFetched).
	fetched      map[[32]byte][]byte
	fetchedBytes int64

	// Direct sync with the room's members (Config.Peers).
	room      *room.Peer
	members   map[string]*member
	lib       *fabrik.Library
	peerKick  chan struct{}
	slowPeers map[string]time.Time // members that did not answer for a chunk, until when they are skipped

	kick    chan struct{} // wakes the main loop
	docKick chan struct{} // wakes the node loop (the document changed here)
	ctx     context.Context
	cancel  context.CancelFunc
	done    gosync.WaitGroup
	closeMu gosync.Once
}

// Status is a folder's state in words a user can trust.
type Status struct {
	// State is "synced", "syncing" or "offline".
	State string
	// Files is how many files are still to be sent or fetched.
	Files int
	// Waiting is how many local changes the node has not got yet.
	Waiting int
	// Problem is the last error, if the folder is stuck on one.
	Problem string
}

func (s Status) String() string {
	switch s.State {
	case "offline":
		return fmt.Sprintf("offline, %d changes waiting", s.Waiting)
	case "syncing":
		return fmt.Sprintf("syncing %d files", s.Files)
	}
	return s.State
}

// Durability says where a file's current version is safe.
type Durability struct {
	Path  string
	Local bool // on this device's disk, as the document says
	Cloud bool // its chunks and the document that names them are on the node
}

// Open loads (or starts) the folder's state and starts syncing in the
// background. Close stops it.
func Open(cfg Config) (*Engine, error) {
	if cfg.Folder == nil || cfg.State == nil {
		return nil, errors.New("sync: Config needs a Folder and a State")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.ScanInterval == 0 {
		cfg.ScanInterval = 250 * time.Millisecond
	}
	if cfg.Settle == 0 {
		cfg.Settle = 100 * time.Millisecond
	}
	if cfg.ChunkSize == 0 {
		cfg.ChunkSize = fabrik.ChunkSize
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	e := &Engine{cfg: cfg, log: cfg.Log, folder: cfg.Folder, pending: map[string]string{},
		kick: make(chan struct{}, 1), docKick: make(chan struct{}, 1)}
	if cfg.Server != "" {
		if cfg.Room == "" || cfg.Secret == "" {
			return nil, errors.New("sync: a server needs a room and a secret")
		}
		nc, err := fabrik.NewNodeClient(cfg.Server, cfg.HTTPClient)
		if err != nil {
			return nil, err
		}
		e.node = &nodeDoc{base: nc.Base(), doc: DocName(cfg.Room, cfg.Secret, cfg.Name), hc: cfg.HTTPClient}
		nc.SetToken(cfg.StoreToken)
		if cfg.Chunks == nil {
			cfg.Chunks = nc
		}
	}
	e.chunks = cfg.Chunks
	if err := e.load(); err != nil {
		return nil, err
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.done.Add(1)
	go e.loop()
	if e.node != nil {
		e.done.Add(1)
		go e.nodeLoop()
		if cfg.Peers {
			e.lib, e.members, e.peerKick = fabrik.NewLibrary(), map[string]*member{}, make(chan struct{}, 1)
			e.done.Add(1)
			go e.peerLoop()
		}
	}
	return e, nil
}

func (e *Engine) load() error {
	b, err := e.cfg.State.Load(stateIndex)
	switch {
	case err == nil:
		if e.idx, err = loadIndex(b); err != nil {
			return err
		}
	case errors.Is(err, fs.ErrNotExist):
		e.idx = newIndex()
	default:
		return err
	}
	actor := e.idx.Device + randomHex(8) // a fresh actor per run: sequence numbers never clash
	b, err = e.cfg.State.Load(stateDoc)
	switch {
	case err == nil:
		e.doc, err = crdt.Load(b, crdt.Options{ActorID: actor})
		if err != nil {
			return fmt.Errorf("sync: the saved document: %w", err)
		}
	case errors.Is(err, fs.ErrNotExist):
		e.doc, err = crdt.New(crdt.Options{ActorID: actor})
		if err != nil {
			return err
		}
	default:
		return err
	}
	return nil
}

// Device returns this replica's device id.
func (e *Engine) Device() string { return e.idx.Device }

// Status returns the folder's status now.
func (e *Engine) Status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.statusLocked()
}

func (e *Engine) statusLocked() Status {
	s := Status{Files: len(e.pending), Problem: e.lastErr}
	if e.node != nil {
		s.Waiting = e.idx.Waiting // with no node there is nothing to wait for
	}
	for p, ie := range e.idx.Paths {
		if ie.Kind == KindFile && ie.VID != "" && !e.idx.Cloud[ie.VID] && e.node != nil {
			if _, ok := e.pending[p]; !ok {
				s.Files++
			}
		}
	}
	switch {
	case e.node != nil && !e.online:
		s.State = "offline"
	case s.Files > 0 || s.Waiting > 0 || (e.node != nil && !e.inSync) || !e.reconciledLocked():
		s.State = "syncing"
	default:
		s.State = "synced"
	}
	return s
}

// reconciledLocked reports whether the last pass saw the document as it
// is now (else what arrived since is not on disk yet).
func (e *Engine) reconciledLocked() bool {
	h, err := e.doc.Heads()
	return err == nil && crdt.HeadsEqual(h, e.lastHeads)
}

// Durability reports, for every file the folder holds, where it is safe.
func (e *Engine) Durability() []Durability {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Durability, 0, len(e.idx.Paths))
	for p, ie := range e.idx.Paths {
		if ie.Kind != KindFile {
			continue
		}
		out = append(out, Durability{Path: p, Local: ie.VID != "", Cloud: e.idx.Cloud[ie.VID] && e.idx.Waiting == 0})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Kick asks for a pass soon (a file system watcher calls it).
func (e *Engine) Kick() {
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

// kickDoc says the document changed here: the node and the room's
// members are told.
func (e *Engine) kickDoc() {
	select {
	case e.docKick <- struct{}{}:
	default:
	}
	if e.peerKick != nil {
		e.kickPeers()
	}
}

// Close stops syncing and saves the state.
func (e *Engine) Close() error {
	var err error
	e.closeMu.Do(func() {
		e.cancel()
		e.done.Wait()
		e.mu.Lock()
		defer e.mu.Unlock()
		err = e.saveLocked(true)
		e.doc.Close()
	})
	return err
}

func (e *Engine) loop() {
	defer e.done.Done()
	var tick <-chan time.Time
	if e.cfg.ScanInterval > 0 {
		t := time.NewTicker(e.cfg.ScanInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		start := time.Now()
		if err := e.Scan(e.ctx); err != nil && e.ctx.Err() == nil {
			e.log.Warn("sync: pass failed", "err", err)
		}
		// A big folder makes passes long: keep polling to about a tenth of
		// the time (a watcher's Kick still gets a pass at once).
		if d := time.Since(start); tick != nil && 10*d > e.cfg.ScanInterval {
			select {
			case <-e.ctx.Done():
				return
			case <-e.kick:
				continue
			case <-time.After(10*d - e.cfg.ScanInterval):
			}
		}
		select {
		case <-e.ctx.Done():
			return
		case <-tick:
		case <-e.kick:
		}
	}
}

// change is one difference between the disk and the index.
type change struct {
	path   string
	kind   string // KindFile or KindDir
	gone   bool
	fi     fs.FileInfo
	chunks []byte
	size   int64
	onNode bool // its chunks are on the node already
}

// Scan runs one pass: take local changes into the document, settle
// conflicts, and make the folder match the document. The engine runs it
// on its own; tests call it to step.
func (e *Engine) Scan(ctx context.Context) error {
	e.scanMu.Lock()
	defer e.scanMu.Unlock()
	changes, err := e.scanDisk()
	if err != nil {
		return err
	}
	changes = e.uploadFirst(ctx, changes)
	e.mu.Lock()
	heads, err := e.doc.Heads()
	if err != nil {
		e.mu.Unlock()
		return err
	}
	var plan []op
	if len(changes) > 0 || len(e.pending) > 0 || e.replan.Swap(false) || !crdt.HeadsEqual(heads, e.lastHeads) {
		plan, err = e.reconcileLocked(changes)
		if err == nil {
			e.lastHeads, err = e.doc.Heads()
		}
	}
	e.mu.Unlock()
	if err != nil {
		return err
	}
	e.execute(ctx, plan)
	e.mu.Lock()
	if len(e.pending) == 0 {
		e.fetched, e.fetchedBytes = nil, 0
	}
	e.mu.Unlock()
	if e.wrote.Swap(0) > 0 {
		if err := e.folder.Sync(); err != nil { // before the index says the files are in place
			return err
		}
	}
	e.upload(ctx)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.saveLocked(false); err != nil {
		return err
	}
	if e.cfg.OnChange != nil {
		st := e.statusLocked()
		if st != e.status {
			e.status = st
			e.mu.Unlock()
			e.cfg.OnChange(st)
			e.mu.Lock()
		}
	}
	return nil
}

func (e *Engine) snapshot() map[string]*indexEntry {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := make(map[string]*indexEntry, len(e.idx.Paths))
	for p, ie := range e.idx.Paths {
		m[p] = ie
	}
	return m
}

// scanDisk compares the folder with the index.
func (e *Engine) scanDisk() ([]change, error) {
	snap := e.snapshot()
	seen := map[string]bool{}
	var out []change
	now := time.Now()
	unsettled := false
	err := e.folder.Walk(func(p string, fi fs.FileInfo) error {
		seen[p] = true
		ie := snap[p]
		if fi.IsDir() {
			if ie == nil || ie.Kind != KindDir {
				out = append(out, change{path: p, kind: KindDir, fi: fi})
			}
			return nil
		}
		if ie != nil && ie.Kind == KindFile && ie.Size == fi.Size() && ie.MtimeNs == fi.ModTime().UnixNano() {
			return nil
		}
		if now.Sub(fi.ModTime()) < e.cfg.Settle && now.After(fi.ModTime()) {
			unsettled = true // still being written: next pass
			return nil
		}
		chunks, size, err := e.hashFile(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				delete(seen, p)
				return nil
			}
			e.log.Warn("sync: cannot read", "path", p, "err", err)
			if ie != nil {
				seen[p] = true // keep what we had rather than delete it
			}
			return nil
		}
		out = append(out, change{path: p, kind: KindFile, fi: fi, chunks: chunks, size: size})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for p, ie := range snap {
		if !seen[p] {
			out = append(out, change{path: p, kind: ie.Kind, gone: true})
		}
	}
	if unsettled {
		time.AfterFunc(e.cfg.Settle, e.Kick)
	}
	return out, nil
}

// hashFile chunks a file and returns its chunk ids and size.
func (e *Engine) hashFile(p string) ([]byte, int64, error) {
	f, err := e.folder.Open(p)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	buf := make([]byte, e.cfg.ChunkSize)
	var ids []byte
	var size int64
	for {
		n, err := io.ReadFull(f, buf)
		if n > 0 {
			h := sha256.Sum256(buf[:n])
			ids = append(ids, h[:]...)
			size += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return ids, size, nil
		}
		if err != nil {
			return nil, 0, err
		}
	}
}

// op is one step to make the folder match the document.
type op struct {
	kind string // "mkdir", "move", "write", "remove", "rmdir"
	path string
	from string      // a move's source
	src  *indexEntry // what the index says is at from
	item *Item
	had  *indexEntry // what the index said was there (nil: nothing)
}

func (e *Engine) newVID() string { return e.idx.Device[:8] + "-" + randomHex(6) }

// reconcileLocked applies local changes to the document, settles
// conflicts, and plans what to do on disk.
func (e *Engine) reconcileLocked(changes []change) ([]op, error) {
	t, bad, err := readTree(e.doc)
	if err != nil {
		return nil, err
	}
	for _, b := range bad {
		e.log.Warn("sync: ignored part of the document", "why", b)
	}
	items, _ := Resolve(t)
	w := docWriter{e.doc}
	dev := e.idx.Device
	local := 0

	// Renames: a file gone from one path and the same bytes new at another.
	gone := map[string]*indexEntry{}
	for _, c := range changes {
		if c.gone && c.kind == KindFile {
			if ie := e.idx.Paths[c.path]; ie != nil && ie.ID != "" && len(ie.Chunks) > 0 {
				gone[string(ie.Chunks)] = ie
			}
		}
	}
	renamedFrom := map[string]bool{}
	for i, c := range changes {
		if c.gone || c.kind != KindFile || e.idx.Paths[c.path] != nil {
			continue
		}
		ie := gone[string(c.chunks)]
		if ie == nil || t.Entries[ie.ID] == nil {
			continue
		}
		delete(gone, string(c.chunks))
		for p, x := range e.idx.Paths {
			if x == ie {
				renamedFrom[p] = true
				delete(e.idx.Paths, p)
			}
		}
		if err := w.setPath(ie.ID, c.path); err != nil {
			return nil, err
		}
		nie := *ie
		nie.MtimeNs, nie.Size = c.fi.ModTime().UnixNano(), c.fi.Size()
		e.idx.Paths[c.path] = &nie
		changes[i].kind = "" // handled
		local++
	}

	for _, c := range changes {
		if c.kind == "" || (c.gone && renamedFrom[c.path]) {
			continue
		}
		ie := e.idx.Paths[c.path]
		switch {
		case c.gone:
			delete(e.idx.Paths, c.path)
			if ie == nil || ie.ID == "" || t.Entries[ie.ID] == nil {
				continue
			}
			if err := w.putVersion(ie.ID, c.path, ie.Kind, e.newVID(), &Version{Dev: dev, MtimeUs: time.Now().UnixMicro(), Deleted: true}, []string{ie.VID}); err != nil {
				return nil, err
			}
			local++
		case c.kind == KindDir:
			if it := items[c.path]; it != nil && it.Kind == KindDir {
				e.idx.Paths[c.path] = &indexEntry{ID: it.EntryID, VID: it.VID, Kind: KindDir}
				continue
			}
			id, vid := randomHex(8), e.newVID()
			v := &Version{Dev: dev, MtimeUs: c.fi.ModTime().UnixMicro(), Mode: uint32(c.fi.Mode().Perm()), ChunkSize: 1}
			if err := w.putVersion(id, c.path, KindDir, vid, v, nil); err != nil {
				return nil, err
			}
			e.idx.Paths[c.path] = &indexEntry{ID: id, VID: vid, Kind: KindDir}
			local++
		default: // a file, new or changed
			v := &Version{Dev: dev, MtimeUs: c.fi.ModTime().UnixMicro(), Size: c.size, Mode: uint32(c.fi.Mode().Perm()),
				ChunkSize: e.cfg.ChunkSize, Chunks: c.chunks}
			nie := &indexEntry{Kind: KindFile, Size: c.fi.Size(), MtimeNs: c.fi.ModTime().UnixNano(), Mode: v.Mode, ChunkSize: v.ChunkSize, Chunks: c.chunks}
			defer func() {
				if c.onNode && nie.VID != "" {
					e.idx.Cloud[nie.VID] = true
				}
			}()
			if ie != nil && ie.Kind == KindFile && ie.ID != "" && t.Entries[ie.ID] != nil {
				if bytes.Equal(ie.Chunks, c.chunks) && ie.Size == c.size && ie.Mode == v.Mode {
					nie.ID, nie.VID = ie.ID, ie.VID // touched, not changed
					e.idx.Paths[c.path] = nie
					continue
				}
				nie.ID, nie.VID = ie.ID, e.newVID()
				if err := w.putVersion(ie.ID, c.path, KindFile, nie.VID, v, []string{ie.VID}); err != nil {
					return nil, err
				}
				e.idx.Paths[c.path] = nie
				local++
				continue
			}
			if it := items[c.path]; it != nil && it.Kind == KindFile && it.Version.SameContent(v) {
				nie.ID, nie.VID = it.EntryID, it.VID // already there: the same file from elsewhere
				if e.idx.Cloud[it.VID] || e.node == nil {
					e.idx.Cloud[it.VID] = true
				}
				e.idx.Paths[c.path] = nie
				continue
			}
			nie.ID, nie.VID = randomHex(8), e.newVID()
			if err := w.putVersion(nie.ID, c.path, KindFile, nie.VID, v, nil); err != nil {
				return nil, err
			}
			e.idx.Paths[c.path] = nie
			local++
		}
	}
	if local > 0 {
		if _, _, err := e.doc.Commit(fmt.Sprintf("%d local changes", local), time.Now()); err != nil {
			return nil, err
		}
		e.idx.Waiting += local
		e.inSync = false
		e.dirty = true
		e.kickDoc()
	}

	// Settle conflicts; the rewrites are the same on every device.
	for range 4 {
		if t, _, err = readTree(e.doc); err != nil {
			return nil, err
		}
		var fixes []fix
		items, fixes = Resolve(t)
		if len(fixes) == 0 {
			break
		}
		if err := applyFixes(e.doc, fixes); err != nil {
			return nil, err
		}
		if _, _, err := e.doc.Commit("resolve conflicts", time.Now()); err != nil {
			return nil, err
		}
		e.inSync = false
		e.dirty = true
		e.kickDoc()
	}
	ops := e.planLocked(items)
	e.log.Debug("sync: reconciled", "entries", len(t.Entries), "items", len(items), "ops", len(ops), "local", local)
	return ops, nil
}

// planLocked lists what to do so that the disk holds items.
func (e *Engine) planLocked(items map[string]*Item) []op {
	var ops []op
	clear(e.pending)
	e.chunkAt = make(map[[32]byte]chunkLoc, len(e.idx.Paths))
	for p, ie := range e.idx.Paths {
		e.noteChunksLocked(p, ie)
	}
	for p, it := range items {
		ie := e.idx.Paths[p]
		if it.Kind == KindDir {
			if ie == nil || ie.Kind != KindDir {
				ops = append(ops, op{kind: "mkdir", path: p, item: it, had: ie})
			} else if it.EntryID != "" && ie.ID != it.EntryID {
				ie2 := *ie
				ie2.ID, ie2.VID = it.EntryID, it.VID
				e.idx.Paths[p] = &ie2
			}
			continue
		}
		if ie != nil && ie.Kind == KindFile && ie.ID == it.EntryID && ie.VID == it.VID {
			continue
		}
		if ie != nil && ie.Kind == KindFile && bytes.Equal(ie.Chunks, it.Version.Chunks) && ie.Size == it.Version.Size && ie.Mode == it.Version.Mode {
			// Same bytes under another version or entry (a conflict split,
			// or the same file made on two devices): adopt it.
			ie2 := *ie
			ie2.ID, ie2.VID = it.EntryID, it.VID
			e.idx.Paths[p] = &ie2
			e.dirty = true
			continue
		}
		if from := e.movableLocked(it, p, items); from != "" {
			// The same entry, same bytes, elsewhere on disk: a rename.
			ops = append(ops, op{kind: "move", path: p, from: from, item: it, had: ie, src: e.idx.Paths[from]})
			e.pending[p] = "moving"
			continue
		}
		ops = append(ops, op{kind: "write", path: p, item: it, had: ie})
		e.pending[p] = "fetching"
	}
	for p, ie := range e.idx.Paths {
		it := items[p]
		if it != nil && it.Kind == ie.Kind {
			continue
		}
		kind := "remove"
		if ie.Kind == KindDir {
			kind = "rmdir"
		}
		ops = append(ops, op{kind: kind, path: p, had: ie})
	}
	// Directories (parents first), then moves and writes (so that the
	// files they take chunks from are still there), then removals (files
	// before directories, deepest first). A step blocked by one that comes
	// later (a file where a directory goes) fails and is done next pass.
	rank := map[string]int{"mkdir": 0, "move": 1, "write": 2, "remove": 3, "rmdir": 4}
	sort.Slice(ops, func(i, j int) bool {
		a, b := ops[i], ops[j]
		if rank[a.kind] != rank[b.kind] {
			return rank[a.kind] < rank[b.kind]
		}
		if a.kind == "rmdir" {
			return strings.Count(a.path, "/") > strings.Count(b.path, "/")
		}
		return a.path < b.path
	})
	return ops
}

// movableLocked returns a path where the index holds entry it's bytes
// that the document no longer wants there (the far side of a rename).
func (e *Engine) movableLocked(it *Item, p string, items map[string]*Item) string {
	for q, ie := range e.idx.Paths {
		if q == p || ie.Kind != KindFile || ie.ID != it.EntryID || !bytes.Equal(ie.Chunks, it.Version.Chunks) {
			continue
		}
		if o := items[q]; o != nil && o.EntryID == ie.ID {
			continue
		}
		return q
	}
	return ""
}

// unchanged reports whether the disk at p still is what the index says
// (had == nil: nothing there).
func (e *Engine) unchanged(p string, had *indexEntry) bool {
	fi, err := e.folder.Lstat(p)
	if had == nil {
		return errors.Is(err, fs.ErrNotExist)
	}
	if err != nil {
		return errors.Is(err, fs.ErrNotExist) // gone already: nothing to lose
	}
	if had.Kind == KindDir {
		return fi.IsDir()
	}
	return fi.Mode().IsRegular() && fi.Size() == had.Size && fi.ModTime().UnixNano() == had.MtimeNs
}

// execute carries out a plan. A step whose target changed on disk since
// the index saw it is skipped: the next scan takes the local change in
// first, so nothing the user wrote is overwritten.
func (e *Engine) execute(ctx context.Context, ops []op) {
	// Writes fetch chunks: several at once. Everything else runs in order
	// (directories before what goes in them, removals last).
	var writes []op
	flush := func() {
		if len(writes) == 0 {
			return
		}
		work := make(chan op)
		var wg gosync.WaitGroup
		for range min(8, len(writes)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for o := range work {
					e.runOp(ctx, o)
				}
			}()
		}
		for _, o := range writes {
			work <- o
		}
		close(work)
		wg.Wait()
		writes = writes[:0]
	}
	for _, o := range ops {
		if ctx.Err() != nil {
			return
		}
		if o.kind == "write" {
			writes = append(writes, o)
			continue
		}
		flush()
		e.runOp(ctx, o)
	}
	flush()
}

func (e *Engine) runOp(ctx context.Context, o op) {
	if !e.unchanged(o.path, o.had) {
		if o.kind == "mkdir" {
			if fi, err := e.folder.Lstat(o.path); err == nil && fi.IsDir() {
				e.setIndex(o.path, &indexEntry{ID: o.item.EntryID, VID: o.item.VID, Kind: KindDir})
			}
		}
		e.replanLocked()
		return
	}
	var err error
	switch o.kind {
	case "remove":
		err = e.folder.Remove(o.path)
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			err = nil
			e.setIndex(o.path, nil)
		}
	case "rmdir":
		if rerr := e.folder.Remove(o.path); rerr == nil || errors.Is(rerr, fs.ErrNotExist) {
			e.setIndex(o.path, nil)
		} // not empty: something local is in it; the scan takes it in
	case "mkdir":
		err = e.mkdirs(o.path)
		if err == nil {
			e.setIndex(o.path, &indexEntry{ID: o.item.EntryID, VID: o.item.VID, Kind: KindDir})
		}
	case "write":
		err = e.write(ctx, o)
	case "move":
		if !e.unchanged(o.from, o.src) {
			err = e.write(ctx, o)
			break
		}
		if dir := path.Dir(o.path); dir != "." {
			if err = e.mkdirs(dir); err != nil {
				break
			}
		}
		if err = e.folder.Rename(o.from, o.path); err == nil {
			ie := *o.src
			ie.ID, ie.VID = o.item.EntryID, o.item.VID
			e.mu.Lock()
			delete(e.idx.Paths, o.from)
			e.idx.Paths[o.path] = &ie
			e.noteChunksLocked(o.path, &ie)
			delete(e.pending, o.path)
			e.dirty = true
			e.mu.Unlock()
		}
	}
	if err != nil && ctx.Err() == nil {
		e.replanLocked()
		e.log.Info("sync: not in place yet", "path", o.path, "op", o.kind, "err", err)
		e.mu.Lock()
		e.lastErr = fmt.Sprintf("%s: %v", o.path, err)
		e.mu.Unlock()
	}
}

// replanLocked asks the next pass to plan again (a step failed or was
// put off).
func (e *Engine) replanLocked() { e.replan.Store(true) }

// chunkLoc is where a chunk sits in a file of the folder.
type chunkLoc struct {
	path string
	off  int64
}

// noteChunksLocked records the chunks of the file at p.
func (e *Engine) noteChunksLocked(p string, ie *indexEntry) {
	e.serveChunksLocked(p, ie)
	if e.chunkAt == nil {
		return
	}
	for i := 0; i+32 <= len(ie.Chunks); i += 32 {
		e.chunkAt[[32]byte(ie.Chunks[i:i+32])] = chunkLoc{p, int64(i/32) * ie.ChunkSize}
	}
}

func (e *Engine) setIndex(p string, ie *indexEntry) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ie == nil {
		delete(e.idx.Paths, p)
	} else {
		e.idx.Paths[p] = ie
	}
	delete(e.pending, p)
	e.dirty = true
}

func (e *Engine) mkdirs(p string) error {
	var chain []string
	for d := p; d != "."; d = path.Dir(d) {
		chain = append(chain, d)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		fi, err := e.folder.Lstat(chain[i])
		if err == nil && fi.IsDir() {
			continue
		}
		if err == nil {
			return fmt.Errorf("%s is a file", chain[i])
		}
		if err := e.folder.Mkdir(chain[i], 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return nil
}

// write fetches a version's chunks and puts the file in place.
func (e *Engine) write(ctx context.Context, o op) error {
	v := o.item.Version
	if dir := path.Dir(o.path); dir != "." {
		if err := e.mkdirs(dir); err != nil {
			return err
		}
	}
	r := &chunkReader{ctx: ctx, e: e, ids: v.ChunkIDs(), size: v.Size, cs: v.ChunkSize}
	if !e.unchanged(o.path, o.had) {
		return nil
	}
	fi, err := e.folder.WriteFile(o.path, r, fs.FileMode(v.Mode), v.Mtime())
	if err != nil {
		return err
	}
	e.wrote.Add(1)
	e.mu.Lock()
	defer e.mu.Unlock()
	nie := &indexEntry{ID: o.item.EntryID, VID: o.item.VID, Kind: KindFile, Size: fi.Size(),
		MtimeNs: fi.ModTime().UnixNano(), Mode: v.Mode, ChunkSize: v.ChunkSize, Chunks: v.Chunks}
	e.idx.Paths[o.path] = nie
	e.noteChunksLocked(o.path, nie)
	if r.remote || e.node == nil {
		e.idx.Cloud[o.item.VID] = true
	}
	delete(e.pending, o.path)
	e.dirty = true
	return nil
}

// chunkReader yields a version's bytes chunk by chunk: from a local file
// that holds the chunk if there is one, else from the node. Every chunk is
// checked against its id.
type chunkReader struct {
	ctx    context.Context
	e      *Engine
	ids    [][32]byte
	size   int64
	cs     int64
	i      int
	buf    []byte
	remote bool // some chunk came from the node (so the node has them all)
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.i >= len(r.ids) {
			return 0, io.EOF
		}
		want := r.cs
		if r.i == len(r.ids)-1 {
			want = r.size - int64(r.i)*r.cs
		}
		b, err := r.e.chunk(r.ctx, r.ids[r.i], r.i, want)
		if err != nil {
			return 0, err
		}
		r.buf = b
		r.i++
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// maxFetched bounds the chunks kept for files not in place yet.
const maxFetched = 64 << 20

// chunk returns chunk id (expected n bytes long).
func (e *Engine) chunk(ctx context.Context, id [32]byte, _ int, n int64) ([]byte, error) {
	if b := e.localChunk(id, n); b != nil {
		return b, nil
	}
	e.mu.Lock()
	b, ok := e.fetched[id]
	e.mu.Unlock()
	if ok {
		return b, nil
	}
	b = e.peerChunk(ctx, id, n) // a member of the room (checked against id)
	if b == nil {
		if e.chunks == nil {
			return nil, errors.New("chunk not here and no node to fetch it from")
		}
		var err error
		if b, err = e.chunks.GetChunk(ctx, fabrik.ID(id), int(n)); err != nil {
			return nil, err
		}
		if int64(len(b)) != n || sha256.Sum256(b) != id {
			return nil, fmt.Errorf("%w: chunk %x", fabrik.ErrCorrupt, id[:8])
		}
	}
	// Keep it until the file is in place: a write that fails on a later
	// chunk (not uploaded yet) does not fetch this one again.
	e.mu.Lock()
	if e.fetchedBytes+n <= maxFetched {
		if e.fetched == nil {
			e.fetched = map[[32]byte][]byte{}
		}
		e.fetched[id] = b
		e.fetchedBytes += n
	}
	e.mu.Unlock()
	return b, nil
}

// localChunk looks for the chunk in files this replica already holds.
func (e *Engine) localChunk(id [32]byte, n int64) []byte {
	e.mu.Lock()
	loc, ok := e.chunkAt[id]
	e.mu.Unlock()
	if !ok {
		return nil
	}
	p, off := loc.path, loc.off
	f, err := e.folder.Open(p)
	if err != nil {
		return nil
	}
	defer f.Close()
	b := make([]byte, n)
	if ra, ok := f.(io.ReaderAt); ok {
		if _, err := ra.ReadAt(b, off); err != nil {
			return nil
		}
	} else {
		if _, err := io.CopyN(io.Discard, f, off); err != nil {
			return nil
		}
		if _, err := io.ReadFull(f, b); err != nil {
			return nil
		}
	}
	if sha256.Sum256(b) != id {
		return nil
	}
	return b
}

// uploadFirst sends the chunks of changed files to the node before their
// versions enter the document, so that while this device is online no
// other device learns of a version whose bytes it cannot get. A file that
// changes meanwhile is left for the next pass. Offline, changes are taken
// in at once and their chunks follow when the node is back.
func (e *Engine) uploadFirst(ctx context.Context, changes []change) []change {
	e.mu.Lock()
	online := e.online
	e.mu.Unlock()
	if e.chunks == nil || !online {
		return changes
	}
	var ids []fabrik.ID
	seen := map[fabrik.ID]bool{}
	for _, c := range changes {
		for i := 0; i+32 <= len(c.chunks); i += 32 {
			if id := fabrik.ID(c.chunks[i : i+32]); !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return changes
	}
	ok, err := e.chunks.HasChunks(ctx, ids)
	if err != nil {
		return changes // offline after all: take them in, send later
	}
	has := make(map[fabrik.ID]bool, len(ids))
	for i, id := range ids {
		has[id] = ok[i]
	}
	var hmu gosync.Mutex
	out := changes[:0]
	for _, c := range changes {
		if c.gone || c.kind != KindFile || len(c.chunks) == 0 {
			c.onNode = c.kind == KindFile && !c.gone
			out = append(out, c)
			continue
		}
		ie := &indexEntry{Chunks: c.chunks, ChunkSize: e.cfg.ChunkSize}
		if err := e.uploadFile(ctx, c.path, ie, has, &hmu); err != nil {
			if strings.Contains(err.Error(), "changed while") {
				continue // being written: next pass
			}
			out = append(out, c) // node trouble: take it in, send later
			continue
		}
		c.onNode = true
		out = append(out, c)
	}
	return out
}

// upload sends the chunks of local versions the node lacks: one batched
// question for all of them, then several uploads at once.
func (e *Engine) upload(ctx context.Context) {
	if e.chunks == nil {
		return
	}
	type job struct {
		path string
		ie   *indexEntry
	}
	e.mu.Lock()
	var jobs []job
	for p, ie := range e.idx.Paths {
		if ie.Kind == KindFile && ie.VID != "" && !e.idx.Cloud[ie.VID] {
			jobs = append(jobs, job{p, ie})
		}
	}
	e.mu.Unlock()
	if len(jobs) == 0 {
		return
	}
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].path < jobs[j].path })
	seen := map[fabrik.ID]bool{}
	var ids []fabrik.ID
	for _, j := range jobs {
		for i := 0; i+32 <= len(j.ie.Chunks); i += 32 {
			id := fabrik.ID(j.ie.Chunks[i : i+32])
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	has := map[fabrik.ID]bool{}
	if len(ids) > 0 {
		ok, err := e.chunks.HasChunks(ctx, ids)
		if err != nil {
			e.log.Info("sync: asking the node for chunks", "err", err)
			return
		}
		for i, id := range ids {
			has[id] = ok[i]
		}
	}
	var hmu gosync.Mutex
	work := make(chan job)
	var wg gosync.WaitGroup
	var failed atomic.Bool
	for range min(8, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				if failed.Load() || ctx.Err() != nil {
					continue
				}
				if err := e.uploadFile(ctx, j.path, j.ie, has, &hmu); err != nil {
					e.log.Info("sync: upload", "path", j.path, "err", err)
					failed.Store(true) // the node is away or refusing: next pass
					continue
				}
				e.mu.Lock()
				e.idx.Cloud[j.ie.VID] = true
				e.dirty = true
				e.mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		work <- j
	}
	close(work)
	wg.Wait()
}

func (e *Engine) uploadFile(ctx context.Context, p string, ie *indexEntry, has map[fabrik.ID]bool, hmu *gosync.Mutex) error {
	var missing []int
	hmu.Lock()
	for i := 0; i+32 <= len(ie.Chunks); i += 32 {
		if !has[fabrik.ID(ie.Chunks[i:i+32])] {
			missing = append(missing, i/32)
		}
	}
	hmu.Unlock()
	if len(missing) == 0 {
		return nil
	}
	f, err := e.folder.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, ie.ChunkSize)
	next := 0
	for _, m := range missing {
		for ; next <= m; next++ {
			n, err := io.ReadFull(f, buf)
			if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
				return err
			}
			if next < m {
				continue
			}
			id := fabrik.ID(ie.Chunks[m*32 : m*32+32])
			if fabrik.Sum(buf[:n]) != id {
				return fmt.Errorf("%s changed while it was sent; the next scan takes the new version", p)
			}
			hmu.Lock()
			done := has[id]
			hmu.Unlock()
			if done {
				continue // another file had the same chunk
			}
			if _, err := e.chunks.PutChunk(ctx, buf[:n]); err != nil {
				return err
			}
			hmu.Lock()
			has[id] = true
			hmu.Unlock()
		}
	}
	return nil
}

// saveLocked writes the document and the index if they changed.
func (e *Engine) saveLocked(force bool) error {
	if !e.dirty && !force {
		return nil
	}
	b, err := e.doc.Save()
	if err != nil {
		return err
	}
	if err := e.cfg.State.Save(stateDoc, b); err != nil {
		return err
	}
	ib, err := jsonMarshal(e.idx)
	if err != nil {
		return err
	}
	if err := e.cfg.State.Save(stateIndex, ib); err != nil {
		return err
	}
	e.dirty = false
	return nil
}

// nodeLoop runs the sync protocol with the node, session after session.
func (e *Engine) nodeLoop() {
	defer e.done.Done()
	backoff := 250 * time.Millisecond
	for e.ctx.Err() == nil {
		heard, err := e.nodeSession()
		if e.ctx.Err() != nil {
			return
		}
		if heard {
			backoff = 250 * time.Millisecond
		}
		if err == nil {
			continue // cut short by a local change: start again at once
		}
		e.mu.Lock()
		if e.online {
			e.log.Info("sync: lost the node", "err", err)
		}
		e.online = false
		e.inSync = false
		e.lastErr = err.Error()
		e.mu.Unlock()
		e.Kick()
		select {
		case <-time.After(backoff):
		case <-e.ctx.Done():
			return
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// nodeSession is one sync session with the node; it returns when the
// node cannot be reached (or a request had to be abandoned, which may
// have lost a message: a fresh session starts from a clean state).
func (e *Engine) nodeSession() (heard bool, err error) {
	session := randomHex(12)
	// Chunks of versions made offline go first, so that the document
	// does not name bytes the node cannot serve.
	e.upload(e.ctx)
	e.mu.Lock()
	st := e.doc.NewSyncState()
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		st.Close()
		e.mu.Unlock()
	}()
	for {
		e.mu.Lock()
		select { // this message covers every change made so far
		case <-e.docKick:
		default:
		}
		before, _ := e.doc.Heads()
		msg, ok, err := st.Generate()
		if err == nil && !ok && heard {
			e.ackedLocked(before) // nothing left to tell the node: it has it all
		}
		e.mu.Unlock()
		if err != nil {
			return heard, err
		}
		rctx, cancel := context.WithTimeout(e.ctx, MaxWait+15*time.Second)
		var interrupted atomic.Bool
		stop := make(chan struct{})
		if !ok {
			// A long poll; a local change cuts it short.
			go func() {
				select {
				case <-e.docKick:
					interrupted.Store(true)
					cancel()
				case <-stop:
				}
			}()
		}
		resp, err := e.node.exchange(rctx, session, msg, !ok)
		close(stop)
		cancel()
		if interrupted.Load() {
			e.kickDoc()
			return heard, nil // start over: the node's answer may have been lost
		}
		if err != nil {
			return heard, err
		}
		heard = true
		if err := e.received(st, resp, before); err != nil {
			return heard, err
		}
	}
}

// received applies the node's answer and notes what it means.
func (e *Engine) received(st crdt.SyncState, resp []byte, before []crdt.Hash) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log.Debug("sync: node answered", "bytes", len(resp))
	if !e.online {
		e.log.Info("sync: node reached")
		e.lastErr = ""
	}
	e.online = true
	if len(resp) > 0 {
		if err := st.Receive(resp); err != nil {
			return fmt.Errorf("sync: the node's message: %w", err)
		}
	}
	after, _ := e.doc.Heads()
	if len(resp) > 0 {
		e.inSync = false
	}
	if !crdt.HeadsEqual(before, after) {
		e.dirty = true
		e.Kick()
	}
	return nil
}

// ackedLocked notes that the node holds the document up to heads.
func (e *Engine) ackedLocked(heads []crdt.Hash) {
	e.log.Debug("sync: node has it all", "heads", len(heads))
	e.acked = heads
	if !e.inSync {
		e.inSync = true
		e.Kick()
	}
	if e.idx.Waiting != 0 {
		e.idx.Waiting = 0
		e.dirty = true
		e.Kick()
	}
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
