//go:build linux && amd64

package x86bench

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// ErrUnsupported: a tool a reference needs is not installed.
var ErrUnsupported = errors.New("x86bench: reference tool not installed")

// hostSource is testdata/loop.asm's loops as a 64-bit Linux program: the
// same instructions on the same 16-bit data, addressed through 64-bit
// registers. Its exit status is the checksum's low byte.
const hostSource = `bits 64
%define INNER 10000
section .bss
buf:    resb 258
section .text
global _start
_start:
        lea     r8, [rel buf]
        xor     bp, bp
        mov     ecx, OUTER
outer:
        xor     esi, esi
        mov     edi, 0x80
        mov     bx, cx
        mov     dx, INNER
inner:
        mov     ax, [r8+rsi]
        add     ax, bx
        xor     ax, dx
        mov     [r8+rdi], ax
        add     si, 2
        add     di, 2
        and     esi, 0xFF
        and     edi, 0xFF
        inc     bx
        dec     dx
        jnz     inner
        add     bp, ax
        loop    outer
        movzx   edi, bpl
        mov     eax, 60
        syscall
`

// i386Source is the same loop as a 32-bit Linux program, for qemu-i386.
const i386Source = `bits 32
%define INNER 10000
section .bss
buf:    resb 258
section .text
global _start
_start:
        xor     bp, bp
        mov     ecx, OUTER
outer:
        xor     esi, esi
        mov     edi, 0x80
        mov     bx, cx
        mov     dx, INNER
inner:
        mov     ax, [esi+buf]
        add     ax, bx
        xor     ax, dx
        mov     [edi+buf], ax
        add     si, 2
        add     di, 2
        and     esi, 0xFF
        and     edi, 0xFF
        inc     bx
        dec     dx
        jnz     inner
        add     bp, ax
        loop    outer
        movzx   ebx, bp
        and     ebx, 0xFF
        mov     eax, 1
        int     0x80
`

// build assembles and links a reference program in dir.
func build(dir, name, src, format, ldArch string, outer int) (string, error) {
	nasm, err1 := exec.LookPath("nasm")
	ld, err2 := exec.LookPath("ld")
	if err1 != nil || err2 != nil {
		return "", fmt.Errorf("%w: nasm and ld (Debian nasm, binutils)", ErrUnsupported)
	}
	asm := filepath.Join(dir, name+".asm")
	obj := filepath.Join(dir, name+".o")
	exe := filepath.Join(dir, name)
	if err := os.WriteFile(asm, []byte(src), 0o644); err != nil {
		return "", err
	}
	if b, err := exec.Command(nasm, "-f", format, fmt.Sprintf("-DOUTER=%d", outer), "-o", obj, asm).CombinedOutput(); err != nil {
		return "", fmt.Errorf("nasm: %v: %s", err, b)
	}
	if b, err := exec.Command(ld, "-m", ldArch, "-o", exe, obj).CombinedOutput(); err != nil {
		return "", fmt.Errorf("ld: %v: %s", err, b)
	}
	return exe, nil
}

// timeRun runs a reference program and checks its exit status (the
// checksum's low byte). It runs the program a few times and keeps the
// fastest, since one native run is short.
func timeRun(outer int, argv ...string) (time.Duration, error) {
	sum := Model(outer)
	best := time.Duration(1<<63 - 1)
	for i := 0; i < 5; i++ {
		start := time.Now()
		err := exec.Command(argv[0], argv[1:]...).Run()
		d := time.Since(start)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != int(sum&0xFF) {
			return 0, fmt.Errorf("%s: want exit status %d, got %v", filepath.Base(argv[len(argv)-1]), sum&0xFF, err)
		}
		best = min(best, d)
	}
	return best, nil
}

// nativeOuter stretches the native run (20 times the interpreter's) so
// that starting a process is a small part of it.
const nativeOuter = Outer * 20

// RunNative assembles the loop for this host (x86-64) and times it; dir
// holds the build. Process start-up is included, which flatters the
// interpreter slightly.
func RunNative(dir string) (Result, error) {
	exe, err := build(dir, "loop_host", hostSource, "elf64", "elf_x86_64", nativeOuter)
	if err != nil {
		return Result{}, err
	}
	d, err := timeRun(nativeOuter, exe)
	if err != nil {
		return Result{}, err
	}
	return Result{Insns: insns(nativeOuter, 3), Duration: d}, nil
}

// RunQEMU times the loop as a 32-bit Linux program under qemu-i386 (a
// JIT emulator), if it is installed.
func RunQEMU(dir string) (Result, error) {
	q, err := exec.LookPath("qemu-i386")
	if err != nil {
		return Result{}, fmt.Errorf("%w: qemu-i386 (Debian qemu-user)", ErrUnsupported)
	}
	const outer = Outer * 5
	exe, err := build(dir, "loop_i386", i386Source, "elf32", "elf_i386", outer)
	if err != nil {
		return Result{}, err
	}
	d, err := timeRun(outer, q, exe)
	if err != nil {
		return Result{}, err
	}
	return Result{Insns: insns(outer, 2), Duration: d}, nil
}
