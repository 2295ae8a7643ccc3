// Package storetest is the conformance suite every chunkstore.Store back
// end passes. It must not import syscall/js.
package storetest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"sync"
	"testing"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/chunkstore"
)

// Run runs the suite against stores made by open; each call must return an
// empty store.
func Run(t *testing.T, open func(t *testing.T) chunkstore.Store) {
	ctx := context.Background()
	blob := func(seed int64, n int) []byte {
		b := make([]byte, n)
		rand.New(rand.NewSource(seed)).Read(b)
		return b
	}
	t.Run("PutGetHas", func(t *testing.T) {
		s := open(t)
		for i, n := range []int{0, 1, 4096, fabrik.ChunkSize, fabrik.ChunkSize + 7} {
			data := blob(int64(i), n)
			id := fabrik.Sum(data)
			if ok, err := s.Has(ctx, id); err != nil || ok {
				t.Fatalf("Has before Put = %v, %v", ok, err)
			}
			if err := s.Put(ctx, id, data); err != nil {
				t.Fatalf("Put %d bytes: %v", n, err)
			}
			if ok, err := s.Has(ctx, id); err != nil || !ok {
				t.Fatalf("Has after Put = %v, %v", ok, err)
			}
			got, err := s.Get(ctx, id)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("Get %d bytes: %d bytes back, %v", n, len(got), err)
			}
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		s := open(t)
		_, err := s.Get(ctx, fabrik.Sum([]byte("absent")))
		if !chunkstore.IsNotFound(err) {
			t.Fatalf("Get of absent id: %v, want ErrNotFound", err)
		}
	})
	t.Run("PutTwice", func(t *testing.T) {
		s := open(t)
		data := blob(9, 1000)
		id := fabrik.Sum(data)
		for i := 0; i < 2; i++ {
			if err := s.Put(ctx, id, data); err != nil {
				t.Fatalf("Put #%d: %v", i+1, err)
			}
		}
		if got, err := s.Get(ctx, id); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("Get after two Puts: %v", err)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		s := open(t)
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < 8; i++ {
					data := blob(int64(i), 10000) // the same objects from every worker
					id := fabrik.Sum(data)
					if err := s.Put(ctx, id, data); err != nil {
						errs <- err
						return
					}
					got, err := s.Get(ctx, id)
					if err != nil || !bytes.Equal(got, data) {
						errs <- fmt.Errorf("worker %d object %d: %v", w, i, err)
						return
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	})
}

// Bench measures Put and then Get of fresh 1 MiB chunks (b.SetBytes is set
// so ns/op converts to MB/s).
func Bench(b *testing.B, s chunkstore.Store) {
	ctx := context.Background()
	data := make([]byte, fabrik.ChunkSize)
	rand.Read(data)
	ids := make([]fabrik.ID, 0, b.N)
	b.Run("Put", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			data[0], data[1], data[2], data[3] = byte(i), byte(i>>8), byte(i>>16), byte(rand.Int())
			id := fabrik.Sum(data)
			if err := s.Put(ctx, id, data); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, id)
		}
	})
	b.Run("Get", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			if _, err := s.Get(ctx, ids[i%len(ids)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
