// Package dos runs DOS programs as Nacho processes: a DOS personality over
// the x86 core in the style of emu2 and DOSBox's built-in DOS. There is no
// DOS kernel image to boot. Go code answers the BIOS and DOS interrupts
// (INT 10h, 16h, 1Ah, 21h, 2Fh, ...) and files live in Nacho's VFS, with
// DOS drives mapped to VFS directories and 8.3 names translated both ways.
//
// A Machine is one PC: 1 MiB of memory (plus the HMA), an 80386 (or an
// older model) in real mode, an 8259 PIC pair, an 8253 PIT, an 8042
// keyboard controller, CMOS, and VGA video: text, CGA 4-6 and mode 13h in
// ordinary memory at B800h and A000h, and the four planes (16-colour modes
// 0Dh-12h, mode X) mapped over A000h once a program needs them. The
// interrupt vector table points into a small ROM whose stubs trap into Go,
// so a program that hooks a vector and chains to the old one reaches the
// same Go handler as one that calls it directly.
//
// The screen goes to a kernel window when the page can show one (a text
// grid or an indexed framebuffer of gpu/surface), else to the process's
// terminal: streamed text, and the whole screen in ANSI once a program
// draws on it. Keys come from the window's events or the terminal's bytes,
// both through the 8042 and INT 9, as a keyboard's would.
//
// INT 21h is a table (int21.go): every function has a name, a handler, a
// support level and a note, in the style of gVisor's syscall tables.
// Unknown functions are logged once and fail with "invalid function".
//
// Emulated time follows wall time: the PIT raises IRQ 0 at the programmed
// rate, counters read back what a real PC would show at this instant, and a
// program that waits for a key, halts, or polls the keyboard, the clock or
// the retrace bit sleeps until the next event instead of burning a host
// core. The run loop asks the kernel's scheduler for slices of instructions
// and gives them back while it sleeps.
//
// Register the runner by importing this package: `run FILE` and `./FILE` in
// Nacho's shell then run .COM, .EXE and .BAT files here.
//
// This package must not import syscall/js; it imports the kernel (to run as
// a process), the VFS and the x86 core, never a browser package.
package dos
