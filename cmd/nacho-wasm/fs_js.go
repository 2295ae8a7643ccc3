//go:build js && wasm

package main

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/idb"
	"github.com/nachoos/nacho/vfs/memfs"
	"github.com/nachoos/nacho/vfs/tiered"
)

// storage is the page's file namespace and what became of the persistent
// part.
type storage struct {
	fs        *vfs.VFS
	sys       *tiered.System // nil when / is temporary
	exclusive bool           // this tab owns the namespace's persistent files
	warning   string         // why / is temporary, or what was found damaged
}

// mountFilesystems builds the page's file namespace (vfs/tiered): /
// persistent in IndexedDB under chunkfs's RAM cache, /tmp in RAM, large
// blobs in OPFS. A second tab of the same namespace finds it locked and
// gets a RAM root instead: the first tab keeps sole use of the database.
// (Persistence itself is asked for by the page: StorageManager.persist
// exists only in windows.)
func mountFilesystems(opts js.Value) (*storage, error) {
	ns := opts.Get("namespace").String()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s := &storage{}
	// A reload starts this kernel while the previous page's is still
	// letting go of the namespace: wait a little for it. A second tab that
	// really holds it costs this much boot time, then gets temporary files.
	sys, err := tiered.Open(ctx, tiered.Options{Namespace: ns, LockWait: 2 * time.Second})
	switch {
	case errors.Is(err, idb.ErrLocked):
		s.warning = "Nacho is open in another tab: files made here are temporary"
	case err != nil:
		s.warning = fmt.Sprintf("persistent storage is unavailable (%v): files made here are temporary", err)
	default:
		s.sys, s.exclusive, s.fs = sys, true, sys.VFS
		if probs := sys.Problems(); len(probs) > 0 {
			s.warning = fmt.Sprintf("the file system was damaged: %d problem(s) found (see the console); the rest is readable", len(probs))
			for _, p := range probs {
				logf("chunkfs: %s", p)
			}
		}
		for _, n := range sys.Notes {
			logf("storage: %s", n)
		}
	}
	if s.fs == nil {
		s.fs = vfs.New(memfs.New(memfs.Options{}))
		if err := s.fs.MkdirAll("/tmp", 0o777); err != nil {
			return nil, err
		}
	}
	if err := s.fs.MkdirAll("/home", 0o755); err != nil {
		return nil, err
	}
	return s, nil
}

// logf sends a line to the page's console.
func logf(format string, a ...any) {
	post(obj{"type": "log", "level": "info", "text": fmt.Sprintf(format, a...)})
}
