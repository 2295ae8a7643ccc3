package room

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/rtc"
	"github.com/nachoos/nacho/fabrik/wire"
	"github.com/pion/webrtc/v4"
)

// Data channel labels of one link. "fabrik" carries the chunk protocol;
// the app channels carry every named application channel, multiplexed by
// name, one reliable and ordered, one unordered without retransmissions.
const (
	labelChunks     = "fabrik"
	labelApp        = "app"
	labelAppUnorder = "app-u"
)

// link is the WebRTC connection to one other member.
type link struct {
	p       *Peer
	peer    string
	session string // this attempt's id, shared by offer, answer and candidates
	offerer bool
	pc      *webrtc.PeerConnection
	ctx     context.Context
	cancel  context.CancelFunc

	mu        sync.Mutex
	chans     map[string]*rtc.Channel
	remoteSet bool
	cands     []webrtc.ICECandidateInit // received before the remote description
	descSent  bool
	outCands  []webrtc.ICECandidateInit // gathered before our description went out
	sigq      chan sigData

	sess *fabrik.Session // set on the event loop once every channel is open
	app  *rtc.Channel
	appU *rtc.Channel
}

func (p *Peer) newLink(peer, session string, offerer bool) (*link, error) {
	pc, err := p.api.NewPeerConnection()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(p.ctx)
	l := &link{p: p, peer: peer, session: session, offerer: offerer, pc: pc, ctx: ctx, cancel: cancel,
		chans: map[string]*rtc.Channel{}, sigq: make(chan sigData, 256)}
	go l.sendSignals()
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil {
			return
		}
		init := c.ToJSON()
		l.mu.Lock()
		if !l.descSent {
			l.outCands = append(l.outCands, init)
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		l.queueSignal(sigData{Kind: "candidate", Session: l.session, Candidate: &init})
	})
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		switch s {
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
			go p.post(func() { p.drop(l, "connection "+s.String()) })
		case webrtc.PeerConnectionStateDisconnected:
			// Often recovers by itself; give it a moment.
			time.AfterFunc(5*time.Second, func() {
				if l.pc.ConnectionState() == webrtc.PeerConnectionStateDisconnected {
					p.post(func() { p.drop(l, "disconnected") })
				}
			})
		}
	})
	if offerer {
		unordered, zero := false, uint16(0)
		for _, spec := range []struct {
			label string
			init  *webrtc.DataChannelInit
		}{
			{labelChunks, nil},
			{labelApp, nil},
			{labelAppUnorder, &webrtc.DataChannelInit{Ordered: &unordered, MaxRetransmits: &zero}},
		} {
			dc, err := pc.CreateDataChannel(spec.label, spec.init)
			if err != nil {
				pc.Close()
				cancel()
				return nil, err
			}
			l.addChannel(dc)
		}
	} else {
		pc.OnDataChannel(func(dc *webrtc.DataChannel) {
			switch dc.Label() {
			case labelChunks, labelApp, labelAppUnorder:
				l.addChannel(dc)
			default:
				p.log.Warn("fabrik: rejected data channel", "peer", peer, "label", dc.Label())
				dc.Close()
			}
		})
	}
	p.mu.Lock()
	p.links[peer] = l
	p.mu.Unlock()
	time.AfterFunc(p.cfg.ConnectTimeout, func() {
		p.post(func() {
			if l.sess == nil {
				p.drop(l, "not connected within "+p.cfg.ConnectTimeout.String())
			}
		})
	})
	return l, nil
}

func (l *link) addChannel(dc *webrtc.DataChannel) {
	c := rtc.NewChannel(dc)
	l.mu.Lock()
	if _, dup := l.chans[dc.Label()]; dup {
		l.mu.Unlock()
		dc.Close()
		return
	}
	l.chans[dc.Label()] = c
	l.mu.Unlock()
	go func() {
		select {
		case <-c.Opened():
			l.p.post(l.maybeUp)
		case <-l.ctx.Done():
		}
	}()
}

// maybeUp starts the chunk session once all channels are open. Runs on
// the event loop.
func (l *link) maybeUp() {
	p := l.p
	if l.sess != nil || l.ctx.Err() != nil {
		return
	}
	l.mu.Lock()
	chunks, app, appU := l.chans[labelChunks], l.chans[labelApp], l.chans[labelAppUnorder]
	l.mu.Unlock()
	for _, c := range []*rtc.Channel{chunks, app, appU} {
		if c == nil {
			return
		}
		select {
		case <-c.Opened():
		default:
			return
		}
	}
	sess := fabrik.NewSession(chunks, fabrik.SessionConfig{Name: "peer " + l.peer[:min(8, len(l.peer))], Source: p.cfg.Source, Log: p.log})
	p.mu.Lock()
	l.sess, l.app, l.appU = sess, app, appU
	delete(p.retry, l.peer)
	p.notifyLocked()
	p.mu.Unlock()
	p.log.Info("fabrik: link up", "peer", l.peer)
	go func() {
		select {
		case <-l.sess.Done():
			p.post(func() { p.drop(l, fmt.Sprintf("chunk session ended: %v", l.sess.Err())) })
		case <-l.ctx.Done():
		}
	}()
	go l.readApp(app)
	go l.readApp(appU)
}

// readApp delivers application messages from one app data channel.
func (l *link) readApp(c *rtc.Channel) {
	bad := 0
	for {
		b, err := c.Recv(l.ctx)
		if err != nil {
			return
		}
		m, err := wire.Decode(b)
		if err == nil && m.Type != wire.TApp {
			err = fmt.Errorf("%v message on an app channel", m.Type)
		}
		if err != nil {
			bad++
			l.p.log.Warn("fabrik: rejected app message", "peer", l.peer, "reason", err)
			if bad >= 32 {
				l.p.post(func() { l.p.drop(l, "too many malformed app messages") })
				return
			}
			continue
		}
		l.p.deliver(l.ctx, Message{From: l.peer, Channel: m.Channel, Data: m.Payload})
	}
}

func (l *link) queueSignal(d sigData) {
	select {
	case l.sigq <- d:
	default:
		l.p.log.Warn("fabrik: signal queue full; dropping", "peer", l.peer, "kind", d.Kind)
	}
}

// sendSignals sends this link's signals in order.
func (l *link) sendSignals() {
	for {
		select {
		case d := <-l.sigq:
			ctx, cancel := context.WithTimeout(l.ctx, 10*time.Second)
			err := l.p.sig.Signal(ctx, l.peer, d)
			cancel()
			if err != nil && l.ctx.Err() == nil {
				l.p.log.Info("fabrik: signal not sent", "peer", l.peer, "kind", d.Kind, "err", err)
			}
		case <-l.ctx.Done():
			return
		}
	}
}

// descriptionSent queues our offer or answer, then the candidates gathered
// while it was being made.
func (l *link) descriptionSent(d sigData) {
	l.mu.Lock()
	l.descSent = true
	cands := l.outCands
	l.outCands = nil
	l.queueSignal(d)
	for i := range cands {
		l.queueSignal(sigData{Kind: "candidate", Session: l.session, Candidate: &cands[i]})
	}
	l.mu.Unlock()
}

func (l *link) offer() error {
	offer, err := l.pc.CreateOffer(nil)
	if err != nil {
		return err
	}
	if err := l.pc.SetLocalDescription(offer); err != nil {
		return err
	}
	l.descriptionSent(sigData{Kind: "offer", Session: l.session, SDP: offer.SDP})
	return nil
}

func (l *link) answer(sdp string) error {
	if err := l.setRemote(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdp}); err != nil {
		return err
	}
	ans, err := l.pc.CreateAnswer(nil)
	if err != nil {
		return err
	}
	if err := l.pc.SetLocalDescription(ans); err != nil {
		return err
	}
	l.descriptionSent(sigData{Kind: "answer", Session: l.session, SDP: ans.SDP})
	return nil
}

func (l *link) accept(sdp string) error {
	return l.setRemote(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp})
}

func (l *link) setRemote(d webrtc.SessionDescription) error {
	if err := l.pc.SetRemoteDescription(d); err != nil {
		return err
	}
	l.mu.Lock()
	l.remoteSet = true
	cands := l.cands
	l.cands = nil
	l.mu.Unlock()
	for _, c := range cands {
		if err := l.pc.AddICECandidate(c); err != nil {
			l.p.log.Info("fabrik: bad ICE candidate", "peer", l.peer, "err", err)
		}
	}
	return nil
}

func (l *link) candidate(c webrtc.ICECandidateInit) {
	l.mu.Lock()
	if !l.remoteSet {
		if len(l.cands) < 64 {
			l.cands = append(l.cands, c)
		}
		l.mu.Unlock()
		return
	}
	l.mu.Unlock()
	if err := l.pc.AddICECandidate(c); err != nil {
		l.p.log.Info("fabrik: bad ICE candidate", "peer", l.peer, "err", err)
	}
}

func (l *link) close() {
	l.cancel()
	if l.sess != nil {
		l.sess.Close()
	}
	go l.pc.Close() // may block for a while natively; nothing waits on it
}
