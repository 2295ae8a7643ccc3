// Package tree is the in-memory namespace shared by Nacho's file systems: a
// tree of nodes with POSIX rules for open, create, unlink, rename, mkdir and
// symbolic links, open-handle counting (unlink while open), permissions and
// a byte quota. What a regular file holds is a Content supplied by the back
// end (bytes in RAM for memfs, chunks for chunkfs), and the back end hears
// about every change through Hooks, which is how chunkfs knows what to
// commit.
//
// It must not import syscall/js or any concrete file system.
//
// Lock order: FS.Mu guards every node and is held while calling Content and
// Hooks methods.
package tree

import (
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nachoos/nacho/vfs"
)

// Content is what a regular file holds. Methods are called with FS.Mu held.
type Content interface {
	Size() int64
	// ReadAt reads at off; it returns io.EOF when it reads short at end.
	ReadAt(p []byte, off int64) (int, error)
	WriteAt(p []byte, off int64) (int, error)
	Truncate(size int64) error
}

// Hooks tell a back end about changes. They are called with FS.Mu held.
type Hooks interface {
	// NewContent returns the content of a new, empty regular file.
	NewContent(n *Node) Content
	// Changed reports that a linked node's metadata or content changed.
	Changed(n *Node)
	// Unlinked reports that n left the namespace; it may still be open.
	Unlinked(n *Node)
	// Released reports that n is neither linked nor open: free its data.
	Released(n *Node)
	// Closed reports that a handle on n was closed; wrote says whether it
	// changed n's content.
	Closed(n *Node, wrote bool)
	// Sync makes n durable (fsync through a handle).
	Sync(n *Node) error
	// Discard frees content that was replaced by WriteFile or that
	// WriteFile gave up on.
	Discard(c Content)
}

// Node is a file, directory or symbolic link.
type Node struct {
	Ino    uint64
	Mode   fs.FileMode // type and permission bits
	Name   string
	Parent *Node            // nil for the root and for unlinked nodes
	Kids   map[string]*Node // directories
	Target string           // symbolic links
	Data   Content          // regular files
	Mtime  time.Time
	Atime  time.Time
	Ctime  time.Time

	Opens   int  // open handles
	Writers int  // open handles that may write
	Linked  bool // reachable from the root
	Ext     any  // the back end's per-node state
}

// IsDir reports whether n is a directory.
func (n *Node) IsDir() bool { return n.Mode.IsDir() }

// IsRegular reports whether n is a regular file.
func (n *Node) IsRegular() bool { return n.Mode.IsRegular() }

// IsLink reports whether n is a symbolic link.
func (n *Node) IsLink() bool { return n.Mode&fs.ModeSymlink != 0 }

// Size is the size Stat reports.
func (n *Node) Size() int64 {
	switch {
	case n.IsRegular() && n.Data != nil:
		return n.Data.Size()
	case n.IsLink():
		return int64(len(n.Target))
	}
	return 0
}

// Path returns n's path from the root ("." for the root).
func (n *Node) Path() string {
	if n.Parent == nil {
		return "."
	}
	var parts []string
	for p := n; p.Parent != nil; p = p.Parent {
		parts = append(parts, p.Name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "/")
}

// FS is a namespace of Nodes. It implements every vfs.Filesystem method but
// Sync, Statfs and Close, which the back end adds.
type FS struct {
	Mu    sync.Mutex
	Root  *Node
	Quota int64 // bytes of file content allowed; 0 for no limit
	Used  int64 // bytes of file content and link targets, open orphans included
	Files int64 // nodes alive, open orphans included

	hooks   Hooks
	now     func() time.Time
	nextIno uint64
}

// New returns a namespace with an empty root directory of mode perm.
func New(hooks Hooks, now func() time.Time) *FS {
	if now == nil {
		now = time.Now
	}
	t := &FS{hooks: hooks, now: now, nextIno: 2}
	ts := now()
	t.Root = &Node{Ino: 1, Mode: fs.ModeDir | 0o755, Kids: map[string]*Node{}, Mtime: ts, Atime: ts, Ctime: ts, Linked: true}
	t.Files = 1
	return t
}

// Now returns the file system's clock.
func (t *FS) Now() time.Time { return t.now() }

// SetNextIno sets the next inode number handed out (for back ends that load
// a tree). Preconditions: t.Mu held.
func (t *FS) SetNextIno(ino uint64) {
	if ino > t.nextIno {
		t.nextIno = ino
	}
}

// NewNode makes an unlinked node of mode with the next inode number and the
// current time. Preconditions: t.Mu held.
func (t *FS) NewNode(mode fs.FileMode) *Node {
	ts := t.now()
	n := &Node{Ino: t.nextIno, Mode: mode, Mtime: ts, Atime: ts, Ctime: ts}
	t.nextIno++
	if n.IsDir() {
		n.Kids = map[string]*Node{}
	}
	t.Files++
	return n
}

// Attach links n into dir under name, for back ends that load a tree. It
// does not call hooks. Preconditions: t.Mu held.
func (t *FS) Attach(dir *Node, name string, n *Node) {
	n.Parent, n.Name, n.Linked = dir, name, true
	dir.Kids[name] = n
}

// AddUsed accounts for content loaded by a back end. Preconditions: t.Mu held.
func (t *FS) AddUsed(delta int64) { t.Used += delta }

// Lookup returns the node at name. Preconditions: t.Mu held.
func (t *FS) Lookup(name string) (*Node, error) {
	n := t.Root
	if name == "." || name == "" {
		return n, nil
	}
	for name != "" {
		var c string
		c, name, _ = strings.Cut(name, "/")
		if !n.IsDir() {
			return nil, vfs.ENOTDIR
		}
		k, ok := n.Kids[c]
		if !ok {
			if err := vfs.ValidName(c); err != nil {
				return nil, err
			}
			return nil, vfs.ENOENT
		}
		n = k
	}
	return n, nil
}

// parent returns the directory that holds name and name's last component.
func (t *FS) parent(name string) (*Node, string, error) {
	if name == "." || name == "" {
		return nil, "", vfs.EBUSY
	}
	dir, base := ".", name
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		dir, base = name[:i], name[i+1:]
	}
	if err := vfs.ValidName(base); err != nil {
		return nil, "", err
	}
	d, err := t.Lookup(dir)
	if err != nil {
		return nil, "", err
	}
	if !d.IsDir() {
		return nil, "", vfs.ENOTDIR
	}
	return d, base, nil
}

func canWrite(n *Node) bool { return n.Mode&0o200 != 0 }
func canRead(n *Node) bool  { return n.Mode&0o400 != 0 }

func (t *FS) touch(n *Node, ts time.Time) {
	n.Mtime, n.Ctime = ts, ts
	t.hooks.Changed(n)
}

// link puts n in dir as name and reports the change.
func (t *FS) link(dir *Node, name string, n *Node) {
	t.Attach(dir, name, n)
	t.touch(dir, n.Ctime)
	t.hooks.Changed(n)
}

// unlink takes n out of the namespace; it is released if nothing holds it.
func (t *FS) unlink(n *Node, ts time.Time) {
	dir := n.Parent
	delete(dir.Kids, n.Name)
	n.Parent, n.Linked = nil, false
	t.touch(dir, ts)
	t.hooks.Unlinked(n)
	if n.Opens == 0 {
		t.release(n)
	}
}

func (t *FS) release(n *Node) {
	t.Used -= n.Size()
	t.Files--
	t.hooks.Released(n)
}

// Grow reserves delta more bytes of content, or fails with ENOSPC.
// Preconditions: t.Mu held.
func (t *FS) Grow(delta int64) error {
	if delta > 0 && t.Quota > 0 && t.Used+delta > t.Quota {
		return vfs.ENOSPC
	}
	t.Used += delta
	return nil
}

// Open implements vfs.Filesystem.
func (t *FS) Open(name string, opts vfs.OpenOptions) (vfs.FileImpl, error) {
	t.Mu.Lock()
	defer t.Mu.Unlock()
	n, err := t.openNode(name, opts)
	if err != nil {
		return nil, err
	}
	return t.newHandle(n, opts.Flag), nil
}

func (t *FS) openNode(name string, opts vfs.OpenOptions) (*Node, error) {
	flag := opts.Flag
	wr := flag&vfs.O_ACCMODE != vfs.O_RDONLY
	var n *Node
	if name == "." || name == "" {
		n = t.Root
	} else {
		dir, base, err := t.parent(name)
		if err != nil {
			return nil, err
		}
		n = dir.Kids[base]
		if n == nil {
			if flag&vfs.O_CREATE == 0 {
				return nil, vfs.ENOENT
			}
			if !canWrite(dir) {
				return nil, vfs.EACCES
			}
			n = t.NewNode(opts.Perm.Perm())
			n.Data = t.hooks.NewContent(n)
			t.link(dir, base, n)
			return n, nil
		}
	}
	switch {
	case flag&vfs.O_CREATE != 0 && flag&vfs.O_EXCL != 0:
		return nil, vfs.EEXIST
	case n.IsLink():
		if flag&vfs.O_NOFOLLOW != 0 {
			return nil, vfs.ELOOP
		}
		return nil, vfs.EINVAL
	case n.IsDir() && (wr || flag&vfs.O_TRUNC != 0):
		return nil, vfs.EISDIR
	case wr && !canWrite(n), flag&vfs.O_ACCMODE != vfs.O_WRONLY && !canRead(n):
		return nil, vfs.EACCES
	}
	if wr && flag&vfs.O_TRUNC != 0 && n.IsRegular() && n.Data.Size() > 0 {
		size := n.Data.Size()
		if err := n.Data.Truncate(0); err != nil {
			return nil, err
		}
		t.Used -= size
		t.touch(n, t.now())
	}
	return n, nil
}

// WriteFile replaces name's content with data in one step: the new
// content is built aside and swapped in under the lock, so no reader sees a
// mix, and if building it fails (ENOSPC) the old content is untouched. The
// back end is told through Closed that the content is complete. It
// implements vfs.AtomicWriter.
func (t *FS) WriteFile(name string, data []byte, opts vfs.OpenOptions) error {
	t.Mu.Lock()
	defer t.Mu.Unlock()
	opts.Flag = vfs.O_WRONLY | vfs.O_CREATE
	n, err := t.openNode(name, opts)
	if err != nil {
		return err
	}
	if !n.IsRegular() {
		return vfs.EISDIR
	}
	old := n.Data.Size()
	if err := t.Grow(int64(len(data)) - old); err != nil {
		return err
	}
	n.Opens++
	n.Writers++
	defer func() {
		n.Opens--
		n.Writers--
		if !n.Linked && n.Opens == 0 {
			t.release(n)
		}
	}()
	fresh := t.hooks.NewContent(n)
	if _, err := fresh.WriteAt(data, 0); err != nil {
		t.Used -= int64(len(data)) - old
		t.hooks.Discard(fresh)
		return err
	}
	prev := n.Data
	n.Data = fresh
	t.hooks.Discard(prev)
	t.touch(n, t.now())
	t.hooks.Closed(n, true)
	return nil
}

// Lstat implements vfs.Filesystem.
func (t *FS) Lstat(name string) (fs.FileInfo, error) {
	t.Mu.Lock()
	defer t.Mu.Unlock()
	n, err := t.Lookup(name)
	if err != nil {
		return nil, err
	}
	return t.info(n), nil
}

// ReadDir implements vfs.Filesystem.
func (t *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	t.Mu.Lock()
	defer t.Mu.Unlock()
	n, err := t.Lookup(name)
	if err != nil {
		return nil, err
	}
	return t.readDir(n)
}

func (t *FS) readDir(n *Node) ([]fs.DirEntry, error) {
	if !n.IsDir() {
		return nil, vfs.ENOTDIR
	}
	if !canRead(n) {
		return nil, vfs.EACCES
	}
	ents := make([]fs.DirEntry, 0, len(n.Kids))
	for _, k := range n.Kids {
		ents = append(ents, dirEntry{t.info(k)})
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	return ents, nil
}

// Mkdir implements vfs.Filesystem.
func (t *FS) Mkdir(name string, opts vfs.MkdirOptions) error {
	t.Mu.Lock()
	defer t.Mu.Unlock()
	dir, base, err := t.parent(name)
	if err != nil {
		if err == vfs.EBUSY {
			return vfs.EEXIST
		}
		return err
	}
	if dir.Kids[base] != nil {
		return vfs.EEXIST
	}
	if !canWrite(dir) {
		return vfs.EACCES
	}
	t.link(dir, base, t.NewNode(fs.ModeDir|opts.Perm.Perm()))
	return nil
}

// Remove implements vfs.Filesystem.
func (t *FS) Remove(name string, opts vfs.RemoveOptions) error {
	t.Mu.Lock()
	defer t.Mu.Unlock()
	dir, base, err := t.parent(name)
	if err != nil {
		return err
	}
	n := dir.Kids[base]
	switch {
	case n == nil:
		return vfs.ENOENT
	case n.IsDir() && opts.File:
		return vfs.EISDIR
	case !n.IsDir() && opts.Dir:
		return vfs.ENOTDIR
	case n.IsDir() && len(n.Kids) > 0:
		return vfs.ENOTEMPTY
	case !canWrite(dir):
		return vfs.EACCES
	}
	t.unlink(n, t.now())
	return nil
}

// Rename implements vfs.Filesystem.
func (t *FS) Rename(oldname, newname string, opts vfs.RenameOptions) error {
	t.Mu.Lock()
	defer t.Mu.Unlock()
	odir, obase, err := t.parent(oldname)
	if err != nil {
		return err
	}
	n := odir.Kids[obase]
	if n == nil {
		return vfs.ENOENT
	}
	ndir, nbase, err := t.parent(newname)
	if err != nil {
		return err
	}
	// Moving a directory below itself.
	for p := ndir; p != nil; p = p.Parent {
		if p == n {
			return vfs.EINVAL
		}
	}
	old := ndir.Kids[nbase]
	if old == n {
		return nil
	}
	if old != nil {
		switch {
		case opts.NoReplace:
			return vfs.EEXIST
		case n.IsDir() && !old.IsDir():
			return vfs.ENOTDIR
		case !n.IsDir() && old.IsDir():
			return vfs.EISDIR
		case old.IsDir() && len(old.Kids) > 0:
			return vfs.ENOTEMPTY
		}
	}
	if !canWrite(odir) || !canWrite(ndir) {
		return vfs.EACCES
	}
	ts := t.now()
	if old != nil {
		t.unlink(old, ts)
	}
	delete(odir.Kids, obase)
	t.touch(odir, ts)
	n.Ctime = ts
	t.link(ndir, nbase, n)
	return nil
}

// Symlink implements vfs.Filesystem.
func (t *FS) Symlink(target, name string) error {
	t.Mu.Lock()
	defer t.Mu.Unlock()
	dir, base, err := t.parent(name)
	if err != nil {
		if err == vfs.EBUSY {
			return vfs.EEXIST
		}
		return err
	}
	if dir.Kids[base] != nil {
		return vfs.EEXIST
	}
	if !canWrite(dir) {
		return vfs.EACCES
	}
	if err := t.Grow(int64(len(target))); err != nil {
		return err
	}
	n := t.NewNode(fs.ModeSymlink | 0o777)
	n.Target = target
	t.link(dir, base, n)
	return nil
}

// Readlink implements vfs.Filesystem.
func (t *FS) Readlink(name string) (string, error) {
	t.Mu.Lock()
	defer t.Mu.Unlock()
	n, err := t.Lookup(name)
	if err != nil {
		return "", err
	}
	if !n.IsLink() {
		return "", vfs.EINVAL
	}
	return n.Target, nil
}

// SetAttr implements vfs.Filesystem.
func (t *FS) SetAttr(name string, opts vfs.SetAttrOptions) error {
	t.Mu.Lock()
	defer t.Mu.Unlock()
	n, err := t.Lookup(name)
	if err != nil {
		return err
	}
	return t.setAttr(n, opts)
}

func (t *FS) setAttr(n *Node, opts vfs.SetAttrOptions) error {
	ts := t.now()
	if opts.Mask&vfs.AttrSize != 0 {
		switch {
		case n.IsDir():
			return vfs.EISDIR
		case !n.IsRegular():
			return vfs.EINVAL
		case !canWrite(n):
			return vfs.EACCES
		}
		if err := t.truncate(n, opts.Size); err != nil {
			return err
		}
		n.Mtime = ts
	}
	if opts.Mask&vfs.AttrMode != 0 {
		n.Mode = n.Mode.Type() | opts.Mode.Perm()
	}
	if opts.Mask&vfs.AttrAtime != 0 {
		n.Atime = opts.Atime
	}
	if opts.Mask&vfs.AttrMtime != 0 {
		n.Mtime = opts.Mtime
	}
	n.Ctime = ts
	t.hooks.Changed(n)
	return nil
}

func (t *FS) truncate(n *Node, size int64) error {
	old := n.Data.Size()
	if err := t.Grow(size - old); err != nil {
		return err
	}
	if err := n.Data.Truncate(size); err != nil {
		t.Used -= size - old
		return err
	}
	return nil
}

// Info describes a node at one moment.
type Info struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
	attr  vfs.Attr
}

var _ fs.FileInfo = (*Info)(nil)

func (t *FS) info(n *Node) *Info {
	name := n.Name
	if n == t.Root {
		name = "/"
	}
	nlink := uint32(1)
	if !n.Linked {
		nlink = 0
	} else if n.IsDir() {
		nlink = 2
	}
	return &Info{name: name, size: n.Size(), mode: n.Mode, mtime: n.Mtime,
		attr: vfs.Attr{Ino: n.Ino, Nlink: nlink, Atime: n.Atime, Ctime: n.Ctime}}
}

func (i *Info) Name() string       { return i.name }
func (i *Info) Size() int64        { return i.size }
func (i *Info) Mode() fs.FileMode  { return i.mode }
func (i *Info) ModTime() time.Time { return i.mtime }
func (i *Info) IsDir() bool        { return i.mode.IsDir() }
func (i *Info) Sys() any           { return &i.attr }

type dirEntry struct{ i *Info }

func (d dirEntry) Name() string               { return d.i.name }
func (d dirEntry) IsDir() bool                { return d.i.IsDir() }
func (d dirEntry) Type() fs.FileMode          { return d.i.mode.Type() }
func (d dirEntry) Info() (fs.FileInfo, error) { return d.i, nil }
func (d dirEntry) String() string             { return fs.FormatDirEntry(d) }

// handle is an open node.
type handle struct {
	t      *FS
	n      *Node
	flag   int
	wrote  bool
	closed bool
}

var _ vfs.FileImpl = (*handle)(nil)

func (t *FS) newHandle(n *Node, flag int) *handle {
	n.Opens++
	if flag&vfs.O_ACCMODE != vfs.O_RDONLY {
		n.Writers++
	}
	return &handle{t: t, n: n, flag: flag}
}

func (h *handle) ReadAt(p []byte, off int64) (int, error) {
	h.t.Mu.Lock()
	defer h.t.Mu.Unlock()
	switch {
	case h.closed:
		return 0, vfs.EBADF
	case h.n.IsDir():
		return 0, vfs.EISDIR
	}
	if off >= h.n.Data.Size() {
		return 0, io.EOF
	}
	return h.n.Data.ReadAt(p, off)
}

func (h *handle) write(p []byte, off int64) (int, error) {
	if h.closed {
		return 0, vfs.EBADF
	}
	if h.n.IsDir() {
		return 0, vfs.EISDIR
	}
	if off+int64(len(p)) < off {
		return 0, vfs.EFBIG
	}
	size := h.n.Data.Size()
	grow := max(0, off+int64(len(p))-size)
	if err := h.t.Grow(grow); err != nil {
		return 0, err
	}
	n, err := h.n.Data.WriteAt(p, off)
	if newSize := h.n.Data.Size(); newSize-size != grow {
		h.t.Used += (newSize - size) - grow
	}
	if n > 0 {
		h.wrote = true
		h.t.touch(h.n, h.t.now())
	}
	return n, err
}

func (h *handle) WriteAt(p []byte, off int64) (int, error) {
	h.t.Mu.Lock()
	defer h.t.Mu.Unlock()
	return h.write(p, off)
}

func (h *handle) Append(p []byte) (int, int64, error) {
	h.t.Mu.Lock()
	defer h.t.Mu.Unlock()
	if h.closed || h.n.Data == nil {
		return 0, 0, vfs.EBADF
	}
	off := h.n.Data.Size()
	n, err := h.write(p, off)
	return n, off + int64(n), err
}

func (h *handle) Truncate(size int64) error {
	h.t.Mu.Lock()
	defer h.t.Mu.Unlock()
	switch {
	case h.closed:
		return vfs.EBADF
	case h.n.IsDir():
		return vfs.EISDIR
	}
	if err := h.t.truncate(h.n, size); err != nil {
		return err
	}
	h.wrote = true
	h.t.touch(h.n, h.t.now())
	return nil
}

func (h *handle) Stat() (fs.FileInfo, error) {
	h.t.Mu.Lock()
	defer h.t.Mu.Unlock()
	if h.closed {
		return nil, vfs.EBADF
	}
	return h.t.info(h.n), nil
}

func (h *handle) ReadDir() ([]fs.DirEntry, error) {
	h.t.Mu.Lock()
	defer h.t.Mu.Unlock()
	if h.closed {
		return nil, vfs.EBADF
	}
	return h.t.readDir(h.n)
}

func (h *handle) Sync() error {
	h.t.Mu.Lock()
	defer h.t.Mu.Unlock()
	if h.closed {
		return vfs.EBADF
	}
	return h.t.hooks.Sync(h.n)
}

func (h *handle) Close() error {
	h.t.Mu.Lock()
	defer h.t.Mu.Unlock()
	if h.closed {
		return vfs.EBADF
	}
	h.closed = true
	h.n.Opens--
	if h.flag&vfs.O_ACCMODE != vfs.O_RDONLY {
		h.n.Writers--
	}
	h.t.hooks.Closed(h.n, h.wrote)
	if !h.n.Linked && h.n.Opens == 0 {
		h.t.release(h.n)
	}
	return nil
}
