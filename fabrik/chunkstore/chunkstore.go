// Package chunkstore keeps the cloud node's content-addressed objects
// (chunks and manifests) by their SHA-256 id: on local disk (Disk), in any
// S3-compatible object store (S3, through minio-go), or in memory (Mem,
// for tests). Every back end passes the same conformance suite,
// chunkstore/storetest.
//
// A Store trusts its caller to have checked that data hashes to id (the
// node's handlers do); it never changes an object once written, so a Put
// of an id that exists is a no-op.
//
// This package must not import syscall/js; the S3 back end is native only.
package chunkstore

import (
	"context"
	"errors"
	"sync"

	"github.com/nachoos/nacho/fabrik"
)

// ErrNotFound is returned by Get for an id that is not stored.
var ErrNotFound = fabrik.ErrNotFound

// Store is a content-addressed object store.
type Store interface {
	// Put stores data under id. Storing an id that exists succeeds
	// without writing.
	Put(ctx context.Context, id fabrik.ID, data []byte) error
	// Get returns the object, or an error wrapping ErrNotFound.
	Get(ctx context.Context, id fabrik.ID) ([]byte, error)
	// Has reports whether the object is stored.
	Has(ctx context.Context, id fabrik.ID) (bool, error)
}

// Mem is a Store in memory.
type Mem struct {
	mu sync.RWMutex
	m  map[fabrik.ID][]byte
}

var _ Store = (*Mem)(nil)

// NewMem returns an empty in-memory store.
func NewMem() *Mem { return &Mem{m: map[fabrik.ID][]byte{}} }

// Put implements Store.
func (s *Mem) Put(ctx context.Context, id fabrik.ID, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[id]; !ok {
		s.m[id] = append([]byte(nil), data...)
	}
	return nil
}

// Get implements Store.
func (s *Mem) Get(ctx context.Context, id fabrik.ID) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.m[id]
	if !ok {
		return nil, ErrNotFound
	}
	return append([]byte(nil), b...), nil
}

// Has implements Store.
func (s *Mem) Has(ctx context.Context, id fabrik.ID) (bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.m[id]
	return ok, nil
}

// IsNotFound reports whether err means the object is absent.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
