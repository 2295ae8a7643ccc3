package fabrik

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"
)

// RemoteSet is the changing set of places a fetch may use: the peers of a
// room plus the cloud node.
type RemoteSet interface {
	// Remotes returns the remotes available now and a channel that is
	// closed when the set changes.
	Remotes() ([]Remote, <-chan struct{})
}

// StaticRemotes is a RemoteSet that never changes.
type StaticRemotes []Remote

// Remotes implements RemoteSet.
func (s StaticRemotes) Remotes() ([]Remote, <-chan struct{}) { return s, nil }

// Progress reports a fetch's state.
type Progress struct {
	Bytes, TotalBytes   int64
	Chunks, TotalChunks int
	// BySource counts the chunk bytes each source delivered.
	BySource map[string]int64
}

// FetchOptions configures Fetch.
type FetchOptions struct {
	Remotes  RemoteSet
	Dest     Dest
	Progress func(Progress) // called after each chunk; may be nil
	Log      *slog.Logger
	// Wait is how long a fetch waits for some source to offer what it still
	// needs before it gives up. Default 30s.
	Wait time.Duration
	// RequestTimeout bounds one chunk request, queueing behind the others
	// in flight to the same source included. Default 5 minutes: a peer
	// that goes silent is caught sooner by its session's stall timeout.
	RequestTimeout time.Duration
	// Window is how many chunk requests each source has in flight. Default 8.
	Window int
}

// Fetch gets manifest id and all its chunks from opt.Remotes, several
// sources at once, checking every chunk against its hash, and writes them
// to opt.Dest. A source that vanishes mid-transfer costs only the chunks it
// had in flight, which go to other sources; a source that sends bad bytes
// is not asked for that chunk again, and after a few is not asked at all.
// Fetch fails with a message naming what is missing when no source has
// offered the rest within opt.Wait.
func Fetch(ctx context.Context, id ID, opt FetchOptions) (*Manifest, error) {
	if opt.Remotes == nil || opt.Dest == nil {
		return nil, errors.New("fabrik: Fetch needs Remotes and Dest")
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Wait <= 0 {
		opt.Wait = 30 * time.Second
	}
	if opt.RequestTimeout <= 0 {
		opt.RequestTimeout = 5 * time.Minute
	}
	if opt.Window <= 0 {
		opt.Window = 8
	}
	m, err := fetchManifest(ctx, id, &opt)
	if err != nil {
		return nil, err
	}
	f := &fetcher{opt: opt, m: m, srcs: map[Remote]*source{}, events: make(chan event, 64)}
	if err := f.run(ctx); err != nil {
		opt.Dest.Abort()
		return m, err
	}
	return m, opt.Dest.Commit()
}

// fetchManifest asks every source for the manifest at once and takes the
// first copy that hashes to id and decodes.
func fetchManifest(ctx context.Context, id ID, opt *FetchOptions) (*Manifest, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		r   Remote
		m   *Manifest
		err error
	}
	results := make(chan result)
	asked := map[Remote]bool{}
	var why []string
	pending := 0
	deadline := time.NewTimer(opt.Wait)
	defer deadline.Stop()
	for {
		rs, changed := opt.Remotes.Remotes()
		for _, r := range rs {
			if asked[r] {
				continue
			}
			asked[r] = true
			pending++
			go func(r Remote) {
				rctx, rcancel := context.WithTimeout(ctx, min(opt.RequestTimeout, opt.Wait))
				defer rcancel()
				b, err := r.Manifest(rctx, id)
				var m *Manifest
				if err == nil {
					if Sum(b) != id {
						err = fmt.Errorf("%w: manifest from %s", ErrCorrupt, r.Name())
					} else {
						m, err = DecodeManifest(b)
					}
				}
				select {
				case results <- result{r, m, err}:
				case <-ctx.Done():
				}
			}(r)
		}
		select {
		case res := <-results:
			pending--
			if res.err == nil {
				return res.m, nil
			}
			opt.Log.Info("fabrik: manifest not had", "source", res.r.Name(), "err", res.err)
			why = append(why, fmt.Sprintf("%s: %v", res.r.Name(), res.err))
		case <-changed:
		case <-deadline.C:
			if pending > 0 {
				continue // let the last answers come in, bounded by RequestTimeout
			}
			if len(asked) == 0 {
				return nil, fmt.Errorf("fabrik: manifest %s: no source to ask within %v", id, opt.Wait)
			}
			return nil, fmt.Errorf("fabrik: manifest %s: none of %d sources has it (%s)", id, len(asked), strings.Join(why, "; "))
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

type chunkState uint8

const (
	pending chunkState = iota
	inflight
	done
)

// source is what the fetcher knows about one remote.
type source struct {
	r        Remote
	probing  bool
	probed   bool
	has      []bool // by unique chunk index
	bad      map[int]bool
	inflight int
	corrupt  int
	fails    int
	dead     bool
	why      string
	cursor   int
	asked    map[int]context.CancelFunc // chunks requested now
}

type event struct {
	src   *source
	probe bool
	has   []bool
	idx   int
	err   error
	fatal error // the destination failed: stop
}

type fetcher struct {
	opt    FetchOptions
	m      *Manifest
	ids    []ID         // unique chunk ids, in first-appearance order
	places [][]ChunkRef // where each unique chunk goes
	state  []chunkState
	copies []int
	retry  []int
	left   int
	srcs   map[Remote]*source
	events chan event
	prog   Progress
}

const maxCorrupt = 3 // bad chunks a source may send before it is dropped
const maxFails = 5   // failed requests (not misses) before a source is dropped

func (f *fetcher) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	refs := f.m.Chunks()
	present, err := f.opt.Dest.Open(f.m, refs)
	if err != nil {
		return err
	}
	index := map[ID]int{}
	var have []bool // by unique chunk: every place already in the destination
	for i, ref := range refs {
		u, ok := index[ref.ID]
		if !ok {
			u = len(f.ids)
			index[ref.ID] = u
			f.ids = append(f.ids, ref.ID)
			f.places = append(f.places, nil)
			have = append(have, true)
		}
		f.places[u] = append(f.places[u], ref)
		f.prog.TotalBytes += int64(ref.Len)
		have[u] = have[u] && present != nil && present[i]
	}
	f.state = make([]chunkState, len(f.ids))
	f.copies = make([]int, len(f.ids))
	f.prog.TotalChunks = len(f.ids)
	f.prog.BySource = map[string]int64{}
	for u := range f.ids {
		if have[u] {
			f.state[u] = done
			f.prog.Chunks++
			for _, ref := range f.places[u] {
				f.prog.Bytes += int64(ref.Len)
			}
		} else {
			f.left++
		}
	}
	f.report()

	stall := time.NewTimer(time.Hour)
	stall.Stop()
	stalled := false
	reprobe := time.NewTicker(2 * time.Second)
	defer reprobe.Stop()
	for f.left > 0 {
		rs, changed := f.opt.Remotes.Remotes()
		f.sync(ctx, rs)
		f.assign(ctx)
		busy := false
		for _, s := range f.srcs {
			if s.probing || s.inflight > 0 {
				busy = true
			}
		}
		if !busy && !stalled {
			stalled = true
			stall.Reset(f.opt.Wait)
		} else if busy && stalled {
			stalled = false
			stall.Stop()
		}
		select {
		case ev := <-f.events:
			if ev.fatal != nil {
				return ev.fatal
			}
			f.handle(ev)
		case <-changed:
		case <-reprobe.C:
			if stalled { // ask again: peers that are fetching too gain chunks
				for _, s := range f.srcs {
					if !s.dead && !s.probing {
						s.probed = false
					}
				}
			}
		case <-stall.C:
			return f.stuck(rs)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// sync adds remotes that appeared and marks gone ones dead.
func (f *fetcher) sync(ctx context.Context, rs []Remote) {
	live := make(map[Remote]bool, len(rs))
	for _, r := range rs {
		live[r] = true
		if _, ok := f.srcs[r]; !ok {
			f.srcs[r] = &source{r: r, bad: map[int]bool{}, asked: map[int]context.CancelFunc{}}
		}
	}
	for r, s := range f.srcs {
		if !live[r] && !s.dead {
			s.dead, s.why = true, "left"
		}
		if !s.dead && !s.probed && !s.probing {
			f.probe(ctx, s)
		}
	}
}

func (f *fetcher) probe(ctx context.Context, s *source) {
	s.probing = true
	var want []ID
	var idx []int
	for u, st := range f.state {
		if st != done {
			want = append(want, f.ids[u])
			idx = append(idx, u)
		}
	}
	go func() {
		rctx, cancel := context.WithTimeout(ctx, f.opt.RequestTimeout)
		defer cancel()
		has, err := s.r.Has(rctx, want)
		full := make([]bool, len(f.ids))
		if err == nil && len(has) == len(want) {
			for i, u := range idx {
				full[u] = has[i]
			}
		} else if err == nil {
			err = fmt.Errorf("%w: %s answered %d of %d has queries", ErrCorrupt, s.r.Name(), len(has), len(want))
		}
		select {
		case f.events <- event{src: s, probe: true, has: full, err: err}:
		case <-ctx.Done():
		}
	}()
}

// next picks a chunk for s, or -1.
func (f *fetcher) next(s *source) int {
	ok := func(u int) bool { return f.state[u] == pending && s.has[u] && !s.bad[u] }
	for i, u := range f.retry {
		if ok(u) {
			f.retry = append(f.retry[:i], f.retry[i+1:]...)
			return u
		}
	}
	for ; s.cursor < len(f.ids); s.cursor++ {
		if ok(s.cursor) {
			s.cursor++
			return s.cursor - 1
		}
	}
	// End game: nothing is pending that s has, so help with a chunk another
	// source is slow to deliver.
	for u, st := range f.state {
		if st == inflight && f.copies[u] < 2 && s.has[u] && !s.bad[u] && s.asked[u] == nil {
			return u
		}
	}
	return -1
}

func (f *fetcher) assign(ctx context.Context) {
	// Deterministic order keeps runs comparable.
	srcs := make([]*source, 0, len(f.srcs))
	for _, s := range f.srcs {
		srcs = append(srcs, s)
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].r.Name() < srcs[j].r.Name() })
	for more := true; more; {
		more = false
		for _, s := range srcs { // one chunk each per round, so sources share the work
			if s.dead || !s.probed || s.inflight >= f.opt.Window {
				continue
			}
			u := f.next(s)
			if u < 0 {
				continue
			}
			f.request(ctx, s, u)
			more = true
		}
	}
}

func (f *fetcher) request(ctx context.Context, s *source, u int) {
	f.state[u] = inflight
	f.copies[u]++
	s.inflight++
	rctx, cancel := context.WithTimeout(ctx, f.opt.RequestTimeout)
	s.asked[u] = cancel
	id, size := f.ids[u], f.places[u][0].Len
	go func() {
		defer cancel()
		data, err := s.r.Chunk(rctx, id, size)
		if err == nil && (len(data) != size || Sum(data) != id) {
			err = fmt.Errorf("%w: chunk %s from %s", ErrCorrupt, id, s.r.Name())
		}
		var fatal error
		if err == nil {
			for _, ref := range f.places[u] {
				if werr := f.opt.Dest.WriteChunk(ref, data); werr != nil {
					fatal = werr
					break
				}
			}
		}
		select {
		case f.events <- event{src: s, idx: u, err: err, fatal: fatal}:
		case <-ctx.Done():
		}
	}()
}

func (f *fetcher) handle(ev event) {
	s := ev.src
	if ev.probe {
		s.probing = false
		s.probed = true
		s.cursor = 0
		if ev.err != nil {
			s.has = make([]bool, len(f.ids))
			f.failed(s, ev.err)
			return
		}
		s.has = ev.has
		return
	}
	u := ev.idx
	s.inflight--
	f.copies[u]--
	if cancel := s.asked[u]; cancel != nil {
		delete(s.asked, u)
	}
	if ev.err == nil {
		s.fails = 0
		if f.state[u] != done {
			f.state[u] = done
			f.left--
			f.prog.Chunks++
			n := int64(0)
			for _, ref := range f.places[u] {
				n += int64(ref.Len)
			}
			f.prog.Bytes += n
			f.prog.BySource[s.r.Name()] += n
			for _, o := range f.srcs { // stop duplicate requests
				if c := o.asked[u]; c != nil && o != s {
					c()
				}
			}
			f.report()
		}
		return
	}
	if f.state[u] == done {
		return
	}
	if f.copies[u] == 0 {
		f.state[u] = pending
		f.retry = append(f.retry, u)
	}
	switch {
	case errors.Is(ev.err, ErrCorrupt):
		s.bad[u] = true
		s.corrupt++
		f.opt.Log.Warn("fabrik: rejected chunk", "source", s.r.Name(), "chunk", f.ids[u], "err", ev.err)
		if s.corrupt >= maxCorrupt {
			s.dead, s.why = true, fmt.Sprintf("sent %d corrupt chunks", s.corrupt)
		}
	case errors.Is(ev.err, ErrNotFound):
		s.has[u] = false
	default:
		f.failed(s, ev.err)
	}
}

func (f *fetcher) failed(s *source, err error) {
	f.opt.Log.Info("fabrik: source failed", "source", s.r.Name(), "err", err)
	if errors.Is(err, ErrClosed) {
		s.dead, s.why = true, "disconnected"
		return
	}
	s.fails++
	if s.fails >= maxFails {
		s.dead, s.why = true, err.Error()
	}
}

func (f *fetcher) report() {
	if f.opt.Progress != nil {
		f.opt.Progress(f.prog)
	}
}

// stuck explains why the fetch cannot complete.
func (f *fetcher) stuck(rs []Remote) error {
	missing := 0
	var bytes int64
	for u, st := range f.state {
		if st != done {
			missing++
			bytes += int64(f.places[u][0].Len)
		}
	}
	var notes []string
	for _, s := range f.srcs {
		note := s.r.Name()
		if s.dead {
			note += " (" + s.why + ")"
		}
		notes = append(notes, note)
	}
	sort.Strings(notes)
	src := "no sources"
	if len(notes) > 0 {
		src = "sources: " + strings.Join(notes, ", ")
	}
	return fmt.Errorf("fabrik: cannot complete: %d of %d chunks (%d bytes) are on no reachable source after waiting %v; %s",
		missing, len(f.ids), bytes, f.opt.Wait, src)
}
