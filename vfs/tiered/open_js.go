//go:build js && wasm

package tiered

import (
	"context"

	"github.com/nachoos/nacho/vfs/idb"
	"github.com/nachoos/nacho/vfs/opfs"
	"github.com/nachoos/nacho/vfs/store"
)

// Open mounts the namespace's tree: "/" on IndexedDB database
// "nacho/<namespace>", blobs in OPFS directory nacho/<namespace> (Blobs is
// nil, with a note, where the browser has no OPFS). Without a Quota, "/"
// may use what navigator.storage.estimate allows the origin. Open fails
// with idb.ErrLocked when another tab holds the namespace.
func Open(ctx context.Context, opts Options) (*System, error) {
	ns, err := opts.namespace()
	if err != nil {
		return nil, err
	}
	var notes []string
	persistent := false
	if opts.RequestPersist {
		if ok, err := idb.RequestPersist(ctx); err == nil {
			persistent = ok
			if !ok {
				notes = append(notes, "the browser did not grant persistent storage; it may evict files under storage pressure")
			}
		} else {
			notes = append(notes, "persistent storage unavailable: "+err.Error())
		}
	} else if ok, err := idb.Persisted(ctx); err == nil {
		persistent = ok
	}
	if opts.Quota == 0 {
		if usage, quota, err := idb.Estimate(ctx); err == nil && quota > usage {
			opts.Quota = quota
		}
	}
	root, err := idb.Open(ctx, ns, idb.Options{LockWait: opts.LockWait})
	if err != nil {
		return nil, err
	}
	var blobs store.Store
	if b, err := opfs.Open(ctx, ns); err == nil {
		blobs = b
	} else {
		notes = append(notes, "no blob store: "+err.Error())
	}
	s, err := Mount(ctx, root, blobs, opts)
	if err != nil {
		return nil, err
	}
	s.Persistent, s.Notes = persistent, notes
	return s, nil
}
