//go:build js && wasm

package main

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/chunkfs"
	"github.com/nachoos/nacho/vfs/idb"
	"github.com/nachoos/nacho/vfs/memfs"
)

// storage is the page's file namespace and what became of the persistent
// part.
type storage struct {
	fs        *vfs.VFS
	root      *chunkfs.FS // nil when / is temporary
	exclusive bool        // this tab owns the namespace's persistent files
	warning   string      // why / is temporary, or what was found damaged
}

// mountFilesystems builds the page's file namespace: / persistent
// (IndexedDB under chunkfs's RAM cache), /tmp in RAM. A second tab of the
// same namespace finds it locked and gets a RAM root instead: the first tab
// keeps sole use of the database.
func mountFilesystems(opts js.Value) (*storage, error) {
	ns := opts.Get("namespace").String()
	if ns == "" {
		ns = "default"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s := &storage{}
	var root vfs.Filesystem
	st, err := idb.Open(ctx, ns, idb.Options{})
	switch {
	case errors.Is(err, idb.ErrLocked):
		s.warning = "Nacho is open in another tab: files made here are temporary"
	case err != nil:
		s.warning = fmt.Sprintf("persistent storage is unavailable (%v): files made here are temporary", err)
	default:
		fsys, err := chunkfs.Open(ctx, st, chunkfs.Options{})
		if err != nil {
			st.Close()
			s.warning = fmt.Sprintf("the file system in IndexedDB could not be opened (%v): files made here are temporary", err)
			break
		}
		if probs := fsys.Problems(); len(probs) > 0 {
			s.warning = fmt.Sprintf("the file system was damaged; %d problem(s) found, the rest is readable (see dmesg)", len(probs))
			for _, p := range probs {
				logf("chunkfs: %s", p)
			}
		}
		s.root, s.exclusive, root = fsys, true, fsys
	}
	if root == nil {
		root = memfs.New(memfs.Options{})
	}
	s.fs = vfs.New(root)
	for _, d := range []string{"/home", "/tmp"} {
		if err := s.fs.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if err := s.fs.Mount("/tmp", memfs.New(memfs.Options{}), vfs.MountOptions{}); err != nil {
		return nil, err
	}
	return s, nil
}

// logf sends a line to the page's console.
func logf(format string, a ...any) {
	post(obj{"type": "log", "level": "info", "text": fmt.Sprintf(format, a...)})
}
