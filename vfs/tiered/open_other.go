//go:build !js

package tiered

import (
	"context"
	"path/filepath"

	"github.com/nachoos/nacho/vfs/store/filestore"
)

// Open mounts the namespace's tree from Options.Dir: <Dir>/<namespace>/root
// holds "/" and <Dir>/<namespace>/blobs the blob store.
func Open(ctx context.Context, opts Options) (*System, error) {
	ns, err := opts.namespace()
	if err != nil {
		return nil, err
	}
	if opts.Dir == "" {
		return nil, errNoDir
	}
	base := filepath.Join(opts.Dir, ns)
	root, err := filestore.Open(filepath.Join(base, "root"), filestore.Options{})
	if err != nil {
		return nil, err
	}
	blobs, err := filestore.Open(filepath.Join(base, "blobs"), filestore.Options{})
	if err != nil {
		root.Close()
		return nil, err
	}
	return Mount(ctx, root, blobs, opts)
}
