//go:build !js

package signal

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// ServerConfig configures a Server.
type ServerConfig struct {
	Log *slog.Logger
	// MaxRooms bounds the rooms open at once (default 10000).
	MaxRooms int
	// PingInterval is how often idle connections are pinged (default 20s).
	PingInterval time.Duration
}

// Server is the signaling service. It is an http.Handler for the
// WebSocket endpoint.
type Server struct {
	cfg   ServerConfig
	log   *slog.Logger
	mu    sync.Mutex
	rooms map[string]*room
}

type room struct {
	name  string
	proof string
	peers map[string]*conn
}

type conn struct {
	// Token bucket on what the client sends: a member that floods the
	// relay is dropped.
	tokens float64
	refill time.Time

	id   string
	room *room
	ws   *websocket.Conn
	out  chan []byte // bounded: a peer that cannot keep up is dropped
	gone chan struct{}
	once sync.Once
}

// NewServer returns a signaling server.
func NewServer(cfg ServerConfig) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxRooms <= 0 {
		cfg.MaxRooms = 10000
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = 20 * time.Second
	}
	return &Server{cfg: cfg, log: cfg.Log, rooms: map[string]*room{}}
}

// Rooms returns how many rooms are open.
func (s *Server) Rooms() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rooms)
}

// ServeHTTP accepts a WebSocket and runs the protocol on it until it closes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Any origin may connect: pages that embed Nacho live on other sites,
	// and a room is protected by its secret, not by cookies.
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return
	}
	ws.SetReadLimit(MaxMessage)
	s.serve(r.Context(), ws, r.RemoteAddr)
}

func (s *Server) serve(ctx context.Context, ws *websocket.Conn, addr string) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	log := s.log.With("remote", addr)

	jctx, jcancel := context.WithTimeout(ctx, 10*time.Second)
	_, b, err := ws.Read(jctx)
	jcancel()
	if err != nil {
		ws.Close(websocket.StatusPolicyViolation, "no join")
		return
	}
	m, err := Decode(b)
	if err == nil && m.Type != TJoin {
		err = fmt.Errorf("first message is %q, not join", m.Type)
	}
	if err != nil {
		log.Info("signal: rejected connection", "reason", err)
		s.refuse(ctx, ws, err.Error())
		return
	}
	c := &conn{id: m.ID, ws: ws, out: make(chan []byte, 256), gone: make(chan struct{})}
	peers, err := s.join(m.Room, m.Proof, c)
	if err != nil {
		log.Info("signal: refused join", "room", m.Room, "reason", err)
		s.refuse(ctx, ws, err.Error())
		return
	}
	log = log.With("room", m.Room, "peer", c.id)
	log.Debug("signal: joined", "others", len(peers))
	defer s.leave(c)
	c.send(Message{Type: TWelcome, ID: c.id, Peers: peers})

	go s.writeLoop(ctx, c, cancel)
	c.tokens, c.refill = burst, time.Now()
	for {
		_, b, err := ws.Read(ctx)
		if err != nil {
			return
		}
		if !c.take() {
			log.Info("signal: dropped connection", "reason", "sending too fast")
			c.send(Message{Type: TError, Error: "sending too fast"})
			time.Sleep(50 * time.Millisecond)
			return
		}
		m, err := Decode(b)
		if err == nil && (m.Type != TSignal || m.To == "") {
			err = fmt.Errorf("%q from a member", m.Type)
		}
		if err != nil {
			log.Info("signal: dropped connection", "reason", err)
			c.send(Message{Type: TError, Error: err.Error()})
			time.Sleep(50 * time.Millisecond) // let the error out
			return
		}
		s.mu.Lock()
		to := c.room.peers[m.To]
		s.mu.Unlock()
		if to == nil {
			c.send(Message{Type: TError, Error: "no peer " + m.To + " in the room"})
			continue
		}
		if !to.offer(Message{Type: TSignal, From: c.id, Data: m.Data}) {
			c.send(Message{Type: TError, Error: "peer " + m.To + " is not keeping up; signal dropped"})
		}
	}
}

// Rate limits on a member's messages: a burst covers a peer joining a full
// room (an offer and a handful of candidates for each member).
const (
	burst = 2000
	rate  = 200 // per second
)

func (c *conn) take() bool {
	now := time.Now()
	c.tokens = min(burst, c.tokens+now.Sub(c.refill).Seconds()*rate)
	c.refill = now
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

func (s *Server) refuse(ctx context.Context, ws *websocket.Conn, why string) {
	b, _ := json.Marshal(Message{Type: TError, Error: why})
	wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	ws.Write(wctx, websocket.MessageText, b)
	cancel()
	ws.Close(websocket.StatusPolicyViolation, "refused")
}

// errWrongSecret is what a peer with the wrong secret is told.
var errWrongSecret = errors.New("wrong secret for this room")

func (s *Server) join(name, proof string, c *conn) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.rooms[name]
	if r == nil {
		if len(s.rooms) >= s.cfg.MaxRooms {
			return nil, errors.New("the node has too many rooms open")
		}
		r = &room{name: name, proof: proof, peers: map[string]*conn{}}
		s.rooms[name] = r
	} else if subtle.ConstantTimeCompare([]byte(r.proof), []byte(proof)) != 1 {
		return nil, errWrongSecret
	}
	if old := r.peers[c.id]; old != nil {
		// The same peer reconnecting after a drop: the new connection wins.
		delete(r.peers, c.id)
		old.close()
	} else if len(r.peers) >= MaxPeers {
		return nil, fmt.Errorf("room is full (%d peers)", MaxPeers)
	}
	peers := make([]string, 0, len(r.peers))
	for id, p := range r.peers {
		peers = append(peers, id)
		p.send(Message{Type: TJoined, ID: c.id})
	}
	c.room = r
	r.peers[c.id] = c
	return peers, nil
}

func (s *Server) leave(c *conn) {
	c.close()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := c.room
	if r.peers[c.id] != c {
		return // replaced by a reconnect
	}
	delete(r.peers, c.id)
	for _, p := range r.peers {
		p.send(Message{Type: TLeft, ID: c.id})
	}
	if len(r.peers) == 0 {
		delete(s.rooms, r.name)
	}
}

func (c *conn) send(m Message) {
	b, _ := json.Marshal(m)
	select {
	case c.out <- b:
	case <-c.gone:
	default:
		c.close() // it is not reading; drop it rather than buffer without bound
	}
}

// offer queues a relayed message if there is room; a signal is worth
// dropping (the sender retries its negotiation) rather than cutting off a
// member whose queue is full.
func (c *conn) offer(m Message) bool {
	b, _ := json.Marshal(m)
	select {
	case c.out <- b:
		return true
	default:
		return false
	}
}

func (c *conn) close() {
	c.once.Do(func() {
		close(c.gone)
		c.ws.CloseNow()
	})
}

func (s *Server) writeLoop(ctx context.Context, c *conn, cancel context.CancelFunc) {
	defer cancel()
	ping := time.NewTicker(s.cfg.PingInterval)
	defer ping.Stop()
	for {
		select {
		case b := <-c.out:
			wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
			err := c.ws.Write(wctx, websocket.MessageText, b)
			wcancel()
			if err != nil {
				c.close()
				return
			}
		case <-ping.C:
			pctx, pcancel := context.WithTimeout(ctx, 10*time.Second)
			err := c.ws.Ping(pctx)
			pcancel()
			if err != nil {
				c.close()
				return
			}
		case <-c.gone:
			return
		case <-ctx.Done():
			return
		}
	}
}
