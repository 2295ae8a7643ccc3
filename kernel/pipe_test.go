package kernel

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"time"
)

// A producer far faster than its consumer must block, not drop: every byte
// written arrives, in order.
func TestPipeFastProducerLosesNothing(t *testing.T) {
	r, w := NewPipe()
	const total = 8 << 20
	src := make([]byte, total)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range src {
		src[i] = byte(rng.Uint32())
	}
	go func() {
		off := 0
		for off < total {
			n := min(total-off, 1+rng.IntN(200000))
			m, err := w.WriteContext(context.Background(), src[off:off+n])
			if err != nil {
				t.Errorf("write: %v", err)
				return
			}
			off += m
		}
		w.Close()
	}()
	var got bytes.Buffer
	buf := make([]byte, 1000)
	for {
		n, err := r.ReadContext(context.Background(), buf[:1+len(got.Bytes())%999])
		got.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if sha256.Sum256(got.Bytes()) != sha256.Sum256(src) {
		t.Fatalf("pipe corrupted data: got %d bytes, want %d", got.Len(), total)
	}
}

func TestPipeBlocksWhenFull(t *testing.T) {
	r, w := NewPipe()
	defer r.Close()
	n, err := w.WriteContext(context.Background(), make([]byte, PipeSize))
	if err != nil || n != PipeSize {
		t.Fatalf("filling write: %d, %v", n, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	n, err = w.WriteContext(ctx, []byte{1})
	if n != 0 || !errors.Is(err, ErrInterrupted) {
		t.Fatalf("write to a full pipe: got %d, %v; want it to block until interrupted", n, err)
	}
}

func TestPipeBrokenWhenReaderGone(t *testing.T) {
	r, w := NewPipe()
	r.Close()
	if _, err := w.WriteContext(context.Background(), []byte("x")); !errors.Is(err, ErrBrokenPipe) {
		t.Fatalf("write after reader closed: %v, want broken pipe", err)
	}
}

func TestPipeEOFOnlyWhenAllWritersClosed(t *testing.T) {
	r, w := NewPipe()
	w2 := w.Ref()
	w.WriteContext(context.Background(), []byte("ab"))
	w.Close()
	buf := make([]byte, 10)
	n, err := r.ReadContext(context.Background(), buf)
	if n != 2 || err != nil {
		t.Fatalf("read: %d %v", n, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := r.ReadContext(ctx, buf); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("read with a writer still open: %v, want it to block", err)
	}
	w2.Close()
	if _, err := r.ReadContext(context.Background(), buf); err != io.EOF {
		t.Fatalf("read after last writer closed: %v, want EOF", err)
	}
}
