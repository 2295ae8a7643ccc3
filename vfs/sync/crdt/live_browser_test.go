//go:build !js && cgo

package crdt_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/nachoos/nacho/vfs/sync/crdt"
	"github.com/nachoos/nacho/vfs/sync/crdt/crdttest"
)

// page loads the automerge bundle the way the js build does (compiled
// module handed to the patched IIFE) and keeps documents and sync states
// in window.docs / window.states, speaking base64 with the test.
const page = `<!doctype html><script>
window.ready = (async () => {
  const [src, wasm] = await Promise.all([fetch("automerge.js").then(r => r.text()), fetch("automerge.wasm").then(r => r.arrayBuffer())]);
  const mod = await WebAssembly.compile(wasm);
  window.L = new Function("__nachoWasmModule", "var window = {};\n" + src + "\nreturn window;")(mod).AutomergeLow;
  window.docs = {}; window.states = {};
  window.b64 = u => btoa(String.fromCharCode(...u));
  window.unb64 = s => Uint8Array.from(atob(s), c => c.charCodeAt(0));
  return true;
})();
</script>`

func startBrowser(t *testing.T) context.Context {
	t.Helper()
	bin := os.Getenv("NACHO_CHROMIUM")
	if bin == "" {
		for _, c := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(c); err == nil {
				bin = p
				break
			}
		}
	}
	if bin == "" {
		t.Skip("no Chromium (apt-get install -y chromium, or set NACHO_CHROMIUM)")
	}
	amjs, _ := filepath.Abs("amjs")
	if _, err := os.Stat(filepath.Join(amjs, "automerge.wasm")); err != nil {
		t.Skip("automerge bundle not built (scripts/sync-automerge.sh)")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page)
	})
	mux.Handle("/automerge.js", http.FileServer(http.Dir(amjs)))
	mux.HandleFunc("/automerge.wasm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/wasm")
		http.ServeFile(w, r, filepath.Join(amjs, "automerge.wasm"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.ExecPath(bin), chromedp.UserDataDir(t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	if err := chromedp.Do(ctx); err != nil { // the browser lives as long as ctx
		t.Fatalf("starting chromium: %v", err)
	}
	c, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	if err := chromedp.Do(c, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	if _, err := chromedp.Run(c, chromedp.Evaluate[bool](`window.ready`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("loading automerge in the page: %v", err)
	}
	return ctx
}

func eval[T any](t *testing.T, ctx context.Context, format string, a ...any) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	expr := fmt.Sprintf(format, a...)
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %.200s: %v", expr, err)
	}
	return v
}

// TestLiveSyncWithBrowser runs automerge's sync protocol between
// automerge-go here and @automerge/automerge in Chromium, with edits on
// both sides (including concurrent writes to the same keys) over several
// rounds, and requires identical documents and heads after each.
func TestLiveSyncWithBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	ctx := startBrowser(t)
	native, err := crdt.New(crdt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer native.Close()
	eval[bool](t, ctx, `(docs.b = L.create(), states.b = L.initSyncState(), true)`)
	ns := native.NewSyncState()
	defer ns.Close()

	b64 := base64.StdEncoding
	exchange := func() (msgs int) {
		t.Helper()
		for round := 0; round < 30; round++ {
			quiet := true
			if m, ok, err := ns.Generate(); err != nil {
				t.Fatal(err)
			} else if ok {
				quiet = false
				msgs++
				eval[bool](t, ctx, `(docs.b.receiveSyncMessage(states.b, unb64(%q)), true)`, b64.EncodeToString(m))
			}
			m := eval[string](t, ctx, `(m => m ? b64(m) : "")(docs.b.generateSyncMessage(states.b))`)
			if m != "" {
				quiet = false
				msgs++
				raw, _ := b64.DecodeString(m)
				if err := ns.Receive(raw); err != nil {
					t.Fatalf("native receives the browser's message: %v", err)
				}
			}
			if quiet {
				return msgs
			}
		}
		t.Fatal("sync did not settle in 30 rounds")
		return
	}
	check := func(when string) {
		t.Helper()
		saved := eval[string](t, ctx, `b64(docs.b.save())`)
		raw, _ := b64.DecodeString(saved)
		fromBrowser, err := crdt.Load(raw, crdt.Options{})
		if err != nil {
			t.Fatalf("%s: loading the browser's document natively: %v", when, err)
		}
		defer fromBrowser.Close()
		if a, b := crdttest.MustDump(t, native), crdttest.MustDump(t, fromBrowser); !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: documents differ\nnative:  %v\nbrowser: %v", when, a, b)
		}
		heads, _ := native.Heads()
		bh := eval[[]string](t, ctx, `docs.b.getHeads()`)
		if len(bh) != len(heads) {
			t.Fatalf("%s: heads %v here, %v in the browser", when, heads, bh)
		}
		for i := range heads {
			if heads[i].String() != bh[i] && !contains(bh, heads[i].String()) {
				t.Fatalf("%s: heads %v here, %v in the browser", when, heads, bh)
			}
		}
	}

	for round := range 4 {
		// Native edits.
		files, _ := native.Get(native.Root(), "files")
		var fo crdt.Obj
		if files.Kind == crdt.KindMap {
			fo = files.Obj
		} else {
			fo, _ = native.PutObject(native.Root(), "files", crdt.KindMap)
		}
		for i := range 20 {
			f, _ := native.PutObject(fo, fmt.Sprintf("n%d-%d", round, i), crdt.KindMap)
			native.Put(f, "size", crdt.Int(int64(i)))
			native.Put(f, "chunks", crdt.Bytes([]byte{byte(round), byte(i)}))
		}
		native.Put(native.Root(), "contested", crdt.String(fmt.Sprintf("native %d", round)))
		native.Commit(fmt.Sprintf("native round %d", round), time.Now())
		// Browser edits, concurrent with those.
		eval[bool](t, ctx, `(() => {
			const d = docs.b; let f = d.getWithType("_root", "files");
			const fo = f ? f[1] : d.putObject("_root", "files", {});
			for (let i = 0; i < 20; i++) { const o = d.putObject(fo, "b%d-" + i, {}); d.put(o, "size", i * 2, "int"); d.put(o, "who", "browser", "str"); }
			d.put("_root", "contested", "browser %d", "str");
			d.commit("browser round %d", Date.now());
			return true; })()`, round, round, round)
		msgs := exchange()
		check(fmt.Sprintf("round %d (%d messages)", round, msgs))
	}
	// A saved native document loads in the browser with the same heads.
	saved, _ := native.Save()
	n := eval[int](t, ctx, `L.load(unb64(%q)).getHeads().length`, b64.EncodeToString(saved))
	if heads, _ := native.Heads(); n != len(heads) {
		t.Errorf("the browser loads the native document with %d heads, native has %d", n, len(heads))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
