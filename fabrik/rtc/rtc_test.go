//go:build !js

package rtc

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
)

// pair connects two peer connections in-process (no signaling server) and
// returns the two ends of one data channel.
func pair(t *testing.T) (*Channel, *Channel) {
	api := NewAPI(Config{})
	a, err := api.NewPeerConnection()
	if err != nil {
		t.Fatal(err)
	}
	b, err := api.NewPeerConnection()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	dc, err := a.CreateDataChannel("test", nil)
	if err != nil {
		t.Fatal(err)
	}
	ca := NewChannel(dc)
	got := make(chan *Channel, 1)
	b.OnDataChannel(func(dc *webrtc.DataChannel) { got <- NewChannel(dc) })

	offer, _ := a.CreateOffer(nil)
	gathered := webrtc.GatheringCompletePromise(a)
	a.SetLocalDescription(offer)
	<-gathered
	if err := b.SetRemoteDescription(*a.LocalDescription()); err != nil {
		t.Fatal(err)
	}
	answer, _ := b.CreateAnswer(nil)
	gathered = webrtc.GatheringCompletePromise(b)
	b.SetLocalDescription(answer)
	<-gathered
	if err := a.SetRemoteDescription(*b.LocalDescription()); err != nil {
		t.Fatal(err)
	}
	select {
	case cb := <-got:
		<-ca.Opened()
		<-cb.Opened()
		return ca, cb
	case <-time.After(20 * time.Second):
		t.Fatal("data channel did not open")
	}
	return nil, nil
}

func TestChannelOrderAndClose(t *testing.T) {
	a, b := pair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// More than the high-water mark, so Send has to wait for the buffer to
	// drain at least once.
	const n = 200
	msg := make([]byte, 60<<10)
	go func() {
		for i := 0; i < n; i++ {
			msg[0], msg[1] = byte(i), byte(i>>8)
			if err := a.Send(ctx, msg); err != nil {
				t.Errorf("Send %d: %v", i, err)
				return
			}
		}
	}()
	for i := 0; i < n; i++ {
		m, err := b.Recv(ctx)
		if err != nil {
			t.Fatalf("Recv %d: %v", i, err)
		}
		if len(m) != len(msg) || int(m[0])|int(m[1])<<8 != i {
			t.Fatalf("message %d arrived as %d bytes tagged %d", i, len(m), int(m[0])|int(m[1])<<8)
		}
	}
	a.Close()
	if _, err := b.Recv(ctx); !errors.Is(err, io.EOF) {
		t.Fatalf("Recv after the other side closed: %v, want EOF", err)
	}
	if err := a.Send(ctx, []byte("x")); err == nil {
		t.Fatal("Send on a closed channel succeeded")
	}
}

func TestRecvContext(t *testing.T) {
	_, b := pair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := b.Recv(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Recv with nothing sent: %v", err)
	}
}
