// Package tiered assembles Nacho's file tree from the storage layers: "/"
// is the persistent chunkfs (IndexedDB in the browser, the file store
// natively) under its RAM cache, "/tmp" is a RAM disk, and Blobs is the
// store for large immutable blobs (OPFS in the browser). The page's kernel
// calls Open with the embedding page's persistence namespace, so two embeds
// never share files.
//
// It must not import syscall/js itself; the browser parts come from
// vfs/idb and vfs/opfs.
package tiered

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/chunkfs"
	"github.com/nachoos/nacho/vfs/memfs"
	"github.com/nachoos/nacho/vfs/store"
)

// Options configure a System.
type Options struct {
	// Namespace separates the files of different embeddings (the embed
	// API's persist name). Default "default".
	Namespace string
	// Dir is where the native build keeps its data (one subdirectory per
	// namespace). Unused in the browser.
	Dir string
	// Quota bounds the file content under "/"; writes past it fail with
	// ENOSPC. 0: in the browser, the origin's quota from
	// navigator.storage.estimate; natively, none.
	Quota int64
	// TmpQuota bounds "/tmp" (RAM); 0 means no limit.
	TmpQuota int64
	// FS tunes the persistent file system (cache, dirty data, commit delay).
	FS chunkfs.Options
	// RequestPersist asks the browser to keep this origin's storage under
	// pressure (navigator.storage.persist). Browser only.
	RequestPersist bool
	// LockWait is how long Open waits for another holder of the namespace
	// to let go (see idb.Options.LockWait). Browser only.
	LockWait time.Duration
}

// System is a mounted tree and its layers.
type System struct {
	VFS   *vfs.VFS
	Root  *chunkfs.FS // "/"
	Tmp   *memfs.FS   // "/tmp"
	Blobs store.Store // large blobs; nil where there is no blob store
	// Persistent reports whether the browser agreed to keep the storage
	// (always true natively).
	Persistent bool
	// Notes says what was not available (no OPFS, persistence refused).
	Notes []string
}

// Mount builds a System over a root store and an optional blob store. It
// owns both from then on.
func Mount(ctx context.Context, root, blobs store.Store, opts Options) (*System, error) {
	fsOpts := opts.FS
	if opts.Quota > 0 {
		fsOpts.Quota = opts.Quota
	}
	rfs, err := chunkfs.Open(ctx, root, fsOpts)
	if err != nil {
		root.Close()
		if blobs != nil {
			blobs.Close()
		}
		return nil, err
	}
	v := vfs.New(rfs)
	tmp := memfs.New(memfs.Options{Quota: opts.TmpQuota})
	if err := v.MkdirAll("/tmp", 0o755); err == nil {
		err = v.Mount("/tmp", tmp, vfs.MountOptions{})
	}
	if err != nil {
		rfs.Close()
		return nil, fmt.Errorf("tiered: mounting /tmp: %w", err)
	}
	vfs.New(tmp).Chmod("/", 0o777)
	return &System{VFS: v, Root: rfs, Tmp: tmp, Blobs: blobs, Persistent: true}, nil
}

// Problems lists damage the persistent file system found (see
// chunkfs.FS.Problems), for the kernel to show.
func (s *System) Problems() []string { return s.Root.Problems() }

// Sync returns once everything written so far under "/" is durable. The
// page calls it when it is hidden or closed.
func (s *System) Sync() error { return s.VFS.Sync() }

// Close syncs and releases every layer.
func (s *System) Close() error {
	err := s.VFS.Sync()
	if uerr := s.VFS.Unmount("/tmp"); uerr != nil && err == nil {
		err = uerr
	}
	if cerr := s.Root.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if s.Blobs != nil {
		if cerr := s.Blobs.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

func (o *Options) namespace() (string, error) {
	if o.Namespace == "" {
		return "default", nil
	}
	if err := vfs.ValidName(o.Namespace); err != nil {
		return "", fmt.Errorf("tiered: bad namespace %q: %w", o.Namespace, err)
	}
	return o.Namespace, nil
}

var errNoDir = errors.New("tiered: Options.Dir is required natively")
