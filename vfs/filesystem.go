package vfs

import (
	"io/fs"
	"time"
)

// Filesystem is what a mounted file system implements.
//
// Names given to a Filesystem are relative to its root, clean, slash-separated
// and "." for the root itself. The VFS has already resolved every symbolic link
// in the directory part of a name, so a Filesystem never follows links itself:
// a name whose last component is a link means the link. Every component
// passes ValidName.
//
// Errors should be Errno values, bare or wrapped (see WithErrno); the VFS
// wraps them in *fs.PathError with the caller's path. Implementations must be
// safe for concurrent use.
type Filesystem interface {
	// Open opens the file, directory or (with O_CREATE) new file at name.
	// A link as last component is EINVAL here (the VFS resolves it first
	// unless O_NOFOLLOW is given, in which case ELOOP is right).
	Open(name string, opts OpenOptions) (FileImpl, error)
	// Lstat describes name without following a link in its last component.
	Lstat(name string) (fs.FileInfo, error)
	// ReadDir lists a directory, sorted by name.
	ReadDir(name string) ([]fs.DirEntry, error)
	Mkdir(name string, opts MkdirOptions) error
	// Remove unlinks a file or link, or removes an empty directory.
	Remove(name string, opts RemoveOptions) error
	// Rename moves oldname to newname atomically, replacing newname if it
	// exists and the POSIX rules allow.
	Rename(oldname, newname string, opts RenameOptions) error
	Symlink(target, name string) error
	Readlink(name string) (string, error)
	// SetAttr changes mode, times or size of name (not following a link).
	SetAttr(name string, opts SetAttrOptions) error
	// Sync returns once everything written so far is durable.
	Sync() error
	// Statfs reports space used and available, for df.
	Statfs() (FSInfo, error)
	// Close releases the file system; the VFS calls it on Unmount.
	Close() error
}

// AtomicWriter is implemented by file systems that can replace a whole file
// atomically. VFS.WriteFile uses it when the mount has it and otherwise
// writes a temporary file and renames it into place.
type AtomicWriter interface {
	WriteFile(name string, data []byte, opts OpenOptions) error
}

// FileImpl is an open file or directory inside a Filesystem. The VFS keeps
// the offset and access mode; FileImpl only sees positioned I/O. Calls on one
// FileImpl are serialized by the VFS.
type FileImpl interface {
	ReadAt(p []byte, off int64) (int, error)
	WriteAt(p []byte, off int64) (int, error)
	// Append writes p at the current end of file atomically with respect to
	// other appenders and returns the new end.
	Append(p []byte) (n int, end int64, err error)
	Truncate(size int64) error
	Stat() (fs.FileInfo, error)
	// ReadDir lists the directory the handle refers to, sorted by name
	// (ENOTDIR for a file).
	ReadDir() ([]fs.DirEntry, error)
	// Sync makes this file's data and metadata durable.
	Sync() error
	Close() error
}

// OpenOptions are the arguments of Filesystem.Open.
type OpenOptions struct {
	Flag int         // O_* flags
	Perm fs.FileMode // permission bits for a created file
}

// MkdirOptions are the arguments of Filesystem.Mkdir.
type MkdirOptions struct {
	Perm fs.FileMode
}

// RemoveOptions are the arguments of Filesystem.Remove.
type RemoveOptions struct {
	// Dir: remove only a directory (rmdir); File: only a non-directory
	// (unlink). Neither: either, as os.Remove.
	Dir, File bool
}

// RenameOptions are the arguments of Filesystem.Rename.
type RenameOptions struct {
	NoReplace bool // fail with EEXIST if newname exists (RENAME_NOREPLACE)
}

// SetAttrOptions say which attributes SetAttr changes.
type SetAttrOptions struct {
	Mask  AttrMask
	Mode  fs.FileMode // permission bits (type bits ignored)
	Atime time.Time
	Mtime time.Time
	Size  int64
}

// AttrMask selects fields of SetAttrOptions.
type AttrMask uint8

const (
	AttrMode AttrMask = 1 << iota
	AttrAtime
	AttrMtime
	AttrSize
)

// FSInfo is what Filesystem.Statfs reports.
type FSInfo struct {
	Type  string // "memfs", "chunkfs", ...
	Used  int64  // bytes stored
	Quota int64  // bytes allowed; 0 when unknown
	Files int64  // inodes in use
	// Durable is false for file systems that lose their content on reload.
	Durable bool
}

// Attr is the Sys() value of FileInfos from Nacho's file systems.
type Attr struct {
	Ino   uint64
	Nlink uint32
	Atime time.Time
	Ctime time.Time
}

// MountOptions are the arguments of VFS.Mount.
type MountOptions struct {
	ReadOnly bool // writes through this mount fail with EROFS
}

// MountUsage is one row of df.
type MountUsage struct {
	Path string
	FSInfo
}

// Usage is what VFS.Usage reports, one row per mount, sorted by path.
type Usage struct {
	Mounts []MountUsage
}
