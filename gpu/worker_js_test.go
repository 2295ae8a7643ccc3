//go:build js && wasm

package gpu

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"os"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/nachoos/nacho/gpu/surface"
)

// The kernel presents from a dedicated worker onto canvases the page
// transferred to it. TestPresentFromWorker does exactly that with this test
// binary: it starts a worker running the same wasm file with
// NACHO_GPU_WORKER set, which makes TestMain run workerMain instead of the
// tests, and hands it a DOM canvas's OffscreenCanvas.

const workerEnv = "NACHO_GPU_WORKER"

func TestMain(m *testing.M) {
	if b := os.Getenv(workerEnv); b != "" {
		os.Exit(workerMain(b))
	}
	os.Exit(m.Run())
}

// workerMain runs inside the worker: it presents a text grid on the
// transferred canvas with the given backend, reads it back and compares it
// with the reference. It prints what it found; 0 means all matched.
func workerMain(backend string) int {
	canvas := js.Global().Get("nachoTestCanvas")
	if js.Global().Get("document").Truthy() || !canvas.Truthy() {
		fmt.Println("not in a worker, or no canvas was transferred")
		return 2
	}
	// A fixed clock: the reference must be drawn in the same blink phase.
	d, err := Open(Options{Backend: backend, Clock: func() time.Duration { return 0 }})
	if err != nil {
		fmt.Println("open:", err)
		return 1
	}
	p, err := d.NewPresenter(canvas)
	if err != nil {
		fmt.Println("presenter:", err)
		return 1
	}
	g := testGrid()
	if err := p.Resize(640, 400, 0); err != nil {
		fmt.Println("resize:", err)
		return 1
	}
	if err := p.Present(g); err != nil {
		fmt.Println("present:", err)
		return 1
	}
	got, err := p.Snapshot()
	if err != nil {
		fmt.Println("snapshot:", err)
		return 1
	}
	want := Reference(g, d.phase(), 640, 400, 0)
	bad := 0
	for i := range got.Pix {
		if got.Pix[i] != want.Pix[i] {
			if bad < 5 {
				fmt.Printf("pixel (%d,%d) byte %d: %d, want %d\n", i/4%640, i/4/640, i%4, got.Pix[i], want.Pix[i])
			}
			bad++
		}
	}
	fmt.Printf("backend %s in a worker: %d of %d bytes differ\n", p.Backend(), bad, len(got.Pix))
	if bad != 0 {
		return 1
	}
	return 0
}

const workerJS = `
importScripts(self.location.hash.slice(1) + '/wasm_exec.js');
self.onmessage = async (e) => {
  const {wasm, canvas, backend} = e.data;
  self.nachoTestCanvas = canvas;
  let out = '';
  const dec = new TextDecoder();
  globalThis.fs.writeSync = (fd, buf) => { out += dec.decode(buf); return buf.length; };
  const go = new Go();
  go.argv = ['gpu.test'];
  go.env = {NACHO_GPU_WORKER: backend};
  let code = -1;
  go.exit = (c) => { code = c; };
  try {
    const {instance} = await WebAssembly.instantiateStreaming(fetch(wasm), go.importObject);
    await go.run(instance);
  } catch (err) {
    out += '\nworker error: ' + err;
  }
  self.postMessage({code, out});
};
`

// testWasmURL finds the URL this test binary was fetched from.
func testWasmURL() (string, error) {
	entries := js.Global().Get("performance").Call("getEntriesByType", "resource")
	for i := 0; i < entries.Length(); i++ {
		if name := entries.Index(i).Get("name").String(); strings.HasSuffix(name, ".wasm") {
			return name, nil
		}
	}
	return "", errors.New("the test binary's URL is not among the page's resources")
}

func TestPresentFromWorker(t *testing.T) {
	if !js.Global().Get("document").Truthy() || !js.Global().Get("Worker").Truthy() {
		t.Skip("needs a page that can start workers")
	}
	wasm, err := testWasmURL()
	if err != nil {
		t.Fatal(err)
	}
	origin := js.Global().Get("location").Get("origin").String()
	blob := js.Global().Get("Blob").New([]any{workerJS}, map[string]any{"type": "text/javascript"})
	url := js.Global().Get("URL").Call("createObjectURL", blob).String() + "#" + origin
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			el := js.Global().Get("document").Call("createElement", "canvas")
			el.Set("width", 640)
			el.Set("height", 400)
			js.Global().Get("document").Get("body").Call("appendChild", el)
			defer el.Call("remove")
			offscreen := el.Call("transferControlToOffscreen")

			w := js.Global().Get("Worker").New(url)
			defer w.Call("terminate")
			done := make(chan js.Value, 1)
			onMsg := js.FuncOf(func(_ js.Value, args []js.Value) any {
				done <- args[0].Get("data")
				return nil
			})
			defer onMsg.Release()
			onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
				done <- js.ValueOf(map[string]any{"code": -2, "out": "worker failed: " + args[0].Get("message").String()})
				return nil
			})
			defer onErr.Release()
			w.Set("onmessage", onMsg)
			w.Set("onerror", onErr)
			w.Call("postMessage", map[string]any{"wasm": wasm, "canvas": offscreen, "backend": backend}, []any{offscreen})
			res := <-done
			out := strings.TrimSpace(res.Get("out").String())
			t.Log(out)
			if code := res.Get("code").Int(); code != 0 {
				if strings.Contains(out, "Instance reference") || strings.Contains(out, "was lost") {
					t.Fatalf("exit %d: headless Chromium could not present a WebGPU canvas: run it with the flags in scripts/gpu-chromium.sh", code)
				}
				t.Fatalf("the worker exited with %d", code)
			}
			if !strings.Contains(out, "backend "+backend+" in a worker: 0 of") {
				t.Fatalf("unexpected report from the worker: %q", out)
			}
			// What the page shows: the DOM canvas, drawn into a 2D canvas
			// on the main thread once the worker's frame has arrived.
			var img *image.RGBA
			for tries := 0; tries < 50; tries++ {
				nextFrame()
				img = pageCanvasPixels(el, 640, 400)
				if img.RGBAAt(0, 0) != (color.RGBA{}) {
					break
				}
			}
			compare(t, "the page's canvas", img, Reference(testGrid(), surface.PhaseAt(0), 640, 400, 0))
		})
	}
}

// nextFrame waits for the page's next animation frame.
func nextFrame() {
	done := make(chan struct{})
	f := js.FuncOf(func(js.Value, []js.Value) any { close(done); return nil })
	defer f.Release()
	js.Global().Call("requestAnimationFrame", f)
	<-done
}

// pageCanvasPixels reads what a (possibly transferred) DOM canvas shows.
func pageCanvasPixels(el js.Value, w, h int) *image.RGBA {
	c := js.Global().Get("OffscreenCanvas").New(w, h)
	ctx := c.Call("getContext", "2d")
	ctx.Call("drawImage", el, 0, 0)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	js.CopyBytesToGo(img.Pix, ctx.Call("getImageData", 0, 0, w, h).Get("data"))
	return img
}
