package sync

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// StateStore keeps a replica's own state between runs: its copy of the
// document and the index of what it last saw on disk. Natively a
// directory (DirState); in the page, anything that stores named blobs.
type StateStore interface {
	// Load returns the blob, or an error wrapping fs.ErrNotExist.
	Load(name string) ([]byte, error)
	// Save replaces the blob atomically and durably.
	Save(name string, data []byte) error
}

// DirState is a StateStore in a directory of the host's disk.
type DirState struct{ dir string }

var _ StateStore = DirState{}

// NewDirState returns the state directory dir, made if missing.
func NewDirState(dir string) (DirState, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return DirState{}, err
	}
	return DirState{dir: dir}, nil
}

func (s DirState) Load(name string) ([]byte, error) { return os.ReadFile(filepath.Join(s.dir, name)) }

func (s DirState) Save(name string, data []byte) error {
	tmp, err := os.CreateTemp(s.dir, "."+name+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(s.dir, name))
}

// MemState is a StateStore in memory (tests, and pages that keep nothing).
type MemState struct{ m map[string][]byte }

// NewMemState returns an empty MemState.
func NewMemState() *MemState { return &MemState{m: map[string][]byte{}} }

func (s *MemState) Load(name string) ([]byte, error) {
	b, ok := s.m[name]
	if !ok {
		return nil, fmt.Errorf("%s: %w", name, fs.ErrNotExist)
	}
	return append([]byte(nil), b...), nil
}

func (s *MemState) Save(name string, data []byte) error {
	s.m[name] = append([]byte(nil), data...)
	return nil
}

// Names of the blobs in a StateStore.
const (
	stateDoc   = "doc.automerge"
	stateIndex = "index.json"
)

// indexEntry is what the replica last knew of one path on its disk: the
// entry and version it holds, and how the file looked then.
type indexEntry struct {
	ID        string `json:"id,omitempty"` // "" for a directory that exists only as a parent
	VID       string `json:"vid,omitempty"`
	Kind      string `json:"kind"`
	Size      int64  `json:"size,omitempty"`
	MtimeNs   int64  `json:"mtime,omitempty"`
	Mode      uint32 `json:"mode,omitempty"`
	ChunkSize int64  `json:"cs,omitempty"`
	Chunks    []byte `json:"chunks,omitempty"`
}

// index is the replica's local state besides the document.
type index struct {
	Format int                    `json:"format"`
	Device string                 `json:"device"`
	Paths  map[string]*indexEntry `json:"paths"`
	// Cloud holds the versions whose chunks are all on the node.
	Cloud map[string]bool `json:"cloud"`
	// Waiting counts local changes the node has not acknowledged yet.
	Waiting int `json:"waiting"`
}

func newIndex() *index {
	return &index{Format: 1, Device: randomHex(8), Paths: map[string]*indexEntry{}, Cloud: map[string]bool{}}
}

func loadIndex(b []byte) (*index, error) {
	var x index
	if err := json.Unmarshal(b, &x); err != nil {
		return nil, fmt.Errorf("sync: index: %w", err)
	}
	if x.Format != 1 || x.Device == "" {
		return nil, errors.New("sync: index: unknown format")
	}
	if x.Paths == nil {
		x.Paths = map[string]*indexEntry{}
	}
	if x.Cloud == nil {
		x.Cloud = map[string]bool{}
	}
	for p := range x.Paths {
		if CheckPath(p) != nil {
			delete(x.Paths, p)
		}
	}
	return &x, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// DocName names a folder's document on the node. It is derived from the
// room's secret, so the node's URL space reveals nothing and only members
// of the room can ask for the document.
func DocName(room, secret, folder string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("nacho-sync/v1\x00" + room + "\x00" + folder))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// checkDocName accepts what DocName makes.
func checkDocName(s string) error {
	if len(s) != 32 {
		return fmt.Errorf("sync: document name %q: want 32 hex digits", clip(s))
	}
	if _, err := hex.DecodeString(s); err != nil {
		return fmt.Errorf("sync: document name %q: not hex", clip(s))
	}
	return nil
}
