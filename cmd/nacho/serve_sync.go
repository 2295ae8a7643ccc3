//go:build !js

package main

// Folder sync in `nacho serve`: the node keeps every synced folder's
// automerge document (under --data/sync) and runs the sync protocol with
// each replica, so offline edits meet here and a new device restores a
// folder from the node alone. Routes under /api/sync/ (see vfs/sync).

import (
	"context"
	"errors"
	"path/filepath"

	vsync "github.com/nachoos/nacho/vfs/sync"
	"github.com/nachoos/nacho/vfs/sync/crdt"
)

func init() {
	serveExtensions = append(serveExtensions, &serveExtension{
		name:  "sync",
		start: startSync,
	})
}

func startSync(ctx context.Context, env *serveEnv) (func() error, error) {
	s, err := vsync.NewServer(vsync.ServerConfig{Dir: filepath.Join(env.DataDir, "sync"), Log: env.Log})
	if errors.Is(err, crdt.ErrUnsupported) {
		// A build without cgo has no automerge: serve everything else.
		env.Log.Warn("sync: folder sync is off in this build", "err", err)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s.Register(env.Mux)
	env.Log.Info("sync: folder documents ready", "dir", filepath.Join(env.DataDir, "sync"), "routes", vsync.PathSync)
	return s.Close, nil
}
