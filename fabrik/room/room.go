// Package room is how a Nacho instance takes part in a fabrik room: it
// joins through the cloud node's signaling, opens WebRTC data channels to
// every other member (pion natively, the browser's WebRTC in the page),
// keeps them up across drops, serves its Library to them, fetches shared
// files from all of them and the node at once, and carries the named
// application channels of multiplayer apps.
//
//	p, err := room.Join(ctx, room.Config{Server: "https://node", Room: "r", Secret: "s"})
//	sh, err := p.Share(ctx, os.DirFS(dir), "file.bin", room.ShareOptions{}) // others can fetch sh.ID now
//	m, err := p.Fetch(ctx, sh.ID, &fabrik.FileDest{Path: "out"}, fabrik.FetchOptions{})
//	ch, err := p.Channel("game", room.ChannelOptions{Unordered: true})
//
// Who connects to whom is decided without glare: of two members, the one
// with the smaller id makes the offer, whenever they see each other in the
// room without a working link.
//
// It must not import syscall/js itself; it builds natively and for
// js/wasm from the same source.
package room

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/rtc"
	"github.com/nachoos/nacho/fabrik/signal"
	"github.com/pion/webrtc/v4"
)

// Config says which room to join and how.
type Config struct {
	// Server is the node's address, http(s)://host[:port].
	Server string
	Room   string
	Secret string
	// ICEServers are the STUN/TURN servers to use. nil asks the node for
	// its own (nacho serve --ice-server); an empty, non-nil slice uses none.
	ICEServers []fabrik.ICEServer
	// Library is where Share puts what this peer shares; nil starts empty.
	Library *fabrik.Library
	// Source is what this peer serves to the room; nil serves Library.
	// Set it to serve from elsewhere too (the VFS's chunk store), wrapping
	// Library so shares are still served.
	Source fabrik.Source
	Log    *slog.Logger
	// HTTPClient talks to the node; nil uses http.DefaultClient.
	HTTPClient *http.Client
	// NodeToken is sent with uploads to the node (nacho serve
	// --store-token); without it the node may refuse them.
	NodeToken string
	// ConnectTimeout bounds how long a link may take to come up before it
	// is torn down and tried again. Default 20s.
	ConnectTimeout time.Duration
}

// Peer is this instance's membership of a room.
type Peer struct {
	cfg  Config
	id   string
	log  *slog.Logger
	node *fabrik.NodeClient
	sig  *signal.Client
	api  *rtc.API
	lib  *fabrik.Library

	ctx    context.Context
	cancel context.CancelFunc
	loop   chan func() // work for the event loop, which owns links and members
	done   chan struct{}

	mu       sync.Mutex
	members  map[string]bool
	links    map[string]*link
	changed  chan struct{} // closed when the set of working links changes
	retry    map[string]time.Duration
	channels map[string]*Channel
	backlog  map[string][]Message // app messages for channels not open yet
}

// Join joins the room and returns once the node has let this peer in.
// Links to the other members come up in the background; WaitPeers waits
// for them.
func Join(ctx context.Context, cfg Config) (*Peer, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Library == nil {
		cfg.Library = fabrik.NewLibrary()
	}
	if cfg.Source == nil {
		cfg.Source = cfg.Library
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = 20 * time.Second
	}
	node, err := fabrik.NewNodeClient(cfg.Server, cfg.HTTPClient)
	if err != nil {
		return nil, err
	}
	node.SetToken(cfg.NodeToken)
	if cfg.ICEServers == nil {
		if nc, err := node.Config(ctx); err == nil {
			cfg.ICEServers = nc.ICEServers
		} else {
			cfg.Log.Info("fabrik: node gave no ICE servers; using none", "err", err)
		}
	}
	var raw [16]byte
	rand.Read(raw[:])
	id := base64.RawURLEncoding.EncodeToString(raw[:])
	sig, err := signal.Dial(ctx, signal.ClientConfig{
		URL: strings.TrimRight(cfg.Server, "/") + fabrik.PathSignal, Room: cfg.Room, Secret: cfg.Secret, ID: id, Log: cfg.Log,
	})
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithCancel(context.Background())
	p := &Peer{
		cfg: cfg, id: id, log: cfg.Log.With("self", id[:6]), node: node, sig: sig,
		api: rtc.NewAPI(rtc.Config{ICEServers: cfg.ICEServers}), lib: cfg.Library,
		ctx: pctx, cancel: cancel, loop: make(chan func(), 256), done: make(chan struct{}),
		members: map[string]bool{}, links: map[string]*link{}, changed: make(chan struct{}),
		retry: map[string]time.Duration{}, channels: map[string]*Channel{}, backlog: map[string][]Message{},
	}
	go p.run()
	return p, nil
}

// ID returns this peer's id in the room.
func (p *Peer) ID() string { return p.id }

// Library returns what this peer serves.
func (p *Peer) Library() *fabrik.Library { return p.lib }

// Node returns the client of the node this peer joined through.
func (p *Peer) Node() *fabrik.NodeClient { return p.node }

// Members returns the other members of the room, as the node last said.
func (p *Peer) Members() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.members))
	for id := range p.members {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Connected returns the members this peer has a working link to.
func (p *Peer) Connected() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for id, l := range p.links {
		if l.sess != nil {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// WaitPeers waits until this peer has working links to at least n others.
func (p *Peer) WaitPeers(ctx context.Context, n int) error {
	for {
		p.mu.Lock()
		up := 0
		for _, l := range p.links {
			if l.sess != nil {
				up++
			}
		}
		ch := p.changed
		p.mu.Unlock()
		if up >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("room: %d of %d peers connected: %w", up, n, ctx.Err())
		case <-p.done:
			return fabrik.ErrClosed
		}
	}
}

// Remotes implements fabrik.RemoteSet: every member with a working link,
// and the node.
func (p *Peer) Remotes() ([]fabrik.Remote, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rs := []fabrik.Remote{p.node}
	for _, l := range p.links {
		if l.sess != nil {
			rs = append(rs, l.sess)
		}
	}
	return rs, p.changed
}

var _ fabrik.RemoteSet = (*Peer)(nil)

// ShareOptions configures Share.
type ShareOptions struct {
	// Upload also copies the chunks to the node, in the background, so the
	// share outlives this peer. Shared.Uploaded yields the result.
	Upload bool
}

// Shared is the result of Share.
type Shared struct {
	ID       fabrik.ID
	Manifest *fabrik.Manifest
	// Uploaded yields the upload's result when ShareOptions.Upload was
	// set; it is nil otherwise.
	Uploaded <-chan error
}

// Share adds root (a file or folder in fsys) to what this peer serves and
// returns its manifest id. The manifest is also stored on the node when
// the node takes it, so a fetcher can read it even before it reaches this
// peer.
func (p *Peer) Share(ctx context.Context, fsys fs.FS, root string, opt ShareOptions) (*Shared, error) {
	id, m, err := p.lib.Share(fsys, root, func(path, why string) {
		p.log.Warn("fabrik: not shared", "path", path, "why", why)
	})
	if err != nil {
		return nil, err
	}
	b, _ := p.lib.Manifest(id)
	if _, err := p.node.PutManifest(ctx, b); err != nil {
		p.log.Info("fabrik: node did not take the manifest; peers still serve it", "err", err)
	}
	sh := &Shared{ID: id, Manifest: m}
	if opt.Upload {
		uploaded := make(chan error, 1)
		go func() { uploaded <- fabrik.Upload(p.ctx, p.node, p.lib, id, nil) }()
		sh.Uploaded = uploaded
	}
	return sh, nil
}

// Fetch gets a shared file or folder from the room's members and the node
// into dest; see fabrik.Fetch. opt.Remotes and opt.Dest are set by Fetch.
func (p *Peer) Fetch(ctx context.Context, id fabrik.ID, dest fabrik.Dest, opt fabrik.FetchOptions) (*fabrik.Manifest, error) {
	opt.Remotes = p
	opt.Dest = dest
	if opt.Log == nil {
		opt.Log = p.log
	}
	return fabrik.Fetch(ctx, id, opt)
}

// Close leaves the room and closes every link.
func (p *Peer) Close() error {
	p.cancel()
	p.sig.Close()
	<-p.done
	return nil
}

// notify wakes everyone waiting for the set of links to change.
// Precondition: p.mu held.
func (p *Peer) notifyLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// post runs f on the event loop.
func (p *Peer) post(f func()) {
	select {
	case p.loop <- f:
	case <-p.ctx.Done():
	}
}

// run is the event loop: it alone changes members and links.
func (p *Peer) run() {
	defer close(p.done)
	defer func() {
		p.mu.Lock()
		links := p.links
		p.links = map[string]*link{}
		p.notifyLocked()
		chans := p.channels
		p.mu.Unlock()
		for _, l := range links {
			l.close()
		}
		for _, c := range chans {
			c.shut()
		}
	}()
	events := p.sig.Events()
	for {
		select {
		case <-p.ctx.Done():
			return
		case f := <-p.loop:
			f()
		case e, ok := <-events:
			if !ok {
				events = nil // the node refused us back in; links keep working
				continue
			}
			p.onEvent(e)
		}
	}
}

func (p *Peer) onEvent(e signal.Event) {
	switch e.Type {
	case signal.TWelcome:
		now := map[string]bool{}
		for _, id := range e.Peers {
			now[id] = true
		}
		p.mu.Lock()
		p.members = now
		p.mu.Unlock()
		for id, l := range p.snapshotLinks() {
			if !now[id] {
				p.drop(l, "left the room")
			}
		}
		for id := range now {
			p.maybeOffer(id)
		}
	case signal.TJoined:
		p.mu.Lock()
		p.members[e.ID] = true
		old := p.links[e.ID]
		delete(p.retry, e.ID)
		p.mu.Unlock()
		if old != nil { // it rejoined: whatever we had is stale
			p.drop(old, "rejoined")
		}
		p.maybeOffer(e.ID)
	case signal.TLeft:
		p.mu.Lock()
		delete(p.members, e.ID)
		l := p.links[e.ID]
		p.mu.Unlock()
		if l != nil {
			p.drop(l, "left the room")
		}
	case signal.TSignal:
		var d sigData
		if err := json.Unmarshal(e.Data, &d); err != nil {
			p.log.Warn("fabrik: rejected signal", "from", e.From, "reason", err)
			return
		}
		p.onSignal(e.From, d)
	case signal.EventDisconnected:
		p.log.Info("fabrik: lost the node; links stay up", "err", e.Err)
	}
}

func (p *Peer) snapshotLinks() map[string]*link {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := make(map[string]*link, len(p.links))
	for k, v := range p.links {
		m[k] = v
	}
	return m
}

// sigData is what peers send each other through the node.
type sigData struct {
	Kind      string                   `json:"kind"` // offer, answer, candidate
	Session   string                   `json:"session"`
	SDP       string                   `json:"sdp,omitempty"`
	Candidate *webrtc.ICECandidateInit `json:"candidate,omitempty"`
}

// maybeOffer starts a link to id if this peer is the one to offer and
// there is none.
func (p *Peer) maybeOffer(id string) {
	if id == p.id || p.id > id {
		return
	}
	p.mu.Lock()
	_, has := p.links[id]
	member := p.members[id]
	p.mu.Unlock()
	if has || !member {
		return
	}
	l, err := p.newLink(id, newSession(), true)
	if err != nil {
		p.log.Warn("fabrik: cannot start link", "peer", id, "err", err)
		p.scheduleRetry(id)
		return
	}
	if err := l.offer(); err != nil {
		p.log.Warn("fabrik: offer failed", "peer", id, "err", err)
		p.drop(l, "offer failed")
	}
}

func (p *Peer) scheduleRetry(id string) {
	p.mu.Lock()
	d := p.retry[id]
	if d == 0 {
		d = 500 * time.Millisecond
	}
	p.retry[id] = min(2*d, 10*time.Second)
	p.mu.Unlock()
	time.AfterFunc(d, func() { p.post(func() { p.maybeOffer(id) }) })
}

func (p *Peer) onSignal(from string, d sigData) {
	p.mu.Lock()
	l := p.links[from]
	member := p.members[from]
	p.mu.Unlock()
	if !member {
		p.log.Info("fabrik: ignored signal from a non-member", "from", from)
		return
	}
	switch d.Kind {
	case "offer":
		if l != nil {
			p.drop(l, "new offer")
		}
		nl, err := p.newLink(from, d.Session, false)
		if err != nil {
			p.log.Warn("fabrik: cannot answer", "peer", from, "err", err)
			return
		}
		if err := nl.answer(d.SDP); err != nil {
			p.log.Warn("fabrik: answer failed", "peer", from, "err", err)
			p.drop(nl, "answer failed")
		}
	case "answer":
		if l == nil || !l.offerer || l.session != d.Session {
			return // for an attempt given up on
		}
		if err := l.accept(d.SDP); err != nil {
			p.log.Warn("fabrik: bad answer", "peer", from, "err", err)
			p.drop(l, "bad answer")
		}
	case "candidate":
		if l == nil || l.session != d.Session || d.Candidate == nil {
			return
		}
		l.candidate(*d.Candidate)
	default:
		p.log.Warn("fabrik: rejected signal", "from", from, "reason", "unknown kind "+d.Kind)
	}
}

// drop tears a link down; if the member is still there, the offering side
// tries again after a backoff. Runs on the event loop.
func (p *Peer) drop(l *link, why string) {
	p.mu.Lock()
	if p.links[l.peer] != l {
		p.mu.Unlock()
		return
	}
	delete(p.links, l.peer)
	wasUp := l.sess != nil
	if wasUp {
		p.notifyLocked()
	}
	member := p.members[l.peer]
	p.mu.Unlock()
	p.log.Info("fabrik: link down", "peer", l.peer, "why", why, "was_up", wasUp)
	l.close()
	if member && p.id < l.peer && p.ctx.Err() == nil {
		p.scheduleRetry(l.peer)
	}
}

func newSession() string {
	var b [9]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ErrChannelClosed is returned by a closed Channel.
var ErrChannelClosed = errors.New("room: channel closed")
