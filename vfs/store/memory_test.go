package store_test

import (
	"testing"

	"github.com/nachoos/nacho/vfs/store"
	"github.com/nachoos/nacho/vfs/store/storetest"
)

func TestMemory(t *testing.T) {
	storetest.Run(t, storetest.Config{
		New: func(t *testing.T) store.Store { return store.NewMemory(store.MemoryOptions{}) },
		NewQuota: func(t *testing.T, quota int64) store.Store {
			return store.NewMemory(store.MemoryOptions{Quota: quota})
		},
		Reopen: func(t *testing.T, s store.Store) store.Store {
			m := s.(*store.Memory)
			snap := m.Snapshot()
			m.Close()
			return store.NewMemoryFrom(snap, store.MemoryOptions{})
		},
	})
}
