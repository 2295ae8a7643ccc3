#!/bin/sh
# Run gpu's browser tests (and benchmarks, with extra go test flags) in
# headless Chromium with WebGPU able to draw on canvases (see
# scripts/gpu-chromium.sh). Usage: scripts/gpu-browser-test.sh [go test flags]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
wbt="$root/tools/bin/wasmbrowsertest"
if [ ! -x "$wbt" ]; then
	(cd "$root/tools" && go build -o bin/wasmbrowsertest github.com/agnivade/wasmbrowsertest)
fi
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || {
	apt-get update && apt-get install -y chromium
}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
ln -s "$root/scripts/gpu-chromium.sh" "$bin/chromium"
cd "$root"
PATH="$bin:$PATH" GOOS=js GOARCH=wasm go test -exec "$wbt" "$@" ./gpu/...
