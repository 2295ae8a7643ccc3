package fabrik

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// ChunkSize is the size of every chunk but a file's last. Fixed-size chunks
// (rather than content-defined ones) because the VFS stores files as fixed
// 1 MiB SHA-256 chunks too: a file written in the page and shared, or
// fetched and then stored, maps chunk for chunk onto the same ids with no
// re-chunking, and a chunk index is a plain offset/ChunkSize. 1 MiB is large
// enough that per-chunk overhead (a hash check, a request, a store object)
// is negligible and small enough that a lost peer costs little to re-fetch.
const ChunkSize = 1 << 20

// Limits a manifest must keep; DecodeManifest rejects anything past them.
const (
	MinChunkSize   = 64 << 10
	MaxChunkSize   = 4 << 20
	MaxManifest    = 8 << 20 // encoded bytes
	MaxEntries     = 1 << 18
	MaxFileSize    = 1 << 42
	MaxPathLen     = 4096
	ManifestFormat = 1
)

// Kinds of manifest and entry.
const (
	KindFile = "file"
	KindDir  = "dir"
)

// Manifest describes a shared file or folder. Its ID is the SHA-256 of its
// encoding (Encode), so a fetcher that knows the ID can verify the manifest
// and, through the chunk hashes in it, every byte.
type Manifest struct {
	Format    int     `json:"format"`
	Kind      string  `json:"kind"` // KindFile or KindDir
	Name      string  `json:"name"` // base name of what was shared
	ChunkSize int     `json:"chunkSize"`
	Entries   []Entry `json:"entries"`
}

// Entry is one file or directory in a manifest. A file manifest has exactly
// one entry, a file with Path "". A folder's entries have slash-separated
// paths relative to the folder, parents before children.
type Entry struct {
	Path   string `json:"path"`
	Kind   string `json:"kind"`
	Mode   uint32 `json:"mode"` // permission bits (0o777)
	Size   int64  `json:"size,omitempty"`
	Chunks []ID   `json:"chunks,omitempty"`
}

// Encode returns the manifest's canonical encoding. The same manifest always
// encodes to the same bytes.
func (m *Manifest) Encode() ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxManifest {
		return nil, fmt.Errorf("fabrik: manifest of %d bytes over the %d-byte limit", len(b), MaxManifest)
	}
	return b, nil
}

// ErrBadManifest is wrapped by every manifest validation error.
var ErrBadManifest = errors.New("fabrik: bad manifest")

func badManifest(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrBadManifest, fmt.Sprintf(format, a...))
}

// DecodeManifest parses and validates a manifest. It does not check the
// bytes against an ID; callers that fetched it by ID do that first.
func DecodeManifest(b []byte) (*Manifest, error) {
	if len(b) > MaxManifest {
		return nil, badManifest("%d bytes over the %d-byte limit", len(b), MaxManifest)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, badManifest("%v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, badManifest("trailing data after the manifest")
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	// Only the canonical encoding is accepted, so one manifest has one ID.
	if canon, _ := json.Marshal(&m); !bytes.Equal(canon, b) {
		return nil, badManifest("not in canonical form")
	}
	return &m, nil
}

// Validate checks the manifest's invariants.
func (m *Manifest) Validate() error {
	if m.Format != ManifestFormat {
		return badManifest("format %d, this build reads %d", m.Format, ManifestFormat)
	}
	if m.ChunkSize < MinChunkSize || m.ChunkSize > MaxChunkSize || m.ChunkSize&(m.ChunkSize-1) != 0 {
		return badManifest("chunk size %d not a power of two in [%d, %d]", m.ChunkSize, MinChunkSize, MaxChunkSize)
	}
	if err := checkName(m.Name); err != nil {
		return badManifest("name: %v", err)
	}
	if len(m.Entries) > MaxEntries {
		return badManifest("%d entries over the limit of %d", len(m.Entries), MaxEntries)
	}
	switch m.Kind {
	case KindFile:
		if len(m.Entries) != 1 || m.Entries[0].Path != "" || m.Entries[0].Kind != KindFile {
			return badManifest("a file manifest has exactly one file entry with an empty path")
		}
	case KindDir:
		seen := make(map[string]string, len(m.Entries))
		for i := range m.Entries {
			p := m.Entries[i].Path
			if len(p) > MaxPathLen || !fs.ValidPath(p) || p == "." || strings.Contains(p, "\\") {
				return badManifest("entry %d: invalid path %q", i, clip(p))
			}
			if _, dup := seen[p]; dup {
				return badManifest("entry %d: duplicate path %q", i, clip(p))
			}
			if dir := path.Dir(p); dir != "." && seen[dir] != KindDir {
				return badManifest("entry %d: %q comes before its directory", i, clip(p))
			}
			seen[p] = m.Entries[i].Kind
		}
	default:
		return badManifest("kind %q", clip(m.Kind))
	}
	for i := range m.Entries {
		e := &m.Entries[i]
		if e.Mode&^0o777 != 0 {
			return badManifest("entry %d: mode %o has more than permission bits", i, e.Mode)
		}
		switch e.Kind {
		case KindDir:
			if e.Size != 0 || len(e.Chunks) != 0 {
				return badManifest("entry %d: a directory has no size or chunks", i)
			}
		case KindFile:
			if e.Size < 0 || e.Size > MaxFileSize {
				return badManifest("entry %d: size %d out of range", i, e.Size)
			}
			if want := (e.Size + int64(m.ChunkSize) - 1) / int64(m.ChunkSize); int64(len(e.Chunks)) != want {
				return badManifest("entry %d: %d chunks for %d bytes, want %d", i, len(e.Chunks), e.Size, want)
			}
		default:
			return badManifest("entry %d: kind %q", i, clip(e.Kind))
		}
	}
	return nil
}

// checkName accepts one path element that is safe to create on any system.
func checkName(name string) error {
	if name == "" || name == "." || name == ".." || len(name) > 255 || strings.ContainsAny(name, "/\\\x00") {
		return fmt.Errorf("%q is not a plain file name", clip(name))
	}
	return nil
}

// Size returns the total bytes of all files in the manifest.
func (m *Manifest) Size() int64 {
	var n int64
	for i := range m.Entries {
		n += m.Entries[i].Size
	}
	return n
}

// ChunkRef places one chunk: entry Entry of the manifest, at byte Offset,
// Len bytes long.
type ChunkRef struct {
	ID     ID
	Entry  int
	Offset int64
	Len    int
}

// Chunks lists every chunk of the manifest in order, with its place. A
// chunk id that appears several times (repeated content) is listed at each
// place.
func (m *Manifest) Chunks() []ChunkRef {
	var refs []ChunkRef
	cs := int64(m.ChunkSize)
	for ei := range m.Entries {
		e := &m.Entries[ei]
		for ci, id := range e.Chunks {
			off := int64(ci) * cs
			n := min(cs, e.Size-off)
			refs = append(refs, ChunkRef{ID: id, Entry: ei, Offset: off, Len: int(n)})
		}
	}
	return refs
}

// ErrUnsupported is returned for operations this build cannot do.
var ErrUnsupported = errors.New("fabrik: not supported on this platform")

// BuildManifest reads root (a file or a directory) from fsys, chunks and
// hashes every file, and returns the manifest plus where each chunk's bytes
// are, for a Library to serve. Symbolic links and special files are
// skipped; skipped names are reported through skip (which may be nil).
func BuildManifest(fsys fs.FS, root string, skip func(path string, why string)) (*Manifest, []Located, error) {
	info, err := fs.Stat(fsys, root)
	if err != nil {
		return nil, nil, err
	}
	name := path.Base(root)
	if root == "." {
		name = "share"
	}
	m := &Manifest{Format: ManifestFormat, Name: name, ChunkSize: ChunkSize}
	var locs []Located
	if !info.IsDir() {
		if !info.Mode().IsRegular() {
			return nil, nil, fmt.Errorf("fabrik: %s is not a regular file or a directory", root)
		}
		m.Kind = KindFile
		e, l, err := chunkFile(fsys, root, info, "")
		if err != nil {
			return nil, nil, err
		}
		m.Entries = []Entry{e}
		locs = l
	} else {
		m.Kind = KindDir
		// WalkDir visits a directory before its contents and in lexical
		// order, which is the order a manifest needs.
		err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p == root {
				return nil
			}
			rel := strings.TrimPrefix(p, root+"/")
			if root == "." {
				rel = p
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			switch {
			case d.IsDir():
				m.Entries = append(m.Entries, Entry{Path: rel, Kind: KindDir, Mode: uint32(info.Mode().Perm())})
			case info.Mode().IsRegular():
				e, l, err := chunkFile(fsys, p, info, rel)
				if err != nil {
					return err
				}
				m.Entries = append(m.Entries, e)
				locs = append(locs, l...)
			default:
				if skip != nil {
					skip(rel, "not a regular file or directory")
				}
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	if err := m.Validate(); err != nil {
		return nil, nil, err
	}
	return m, locs, nil
}

// Located says where one chunk's bytes are: Len bytes at Offset of file
// Path in FS.
type Located struct {
	ID     ID
	FS     fs.FS
	Path   string
	Offset int64
	Len    int
}

func chunkFile(fsys fs.FS, p string, info fs.FileInfo, rel string) (Entry, []Located, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return Entry{}, nil, err
	}
	defer f.Close()
	e := Entry{Path: rel, Kind: KindFile, Mode: uint32(info.Mode().Perm())}
	var locs []Located
	buf := make([]byte, ChunkSize)
	var off int64
	for {
		n, err := io.ReadFull(f, buf)
		if n > 0 {
			id := Sum(buf[:n])
			e.Chunks = append(e.Chunks, id)
			locs = append(locs, Located{ID: id, FS: fsys, Path: p, Offset: off, Len: n})
			off += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return Entry{}, nil, fmt.Errorf("fabrik: reading %s: %w", p, err)
		}
	}
	e.Size = off
	return e, locs, nil
}
