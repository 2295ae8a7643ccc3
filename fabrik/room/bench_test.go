//go:build !js

package room

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"testing"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/wire"
)

// The figures for the issue: chunk transfer over loopback data channels
// against the same bytes over plain loopback TCP, and the time to join a
// room and get a working link. Run with
//
//	go test -run XXX -bench . -benchtime 5x ./fabrik/room/

const benchSize = 48 << 20

// discardDest verifies nothing more and keeps nothing: the fetcher has
// already checked every chunk's hash.
type discardDest struct{}

func (discardDest) Open(*fabrik.Manifest, []fabrik.ChunkRef) ([]bool, error) { return nil, nil }
func (discardDest) WriteChunk(fabrik.ChunkRef, []byte) error                 { return nil }
func (discardDest) Commit() error                                            { return nil }
func (discardDest) Abort() error                                             { return nil }

// BenchmarkFetchDataChannel fetches a 48 MiB share from one peer over a
// loopback WebRTC data channel: the whole path, hashing included.
func BenchmarkFetchDataChannel(b *testing.B) {
	server := startNode(b)
	a := join(b, server, "bench", "s")
	c := join(b, server, "bench", "s")
	waitPeers(b, 1, a, c)
	dir := b.TempDir()
	writeRandom(b, dir, "f.bin", benchSize)
	sh, err := a.Share(context.Background(), os.DirFS(dir), "f.bin", ShareOptions{})
	if err != nil {
		b.Fatal(err)
	}
	id := sh.ID
	b.SetBytes(benchSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Fetch(context.Background(), id, discardDest{}, fabrik.FetchOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppChannel streams 48 MiB of maximum-size messages over a
// reliable application channel: the data channel with no chunk protocol.
func BenchmarkAppChannel(b *testing.B) {
	server := startNode(b)
	a := join(b, server, "bench", "s")
	c := join(b, server, "bench", "s")
	waitPeers(b, 1, a, c)
	ctx := context.Background()
	ca, _ := a.Channel("bulk", ChannelOptions{})
	cc, _ := c.Channel("bulk", ChannelOptions{})
	msg := make([]byte, MaxMessage)
	b.SetBytes(benchSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		errc := make(chan error, 1)
		go func() {
			for n := 0; n < benchSize; n += len(msg) {
				if err := ca.Send(ctx, msg); err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}()
		for n := 0; n < benchSize; {
			m, err := cc.Recv(ctx)
			if err != nil {
				b.Fatal(err)
			}
			n += len(m.Data)
		}
		if err := <-errc; err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTCPLoopback sends the same 48 MiB in data-channel-sized
// messages over a plain loopback TCP connection: the ceiling the data
// channel figures are compared with.
func BenchmarkTCPLoopback(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				io.Copy(io.Discard, c)
				c.Write([]byte{1})
				c.Close()
			}()
		}
	}()
	msg := make([]byte, wire.MaxMessage)
	b.SetBytes(benchSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		for n := 0; n < benchSize; n += len(msg) {
			if _, err := c.Write(msg); err != nil {
				b.Fatal(err)
			}
		}
		c.(*net.TCPConn).CloseWrite()
		io.ReadFull(c, make([]byte, 1))
		c.Close()
	}
}

// BenchmarkJoinAndConnect measures a peer joining a room where another
// peer waits, until both have a working link (data channels open, chunk
// protocol hello exchanged).
func BenchmarkJoinAndConnect(b *testing.B) {
	server := startNode(b)
	for i := 0; i < b.N; i++ {
		room := fmt.Sprintf("join-%d", i)
		b.StopTimer()
		a := join(b, server, room, "s")
		b.StartTimer()
		c := join(b, server, room, "s")
		waitPeers(b, 1, c, a)
		b.StopTimer()
		a.Close()
		c.Close()
		b.StartTimer()
	}
}
