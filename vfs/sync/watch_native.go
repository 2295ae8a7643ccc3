//go:build !js

package sync

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fsnotify/fsnotify"
)

// WatchDir calls kick whenever something under root changes (inotify,
// kqueue, ...), so that a host folder is scanned when it changes rather
// than polled often. New directories are watched as they appear. It
// returns when ctx ends, or at once with an error when the system has no
// watcher to give (the engine's polling still runs).
func WatchDir(ctx context.Context, root string, skip string, kick func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	add := func(dir string) {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			if skip != "" && p == skip {
				return filepath.SkipDir
			}
			w.Add(p)
			return nil
		})
	}
	add(root)
	go func() {
		defer w.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if IsInternal(ev.Name) {
					continue
				}
				if ev.Has(fsnotify.Create) {
					if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
						add(ev.Name)
					}
				}
				kick()
			case _, ok := <-w.Errors:
				if !ok {
					return
				}
				kick() // an overflow: something changed, look
			}
		}
	}()
	return nil
}
