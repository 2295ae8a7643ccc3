//go:build !js

package filestore

import (
	"os"
)

// layer is the file operations the store uses; tests replace it to inject
// a crash at any step.
type layer interface {
	OpenFile(name string, flag int) (file, error)
	Rename(oldname, newname string) error
	Remove(name string) error
	ReadDir(dir string) ([]string, error)
	SyncDir(dir string) error
}

type file interface {
	ReadAt(p []byte, off int64) (int, error)
	WriteAt(p []byte, off int64) (int, error)
	Truncate(size int64) error
	Sync() error
	Size() (int64, error)
	Close() error
}

type osLayer struct{}

type osFile struct{ *os.File }

func (f osFile) Size() (int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

func (osLayer) OpenFile(name string, flag int) (file, error) {
	f, err := os.OpenFile(name, flag, 0o644)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

func (osLayer) Rename(o, n string) error { return os.Rename(o, n) }
func (osLayer) Remove(name string) error { return os.Remove(name) }

func (osLayer) ReadDir(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(ents))
	for i, e := range ents {
		names[i] = e.Name()
	}
	return names, nil
}

func (osLayer) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
