#!/bin/sh
# Regenerate gpu/font/glyphs.go from the VGA console fonts of Debian's
# console-setup-linux package (UNI-VGA glyphs; see gpu/font/README.md).
# Idempotent: the output only changes if the package's fonts do.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
if ! apt-get download console-setup-linux >/dev/null 2>&1; then
	apt-get update >/dev/null
	apt-get download console-setup-linux >/dev/null
fi
dpkg-deb -x console-setup-linux_*.deb x
fonts=$(ls "$work"/x/usr/share/consolefonts/*-VGA16.psf.gz | grep -v Terminus)
cd "$root"
# shellcheck disable=SC2086
go run ./gpu/font/internal/mkfont -o gpu/font/glyphs.go $fonts
echo "wrote gpu/font/glyphs.go from $(ls "$work"/console-setup-linux_*.deb | xargs -n1 basename)"
