package chunkstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nachoos/nacho/fabrik"
)

// Disk is a Store in a directory: each object is a file named by its hex
// id under a two-hex-digit fan-out directory (ab/abcdef...), written to a
// temporary file, flushed and renamed into place so a crash never leaves a
// partial object under a valid name.
type Disk struct {
	dir string
}

var _ Store = (*Disk)(nil)

// NewDisk returns a Store in dir, creating it.
func NewDisk(dir string) (*Disk, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return nil, fmt.Errorf("chunkstore: %w", err)
	}
	return &Disk{dir: dir}, nil
}

func (s *Disk) path(id fabrik.ID) string {
	h := id.String()
	return filepath.Join(s.dir, h[:2], h)
}

// Put implements Store.
func (s *Disk) Put(ctx context.Context, id fabrik.ID, data []byte) error {
	p := s.path(id)
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "put-*")
	if err != nil {
		return fmt.Errorf("chunkstore: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if err = os.Rename(tmp, p); os.IsNotExist(err) {
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.Rename(tmp, p)
			}
		}
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("chunkstore: storing %s: %w", id, err)
	}
	return nil
}

// Get implements Store.
func (s *Disk) Get(ctx context.Context, id fabrik.ID) ([]byte, error) {
	b, err := os.ReadFile(s.path(id))
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return b, err
}

// Has implements Store.
func (s *Disk) Has(ctx context.Context, id fabrik.ID) (bool, error) {
	_, err := os.Stat(s.path(id))
	if os.IsNotExist(err) {
		return false, nil
	}
	return err == nil, err
}
