//go:build js && wasm

// Command nacho-wasm is Nacho's kernel built for the browser. nacho.js
// compiles it, starts it in a Web Worker and talks to it with messages
// (see bridge_js.go for the protocol).
package main

import (
	"context"
	"fmt"
	"syscall/js"
	"time"

	_ "github.com/nachoos/nacho/emu/dos"
	"github.com/nachoos/nacho/internal/webworker"
	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/kernel/coreutils"
	_ "github.com/nachoos/nacho/kernel/sh"
)

func main() {
	setLocalTime()
	opts := js.Global().Get("nachoBootOptions")
	coreutils.Version = opts.Get("build").String()
	if opts.Get("mode").String() == "process" {
		webworker.RunGuest(opts, func(name string) (kernel.Main, bool) {
			r, ok := kernel.LookupRunner(name)
			return r.Main, ok
		})
		return
	}
	st, err := mountFilesystems(opts)
	if err != nil {
		fatal(fmt.Errorf("mounting the file systems: %w", err))
		return
	}
	b := newBridge()
	k := kernel.New(kernel.Config{
		Host: b,
		FS:   st.fs,
		Env:  kernelEnv(opts),
		// One thread: guests take turns, and every few milliseconds the
		// event loop gets its turn so the shell and the page stay live.
		Sched: kernel.SchedConfig{Slots: 1, Slice: 4 * time.Millisecond, YieldEvery: 8 * time.Millisecond, HostYield: hostYield},
		// Heavy guests get a worker, and a core, of their own.
		RunHeavy: runInWorker,
	})
	b.attach(k)
	if err := b.installFiles(opts.Get("files")); err != nil {
		fatal(err)
		return
	}
	js.Global().Set("nachoKernel", js.FuncOf(b.handle))
	post(obj{"type": "ready", "build": coreutils.Version, "exclusive": st.exclusive, "warning": st.warning})
	if st.exclusive {
		// Folders synced before the reload are synced again.
		go k.Run(context.Background(), kernel.RunOptions{Cmd: "sync resume", Cwd: "/"})
	}
	js.Global().Call("nachoFlushPending")
	select {}
}

func fatal(err error) {
	post(obj{"type": "fatal", "error": err.Error()})
}

// setLocalTime gives the kernel the page's time zone offset (the wasm
// build has no zoneinfo files to read it from).
func setLocalTime() {
	d := js.Global().Get("Date").New()
	offMin := -d.Call("getTimezoneOffset").Int()
	name := "UTC"
	if offMin != 0 {
		name = fmt.Sprintf("UTC%+03d:%02d", offMin/60, abs(offMin%60))
		if intl := js.Global().Get("Intl"); intl.Truthy() {
			if tz := intl.Get("DateTimeFormat").New().Call("resolvedOptions").Get("timeZone"); tz.Truthy() {
				name = tz.String()
			}
		}
	}
	time.Local = time.FixedZone(name, offMin*60)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// kernelEnv is the environment of the page's processes: what the embedding
// page asked for, and where the node that served the page is (the peer
// program's default server).
func kernelEnv(opts js.Value) map[string]string {
	env := envFrom(opts.Get("env"))
	if s := opts.Get("server"); s.Type() == js.TypeString && env["NACHO_SERVER"] == "" {
		env["NACHO_SERVER"] = s.String()
	}
	return env
}
