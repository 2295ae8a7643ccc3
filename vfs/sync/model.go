package sync

// The shape of a synced folder's automerge document, and the pure rules
// that turn it into a tree of files.
//
//	{ "format": 1,
//	  "entries": {
//	    "<entry id>": {                 one file or directory, for its whole life
//	      "path": "docs/a.txt",         where it is (a rename rewrites this)
//	      "kind": "file" | "dir",
//	      "versions": {                 its current versions: normally one
//	        "<version id>": { "dev": "<device>", "mtime": µs, "size": n,
//	                          "mode": 0o644, "cs": chunk size,
//	                          "chunks": 32-byte SHA-256 ids, concatenated,
//	                          "del": true for a deletion } } } } }
//
// Why this shape:
//
//   - An entry keeps its id across renames, so a rename is one write to
//     "path" (last writer wins between concurrent renames: the file ends
//     up at one of the names, never at both, never at neither).
//   - A writer replaces exactly the version it had on disk: it deletes that
//     key and adds its own. Two devices that both edit the same version
//     each delete the same old key and add a different new one, so after
//     merging the entry holds two versions: a conflict that nothing
//     silently drops. The loser (older mtime; ties broken by device and
//     version id) becomes a file of its own named like Syncthing's
//     conflict copies, by a rewrite that every device computes
//     identically, so devices that resolve the same conflict at once write
//     the same values.
//   - A deletion is a version too (del: true). A deletion against a
//     concurrent edit leaves a live version next to the deletion, and a
//     live version always wins: the edit survives.
//   - Entries are never removed from the map: automerge would let a
//     removal win over a concurrent edit inside the entry.

import (
	"bytes"
	"crypto/sha256"
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

// readTree reads every entry of the document. Malformed entries (from a
// buggy or hostile peer) are skipped and reported, never fatal.
func readTree(d crdt.Doc) (*Tree, []string, error) {
	t := &Tree{Entries: map[string]*Entry{}}
	ev, err := d.Get(d.Root(), "entries")
	if err != nil {
		return nil, nil, err
	}
	if ev.Kind != crdt.KindMap {
		return t, nil, nil
	}
	ids, err := d.Keys(ev.Obj)
	if err != nil {
		return nil, nil, err
	}
	var bad []string
	for _, id := range ids {
		e, err := readEntry(d, ev.Obj, id)
		if err != nil {
			bad = append(bad, fmt.Sprintf("entry %s: %v", clip(id), err))
			continue
		}
		t.Entries[id] = e
	}
	return t, bad, nil
}

func readEntry(d crdt.Doc, entries crdt.Obj, id string) (*Entry, error) {
	v, err := d.Get(entries, id)
	if err != nil {
		return nil, err
	}
	if v.Kind != crdt.KindMap {
		return nil, fmt.Errorf("not a map")
	}
	o := v.Obj
	e := &Entry{ID: id, Versions: map[string]*Version{}}
	p, err := d.Get(o, "path")
	if err != nil || p.Kind != crdt.KindString {
		return nil, fmt.Errorf("no path")
	}
	if err := CheckPath(p.Str); err != nil {
		return nil, err
	}
	e.Path = p.Str
	k, err := d.Get(o, "kind")
	if err != nil || (k.Str != KindFile && k.Str != KindDir) {
		return nil, fmt.Errorf("bad kind %v", k)
	}
	e.Kind = k.Str
	vs, err := d.Get(o, "versions")
	if err != nil || vs.Kind != crdt.KindMap {
		return nil, fmt.Errorf("no versions")
	}
	vids, err := d.Keys(vs.Obj)
	if err != nil {
		return nil, err
	}
	for _, vid := range vids {
		vv, err := d.Get(vs.Obj, vid)
		if err != nil || vv.Kind != crdt.KindMap {
			continue
		}
		ver, err := readVersion(d, vv.Obj)
		if err != nil {
			continue // a malformed version is ignored; the others stand
		}
		e.Versions[vid] = ver
	}
	return e, nil
}

func readVersion(d crdt.Doc, o crdt.Obj) (*Version, error) {
	get := func(k string, want crdt.Kind) (crdt.Value, error) {
		v, err := d.Get(o, k)
		if err != nil {
			return v, err
		}
		if v.Kind != want {
			return v, fmt.Errorf("%s is %s, want %s", k, v.Kind, want)
		}
		return v, nil
	}
	var ver Version
	dev, err := get("dev", crdt.KindString)
	if err != nil {
		return nil, err
	}
	ver.Dev = dev.Str
	if del, err := d.Get(o, "del"); err == nil && del.Kind == crdt.KindBool && del.Bool {
		ver.Deleted = true
	}
	mt, err := get("mtime", crdt.KindInt)
	if err != nil {
		return nil, err
	}
	ver.MtimeUs = mt.Int
	if ver.Deleted {
		return &ver, nil
	}
	size, err := get("size", crdt.KindInt)
	if err != nil {
		return nil, err
	}
	mode, err := get("mode", crdt.KindInt)
	if err != nil {
		return nil, err
	}
	cs, err := get("cs", crdt.KindInt)
	if err != nil {
		return nil, err
	}
	ch, err := get("chunks", crdt.KindBytes)
	if err != nil {
		return nil, err
	}
	ver.Size, ver.Mode, ver.ChunkSize, ver.Chunks = size.Int, uint32(mode.Int)&0o777, cs.Int, ch.Bytes
	if ver.Size < 0 || ver.ChunkSize <= 0 || len(ver.Chunks)%32 != 0 ||
		int64(len(ver.Chunks)/32) != (ver.Size+ver.ChunkSize-1)/ver.ChunkSize {
		return nil, fmt.Errorf("inconsistent size %d, chunk size %d, %d chunk bytes", ver.Size, ver.ChunkSize, len(ver.Chunks))
	}
	return &ver, nil
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

func (w docWriter) entries() (crdt.Obj, error) {
	v, err := w.d.Get(w.d.Root(), "entries")
	if err != nil {
		return crdt.Obj{}, err
	}
	if v.Kind == crdt.KindMap {
		return v.Obj, nil
	}
	if err := w.d.Put(w.d.Root(), "format", crdt.Int(Format)); err != nil {
		return crdt.Obj{}, err
	}
	return w.d.PutObject(w.d.Root(), "entries", crdt.KindMap)
}

// entry returns entry id's object, making it when create is set.
func (w docWriter) entry(id, p, kind string, create bool) (crdt.Obj, error) {
	es, err := w.entries()
	if err != nil {
		return crdt.Obj{}, err
	}
	v, err := w.d.Get(es, id)
	if err != nil {
		return crdt.Obj{}, err
	}
	if v.Kind == crdt.KindMap {
		return v.Obj, nil
	}
	if !create {
		return crdt.Obj{}, fmt.Errorf("no entry %s", id)
	}
	o, err := w.d.PutObject(es, id, crdt.KindMap)
	if err != nil {
		return o, err
	}
	if err := w.d.Put(o, "path", crdt.String(p)); err != nil {
		return o, err
	}
	if err := w.d.Put(o, "kind", crdt.String(kind)); err != nil {
		return o, err
	}
	if _, err := w.d.PutObject(o, "versions", crdt.KindMap); err != nil {
		return o, err
	}
	return o, nil
}

func (w docWriter) versions(e crdt.Obj) (crdt.Obj, error) {
	v, err := w.d.Get(e, "versions")
	if err != nil {
		return crdt.Obj{}, err
	}
	if v.Kind == crdt.KindMap {
		return v.Obj, nil
	}
	return w.d.PutObject(e, "versions", crdt.KindMap)
}

// putVersion adds version vid to entry id (made if missing, at path p),
// removing the versions in replaces.
func (w docWriter) putVersion(id, p, kind, vid string, v *Version, replaces []string) error {
	e, err := w.entry(id, p, kind, true)
	if err != nil {
		return err
	}
	vs, err := w.versions(e)
	if err != nil {
		return err
	}
	for _, r := range replaces {
		if r != vid {
			if err := w.d.Delete(vs, r); err != nil {
				return err
			}
		}
	}
	o, err := w.d.PutObject(vs, vid, crdt.KindMap)
	if err != nil {
		return err
	}
	put := func(k string, val crdt.Value) {
		if err == nil {
			err = w.d.Put(o, k, val)
		}
	}
	put("dev", crdt.String(v.Dev))
	put("mtime", crdt.Int(v.MtimeUs))
	if v.Deleted {
		put("del", crdt.Bool(true))
		return err
	}
	put("size", crdt.Int(v.Size))
	put("mode", crdt.Int(int64(v.Mode&0o777)))
	put("cs", crdt.Int(v.ChunkSize))
	put("chunks", crdt.Bytes(v.Chunks))
	return err
}

func (w docWriter) removeVersion(id, vid string) error {
	e, err := w.entry(id, "", "", false)
	if err != nil {
		return err
	}
	vs, err := w.versions(e)
	if err != nil {
		return err
	}
	return w.d.Delete(vs, vid)
}

func (w docWriter) setPath(id, p string) error {
	e, err := w.entry(id, "", "", false)
	if err != nil {
		return err
	}
	return w.d.Put(e, "path", crdt.String(p))
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
	fixDropTombstone        // a deletion beside a live version: the edit won
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
			for _, vid := range live[1:] { // concurrent writes: every loser gets a copy of its own
				v := e.Versions[vid]
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
		}
		if err != nil {
			return err
		}
	}
	return nil
}
