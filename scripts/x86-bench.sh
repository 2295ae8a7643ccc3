#!/bin/sh
# x86-bench.sh: the x86 interpreter's speed on emu/x86/testdata/loop.asm
# (about 200 million instructions of ALU work, memory and branches),
# natively and in WebAssembly, each beside a reference measured in the same
# run:
#   native:   `nacho bench x86-loop`: the interpreter, the same algorithm
#             compiled by Go, the same instructions run natively and under
#             qemu-i386 (when installed)
#   wasm:     the Go benchmark under node and in headless Chromium
#             (wasmbrowsertest), with the Go-compiled algorithm in the same
#             wasm instance as the reference
# Each wasm figure is the best of $RUNS runs (default 3): a browser's first
# run also pays for its JIT warming up, and a shared machine is noisy.
set -e
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
echo "== native"
go run ./cmd/nacho bench x86-loop
GOROOT=$(go env GOROOT)
echo "== wasm, node ($(node --version))"
GOOS=js GOARCH=wasm go test -exec "$GOROOT/lib/wasm/go_js_wasm_exec" -run XXX \
	-bench BenchmarkInterpreter -benchtime 1x -count "$RUNS" ./emu/x86/x86bench/ | grep Benchmark
if [ -x tools/bin/wasmbrowsertest ] && command -v chromium >/dev/null 2>&1; then
	echo "== wasm, Chromium ($(chromium --version 2>/dev/null | head -1))"
	GOOS=js GOARCH=wasm go test -exec "$PWD/tools/bin/wasmbrowsertest" -run XXX \
		-bench BenchmarkInterpreter -benchtime 1x -count "$RUNS" ./emu/x86/x86bench/ | grep Benchmark
else
	echo "== wasm, Chromium: skipped (needs tools/bin/wasmbrowsertest and chromium)"
fi
