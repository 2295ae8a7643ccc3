// Package vfs is Nacho's virtual file system core: a mount table, POSIX-shaped
// path resolution (symbolic links, "." and ".."), file descriptors with
// offsets and open flags, and errno-style errors.
//
// A mounted file system implements [Filesystem] (see vfs/memfs for the RAM
// disk and vfs/chunkfs for the persistent, chunked one). The core never
// imports a concrete file system, and it must not import syscall/js: it runs
// natively and in the browser alike.
//
// Every error returned by this package is an *fs.PathError whose Err is an
// [Errno], so errors.Is(err, fs.ErrNotExist) and friends work and the message
// reads like a Unix tool's ("open /nope: no such file or directory").
//
// Lock order: VFS.mu (mount table) is never held while calling into a
// Filesystem; File.mu is held while calling the FileImpl of that file.
package vfs
