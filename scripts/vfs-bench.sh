#!/usr/bin/env bash
# Runs the file system benchmarks natively (RAM disk, chunkfs over memory
# and over the native file store) and in headless Chromium (chunkfs over
# IndexedDB, with memory in the same browser as the reference, and one
# IndexedDB transaction against the same transaction in raw JavaScript),
# then prints the median of each benchmark.
#
#   scripts/vfs-bench.sh            # 5 runs of each
#   COUNT=9 scripts/vfs-bench.sh    # more runs
#   BROWSER=0 scripts/vfs-bench.sh  # native only
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-5}
BENCHTIME=${BENCHTIME:-3x}
WBT=${WBT:-$PWD/tools/bin/wasmbrowsertest}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

go test ./vfs/memfs/ ./vfs/chunkfs/ -run '^$' -bench . -benchtime "$BENCHTIME" -count "$COUNT" | tee -a "$out"
if [ "${BROWSER:-1}" != 0 ]; then
	if [ ! -x "$WBT" ]; then
		(cd tools && go build -o bin/wasmbrowsertest github.com/agnivade/wasmbrowsertest)
	fi
	PATH=$PWD/tools/chromium:$PATH GOOS=js GOARCH=wasm go test -exec "$WBT" ./vfs/idb/ \
		-run '^$' -bench . -benchtime "$BENCHTIME" -count "$COUNT" 2>&1 | grep -E '^(Benchmark|ok|FAIL)' | tee -a "$out"
fi

echo
echo "medians of $COUNT runs:"
awk '/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) {
		unit = $(i+1)
		if (unit == "ns/op" || unit == "MB/s" || unit == "files/s") {
			key = name " " unit
			vals[key] = vals[key] " " $i
			if (!(key in seen)) { seen[key] = 1; order[++n] = key }
		}
	}
}
END {
	for (k = 1; k <= n; k++) {
		key = order[k]
		m = split(substr(vals[key], 2), a, " ")
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		med = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
		split(key, kk, " ")
		printf "%-55s %14.2f %s\n", kk[1], med, kk[2]
	}
}' "$out"
