package sync

// The shape of a synced folder's automerge document, and the pure rules
// that turn it into a tree of files.
//
// Everything sits in the root map, which every replica shares from the
// start (two replicas that each made an "entries" map of their own would
// see one of the two maps win and the other's files vanish):
//
//	"format":        1
//	"p/<entry>":     "docs/a.txt"   where the entry is (a rename rewrites it)
//	"k/<entry>":     "file" | "dir"
//	"v/<entry>/<version>": bytes    one current version (see encodeVersion):
//	                                device, mtime, size, mode, chunk size,
//	                                SHA-256 chunk ids; or a deletion
//
// Why this shape:
//
//   - An entry keeps its id across renames, so a rename is one write to
//     its path (last writer wins between concurrent renames: the file ends
//     up at one of the names, never at both, never at neither).
//   - Versions are immutable values, and a writer replaces exactly the
//     version it had on disk: it deletes that key and adds its own. Two
//     devices that both edit the same version each delete the same old key
//     and add a different new one, so after merging the entry holds two
//     versions: a conflict that nothing silently drops. The loser (older
//     mtime; ties broken by device and version id) becomes a file of its
//     own named like Syncthing's conflict copies, by a rewrite that every
//     device computes identically, so devices that resolve the same
//     conflict at once write the same values.
//   - A deletion is a version too. A deletion against a concurrent edit
//     leaves a live version next to the deletion, and a live version
//     always wins: the edit survives.
//   - One version is one value (not a map of fields): a folder of 10,000
//     files is about 30,000 operations, not 100,000.
//   - Entries are never removed, only marked deleted: removing one while
//     another device edits it would lose the edit.

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/nachoos/nacho/vfs/sync/crdt"
)

// Format is the document format this package writes and reads.
const Format = 1

// Kinds of entry.
const (
	KindFile = "file"
	KindDir  = "dir"
)

// Version is one version of an entry.
type Version struct {
	Dev       string // device that wrote it
	MtimeUs   int64  // modification time, µs since the epoch
	Size      int64
	Mode      uint32 // permission bits
	ChunkSize int64
	Chunks    []byte // SHA-256 ids of the chunks, concatenated
	Deleted   bool
}

// Mtime returns the version's modification time.
func (v *Version) Mtime() time.Time { return time.UnixMicro(v.MtimeUs) }

// ChunkIDs splits Chunks into ids.
func (v *Version) ChunkIDs() [][32]byte {
	ids := make([][32]byte, len(v.Chunks)/32)
	for i := range ids {
		copy(ids[i][:], v.Chunks[i*32:])
	}
	return ids
}

// SameContent reports whether two versions hold the same bytes.
func (v *Version) SameContent(w *Version) bool {
	return v.Size == w.Size && bytes.Equal(v.Chunks, w.Chunks)
}

// Entry is one file or directory as the document holds it.
type Entry struct {
	ID       string
	Path     string
	Kind     string
	Versions map[string]*Version
}

// Tree is a snapshot of a document's entries.
type Tree struct {
	Entries map[string]*Entry
}

// Version encoding: format byte, flags (1: deleted), device (length,
// bytes), mtime (zig-zag varint); for a live version then size, mode,
// chunk size (varints) and the chunk ids (the rest, 32 bytes each).
const versionFormat = 1

func encodeVersion(v *Version) []byte {
	b := []byte{versionFormat, 0}
	if v.Deleted {
		b[1] = 1
	}
	b = binary.AppendUvarint(b, uint64(len(v.Dev)))
	b = append(b, v.Dev...)
	b = binary.AppendVarint(b, v.MtimeUs)
	if v.Deleted {
		return b
	}
	b = binary.AppendVarint(b, v.Size)
	b = binary.AppendUvarint(b, uint64(v.Mode&0o777))
	b = binary.AppendVarint(b, v.ChunkSize)
	return append(b, v.Chunks...)
}

// decodeVersion parses what encodeVersion makes, refusing anything
// inconsistent (it comes from peers).
func decodeVersion(b []byte) (*Version, error) {
	if len(b) < 2 || b[0] != versionFormat || b[1] > 1 {
		return nil, fmt.Errorf("version: unknown format")
	}
	v := &Version{Deleted: b[1] == 1}
	b = b[2:]
	n, k := binary.Uvarint(b)
	if k <= 0 || n > 64 || uint64(len(b)-k) < n {
		return nil, fmt.Errorf("version: bad device")
	}
	v.Dev, b = string(b[k:k+int(n)]), b[k+int(n):]
	var err error
	varint := func(what string) int64 {
		x, k := binary.Varint(b)
		if k <= 0 {
			if err == nil {
				err = fmt.Errorf("version: bad %s", what)
			}
			return 0
		}
		b = b[k:]
		return x
	}
	v.MtimeUs = varint("mtime")
	if v.Deleted {
		if err == nil && len(b) != 0 {
			err = fmt.Errorf("version: trailing bytes")
		}
		return v, err
	}
	v.Size = varint("size")
	m, k := binary.Uvarint(b)
	if k <= 0 || m&^0o777 != 0 {
		return nil, fmt.Errorf("version: bad mode")
	}
	b = b[k:]
	v.Mode = uint32(m)
	v.ChunkSize = varint("chunk size")
	if err != nil {
		return nil, err
	}
	v.Chunks = bytes.Clone(b)
	if v.Size < 0 || v.Size > 1<<42 || v.ChunkSize < 1 || v.ChunkSize > 64<<20 || len(v.Chunks)%32 != 0 ||
		int64(len(v.Chunks)/32) != (v.Size+v.ChunkSize-1)/v.ChunkSize {
		return nil, fmt.Errorf("version: inconsistent size %d, chunk size %d, %d chunk bytes", v.Size, v.ChunkSize, len(v.Chunks))
	}
	return v, nil
}

// Keys of the root map.
const (
	keyFormat  = "format"
	prefPath   = "p/"
	prefKind   = "k/"
	prefVer    = "v/"
	maxEntryID = 64
)

func checkID(id string) bool {
	if id == "" || len(id) > maxEntryID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// badPath marks an entry whose path was refused (no valid path holds a
// backslash).
const badPath = "\\refused"

// readTree reads every entry of the document. Malformed parts (from a
// buggy or hostile peer) are skipped and reported, never fatal.
func readTree(d crdt.Doc) (*Tree, []string, error) {
	t := &Tree{Entries: map[string]*Entry{}}
	root := d.Root()
	keys, err := d.Keys(root)
	if err != nil {
		return nil, nil, err
	}
	var bad []string
	entry := func(id string) *Entry {
		e := t.Entries[id]
		if e == nil {
			e = &Entry{ID: id, Versions: map[string]*Version{}}
			t.Entries[id] = e
		}
		return e
	}
	for _, k := range keys {
		var id, vid string
		switch {
		case strings.HasPrefix(k, prefPath), strings.HasPrefix(k, prefKind):
			id = k[2:]
		case strings.HasPrefix(k, prefVer):
			var ok bool
			id, vid, ok = strings.Cut(k[2:], "/")
			if !ok || !checkID(vid) {
				bad = append(bad, fmt.Sprintf("key %q", clip(k)))
				continue
			}
		default:
			continue
		}
		if !checkID(id) {
			bad = append(bad, fmt.Sprintf("key %q", clip(k)))
			continue
		}
		v, err := d.Get(root, k)
		if err != nil {
			return nil, nil, err
		}
		switch k[0] {
		case 'p':
			if v.Kind != crdt.KindString || CheckPath(v.Str) != nil {
				bad = append(bad, fmt.Sprintf("entry %s: bad path %v", id, v))
				entry(id).Path = badPath
				continue
			}
			if entry(id).Path != badPath {
				entry(id).Path = v.Str
			}
		case 'k':
			if v.Kind != crdt.KindString || (v.Str != KindFile && v.Str != KindDir) {
				bad = append(bad, fmt.Sprintf("entry %s: bad kind %v", id, v))
				continue
			}
			entry(id).Kind = v.Str
		case 'v':
			if v.Kind != crdt.KindBytes {
				bad = append(bad, fmt.Sprintf("entry %s version %s: not bytes", id, vid))
				continue
			}
			ver, err := decodeVersion(v.Bytes)
			if err != nil {
				bad = append(bad, fmt.Sprintf("entry %s version %s: %v", id, vid, err))
				continue
			}
			entry(id).Versions[vid] = ver
		}
	}
	for id, e := range t.Entries {
		switch {
		case e.Path == "" || e.Kind == "":
			bad = append(bad, fmt.Sprintf("entry %s: no path or kind", id))
			delete(t.Entries, id)
		case e.Path == badPath:
			delete(t.Entries, id)
		}
	}
	return t, bad, nil
}

// CheckPath accepts a clean, relative, slash-separated path with no
// element a file system would refuse or misread.
func CheckPath(p string) error {
	if p == "" || len(p) > 4096 || strings.HasPrefix(p, "/") || path.Clean(p) != p || p == "." ||
		strings.ContainsAny(p, "\\\x00") {
		return fmt.Errorf("invalid path %q", clip(p))
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." || el == "." || len(el) > 255 {
			return fmt.Errorf("invalid path %q", clip(p))
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// docWriter writes to the document's schema.
type docWriter struct{ d crdt.Doc }

// putVersion adds version vid to entry id (made if missing, at path p),
// removing the versions in replaces.
func (w docWriter) putVersion(id, p, kind, vid string, v *Version, replaces []string) error {
	root := w.d.Root()
	cur, err := w.d.Get(root, prefKind+id)
	if err != nil {
		return err
	}
	if !cur.Exists() {
		if err := w.d.Put(root, keyFormat, crdt.Int(Format)); err != nil {
			return err
		}
		if err := w.d.Put(root, prefPath+id, crdt.String(p)); err != nil {
			return err
		}
		if err := w.d.Put(root, prefKind+id, crdt.String(kind)); err != nil {
			return err
		}
	}
	for _, r := range replaces {
		if r != vid && r != "" {
			if err := w.d.Delete(root, prefVer+id+"/"+r); err != nil {
				return err
			}
		}
	}
	return w.d.Put(root, prefVer+id+"/"+vid, crdt.Bytes(encodeVersion(v)))
}

func (w docWriter) removeVersion(id, vid string) error {
	return w.d.Delete(w.d.Root(), prefVer+id+"/"+vid)
}

func (w docWriter) setPath(id, p string) error {
	return w.d.Put(w.d.Root(), prefPath+id, crdt.String(p))
}

// live returns the entry's live versions, best first.
func (e *Entry) live() []string {
	var ids []string
	for vid, v := range e.Versions {
		if !v.Deleted {
			ids = append(ids, vid)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return better(e.Versions[ids[i]], ids[i], e.Versions[ids[j]], ids[j]) })
	return ids
}

// better orders versions: newer mtime first, then device, then id, so
// that every device picks the same winner.
func better(a *Version, aid string, b *Version, bid string) bool {
	if a.MtimeUs != b.MtimeUs {
		return a.MtimeUs > b.MtimeUs
	}
	if a.Dev != b.Dev {
		return a.Dev > b.Dev
	}
	return aid > bid
}

// Winner returns the entry's winning live version, or "" when the entry
// is deleted (or has no versions at all).
func (e *Entry) Winner() (string, *Version) {
	l := e.live()
	if len(l) == 0 {
		return "", nil
	}
	return l[0], e.Versions[l[0]]
}

// Item is one thing the folder should hold.
type Item struct {
	Path    string
	Kind    string
	EntryID string
	VID     string   // "" for implicit directories
	Version *Version // nil for directories
}

// fix is a rewrite of the document that every device computes the same
// way from the same state.
type fix struct {
	kind    int // fixSplit, fixRename, fixDropTombstone
	entry   string
	vid     string
	newID   string
	newPath string
	ver     *Version
}

const (
	fixSplit         = iota // move a losing version into an entry of its own (a conflict copy)
	fixRename               // move a losing entry to a conflict name
	fixDropTombstone        // a deletion beside a live version (the edit won), or a duplicate version
	fixBury                 // an entry that duplicates another's file at the same path
)

// conflictName is Syncthing's name for a conflict copy:
// name.sync-conflict-YYYYMMDD-HHMMSS-DEVICE.ext
func conflictName(p string, v *Version) string {
	dir, base := path.Split(p)
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	if stem == "" { // ".bashrc": the whole name is the stem
		stem, ext = base, ""
	}
	dev := strings.ToUpper(v.Dev)
	if len(dev) > 7 {
		dev = dev[:7]
	}
	t := time.UnixMicro(v.MtimeUs).UTC()
	return dir + stem + ".sync-conflict-" + t.Format("20060102-150405") + "-" + dev + ext
}

// derivedID names an entry made by a fix, the same on every device.
func derivedID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "c" + hex.EncodeToString(h[:12])
}

// Resolve computes what the folder should hold, and the rewrites that
// settle conflicts. It is a pure function of the tree: every device
// computes the same result from the same document.
func Resolve(t *Tree) (items map[string]*Item, fixes []fix) {
	ids := make([]string, 0, len(t.Entries))
	for id := range t.Entries {
		ids = append(ids, id)
	}
	sort.Strings(ids)

	type cand struct {
		e   *Entry
		vid string
		v   *Version
	}
	byPath := map[string][]cand{}
	for _, id := range ids {
		e := t.Entries[id]
		live := e.live()
		if len(live) == 0 {
			continue
		}
		if len(live) < len(e.Versions) {
			for vid, v := range e.Versions {
				if v.Deleted {
					fixes = append(fixes, fix{kind: fixDropTombstone, entry: id, vid: vid})
				}
			}
		}
		if e.Kind == KindFile {
			win := e.Versions[live[0]]
			for _, vid := range live[1:] { // concurrent writes: every loser gets a copy of its own
				v := e.Versions[vid]
				if v.SameContent(win) && v.Mode == win.Mode {
					// The same bytes written twice (two devices made the
					// same edit, or one re-took its own change after a
					// crash): nothing to keep apart.
					fixes = append(fixes, fix{kind: fixDropTombstone, entry: id, vid: vid})
					continue
				}
				np := conflictName(e.Path, v)
				fixes = append(fixes, fix{kind: fixSplit, entry: id, vid: vid, newID: derivedID(id, vid), newPath: np, ver: v})
			}
		}
		byPath[e.Path] = append(byPath[e.Path], cand{e, live[0], e.Versions[live[0]]})
	}

	items = map[string]*Item{}
	paths := make([]string, 0, len(byPath))
	for p := range byPath {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		cs := byPath[p]
		// A directory wins its path over files; among files the newest
		// version wins; the others move to conflict names.
		sort.Slice(cs, func(i, j int) bool {
			a, b := cs[i], cs[j]
			if (a.e.Kind == KindDir) != (b.e.Kind == KindDir) {
				return a.e.Kind == KindDir
			}
			if a.v.MtimeUs != b.v.MtimeUs || a.v.Dev != b.v.Dev {
				return better(a.v, a.vid, b.v, b.vid)
			}
			return a.e.ID > b.e.ID
		})
		w := cs[0]
		it := &Item{Path: p, Kind: w.e.Kind, EntryID: w.e.ID, VID: w.vid}
		if w.e.Kind == KindFile {
			it.Version = w.v
		}
		items[p] = it
		for _, c := range cs[1:] {
			if c.e.Kind == KindDir && w.e.Kind == KindDir {
				continue // two directories at one path are one directory
			}
			if c.e.Kind == KindFile && w.e.Kind == KindFile && c.v.SameContent(w.v) && c.v.Mode == w.v.Mode {
				// The same file made on two devices: one entry is enough.
				// The other is marked deleted, identically everywhere.
				fixes = append(fixes, fix{kind: fixBury, entry: c.e.ID, vid: c.vid, ver: c.v})
				continue
			}
			fixes = append(fixes, fix{kind: fixRename, entry: c.e.ID, newPath: conflictName(p, c.v)})
		}
	}
	// Parents: every live item's ancestors are directories. A file in the
	// way of one moves to a conflict name; a deleted directory with a live
	// child comes back (the edit inside it wins over the deletion).
	for _, p := range paths {
		for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
			it, ok := items[dir]
			if !ok {
				items[dir] = &Item{Path: dir, Kind: KindDir}
				continue
			}
			if it.Kind == KindFile {
				fixes = append(fixes, fix{kind: fixRename, entry: it.EntryID, newPath: conflictName(dir, it.Version)})
				items[dir] = &Item{Path: dir, Kind: KindDir}
			}
		}
	}
	return items, fixes
}

// applyFixes writes fixes to the document.
func applyFixes(d crdt.Doc, fixes []fix) error {
	w := docWriter{d}
	for _, f := range fixes {
		var err error
		switch f.kind {
		case fixSplit:
			v := *f.ver
			if err = w.putVersion(f.newID, f.newPath, KindFile, "c"+f.vid, &v, nil); err == nil {
				err = w.removeVersion(f.entry, f.vid)
			}
		case fixRename:
			err = w.setPath(f.entry, f.newPath)
		case fixDropTombstone:
			err = w.removeVersion(f.entry, f.vid)
		case fixBury:
			err = w.putVersion(f.entry, "", KindFile, "t"+f.vid, &Version{Dev: f.ver.Dev, MtimeUs: f.ver.MtimeUs, Deleted: true}, []string{f.vid})
		}
		if err != nil {
			return err
		}
	}
	return nil
}
