#!/bin/bash
# Builds tools/bin/weed (SeaweedFS, an S3-compatible object store) from the Go module proxy,
# for the chunk store's S3 tests. Idempotent: does nothing when the binary is already there.
# SeaweedFS's go.mod carries replace directives, so `go install` refuses it; the module is
# downloaded, copied to a writable directory and built there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/tools/bin/weed"
version=v0.0.0-20261109003541-7506e5f91cd6
if [[ -x $out ]]; then
  echo "fabrik-seaweedfs: $out already built"
  exit 0
fi
mkdir -p "$root/tools/bin"
dir=$(GOFLAGS=-mod=mod go mod download -json "github.com/seaweedfs/seaweedfs@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[[ -d $dir ]] || { echo "fabrik-seaweedfs: could not download github.com/seaweedfs/seaweedfs@$version" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$dir/." "$work/"
chmod -R u+w "$work"
echo "fabrik-seaweedfs: building weed (takes several minutes)"
(cd "$work" && CGO_ENABLED=0 go build -trimpath -o "$out.tmp" ./weed)
mv "$out.tmp" "$out"
echo "fabrik-seaweedfs: built $out"
