// Package hostfs is a vfs.Filesystem backed by a directory of the host's
// file system, for native runs: `nacho run` maps a DOS drive to the current
// host directory through it, and tools can mount a host folder into a
// kernel's namespace.
//
// Every operation goes through an os.Root, so nothing outside the directory
// can be reached, whatever names or host symbolic links say. Symbolic links
// inside it are reported as links and left for the VFS to resolve, as the
// Filesystem contract asks. Permissions follow the owner bits of each file
// and directory even when the host would let the caller pass (a process
// running as root), so a DOS program sees the same read-only files on every
// back end.
//
// It is native only by design (os.Root over a real directory): under
// js/wasm the package is empty. It must not import syscall/js, the kernel
// or any emulator.
package hostfs
