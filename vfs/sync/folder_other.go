//go:build !linux

package sync

import (
	"io/fs"
	"os"
	"path/filepath"
)

// hostSync flushes every regular file under root (no portable sync(2)).
func hostSync(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return nil
		}
		defer f.Close()
		return f.Sync()
	})
}
