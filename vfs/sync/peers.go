package sync

// Direct replication between members of the room, over Fabrik's links
// (WebRTC data channels, natively with pion and in the page): the same
// automerge sync protocol as with the node, one sync state per member, on
// a room channel of its own; and chunks fetched from members that hold
// them before the node is asked. Members on one network converge without
// the node, and faster; the node stays the always-on peer and the backup.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/room"
	"github.com/nachoos/nacho/vfs/sync/crdt"
)

// Frames on the channel: a sync message split into parts that fit a room
// message.
//
//	[0]    frameSync
//	[1:5]  message number (per sender)
//	[5:7]  part index
//	[7:9]  part count
//	[9:]   payload
const (
	frameSync   = 1
	frameHeader = 9
	framePart   = room.MaxMessage - frameHeader
)

// splitFrames cuts msg into frames numbered n.
func splitFrames(n uint32, msg []byte) [][]byte {
	count := max(1, (len(msg)+framePart-1)/framePart)
	out := make([][]byte, 0, count)
	for i := range count {
		part := msg[i*framePart : min(len(msg), (i+1)*framePart)]
		f := make([]byte, frameHeader, frameHeader+len(part))
		f[0] = frameSync
		binary.BigEndian.PutUint32(f[1:], n)
		binary.BigEndian.PutUint16(f[5:], uint16(i))
		binary.BigEndian.PutUint16(f[7:], uint16(count))
		out = append(out, append(f, part...))
	}
	return out
}

// assembler puts one sender's frames back together.
type assembler struct {
	n     uint32
	parts [][]byte
	have  int
	size  int
}

// add takes a frame and returns a whole message when one is complete.
// Frames of a message arrive in order on the reliable channel; a new
// message number drops an unfinished one (its sender gave up on it).
func (a *assembler) add(f []byte) ([]byte, error) {
	if len(f) < frameHeader || f[0] != frameSync {
		return nil, errors.New("not a sync frame")
	}
	n := binary.BigEndian.Uint32(f[1:])
	i, count := int(binary.BigEndian.Uint16(f[5:])), int(binary.BigEndian.Uint16(f[7:]))
	if count == 0 || i >= count || count > MaxSyncMessage/framePart+1 {
		return nil, fmt.Errorf("frame %d of %d", i, count)
	}
	if a.parts == nil || a.n != n || len(a.parts) != count {
		a.n, a.parts, a.have, a.size = n, make([][]byte, count), 0, 0
	}
	if a.parts[i] == nil {
		a.have++
	}
	a.size += len(f) - frameHeader
	if a.size > MaxSyncMessage {
		a.parts = nil
		return nil, errors.New("sync message too large")
	}
	a.parts[i] = f[frameHeader:]
	if a.have < count {
		return nil, nil
	}
	msg := make([]byte, 0, a.size)
	for _, p := range a.parts {
		msg = append(msg, p...)
	}
	a.parts = nil
	return msg, nil
}

// member is this replica's sync session with one member of the room.
type member struct {
	st  crdt.SyncState
	asm assembler
	out uint32 // next message number
}

// folderFS lets fabrik's Library read chunks from the folder.
type folderFS struct{ f Folder }

func (x folderFS) Open(name string) (fs.File, error) {
	r, err := x.f.Open(name)
	if err != nil {
		return nil, err
	}
	if f, ok := r.(fs.File); ok {
		return f, nil
	}
	r.Close()
	return nil, fmt.Errorf("sync: %s: the folder's files cannot be served", name)
}

// peerLoop joins the room and keeps a sync session with every member
// there is a link to.
func (e *Engine) peerLoop() {
	defer e.done.Done()
	backoff := time.Second
	for e.ctx.Err() == nil {
		err := e.peerSession()
		if e.ctx.Err() != nil {
			return
		}
		e.log.Info("sync: room", "err", err)
		select {
		case <-time.After(backoff):
		case <-e.ctx.Done():
			return
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

func (e *Engine) peerSession() error {
	p, err := room.Join(e.ctx, room.Config{Server: e.cfg.Server, Room: e.cfg.Room, Secret: e.cfg.Secret,
		Library: e.lib, Log: e.log, HTTPClient: e.cfg.HTTPClient})
	if err != nil {
		return err
	}
	defer p.Close()
	ch, err := p.Channel("nacho-sync/"+e.node.doc[:16], room.ChannelOptions{})
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.room = p
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.room = nil
		for _, m := range e.members {
			m.st.Close()
		}
		e.members = map[string]*member{}
		e.mu.Unlock()
	}()
	type inMsg struct {
		from string
		data []byte
	}
	in := make(chan inMsg, 64)
	go func() {
		for {
			m, err := ch.Recv(e.ctx)
			if err != nil {
				close(in)
				return
			}
			select {
			case in <- inMsg{m.From, m.Data}:
			case <-e.ctx.Done():
				return
			}
		}
	}()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-e.ctx.Done():
			return nil
		case m, ok := <-in:
			if !ok {
				return errors.New("room channel closed")
			}
			e.fromMember(ch, m.from, m.data)
		case <-e.peerKick:
		case <-tick.C:
		}
		e.toMembers(ch, p.Connected())
	}
}

// fromMember applies one frame from a member and answers.
func (e *Engine) fromMember(ch *room.Channel, from string, frame []byte) {
	e.mu.Lock()
	m := e.memberLocked(from)
	msg, err := m.asm.add(frame)
	if err == nil && msg != nil {
		before, _ := e.doc.Heads()
		if err = m.st.Receive(msg); err == nil {
			if after, _ := e.doc.Heads(); !crdt.HeadsEqual(before, after) {
				e.dirty = true
				e.Kick()
				e.kickDoc() // tell the node too
			}
		}
	}
	if err != nil {
		// A member that sends garbage starts over with a clean session.
		e.log.Info("sync: refused a member's message", "from", from, "err", err)
		m.st.Close()
		delete(e.members, from)
	}
	e.mu.Unlock()
	e.toMembers(ch, []string{from})
}

// memberLocked returns the session with a member, starting one.
func (e *Engine) memberLocked(id string) *member {
	m := e.members[id]
	if m == nil {
		m = &member{st: e.doc.NewSyncState()}
		e.members[id] = m
	}
	return m
}

// toMembers sends each connected member what its session has to say, and
// forgets members that left (a returning member starts a fresh session).
func (e *Engine) toMembers(ch *room.Channel, connected []string) {
	up := map[string]bool{}
	for _, id := range connected {
		up[id] = true
	}
	type out struct {
		to     string
		frames [][]byte
	}
	var sends []out
	e.mu.Lock()
	for id, m := range e.members {
		if !up[id] {
			m.st.Close()
			delete(e.members, id)
		}
	}
	for _, id := range connected {
		m := e.memberLocked(id)
		msg, ok, err := m.st.Generate()
		if err != nil || !ok {
			continue
		}
		m.out++
		sends = append(sends, out{id, splitFrames(m.out, msg)})
	}
	e.mu.Unlock()
	for _, s := range sends {
		for _, f := range s.frames {
			ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
			err := ch.SendTo(ctx, s.to, f)
			cancel()
			if err != nil {
				e.mu.Lock()
				if m := e.members[s.to]; m != nil { // part of it is lost: start over
					m.st.Close()
					delete(e.members, s.to)
				}
				e.mu.Unlock()
				break
			}
		}
	}
}

func (e *Engine) kickPeers() {
	select {
	case e.peerKick <- struct{}{}:
	default:
	}
}

// peerChunk asks the room's members for a chunk.
func (e *Engine) peerChunk(ctx context.Context, id [32]byte, n int64) []byte {
	e.mu.Lock()
	p := e.room
	e.mu.Unlock()
	if p == nil {
		return nil
	}
	rs, _ := p.Remotes()
	for _, r := range rs {
		name := r.Name()
		e.mu.Lock()
		slow := time.Now().Before(e.slowPeers[name])
		e.mu.Unlock()
		if name == "node" || slow {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		b, err := r.Chunk(cctx, fabrik.ID(id), int(n))
		timedOut := cctx.Err() != nil && ctx.Err() == nil
		cancel()
		if err == nil && int64(len(b)) == n && fabrik.Sum(b) == fabrik.ID(id) {
			return b
		}
		if timedOut { // a member that does not answer is left alone a while
			e.mu.Lock()
			if e.slowPeers == nil {
				e.slowPeers = map[string]time.Time{}
			}
			e.slowPeers[name] = time.Now().Add(30 * time.Second)
			e.mu.Unlock()
		}
	}
	return nil
}

// serveChunksLocked offers a file's chunks to the room.
func (e *Engine) serveChunksLocked(p string, ie *indexEntry) {
	if e.lib == nil || len(ie.Chunks) == 0 {
		return
	}
	locs := make([]fabrik.Located, 0, len(ie.Chunks)/32)
	for i := 0; i+32 <= len(ie.Chunks); i += 32 {
		off := int64(i/32) * ie.ChunkSize
		locs = append(locs, fabrik.Located{ID: fabrik.ID(ie.Chunks[i : i+32]), FS: folderFS{e.folder}, Path: p,
			Offset: off, Len: int(min(ie.ChunkSize, ie.Size-off))})
	}
	e.lib.AddLocated(locs)
}

var _ io.Closer = (*room.Peer)(nil)
