package signal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// ClientConfig configures a Client.
type ClientConfig struct {
	URL    string // the signaling endpoint: ws://, wss://, http:// or https://
	Room   string
	Secret string
	ID     string // this peer's id; kept across reconnects
	Log    *slog.Logger
}

// Event is something that happened in the room, as seen by a Client.
// Welcome is sent after every (re)connection with the full member list.
type Event struct {
	Type  string // TWelcome, TJoined, TLeft, TSignal, or "disconnected"
	ID    string // TJoined, TLeft
	Peers []string
	From  string          // TSignal
	Data  json.RawMessage // TSignal
	Err   error           // "disconnected": why
}

// EventDisconnected is sent when the connection to the node dropped; the
// client reconnects by itself and sends a new Welcome.
const EventDisconnected = "disconnected"

// Client is a peer's connection to the signaling server. It reconnects
// after a drop, with backoff, until closed.
type Client struct {
	cfg    ClientConfig
	log    *slog.Logger
	events chan Event
	ctx    context.Context
	cancel context.CancelFunc

	mu sync.Mutex
	ws *websocket.Conn
}

// ErrRefused wraps the node's reason for refusing a join (wrong secret,
// room full, ...). It is not retried.
var ErrRefused = errors.New("signal: refused")

// Dial joins the room and returns once the node has welcomed this peer;
// the first event is that Welcome.
func Dial(ctx context.Context, cfg ClientConfig) (*Client, error) {
	if err := CheckRoom(cfg.Room); err != nil {
		return nil, err
	}
	if err := CheckID(cfg.ID); err != nil {
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	cctx, cancel := context.WithCancel(context.Background())
	c := &Client{cfg: cfg, log: cfg.Log, events: make(chan Event, 1024), ctx: cctx, cancel: cancel}
	ws, welcome, err := c.connect(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	c.events <- welcome
	go c.run(ws)
	return c, nil
}

// ID returns this peer's id.
func (c *Client) ID() string { return c.cfg.ID }

// Events returns the room's events. The reader must keep up; the channel
// holds 1024.
func (c *Client) Events() <-chan Event { return c.events }

// Close leaves the room.
func (c *Client) Close() error {
	c.cancel()
	c.mu.Lock()
	ws := c.ws
	c.mu.Unlock()
	if ws != nil {
		ws.Close(websocket.StatusNormalClosure, "bye")
	}
	return nil
}

// Signal sends data to peer to through the node.
func (c *Client) Signal(ctx context.Context, to string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	m := Message{Type: TSignal, To: to, Data: raw}
	if err := m.Check(); err != nil {
		return err
	}
	b, _ := json.Marshal(m)
	c.mu.Lock()
	ws := c.ws
	c.mu.Unlock()
	if ws == nil {
		return errors.New("signal: not connected")
	}
	return ws.Write(ctx, websocket.MessageText, b)
}

func (c *Client) connect(ctx context.Context) (*websocket.Conn, Event, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, c.cfg.URL, nil)
	if err != nil {
		return nil, Event{}, fmt.Errorf("signal: connecting to %s: %w", c.cfg.URL, err)
	}
	ws.SetReadLimit(MaxMessage)
	b, _ := json.Marshal(Message{Type: TJoin, Room: c.cfg.Room, Proof: Proof(c.cfg.Room, c.cfg.Secret), ID: c.cfg.ID})
	if err := ws.Write(ctx, websocket.MessageText, b); err != nil {
		ws.CloseNow()
		return nil, Event{}, fmt.Errorf("signal: joining: %w", err)
	}
	_, b, err = ws.Read(ctx)
	if err != nil {
		ws.CloseNow()
		return nil, Event{}, fmt.Errorf("signal: joining: %w", err)
	}
	m, err := Decode(b)
	if err != nil {
		ws.CloseNow()
		return nil, Event{}, err
	}
	switch m.Type {
	case TWelcome:
	case TError:
		ws.CloseNow()
		return nil, Event{}, fmt.Errorf("%w: room %q: %s", ErrRefused, c.cfg.Room, m.Error)
	default:
		ws.CloseNow()
		return nil, Event{}, fmt.Errorf("signal: node answered join with %q", m.Type)
	}
	c.mu.Lock()
	c.ws = ws
	c.mu.Unlock()
	return ws, Event{Type: TWelcome, ID: m.ID, Peers: m.Peers}, nil
}

func (c *Client) emit(e Event) {
	select {
	case c.events <- e:
	case <-c.ctx.Done():
	}
}

// run reads events, and reconnects when the connection drops.
func (c *Client) run(ws *websocket.Conn) {
	defer close(c.events)
	backoff := 250 * time.Millisecond
	for {
		err := c.readLoop(ws)
		if c.ctx.Err() != nil {
			return
		}
		c.log.Info("signal: connection lost; reconnecting", "err", err)
		c.emit(Event{Type: EventDisconnected, Err: err})
		for {
			select {
			case <-time.After(backoff):
			case <-c.ctx.Done():
				return
			}
			var welcome Event
			ws, welcome, err = c.connect(c.ctx)
			if err == nil {
				backoff = 250 * time.Millisecond
				c.emit(welcome)
				break
			}
			if errors.Is(err, ErrRefused) {
				c.log.Warn("signal: rejoin refused", "err", err)
				c.emit(Event{Type: EventDisconnected, Err: err})
				return
			}
			backoff = min(2*backoff, 10*time.Second)
		}
	}
}

func (c *Client) readLoop(ws *websocket.Conn) error {
	for {
		_, b, err := ws.Read(c.ctx)
		if err != nil {
			return err
		}
		m, err := Decode(b)
		if err != nil {
			c.log.Warn("signal: dropped message from node", "reason", err)
			continue
		}
		switch m.Type {
		case TJoined, TLeft:
			c.emit(Event{Type: m.Type, ID: m.ID})
		case TSignal:
			if m.From == "" {
				c.log.Warn("signal: dropped message from node", "reason", "signal without from")
				continue
			}
			c.emit(Event{Type: TSignal, From: m.From, Data: m.Data})
		case TError:
			c.log.Info("signal: node reports", "error", m.Error)
		default:
			c.log.Warn("signal: dropped message from node", "reason", "unexpected "+m.Type)
		}
	}
}
