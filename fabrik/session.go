package fabrik

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nachoos/nacho/fabrik/wire"
)

// Remote is somewhere chunks and manifests can be fetched from: a peer over
// a Session, or the cloud node over HTTP (NodeClient). Nothing a Remote
// returns is trusted; the fetcher checks every byte against its id.
type Remote interface {
	// Name identifies the remote in logs and errors.
	Name() string
	// Has reports, for each id, whether the remote says it has it.
	Has(ctx context.Context, ids []ID) ([]bool, error)
	// Chunk returns the chunk id, which the caller expects to be size
	// bytes long; a remote that announces another size is refused.
	Chunk(ctx context.Context, id ID, size int) ([]byte, error)
	// Manifest returns the encoded manifest id.
	Manifest(ctx context.Context, id ID) ([]byte, error)
}

// SessionConfig configures a Session.
type SessionConfig struct {
	Name   string       // the remote peer, for logs and errors
	Source Source       // what this side serves; nil serves nothing
	Log    *slog.Logger // nil logs nothing
	// StallTimeout ends the session when the remote sends nothing for this
	// long while requests to it are pending: a peer that is connected but
	// silent must not hold chunks hostage. Default 20s.
	StallTimeout time.Duration
}

// Session speaks the chunk exchange protocol (fabrik/wire) over one
// Transport: it serves the local Source to the remote peer and implements
// Remote for requests the other way. Protocol violations by the remote are
// logged with their reason and the offending message dropped; a remote that
// keeps violating is disconnected.
type Session struct {
	t    Transport
	cfg  SessionConfig
	log  *slog.Logger
	ctx  context.Context
	stop context.CancelFunc

	serveq chan wire.Message // requests waiting to be served
	hello  chan struct{}     // closed once the remote's Hello arrived
	ready  chan struct{}     // closed once our Hello is sent

	peerFrame atomic.Uint32 // the remote's largest acceptable message

	mu       sync.Mutex
	nextReq  uint32
	calls    map[uint32]*call
	canceled map[uint32]bool // requests the remote canceled, still queued
	err      error
	done     chan struct{}

	lastRecv   atomic.Int64 // unix nanoseconds of the last message received
	violations atomic.Int32
	BytesIn    atomic.Int64 // payload bytes received for our requests
	BytesOut   atomic.Int64 // payload bytes sent serving the remote
}

// Limits on one session.
const (
	// maxQueued bounds the remote's requests waiting to be served. A
	// well-behaved fetcher keeps far fewer in flight; past this the remote
	// is flooding and its requests are dropped.
	maxQueued = 256
	// maxViolations is how many protocol violations a remote gets before
	// it is disconnected.
	maxViolations = 32
)

type call struct {
	kind  wire.Type
	limit int // the most bytes the reply may have
	exact bool
	buf   []byte
	got   int
	total int
	asked int    // Has: ids asked
	has   []bool // Has: the answer
	done  chan struct{}
	err   error
}

var _ Remote = (*Session)(nil)

// NewSession starts the protocol over t. It owns t from now on and closes
// it when the session ends.
func NewSession(t Transport, cfg SessionConfig) *Session {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, stop := context.WithCancel(context.Background())
	s := &Session{
		t: t, cfg: cfg, log: log.With("peer", cfg.Name), ctx: ctx, stop: stop,
		serveq:   make(chan wire.Message, maxQueued),
		hello:    make(chan struct{}),
		ready:    make(chan struct{}),
		nextReq:  1,
		calls:    map[uint32]*call{},
		canceled: map[uint32]bool{},
		done:     make(chan struct{}),
	}
	if s.cfg.StallTimeout <= 0 {
		s.cfg.StallTimeout = 20 * time.Second
	}
	s.lastRecv.Store(time.Now().UnixNano())
	go s.readLoop()
	go s.serveLoop()
	go s.watchdog()
	return s
}

// watchdog ends the session if the remote goes silent with requests
// pending.
func (s *Session) watchdog() {
	t := time.NewTicker(s.cfg.StallTimeout / 4)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		s.mu.Lock()
		pending := len(s.calls)
		s.mu.Unlock()
		idle := time.Since(time.Unix(0, s.lastRecv.Load()))
		if pending > 0 && idle > s.cfg.StallTimeout {
			s.fail(fmt.Errorf("peer sent nothing for %v with %d requests pending", idle.Round(time.Second), pending))
			return
		}
	}
}

// Name implements Remote.
func (s *Session) Name() string { return s.cfg.Name }

// Done is closed when the session has ended.
func (s *Session) Done() <-chan struct{} { return s.done }

// Err returns why the session ended, or nil while it runs.
func (s *Session) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close ends the session and closes its transport.
func (s *Session) Close() error {
	s.fail(ErrClosed)
	return nil
}

func (s *Session) fail(err error) {
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		return
	}
	s.err = err
	calls := s.calls
	s.calls = map[uint32]*call{}
	s.mu.Unlock()
	for _, c := range calls {
		c.err = fmt.Errorf("%w (%s: %v)", ErrClosed, s.cfg.Name, err)
		close(c.done)
	}
	s.stop()
	s.t.Close()
	close(s.done)
}

// violation logs a protocol violation and disconnects a remote that keeps
// making them.
func (s *Session) violation(reason string, a ...any) {
	msg := fmt.Sprintf(reason, a...)
	n := s.violations.Add(1)
	s.log.Warn("fabrik: rejected message from peer", "reason", msg, "violations", n)
	if n >= maxViolations {
		s.fail(fmt.Errorf("peer disconnected after %d protocol violations (last: %s)", n, msg))
	}
}

func (s *Session) readLoop() {
	first := true
	for {
		b, err := s.t.Recv(s.ctx)
		s.lastRecv.Store(time.Now().UnixNano())
		if err != nil {
			if errors.Is(err, io.EOF) || s.ctx.Err() != nil {
				s.fail(ErrClosed)
			} else {
				s.fail(err)
			}
			return
		}
		m, err := wire.Decode(b)
		if err != nil {
			s.violation("%v", err)
			continue
		}
		if first {
			if m.Type != wire.THello {
				s.fail(fmt.Errorf("peer's first message is %v, not hello", m.Type))
				return
			}
			if m.Version != wire.Version {
				s.fail(fmt.Errorf("peer speaks protocol version %d, this build %d", m.Version, wire.Version))
				return
			}
			s.peerFrame.Store(min(m.MaxFrame, wire.MaxMessage))
			first = false
			close(s.hello)
			continue
		}
		switch m.Type {
		case wire.THas, wire.TGetChunk, wire.TGetManifest:
			select {
			case s.serveq <- m:
			default:
				s.violation("more than %d requests queued; dropping %v %d", maxQueued, m.Type, m.Req)
			}
		case wire.TCancel:
			s.mu.Lock()
			if len(s.canceled) < maxQueued {
				s.canceled[m.Req] = true
			}
			s.mu.Unlock()
		case wire.TData, wire.THasReply, wire.TError:
			s.reply(m)
		case wire.THello:
			s.violation("second hello")
		default:
			s.violation("unexpected %v on the chunk channel", m.Type)
		}
	}
}

// reply delivers a reply message to the call waiting for it.
func (s *Session) reply(m wire.Message) {
	s.mu.Lock()
	c := s.calls[m.Req]
	if c == nil {
		stale := m.Req != 0 && m.Req < s.nextReq
		s.mu.Unlock()
		if !stale { // replies to calls given up on are expected; others are not
			s.violation("%v for request %d never made", m.Type, m.Req)
		}
		return
	}
	finish := func(err error) {
		delete(s.calls, m.Req)
		c.err = err
		close(c.done)
	}
	defer s.mu.Unlock()
	switch m.Type {
	case wire.TError:
		if m.Code == wire.CodeNotFound {
			finish(fmt.Errorf("%w at %s", ErrNotFound, s.cfg.Name))
		} else {
			finish(fmt.Errorf("fabrik: %s: %s (code %d)", s.cfg.Name, m.Text, m.Code))
		}
	case wire.THasReply:
		if c.kind != wire.THas || m.Count != c.asked {
			finish(fmt.Errorf("%w: %s answered has for %d ids, asked %d", ErrCorrupt, s.cfg.Name, m.Count, c.asked))
			return
		}
		c.has = make([]bool, m.Count)
		for i := range c.has {
			c.has[i] = wire.HasBit(m.Bitmap, i)
		}
		finish(nil)
	case wire.TData:
		if c.kind == wire.THas {
			finish(fmt.Errorf("%w: %s sent data for a has request", ErrCorrupt, s.cfg.Name))
			return
		}
		total := int(m.Total)
		if c.buf == nil {
			if total > c.limit || (c.exact && total != c.limit) {
				finish(fmt.Errorf("%w: %s announced %d bytes, want %d", ErrCorrupt, s.cfg.Name, total, c.limit))
				return
			}
			c.total = total
			c.buf = make([]byte, total)
		}
		if total != c.total || int(m.Offset) != c.got {
			finish(fmt.Errorf("%w: %s sent bytes [%d,+%d) of %d, expected offset %d of %d",
				ErrCorrupt, s.cfg.Name, m.Offset, len(m.Payload), total, c.got, c.total))
			return
		}
		c.got += copy(c.buf[c.got:], m.Payload)
		s.BytesIn.Add(int64(len(m.Payload)))
		if c.got == c.total {
			finish(nil)
		}
	}
}

// roundTrip sends a request built by build(req) and waits for its reply.
func (s *Session) roundTrip(ctx context.Context, c *call, build func(req uint32) []byte) error {
	c.done = make(chan struct{})
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		return fmt.Errorf("%w (%s)", ErrClosed, s.cfg.Name)
	}
	req := s.nextReq
	s.nextReq++
	if len(s.calls) == 0 { // the silence so far was not the remote's fault
		s.lastRecv.Store(time.Now().UnixNano())
	}
	s.calls[req] = c
	s.mu.Unlock()
	for _, ch := range []chan struct{}{s.ready, s.hello} {
		select {
		case <-ch:
		case <-s.done:
		case <-ctx.Done():
		}
	}
	if err := s.t.Send(ctx, build(req)); err != nil {
		s.forget(req)
		if s.ctx.Err() != nil {
			return fmt.Errorf("%w (%s)", ErrClosed, s.cfg.Name)
		}
		return err
	}
	select {
	case <-c.done:
		return c.err
	case <-ctx.Done():
		if s.forget(req) {
			s.t.Send(context.Background(), wire.AppendCancel(nil, req))
		} else {
			<-c.done // it completed meanwhile
			return c.err
		}
		return ctx.Err()
	}
}

// forget drops a call; it reports whether the call was still pending.
func (s *Session) forget(req uint32) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.calls[req]
	delete(s.calls, req)
	return ok
}

// Has implements Remote.
func (s *Session) Has(ctx context.Context, ids []ID) ([]bool, error) {
	out := make([]bool, 0, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), wire.MaxHasIDs)
		batch := make([][wire.HashSize]byte, n)
		for i := range batch {
			batch[i] = ids[i]
		}
		c := &call{kind: wire.THas, asked: n}
		if err := s.roundTrip(ctx, c, func(req uint32) []byte { return wire.AppendHas(nil, req, batch) }); err != nil {
			return nil, err
		}
		out = append(out, c.has...)
		ids = ids[n:]
	}
	return out, nil
}

// Chunk implements Remote.
func (s *Session) Chunk(ctx context.Context, id ID, size int) ([]byte, error) {
	if size < 0 || size > wire.MaxPayloadTotal {
		return nil, fmt.Errorf("fabrik: chunk size %d out of range", size)
	}
	c := &call{kind: wire.TGetChunk, limit: size, exact: true}
	if err := s.roundTrip(ctx, c, func(req uint32) []byte { return wire.AppendGet(nil, wire.TGetChunk, req, id) }); err != nil {
		return nil, err
	}
	if c.buf == nil {
		c.buf = []byte{}
	}
	return c.buf, nil
}

// Manifest implements Remote.
func (s *Session) Manifest(ctx context.Context, id ID) ([]byte, error) {
	c := &call{kind: wire.TGetManifest, limit: MaxManifest}
	if err := s.roundTrip(ctx, c, func(req uint32) []byte { return wire.AppendGet(nil, wire.TGetManifest, req, id) }); err != nil {
		return nil, err
	}
	return c.buf, nil
}

// serveLoop sends our hello, then answers the remote's requests one at a
// time from the Source.
func (s *Session) serveLoop() {
	if err := s.t.Send(s.ctx, wire.AppendHello(nil, wire.MaxMessage)); err != nil {
		s.fail(err)
		return
	}
	close(s.ready)
	var chunkBuf []byte
	frame := make([]byte, 0, wire.MaxMessage)
	for {
		var m wire.Message
		select {
		case <-s.ctx.Done():
			return
		case m = <-s.serveq:
		}
		s.mu.Lock()
		canceled := s.canceled[m.Req]
		delete(s.canceled, m.Req)
		s.mu.Unlock()
		if canceled {
			continue
		}
		var err error
		switch m.Type {
		case wire.THas:
			has := make([]bool, len(m.IDs))
			for i, id := range m.IDs {
				has[i] = s.cfg.Source != nil && s.cfg.Source.HasChunk(id)
			}
			err = s.t.Send(s.ctx, wire.AppendHasReply(frame[:0], m.Req, has))
		case wire.TGetChunk, wire.TGetManifest:
			var b []byte
			var rerr error = ErrNotFound
			if s.cfg.Source != nil {
				if m.Type == wire.TGetChunk {
					b, rerr = s.cfg.Source.ReadChunk(m.ID, chunkBuf)
					if rerr == nil {
						chunkBuf = b
					}
				} else {
					b, rerr = s.cfg.Source.Manifest(m.ID)
				}
			}
			if rerr != nil {
				code := wire.CodeNotFound
				if !errors.Is(rerr, ErrNotFound) {
					code = wire.CodeInternal
					s.log.Warn("fabrik: cannot serve", "what", m.Type, "id", ID(m.ID), "err", rerr)
				}
				err = s.t.Send(s.ctx, wire.AppendError(frame[:0], m.Req, code, rerr.Error()))
				break
			}
			err = s.sendData(m.Req, b, frame)
		}
		if err != nil {
			if s.ctx.Err() == nil {
				s.fail(err)
			}
			return
		}
		if len(s.serveq) == 0 {
			// Nothing queued: cancels still recorded are for requests
			// already answered.
			s.mu.Lock()
			clear(s.canceled)
			s.mu.Unlock()
		}
	}
}

// sendData sends b as a reply to req, in frames the remote accepts,
// stopping early if the remote cancels.
func (s *Session) sendData(req uint32, b []byte, frame []byte) error {
	per := int(s.peerFrame.Load()) - (wire.MaxMessage - wire.MaxDataPayload)
	if len(b) == 0 {
		return s.t.Send(s.ctx, wire.AppendData(frame[:0], req, 0, 0, nil))
	}
	for off := 0; off < len(b); off += per {
		if off > 0 && off%(256<<10) < per { // check for a cancel every 256 KiB
			s.mu.Lock()
			canceled := s.canceled[req]
			delete(s.canceled, req)
			s.mu.Unlock()
			if canceled {
				return nil
			}
		}
		end := min(off+per, len(b))
		if err := s.t.Send(s.ctx, wire.AppendData(frame[:0], req, uint32(off), uint32(len(b)), b[off:end])); err != nil {
			return err
		}
		s.BytesOut.Add(int64(end - off))
	}
	return nil
}
