// Package remote runs a process somewhere else than its kernel: in the
// page, a CPU-heavy guest runs in a Web Worker of its own (a second
// instance of the kernel's WebAssembly module), so two busy guests use two
// cores and killing one is instant (the worker is terminated).
//
// The kernel keeps a stand-in process for it (pid, descriptors, signals,
// accounting); Host serves the guest's requests against that stand-in: its
// file namespace, its descriptors (a terminal, pipes, files), its terminal
// modes. In the worker, Guest builds a small local kernel whose file system
// and descriptors are proxies for the stand-in's, and runs the program's
// Main in it unchanged. Signals travel to the guest; statistics, memory and
// the exit status travel back.
//
// The two ends talk over a Conn that carries byte messages (a MessagePort
// in the page, an in-memory pipe in tests); the encoding is this package's
// own, bounded and checked, since a broken guest must not take the kernel
// down with it.
//
// This package must not import syscall/js.
package remote
