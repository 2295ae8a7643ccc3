package room

import (
	"context"
	"fmt"
	"sync"

	"github.com/nachoos/nacho/fabrik/rtc"
	"github.com/nachoos/nacho/fabrik/wire"
)

// ChannelOptions configures an application channel.
type ChannelOptions struct {
	// Unordered sends without ordering or retransmission (games: a late
	// position update is worth less than the next one). Otherwise messages
	// arrive reliably and in order.
	Unordered bool
}

// Message is one application message.
type Message struct {
	From    string // sender's peer id
	Channel string
	Data    []byte
}

// MaxMessage is the largest application message.
const MaxMessage = wire.MaxAppPayload

// Limits on what waits unread.
const (
	maxQueued    = 1024 // messages per open channel
	maxBacklog   = 64   // messages per name not yet opened here
	maxBacklogNs = 64   // names with a backlog
)

// Channel is a named application channel of the room: what one member
// sends, every member that opened the same name receives. Messages that
// arrive before this member opens the name are kept (a few) and delivered
// when it does.
type Channel struct {
	p    *Peer
	name string
	opt  ChannelOptions

	mu     sync.Mutex
	queue  []Message
	wake   chan struct{}
	room   chan struct{} // signalled when the queue has room
	closed bool
}

// Channel opens the application channel name (1..64 printable ASCII
// bytes). Opening a name already open returns the same channel.
func (p *Peer) Channel(name string, opt ChannelOptions) (*Channel, error) {
	if err := wire.CheckChannelName(name); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if c := p.channels[name]; c != nil {
		return c, nil
	}
	c := &Channel{p: p, name: name, opt: opt, wake: make(chan struct{}, 1), room: make(chan struct{}, 1)}
	c.queue = p.backlog[name]
	delete(p.backlog, name)
	p.channels[name] = c
	if len(c.queue) > 0 {
		c.signal(c.wake)
	}
	return c, nil
}

// Name returns the channel's name.
func (c *Channel) Name() string { return c.name }

// Send sends data to every member connected now.
func (c *Channel) Send(ctx context.Context, data []byte) error {
	return c.send(ctx, "", data)
}

// SendTo sends data to one member.
func (c *Channel) SendTo(ctx context.Context, peer string, data []byte) error {
	if peer == "" {
		return fmt.Errorf("room: SendTo needs a peer id")
	}
	return c.send(ctx, peer, data)
}

func (c *Channel) send(ctx context.Context, to string, data []byte) error {
	if len(data) > MaxMessage {
		return fmt.Errorf("room: message of %d bytes over the %d-byte limit", len(data), MaxMessage)
	}
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return ErrChannelClosed
	}
	msg := wire.AppendApp(nil, c.name, data)
	var targets []*rtc.Channel
	c.p.mu.Lock()
	for id, l := range c.p.links {
		if l.sess == nil || (to != "" && id != to) {
			continue
		}
		if c.opt.Unordered {
			targets = append(targets, l.appU)
		} else {
			targets = append(targets, l.app)
		}
	}
	c.p.mu.Unlock()
	if to != "" && len(targets) == 0 {
		return fmt.Errorf("room: no link to peer %s", to)
	}
	var first error
	for _, t := range targets {
		if err := t.Send(ctx, msg); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Recv returns the next message.
func (c *Channel) Recv(ctx context.Context) (Message, error) {
	for {
		c.mu.Lock()
		if len(c.queue) > 0 {
			m := c.queue[0]
			c.queue = c.queue[1:]
			c.mu.Unlock()
			c.signal(c.room)
			return m, nil
		}
		if c.closed {
			c.mu.Unlock()
			return Message{}, ErrChannelClosed
		}
		c.mu.Unlock()
		select {
		case <-c.wake:
		case <-ctx.Done():
			return Message{}, ctx.Err()
		}
	}
}

// Close closes the channel here; messages for it are dropped from now on.
func (c *Channel) Close() error {
	c.p.mu.Lock()
	if c.p.channels[c.name] == c {
		delete(c.p.channels, c.name)
	}
	c.p.mu.Unlock()
	c.shut()
	return nil
}

func (c *Channel) shut() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.signal(c.wake)
	c.signal(c.room)
}

func (c *Channel) signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// deliver hands an incoming message to its channel. A reliable channel
// whose reader lags makes deliver wait (which backs up that link's app
// data channel); an unordered one drops its oldest message instead.
func (p *Peer) deliver(ctx context.Context, m Message) {
	p.mu.Lock()
	c := p.channels[m.Channel]
	if c == nil {
		q, ok := p.backlog[m.Channel]
		if (ok || len(p.backlog) < maxBacklogNs) && len(q) < maxBacklog {
			p.backlog[m.Channel] = append(q, m)
		}
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return
		}
		if len(c.queue) < maxQueued {
			c.queue = append(c.queue, m)
			c.mu.Unlock()
			c.signal(c.wake)
			return
		}
		if c.opt.Unordered {
			c.queue = append(c.queue[1:], m)
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		select {
		case <-c.room:
		case <-ctx.Done():
			return
		}
	}
}
