package vfs

import (
	"errors"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// VFS is a mount table with path resolution. Paths given to it are absolute
// and slash-separated (a relative path is taken from "/"); "." and ".." are
// resolved after symbolic links, as POSIX does. A VFS is safe for concurrent
// use.
type VFS struct {
	mu     sync.RWMutex
	mounts map[string]*mount // by clean absolute path
}

type mount struct {
	path string
	fsys Filesystem
	opts MountOptions
	open atomic.Int64 // open files, for Unmount's EBUSY
}

// New returns a VFS with root mounted at "/".
func New(root Filesystem) *VFS {
	v := &VFS{mounts: map[string]*mount{}}
	v.mounts["/"] = &mount{path: "/", fsys: root}
	return v
}

// Mount mounts fsys on the existing directory at. Mounting over a mount
// point is EBUSY.
func (v *VFS) Mount(at string, fsys Filesystem, opts MountOptions) error {
	r, err := v.resolve(at, true)
	if err != nil {
		return pathErr("mount", at, err)
	}
	fi, err := r.m.fsys.Lstat(r.rel)
	if err != nil {
		return pathErr("mount", at, err)
	}
	if !fi.IsDir() {
		return pathErr("mount", at, ENOTDIR)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, busy := v.mounts[r.abs]; busy {
		return pathErr("mount", at, EBUSY)
	}
	v.mounts[r.abs] = &mount{path: r.abs, fsys: fsys, opts: opts}
	return nil
}

// Unmount syncs and closes the file system mounted at at. It is EBUSY while
// files are open on it or other file systems are mounted below it, and
// EINVAL for "/" or a path that is not a mount point.
func (v *VFS) Unmount(at string) error {
	abs := Clean(at)
	v.mu.Lock()
	m, ok := v.mounts[abs]
	switch {
	case !ok || abs == "/":
		v.mu.Unlock()
		return pathErr("unmount", at, EINVAL)
	case m.open.Load() > 0:
		v.mu.Unlock()
		return pathErr("unmount", at, EBUSY)
	}
	for p := range v.mounts {
		if strings.HasPrefix(p, abs+"/") {
			v.mu.Unlock()
			return pathErr("unmount", at, EBUSY)
		}
	}
	delete(v.mounts, abs)
	v.mu.Unlock()
	err := m.fsys.Sync()
	if cerr := m.fsys.Close(); err == nil {
		err = cerr
	}
	return pathErr("unmount", at, err)
}

// mountAt returns the mount holding the clean absolute path abs and abs
// relative to that mount's root.
func (v *VFS) mountAt(abs string) (*mount, string) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	p := abs
	for {
		if m, ok := v.mounts[p]; ok {
			rel := strings.TrimPrefix(abs[len(p):], "/")
			if rel == "" {
				rel = "."
			}
			return m, rel
		}
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			p = "/"
		} else {
			p = p[:i]
		}
	}
}

// resolved is a path after resolution.
type resolved struct {
	m       *mount
	rel     string // relative to m's root, "." for the root
	abs     string // clean absolute path, no links in it (but the last component when not followed)
	mustDir bool   // the path ended in a slash
}

// resolve walks name, following symbolic links in every directory component
// and, when follow is set, in the last one. The last component need not exist.
func (v *VFS) resolve(name string, follow bool) (resolved, error) {
	if err := checkPath(name); err != nil {
		return resolved{}, err
	}
	trimmed := strings.TrimRight(name, "/")
	mustDir := len(trimmed) > 0 && len(trimmed) < len(name)
	if mustDir {
		follow = true
	}
	todo := name
	cur := "/"
	hops := 0
	for {
		todo = strings.TrimLeft(todo, "/")
		if todo == "" {
			break
		}
		c, rest, _ := strings.Cut(todo, "/")
		todo = rest
		switch c {
		case ".":
			continue
		case "..":
			if i := strings.LastIndexByte(cur, '/'); i > 0 {
				cur = cur[:i]
			} else {
				cur = "/"
			}
			continue
		}
		if len(c) > NameMax {
			return resolved{}, ENAMETOOLONG
		}
		next := cur + "/" + c
		if cur == "/" {
			next = "/" + c
		}
		last := strings.Trim(todo, "/") == ""
		if last && !follow {
			cur = next
			break
		}
		m, rel := v.mountAt(next)
		fi, err := m.fsys.Lstat(rel)
		if err != nil {
			if last && ErrnoOf(err) == ENOENT {
				cur = next
				break
			}
			return resolved{}, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			hops++
			if hops > SymlinkMax {
				return resolved{}, ELOOP
			}
			target, err := m.fsys.Readlink(rel)
			if err != nil {
				return resolved{}, err
			}
			if strings.HasPrefix(target, "/") {
				cur = "/"
			}
			if len(target)+len(todo) > PathMax {
				return resolved{}, ENAMETOOLONG
			}
			todo = target + "/" + todo
			continue
		}
		if !last && !fi.IsDir() {
			return resolved{}, ENOTDIR
		}
		cur = next
	}
	m, rel := v.mountAt(cur)
	return resolved{m: m, rel: rel, abs: cur, mustDir: mustDir}, nil
}

// resolveParent resolves name without following its last component and
// refuses the root of a mount, which cannot be removed or renamed.
func (v *VFS) resolveLast(name string) (resolved, error) {
	r, err := v.resolve(name, false)
	if err != nil {
		return r, err
	}
	if r.rel == "." {
		if r.abs == "/" {
			return r, EBUSY
		}
		return r, EBUSY
	}
	return r, nil
}

func (m *mount) writeCheck() error {
	if m.opts.ReadOnly {
		return EROFS
	}
	return nil
}

// Open opens name with O_* flags; perm applies to a created file.
func (v *VFS) Open(name string, flag int, perm fs.FileMode) (*File, error) {
	follow := flag&O_NOFOLLOW == 0 && !(flag&O_CREATE != 0 && flag&O_EXCL != 0)
	r, err := v.resolve(name, follow)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	if writable(flag) || flag&(O_CREATE|O_TRUNC) != 0 {
		if err := r.m.writeCheck(); err != nil {
			// Opening an existing file O_CREATE without write access is
			// fine on a read-only mount; anything that could write is not.
			if writable(flag) || flag&O_TRUNC != 0 {
				return nil, pathErr("open", name, err)
			}
			if _, serr := r.m.fsys.Lstat(r.rel); serr != nil {
				return nil, pathErr("open", name, err)
			}
			flag &^= O_CREATE
		}
	}
	if r.mustDir && flag&O_CREATE != 0 {
		return nil, pathErr("open", name, EISDIR)
	}
	impl, err := r.m.fsys.Open(r.rel, OpenOptions{Flag: flag, Perm: perm.Perm()})
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	if flag&O_DIRECTORY != 0 || r.mustDir {
		fi, err := impl.Stat()
		if err == nil && !fi.IsDir() {
			err = ENOTDIR
		}
		if err != nil {
			impl.Close()
			return nil, pathErr("open", name, err)
		}
	}
	r.m.open.Add(1)
	return &File{name: name, flag: flag, m: r.m, impl: impl}, nil
}

// Create opens name read-write, creating or truncating it, as os.Create.
func (v *VFS) Create(name string) (*File, error) {
	return v.Open(name, O_RDWR|O_CREATE|O_TRUNC, 0o666)
}

// Stat describes name, following symbolic links.
func (v *VFS) Stat(name string) (fs.FileInfo, error) {
	r, err := v.resolve(name, true)
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	fi, err := r.m.fsys.Lstat(r.rel)
	if err == nil && r.mustDir && !fi.IsDir() {
		err = ENOTDIR
	}
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	return fi, nil
}

// Lstat describes name without following a link in its last component.
func (v *VFS) Lstat(name string) (fs.FileInfo, error) {
	r, err := v.resolve(name, false)
	if err != nil {
		return nil, pathErr("lstat", name, err)
	}
	fi, err := r.m.fsys.Lstat(r.rel)
	if err == nil && r.mustDir && !fi.IsDir() {
		err = ENOTDIR
	}
	if err != nil {
		return nil, pathErr("lstat", name, err)
	}
	return fi, nil
}

// ReadDir lists the directory name, sorted by name. Entries that are mount
// points describe the directory underneath, as on Unix.
func (v *VFS) ReadDir(name string) ([]fs.DirEntry, error) {
	r, err := v.resolve(name, true)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	ents, err := r.m.fsys.ReadDir(r.rel)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	return ents, nil
}

// Mkdir creates the directory name.
func (v *VFS) Mkdir(name string, perm fs.FileMode) error {
	r, err := v.resolve(name, false)
	if err == nil && r.rel == "." {
		err = EEXIST
	}
	if err == nil {
		err = r.m.writeCheck()
	}
	if err == nil {
		err = r.m.fsys.Mkdir(r.rel, MkdirOptions{Perm: perm.Perm()})
	}
	return pathErr("mkdir", name, err)
}

// MkdirAll creates name and any missing parents, as os.MkdirAll.
func (v *VFS) MkdirAll(name string, perm fs.FileMode) error {
	if fi, err := v.Stat(name); err == nil {
		if fi.IsDir() {
			return nil
		}
		return pathErr("mkdir", name, ENOTDIR)
	}
	abs := Clean(name)
	if dir, _ := Split(abs); dir != abs {
		if err := v.MkdirAll(dir, perm); err != nil {
			return err
		}
	}
	err := v.Mkdir(abs, perm)
	if err != nil {
		if fi, serr := v.Stat(abs); serr == nil && fi.IsDir() {
			return nil
		}
		return pathErr("mkdir", name, ErrnoOf(err))
	}
	return nil
}

// Remove unlinks a file or link or removes an empty directory.
func (v *VFS) Remove(name string) error {
	r, err := v.resolveLast(name)
	if err == nil {
		err = r.m.writeCheck()
	}
	if err == nil {
		opts := RemoveOptions{Dir: r.mustDir}
		err = r.m.fsys.Remove(r.rel, opts)
	}
	return pathErr("remove", name, err)
}

// RemoveAll removes name and everything below it; a missing name is not an
// error, as os.RemoveAll.
func (v *VFS) RemoveAll(name string) error {
	fi, err := v.Lstat(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	if fi.IsDir() {
		ents, err := v.ReadDir(name)
		if err != nil {
			return err
		}
		base := strings.TrimRight(name, "/")
		for _, e := range ents {
			if err := v.RemoveAll(base + "/" + e.Name()); err != nil {
				return err
			}
		}
	}
	err = v.Remove(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Rename moves oldname to newname atomically, replacing newname where POSIX
// allows. Across mounts it is EXDEV.
func (v *VFS) Rename(oldname, newname string) error {
	return v.RenameWith(oldname, newname, RenameOptions{})
}

// RenameWith is Rename with options (RENAME_NOREPLACE).
func (v *VFS) RenameWith(oldname, newname string, opts RenameOptions) error {
	fail := func(err error) error { return pathErr("rename", oldname+" "+newname, err) }
	ro, err := v.resolveLast(oldname)
	if err != nil {
		return fail(err)
	}
	rn, err := v.resolveLast(newname)
	if err != nil {
		return fail(err)
	}
	if ro.m != rn.m {
		return fail(EXDEV)
	}
	if err := ro.m.writeCheck(); err != nil {
		return fail(err)
	}
	return fail(ro.m.fsys.Rename(ro.rel, rn.rel, opts))
}

// Symlink creates name as a symbolic link to target.
func (v *VFS) Symlink(target, name string) error {
	if target == "" {
		return pathErr("symlink", name, ENOENT)
	}
	if err := checkPath(target); err != nil {
		return pathErr("symlink", name, err)
	}
	r, err := v.resolve(name, false)
	if err == nil && r.rel == "." {
		err = EEXIST
	}
	if err == nil {
		err = r.m.writeCheck()
	}
	if err == nil {
		err = r.m.fsys.Symlink(target, r.rel)
	}
	return pathErr("symlink", name, err)
}

// Readlink returns the target of the symbolic link name.
func (v *VFS) Readlink(name string) (string, error) {
	r, err := v.resolve(name, false)
	if err != nil {
		return "", pathErr("readlink", name, err)
	}
	t, err := r.m.fsys.Readlink(r.rel)
	if err != nil {
		return "", pathErr("readlink", name, err)
	}
	return t, nil
}

func (v *VFS) setAttr(op, name string, opts SetAttrOptions) error {
	r, err := v.resolve(name, true)
	if err == nil {
		err = r.m.writeCheck()
	}
	if err == nil {
		err = r.m.fsys.SetAttr(r.rel, opts)
	}
	return pathErr(op, name, err)
}

// Chmod sets the permission bits of name (following links).
func (v *VFS) Chmod(name string, mode fs.FileMode) error {
	return v.setAttr("chmod", name, SetAttrOptions{Mask: AttrMode, Mode: mode.Perm()})
}

// Chtimes sets the access and modification times of name; a zero time
// leaves that time unchanged, as os.Chtimes.
func (v *VFS) Chtimes(name string, atime, mtime time.Time) error {
	var opts SetAttrOptions
	if !atime.IsZero() {
		opts.Mask |= AttrAtime
		opts.Atime = atime
	}
	if !mtime.IsZero() {
		opts.Mask |= AttrMtime
		opts.Mtime = mtime
	}
	return v.setAttr("chtimes", name, opts)
}

// Truncate sets the size of the file name.
func (v *VFS) Truncate(name string, size int64) error {
	if size < 0 {
		return pathErr("truncate", name, EINVAL)
	}
	return v.setAttr("truncate", name, SetAttrOptions{Mask: AttrSize, Size: size})
}

// ReadFile returns the content of name.
func (v *VFS) ReadFile(name string) ([]byte, error) {
	f, err := v.Open(name, O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := 512
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 && fi.Size() < 1<<40 {
		size = int(fi.Size()) + 1
	}
	data := make([]byte, 0, size)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err != nil {
			if err == io.EOF {
				return data, nil
			}
			return nil, err
		}
	}
}

// WriteFile replaces the content of name atomically: a reader, or the
// file system after a crash, sees the old content or the new, never a mix.
// perm applies when the file is created.
func (v *VFS) WriteFile(name string, data []byte, perm fs.FileMode) error {
	r, err := v.resolve(name, true)
	if err == nil && r.mustDir {
		err = EISDIR
	}
	if err == nil {
		err = r.m.writeCheck()
	}
	if err != nil {
		return pathErr("open", name, err)
	}
	if aw, ok := r.m.fsys.(AtomicWriter); ok {
		return pathErr("open", name, aw.WriteFile(r.rel, data, OpenOptions{Flag: O_WRONLY | O_CREATE | O_TRUNC, Perm: perm.Perm()}))
	}
	// Write beside it and rename over it.
	dir, base := Split(r.abs)
	tmp := dir + "/." + base + ".tmp" + randSuffix()
	if dir == "/" {
		tmp = "/." + base + ".tmp" + randSuffix()
	}
	if fi, err := v.Stat(r.abs); err == nil {
		perm = fi.Mode().Perm()
	}
	f, err := v.Open(tmp, O_WRONLY|O_CREATE|O_EXCL, perm)
	if err != nil {
		return pathErr("open", name, ErrnoOf(err))
	}
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = v.Rename(tmp, r.abs)
	}
	if werr != nil {
		v.Remove(tmp)
		return pathErr("write", name, ErrnoOf(werr))
	}
	return nil
}

var tmpCounter atomic.Uint64

func randSuffix() string {
	n := tmpCounter.Add(1) + uint64(time.Now().UnixNano())
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	var b [12]byte
	for i := range b {
		b[i] = digits[n%36]
		n /= 36
	}
	return string(b[:])
}

// Sync returns once everything written so far, on every mount, is durable.
func (v *VFS) Sync() error {
	var errs []error
	for _, m := range v.mountList() {
		if err := m.fsys.Sync(); err != nil {
			errs = append(errs, pathErr("sync", m.path, err))
		}
	}
	return errors.Join(errs...)
}

func (v *VFS) mountList() []*mount {
	v.mu.RLock()
	ms := make([]*mount, 0, len(v.mounts))
	for _, m := range v.mounts {
		ms = append(ms, m)
	}
	v.mu.RUnlock()
	sort.Slice(ms, func(i, j int) bool { return ms[i].path < ms[j].path })
	return ms
}

// Mounts returns the mount points, sorted.
func (v *VFS) Mounts() []string {
	var out []string
	for _, m := range v.mountList() {
		out = append(out, m.path)
	}
	return out
}

// Usage reports space used and quota per mount, for df.
func (v *VFS) Usage() (Usage, error) {
	var u Usage
	var errs []error
	for _, m := range v.mountList() {
		info, err := m.fsys.Statfs()
		if err != nil {
			errs = append(errs, pathErr("statfs", m.path, err))
			continue
		}
		u.Mounts = append(u.Mounts, MountUsage{Path: m.path, FSInfo: info})
	}
	return u, errors.Join(errs...)
}

// MountFS returns the file system mounted exactly at at, or nil.
func (v *VFS) MountFS(at string) Filesystem {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if m, ok := v.mounts[Clean(at)]; ok {
		return m.fsys
	}
	return nil
}
