package store

import (
	"context"
	"sort"
	"strings"
	"sync"
)

// MemoryOptions configure a memory store.
type MemoryOptions struct {
	// Quota bounds the bytes of keys and values; 0 means no limit.
	Quota int64
}

// Memory is a Store in RAM: the reference implementation and the store of
// unit tests. Snapshot and Restore let crash tests freeze its state.
type Memory struct {
	mu     sync.Mutex
	m      map[string][]byte
	used   int64
	quota  int64
	closed bool
}

var (
	_ Store = (*Memory)(nil)
	_ Sizer = (*Memory)(nil)
)

// NewMemory returns an empty memory store.
func NewMemory(opts MemoryOptions) *Memory {
	return &Memory{m: map[string][]byte{}, quota: opts.Quota}
}

func (s *Memory) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed {
		return ErrClosed
	}
	return nil
}

// Get implements Store.
func (s *Memory) Get(ctx context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	return s.get(key)
}

func (s *Memory) get(key string) ([]byte, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	v, ok := s.m[key]
	if !ok {
		return nil, ErrNotFound
	}
	return append([]byte(nil), v...), nil
}

func (s *Memory) keys(prefix string) []string {
	var keys []string
	for k := range s.m {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// List implements Store.
func (s *Memory) List(ctx context.Context, prefix string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	return s.keys(prefix), nil
}

// Scan implements Store.
func (s *Memory) Scan(ctx context.Context, prefix string, fn func(string, []byte) error) error {
	s.mu.Lock()
	if err := s.check(ctx); err != nil {
		s.mu.Unlock()
		return err
	}
	keys := s.keys(prefix)
	vals := make([][]byte, len(keys))
	for i, k := range keys {
		vals[i] = append([]byte(nil), s.m[k]...)
	}
	s.mu.Unlock()
	for i, k := range keys {
		if err := fn(k, vals[i]); err != nil {
			return err
		}
	}
	return nil
}

// Put implements Store.
func (s *Memory) Put(ctx context.Context, key string, value []byte) error {
	return s.Txn(ctx, func(tx Tx) error { tx.Put(key, value); return nil })
}

// Delete implements Store.
func (s *Memory) Delete(ctx context.Context, key string) error {
	return s.Txn(ctx, func(tx Tx) error { tx.Delete(key); return nil })
}

// Txn implements Store.
func (s *Memory) Txn(ctx context.Context, fn func(Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ctx); err != nil {
		return err
	}
	tx, err := Collect(s.get, fn)
	if err != nil {
		return err
	}
	used := s.used
	for _, op := range tx.Ops() {
		if old, ok := s.m[op.Key]; ok {
			used -= int64(len(op.Key) + len(old))
		}
		if !op.Delete {
			used += int64(len(op.Key) + len(op.Value))
		}
	}
	if s.quota > 0 && used > s.quota && used > s.used {
		return ErrNoSpace
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, op := range tx.Ops() {
		if op.Delete {
			delete(s.m, op.Key)
		} else {
			s.m[op.Key] = append([]byte(nil), op.Value...)
		}
	}
	s.used = used
	return nil
}

// Size implements Sizer.
func (s *Memory) Size(ctx context.Context) (int64, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.used, s.quota, s.check(ctx)
}

// Close implements Store.
func (s *Memory) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// Snapshot returns a copy of the store's content.
func (s *Memory) Snapshot() map[string][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := make(map[string][]byte, len(s.m))
	for k, v := range s.m {
		c[k] = append([]byte(nil), v...)
	}
	return c
}

// NewMemoryFrom returns an open memory store holding a copy of content, as
// a store reopened after a crash would.
func NewMemoryFrom(content map[string][]byte, opts MemoryOptions) *Memory {
	s := NewMemory(opts)
	for k, v := range content {
		s.m[k] = append([]byte(nil), v...)
		s.used += int64(len(k) + len(v))
	}
	return s
}
