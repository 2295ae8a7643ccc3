#!/bin/sh
# Installs what the DOS tests need: nasm, which assembles the test
# programs in emu/dos/testdata and e2e/dos. Idempotent.
set -e
command -v nasm >/dev/null 2>&1 && exit 0
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update
$SUDO apt-get install -y nasm
