//go:build !js

package chunkstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nachoos/nacho/fabrik/chunkstore"
	"github.com/nachoos/nacho/fabrik/chunkstore/storetest"
)

func TestMem(t *testing.T) {
	storetest.Run(t, func(t *testing.T) chunkstore.Store { return chunkstore.NewMem() })
}

func TestDisk(t *testing.T) {
	storetest.Run(t, func(t *testing.T) chunkstore.Store {
		s, err := chunkstore.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

var bucketSeq atomic.Int32

// s3Store opens a store in a fresh bucket of a SeaweedFS started for the
// test, waiting for the server to accept the first bucket.
func s3Store(t testing.TB, cfg chunkstore.S3Config) chunkstore.Store {
	cfg.Bucket = fmt.Sprintf("nacho-%d-%d", time.Now().UnixNano()%1e6, bucketSeq.Add(1))
	cfg.Prefix = "chunks/"
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		var s *chunkstore.S3
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		s, err = chunkstore.NewS3(ctx, cfg)
		cancel()
		if err == nil {
			return s
		}
	}
	t.Fatalf("S3 store: %v", err)
	return nil
}

func TestS3(t *testing.T) {
	if testing.Short() {
		t.Skip("starts SeaweedFS")
	}
	cfg := storetest.StartSeaweedFS(t)
	storetest.Run(t, func(t *testing.T) chunkstore.Store { return s3Store(t, cfg) })
}

func TestS3WrongCredentials(t *testing.T) {
	if testing.Short() {
		t.Skip("starts SeaweedFS")
	}
	cfg := storetest.StartSeaweedFS(t)
	s3Store(t, cfg) // wait until it serves
	cfg.SecretKey = "wrong"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := chunkstore.NewS3(ctx, cfg); err == nil {
		t.Fatal("NewS3 with a wrong secret key succeeded")
	}
}

func BenchmarkDisk(b *testing.B) {
	s, err := chunkstore.NewDisk(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	storetest.Bench(b, s)
}

func BenchmarkMem(b *testing.B) { storetest.Bench(b, chunkstore.NewMem()) }

func BenchmarkS3(b *testing.B) {
	cfg := storetest.StartSeaweedFS(b)
	storetest.Bench(b, s3Store(b, cfg))
}
