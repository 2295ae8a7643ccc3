// Package kernel is Nacho's kernel: the process table, signals, file
// descriptors, pipes, terminals and the registry of programs a process can
// run. It is the same code natively and in the page; the page's glue (the
// js/wasm entry in cmd/nacho-wasm) only moves bytes and events between the
// kernel and the browser.
//
// Programs are Go functions (the shell, coreutils, and the emulators that run
// guest code) that each run in a process of their own. A process owns a
// working directory, an environment and a table of file descriptors; it ends
// when its function returns or when a signal terminates it.
//
// Lock order: Kernel.mu before Process.mu before TTY.mu. Pipes and terminals
// never call back into the kernel while holding their own locks.
//
// This package must not import syscall/js, nor any emulator or browser
// package: those register themselves with it.
package kernel
