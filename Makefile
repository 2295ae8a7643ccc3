# Nacho. `make run` builds everything and serves the page on
# http://localhost:8080; `make test` installs what the tests need and runs
# native, browser and end-to-end tests.

GO        ?= go
GOROOT    := $(shell $(GO) env GOROOT)
WASM_EXEC := $(firstword $(wildcard $(GOROOT)/lib/wasm/wasm_exec.js $(GOROOT)/misc/wasm/wasm_exec.js))
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ADDR      ?= 127.0.0.1:8080
TOOLS     := $(CURDIR)/tools/bin
WBT       := $(TOOLS)/wasmbrowsertest
E2E_FLAGS ?=

.PHONY: all build run test test-native test-browser test-e2e test-deps web-deps bench fmt vet clean

all: build

## build: the kernel wasm, the page assets, and bin/nacho with all of it embedded
build: web-deps
	scripts/sync-automerge.sh
	GOOS=js GOARCH=wasm $(GO) build -trimpath -o web/dist/kernel.wasm ./cmd/nacho-wasm
	GOOS=js GOARCH=wasm $(GO) build -trimpath -o web/dist/net.wasm ./cmd/nacho-net
	cp $(WASM_EXEC) web/dist/wasm_exec.js
	mkdir -p web/dist/vendor
	cp web/node_modules/@xterm/xterm/lib/xterm.js web/node_modules/@xterm/xterm/css/xterm.css \
	   web/node_modules/@xterm/addon-fit/lib/addon-fit.js web/dist/vendor/
	$(GO) run ./web/build web/dist/kernel.wasm web/dist/net.wasm
	$(GO) build -trimpath -o bin/nacho ./cmd/nacho

web-deps: web/node_modules/.package-lock.json
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y npm; }
	cd web && npm ci --no-audit --no-fund
	touch $@

## run: build, then serve the page and the cloud node
run: build
	./bin/nacho serve --addr $(ADDR)

## test: everything, installing what is missing
test: test-deps build
	$(MAKE) test-native
	$(MAKE) test-browser
	$(MAKE) test-e2e

test-deps: $(WBT)
	@command -v chromium >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }
	@command -v nasm >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y nasm; }
	scripts/x86-deps.sh
	scripts/fabrik-seaweedfs.sh

$(WBT): tools/go.mod tools/go.sum
	cd tools && $(GO) build -o bin/wasmbrowsertest github.com/agnivade/wasmbrowsertest

test-native:
	$(GO) test ./...

# Browser tests run in headless Chromium; the wrapper in tools/ adds the
# flags WebGPU needs.
test-browser: $(WBT)
	PATH=$(CURDIR)/tools/chromium:$$PATH GOOS=js GOARCH=wasm $(GO) test -exec $(WBT) ./...

test-e2e: build
	NACHO_BIN=$(CURDIR)/bin/nacho $(GO) test -tags e2e -count=1 $(E2E_FLAGS) ./e2e/...

## bench: Go benchmarks natively, the file system ones in Chromium too, and nacho bench
bench: build
	$(GO) test -run '^$$' -bench . -benchtime 3x ./...
	scripts/vfs-bench.sh
	scripts/x86-bench.sh
	NACHO_BIN=$(CURDIR)/bin/nacho $(GO) test -tags e2e -run '^$$' -bench . -benchtime 3x ./e2e/perf/
	./bin/nacho bench

fmt:
	gofmt -w .

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./...

clean:
	rm -rf bin web/dist/*.wasm* web/dist/wasm_exec.js web/dist/vendor
