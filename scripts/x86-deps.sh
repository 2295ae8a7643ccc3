#!/bin/sh
# x86-deps.sh: what the x86 core's tests and benchmarks need from Debian.
#   nasm      assembles the guest test programs (emu/x86/testdata/*.asm);
#             the tests skip without it
#   binutils  ld, for the native reference of `nacho bench x86-loop`
#   qemu-user qemu-i386, the JIT-emulator reference of the same benchmark
#             (optional: the benchmark says "skipped" without it)
# Idempotent: installs only what is missing. Run as root (or with sudo).
set -e
need=""
command -v nasm >/dev/null 2>&1 || need="$need nasm"
command -v ld >/dev/null 2>&1 || need="$need binutils"
if [ "${X86_BENCH_REFS:-1}" = 1 ]; then
	command -v qemu-i386 >/dev/null 2>&1 || need="$need qemu-user"
fi
if [ -n "$need" ]; then
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need
fi
nasm -v
