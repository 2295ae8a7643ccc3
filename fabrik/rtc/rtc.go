// Package rtc carries fabrik over WebRTC with pion/webrtc/v4: it makes
// peer connections with Nacho's settings and turns data channels into
// fabrik.Transports. The same source builds natively (pion's own stack)
// and for js/wasm (pion's wrapper over the browser's RTCPeerConnection);
// only the settings pion offers natively live in settings_native.go.
//
// It must not import syscall/js itself (pion's js build does that).
package rtc

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/nachoos/nacho/fabrik"
	"github.com/pion/webrtc/v4"
)

// Config configures connections.
type Config struct {
	ICEServers []fabrik.ICEServer
}

// API makes peer connections.
type API struct {
	api *webrtc.API
	cfg webrtc.Configuration
}

// NewAPI returns an API with cfg's ICE servers and Nacho's transport
// settings.
func NewAPI(cfg Config) *API {
	var wc webrtc.Configuration
	for _, s := range cfg.ICEServers {
		is := webrtc.ICEServer{URLs: s.URLs, Username: s.Username}
		if s.Credential != "" {
			is.Credential = s.Credential
		}
		wc.ICEServers = append(wc.ICEServers, is)
	}
	return &API{api: newAPI(), cfg: wc}
}

// NewPeerConnection returns a new connection.
func (a *API) NewPeerConnection() (*webrtc.PeerConnection, error) {
	return a.api.NewPeerConnection(a.cfg)
}

// Flow control: Send waits while more than highWater bytes are queued in
// the data channel, until it drains below lowWater. Enough in flight to
// keep a fast path busy, bounded so a slow peer cannot make us buffer
// without limit.
const (
	highWater = 4 << 20
	lowWater  = 1 << 20
	// maxInbound bounds received messages not yet read. A peer that sends
	// past it without being asked is cut off.
	maxInbound = 64 << 20
)

// ErrOverflow is why a channel whose peer sent too much unread data closed.
var ErrOverflow = errors.New("rtc: peer sent more than the receive buffer holds")

// Channel is a fabrik.Transport over a data channel. Messages arrive
// through pion's OnMessage callback (which must not block in the browser)
// and wait in a bounded queue for Recv.
type Channel struct {
	dc *webrtc.DataChannel

	mu      sync.Mutex
	queue   [][]byte
	queued  int
	wake    chan struct{} // signalled when queue or state changes
	low     chan struct{} // signalled when the send buffer drains
	open    chan struct{}
	closed  bool
	openNow bool
	err     error
}

var _ fabrik.Transport = (*Channel)(nil)

// NewChannel wraps dc. Call it before dc opens (in the OnDataChannel
// callback or right after CreateDataChannel) so no message is missed.
func NewChannel(dc *webrtc.DataChannel) *Channel {
	c := &Channel{dc: dc, wake: make(chan struct{}, 1), low: make(chan struct{}, 1), open: make(chan struct{})}
	dc.SetBufferedAmountLowThreshold(lowWater)
	dc.OnBufferedAmountLow(func() {
		select {
		case c.low <- struct{}{}:
		default:
		}
	})
	dc.OnOpen(c.markOpen)
	dc.OnClose(func() { c.shut(io.EOF) })
	dc.OnMessage(func(m webrtc.DataChannelMessage) {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return
		}
		if c.queued+len(m.Data) > maxInbound {
			c.mu.Unlock()
			c.shut(ErrOverflow)
			dc.Close()
			return
		}
		c.queue = append(c.queue, m.Data)
		c.queued += len(m.Data)
		c.mu.Unlock()
		c.signal()
	})
	if dc.ReadyState() == webrtc.DataChannelStateOpen {
		c.markOpen()
	}
	return c
}

func (c *Channel) markOpen() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.openNow {
		c.openNow = true
		close(c.open)
	}
}

func (c *Channel) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *Channel) shut(err error) {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		c.err = err
	}
	c.mu.Unlock()
	c.signal()
	select {
	case c.low <- struct{}{}:
	default:
	}
}

// Label returns the data channel's label.
func (c *Channel) Label() string { return c.dc.Label() }

// Opened is closed once the channel is open.
func (c *Channel) Opened() <-chan struct{} { return c.open }

// Send implements fabrik.Transport.
func (c *Channel) Send(ctx context.Context, msg []byte) error {
	select {
	case <-c.open:
	case <-ctx.Done():
		return ctx.Err()
	}
	for c.dc.BufferedAmount() > highWater {
		if err := c.closedErr(); err != nil {
			return err
		}
		select {
		case <-c.low:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := c.closedErr(); err != nil {
		return err
	}
	if err := c.dc.Send(msg); err != nil {
		if c.closedErr() != nil {
			return io.EOF
		}
		return err
	}
	return nil
}

func (c *Channel) closedErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return c.err
	}
	return nil
}

// Recv implements fabrik.Transport.
func (c *Channel) Recv(ctx context.Context) ([]byte, error) {
	for {
		c.mu.Lock()
		if len(c.queue) > 0 {
			b := c.queue[0]
			c.queue[0] = nil
			c.queue = c.queue[1:]
			c.queued -= len(b)
			more := len(c.queue) > 0
			c.mu.Unlock()
			if more {
				c.signal()
			}
			return b, nil
		}
		if c.closed {
			err := c.err
			c.mu.Unlock()
			return nil, err
		}
		c.mu.Unlock()
		select {
		case <-c.wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Close implements fabrik.Transport.
func (c *Channel) Close() error {
	c.shut(io.EOF)
	return c.dc.Close()
}
