//go:build js && wasm

// Command nacho-wasm is Nacho's kernel built for the browser. nacho.js
// compiles it, starts it in a Web Worker and talks to it with messages
// (see bridge_js.go for the protocol).
package main

import (
	"fmt"
	"syscall/js"
	"time"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/kernel/coreutils"
	_ "github.com/nachoos/nacho/kernel/sh"
)

func main() {
	setLocalTime()
	opts := js.Global().Get("nachoBootOptions")
	coreutils.Version = opts.Get("build").String()
	if opts.Get("mode").String() == "process" {
		guestMain(opts)
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
		Env:  envFrom(opts.Get("env")),
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
	js.Global().Call("nachoFlushPending")
	select {}
}

// hostYield returns after the worker's event loop has run once.
func hostYield() {
	done := make(chan struct{})
	cb := js.FuncOf(func(js.Value, []js.Value) any { close(done); return nil })
	js.Global().Call("nachoYield", cb)
	<-done
	cb.Release()
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

func envFrom(v js.Value) map[string]string {
	env := map[string]string{}
	if !v.Truthy() {
		return env
	}
	keys := js.Global().Get("Object").Call("keys", v)
	for i := 0; i < keys.Length(); i++ {
		k := keys.Index(i).String()
		env[k] = v.Get(k).String()
	}
	return env
}
