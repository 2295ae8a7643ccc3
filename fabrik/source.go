package fabrik

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"
)

// ErrNotFound is returned when a source does not have a chunk or manifest.
var ErrNotFound = errors.New("fabrik: not found")

// ErrCorrupt is returned when bytes do not hash to the id they were asked
// for (or have the wrong length).
var ErrCorrupt = errors.New("fabrik: content does not match its hash")

// Source is what a peer serves to others: chunks and manifests by id.
type Source interface {
	// HasChunk reports whether ReadChunk(id) would likely succeed.
	HasChunk(id ID) bool
	// ReadChunk returns the chunk's bytes, appended to buf[:0] where it
	// fits. It returns ErrNotFound if the chunk is not here, ErrCorrupt if
	// the bytes it holds no longer match id (a shared file changed).
	ReadChunk(id ID, buf []byte) ([]byte, error)
	// Manifest returns an encoded manifest, or ErrNotFound.
	Manifest(id ID) ([]byte, error)
}

// Library is a Source built from shared files and fetched chunks. It is
// safe for concurrent use.
type Library struct {
	mu        sync.RWMutex
	chunks    map[ID]chunkLoc
	manifests map[ID][]byte
}

type chunkLoc struct {
	fsys fs.FS
	path string
	mem  []byte // when held in memory instead
	off  int64
	n    int
}

var _ Source = (*Library)(nil)

// NewLibrary returns an empty library.
func NewLibrary() *Library {
	return &Library{chunks: map[ID]chunkLoc{}, manifests: map[ID][]byte{}}
}

// AddManifest adds an encoded manifest and returns its id.
func (l *Library) AddManifest(b []byte) ID {
	id := Sum(b)
	l.mu.Lock()
	l.manifests[id] = b
	l.mu.Unlock()
	return id
}

// AddLocated adds chunks whose bytes live in files.
func (l *Library) AddLocated(locs []Located) {
	l.mu.Lock()
	for _, c := range locs {
		l.chunks[c.ID] = chunkLoc{fsys: c.FS, path: c.Path, off: c.Offset, n: c.Len}
	}
	l.mu.Unlock()
}

// AddChunk adds a chunk held in memory. The library keeps b.
func (l *Library) AddChunk(id ID, b []byte) {
	l.mu.Lock()
	l.chunks[id] = chunkLoc{mem: b, n: len(b)}
	l.mu.Unlock()
}

// Share builds the manifest of root in fsys, adds it and its chunks, and
// returns its id and the manifest.
func (l *Library) Share(fsys fs.FS, root string, skip func(path, why string)) (ID, *Manifest, error) {
	m, locs, err := BuildManifest(fsys, root, skip)
	if err != nil {
		return ID{}, nil, err
	}
	b, err := m.Encode()
	if err != nil {
		return ID{}, nil, err
	}
	l.AddLocated(locs)
	return l.AddManifest(b), m, nil
}

// HasChunk implements Source.
func (l *Library) HasChunk(id ID) bool {
	l.mu.RLock()
	_, ok := l.chunks[id]
	l.mu.RUnlock()
	return ok
}

// ReadChunk implements Source. Bytes read from a file are checked against
// id, so a file changed since it was shared is reported, not served.
func (l *Library) ReadChunk(id ID, buf []byte) ([]byte, error) {
	l.mu.RLock()
	c, ok := l.chunks[id]
	l.mu.RUnlock()
	if !ok {
		return nil, ErrNotFound
	}
	if c.mem != nil {
		return append(buf[:0], c.mem...), nil
	}
	f, err := c.fsys.Open(c.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if cap(buf) < c.n {
		buf = make([]byte, c.n)
	}
	buf = buf[:c.n]
	if ra, ok := f.(io.ReaderAt); ok {
		_, err = ra.ReadAt(buf, c.off)
	} else if s, ok := f.(io.Seeker); ok {
		if _, err = s.Seek(c.off, io.SeekStart); err == nil {
			_, err = io.ReadFull(f, buf)
		}
	} else {
		if _, err = io.CopyN(io.Discard, f, c.off); err == nil {
			_, err = io.ReadFull(f, buf)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("fabrik: reading chunk of %s: %w", c.path, err)
	}
	if Sum(buf) != id {
		return nil, fmt.Errorf("%w: %s changed since it was shared", ErrCorrupt, c.path)
	}
	return buf, nil
}

// Manifest implements Source.
func (l *Library) Manifest(id ID) ([]byte, error) {
	l.mu.RLock()
	b, ok := l.manifests[id]
	l.mu.RUnlock()
	if !ok {
		return nil, ErrNotFound
	}
	return b, nil
}
