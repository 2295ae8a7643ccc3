//go:build e2e && !js

package fabrik

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/chunkstore/storetest"
	"github.com/nachoos/nacho/fabrik/room"
)

var (
	buildOnce sync.Once
	nachoBin  string
	pageWasm  string
	buildErr  error
)

// build compiles bin/nacho and the test page once per test binary.
func build(t *testing.T) {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nacho-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		pageWasm = filepath.Join(dir, "page.wasm")
		// make test-e2e builds bin/nacho and names it; otherwise build one.
		if nachoBin = os.Getenv("NACHO_BIN"); nachoBin == "" {
			nachoBin = filepath.Join(dir, "nacho")
			cmd := exec.Command("go", "build", "-o", nachoBin, "./cmd/nacho")
			cmd.Dir = "../.."
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("building nacho: %v\n%s", err, out)
				return
			}
		}
		cmd := exec.Command("go", "build", "-o", pageWasm, "./e2e/fabrik/testpage")
		cmd.Dir = "../.."
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building the test page: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// serve starts a real `nacho serve` and returns its URL.
func serve(t *testing.T, extra ...string) string {
	return serveIn(t, t.TempDir(), extra...)
}

func serveIn(t *testing.T, data string, extra ...string) string {
	build(t)
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	var log bytes.Buffer
	cmd := exec.Command(nachoBin, append([]string{"serve", "--addr", addr, "--data", data}, extra...)...)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		if t.Failed() {
			t.Logf("nacho serve log:\n%s", log.String())
		}
	})
	url := "http://" + addr
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(url + fabrik.PathConfig)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("nacho serve did not answer on %s: %s", addr, log.String())
		}
	}
}

func randomFile(t *testing.T, dir, name string, n int) string {
	b := make([]byte, n)
	rand.New(rand.NewSource(int64(n))).Read(b)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// syncBuffer is a bytes.Buffer safe to read while a process writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var idRE = regexp.MustCompile(`(?m)^[0-9a-f]{64}$`)

// share starts `nacho peer share` and returns the id it prints.
func share(t *testing.T, path string, args ...string) (string, *exec.Cmd, *syncBuffer) {
	out := &syncBuffer{}
	cmd := exec.Command(nachoBin, append([]string{"peer", "share", path}, args...)...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if id := idRE.FindString(out.String()); id != "" {
			return id, cmd, out
		}
	}
	t.Fatalf("peer share printed no id: %s", out.String())
	return "", nil, nil
}

func fetch(t *testing.T, args ...string) (string, error) {
	cmd := exec.Command(nachoBin, append([]string{"peer", "fetch"}, args...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func sameFile(t *testing.T, a, b string) {
	t.Helper()
	x, err1 := os.ReadFile(a)
	y, err2 := os.ReadFile(b)
	if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
		t.Fatalf("%s and %s differ (%v, %v)", a, b, err1, err2)
	}
}

func TestCLIShareFetch(t *testing.T) {
	url := serve(t)
	dir := t.TempDir()
	src := randomFile(t, dir, "src.bin", 9<<20+5)
	room := []string{"--server", url, "--room", "cli", "--secret", "pw"}
	id, _, _ := share(t, src, room...)

	dst := filepath.Join(dir, "dst.bin")
	out, err := fetch(t, append([]string{id, "-o", dst}, room...)...)
	if err != nil {
		t.Fatalf("fetch: %v\n%s", err, out)
	}
	sameFile(t, src, dst)
	if !strings.Contains(out, "every chunk verified") {
		t.Fatalf("fetch output: %s", out)
	}

	// A folder.
	tree := filepath.Join(dir, "tree")
	os.MkdirAll(filepath.Join(tree, "sub"), 0o755)
	randomFile(t, tree, "a.bin", 3<<20)
	randomFile(t, filepath.Join(tree, "sub"), "b.bin", 100)
	tid, _, _ := share(t, tree, room...)
	got := filepath.Join(dir, "got")
	if out, err := fetch(t, append([]string{tid, "-o", got}, room...)...); err != nil {
		t.Fatalf("folder fetch: %v\n%s", err, out)
	}
	sameFile(t, filepath.Join(tree, "a.bin"), filepath.Join(got, "a.bin"))
	sameFile(t, filepath.Join(tree, "sub", "b.bin"), filepath.Join(got, "sub", "b.bin"))
}

func TestCLIFailures(t *testing.T) {
	url := serve(t)
	dir := t.TempDir()
	src := randomFile(t, dir, "src.bin", 1<<20)
	id, _, _ := share(t, src, "--server", url, "--room", "r", "--secret", "right")

	cases := []struct {
		name string
		args []string
		want string
	}{
		{"wrong secret", []string{id, "--server", url, "--room", "r", "--secret", "wrong", "-o", filepath.Join(dir, "x")}, "wrong secret"},
		{"unknown id", []string{strings.Repeat("ab", 32), "--server", url, "--room", "r", "--secret", "right", "--wait", "2s", "-o", filepath.Join(dir, "y")}, "none of"},
		{"bad id", []string{"nothex", "--server", url, "--room", "r", "--secret", "right"}, "hex"},
		{"no server", []string{"--room", "r", "--secret", "right", id}, "--server is required"},
		{"exists", []string{id, "--server", url, "--room", "r", "--secret", "right", "-o", src}, "already exists"},
	}
	for _, c := range cases {
		out, err := fetch(t, c.args...)
		if err == nil {
			t.Errorf("%s: fetch succeeded:\n%s", c.name, out)
			continue
		}
		if !strings.Contains(out, c.want) {
			t.Errorf("%s: output does not say %q:\n%s", c.name, c.want, out)
		}
	}
}

// TestCLIUploadOutlivesSharer: with --upload, the node keeps the chunks,
// and a fetch after the sharer stopped gets everything from the node.
func TestCLIUploadOutlivesSharer(t *testing.T) {
	url := serve(t)
	dir := t.TempDir()
	src := randomFile(t, dir, "src.bin", 4<<20)
	room := []string{"--server", url, "--room", "up", "--secret", "pw"}
	id, cmd, out := share(t, src, append(room, "--upload")...)
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(out.String(), "uploaded to the node"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no upload: %s", out.String())
		}
	}
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	dst := filepath.Join(dir, "dst.bin")
	res, err := fetch(t, append([]string{id, "-o", dst}, room...)...)
	if err != nil {
		t.Fatalf("fetch: %v\n%s", err, res)
	}
	sameFile(t, src, dst)
	if !strings.Contains(res, "from node (4.0 MiB)") {
		t.Fatalf("expected everything from the node: %s", res)
	}
}

// TestServeOnS3: nacho serve keeps chunks in an S3-compatible store (a
// SeaweedFS started for the test), not under --data.
func TestServeOnS3(t *testing.T) {
	if testing.Short() {
		t.Skip("starts SeaweedFS")
	}
	s3 := storetest.StartSeaweedFS(t)
	data := t.TempDir()
	var url string
	// SeaweedFS answers before it accepts its first bucket; nacho serve
	// fails fast then, so try a few times.
	for i := 0; ; i++ {
		build(t)
		addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
		cmd := exec.Command(nachoBin, "serve", "--addr", addr, "--data", data, "--s3-endpoint", s3.Endpoint,
			"--s3-bucket", "nacho-e2e", "--s3-access-key", s3.AccessKey, "--s3-secret-key", s3.SecretKey)
		var log syncBuffer
		cmd.Stdout, cmd.Stderr = &log, &log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		up := false
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if resp, err := http.Get("http://" + addr + fabrik.PathConfig); err == nil {
				resp.Body.Close()
				up = true
				break
			}
		}
		if up {
			t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
			url = "http://" + addr
			break
		}
		cmd.Process.Kill()
		cmd.Wait()
		if i == 20 {
			t.Fatalf("nacho serve on S3 did not start: %s", log.String())
		}
		time.Sleep(500 * time.Millisecond)
	}
	dir := t.TempDir()
	src := randomFile(t, dir, "src.bin", 3<<20+17)
	room := []string{"--server", url, "--room", "s3", "--secret", "pw"}
	id, cmd, out := share(t, src, append(room, "--upload")...)
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(out.String(), "uploaded to the node"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no upload: %s", out.String())
		}
	}
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	dst := filepath.Join(dir, "dst.bin")
	res, err := fetch(t, append([]string{id, "-o", dst}, room...)...)
	if err != nil {
		t.Fatalf("fetch: %v\n%s", err, res)
	}
	sameFile(t, src, dst)
	if _, err := os.Stat(filepath.Join(data, "chunks")); err == nil {
		t.Fatal("chunks went to --data, not to S3")
	}
}

// --- browser tests ---

// browser starts headless Chromium, or skips if there is none.
func browser(t *testing.T) context.Context {
	exe := os.Getenv("NACHO_CHROMIUM")
	if exe == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				exe = p
				break
			}
		}
	}
	if exe == "" {
		t.Skip("no Chromium: install Debian's chromium (apt-get install chromium) or set NACHO_CHROMIUM")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		// Host candidates as plain addresses, loopback included, so peers
		// on this machine reach each other without mDNS.
		chromedp.Flag("disable-features", "WebRtcHideLocalIpsWithMdns"),
		chromedp.Flag("allow-loopback-in-peer-connection", true),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return bctx
}

// pageServer serves the test page from an origin of its own (as a site
// embedding Nacho would), not from the node.
func pageServer(t *testing.T) string {
	build(t)
	wasmExec := filepath.Join(runtimeGOROOT(), "lib", "wasm", "wasm_exec.js")
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><meta charset="utf-8"><script src="wasm_exec.js"></script><script>
const go = new Go();
WebAssembly.instantiateStreaming(fetch("page.wasm"), go.importObject)
  .then(r => go.run(r.instance))
  .catch(e => { window.fabrikResult = JSON.stringify({error: "loading: " + e}); });
</script>`)
	})
	mux.HandleFunc("/wasm_exec.js", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, wasmExec) })
	mux.HandleFunc("/page.wasm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/wasm")
		http.ServeFile(w, r, pageWasm)
	})
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return hs.URL
}

func runtimeGOROOT() string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return runtime.GOROOT()
	}
	return strings.TrimSpace(string(out))
}

type pageResult struct {
	Error   string           `json:"error"`
	ID      string           `json:"id"`
	Peer    string           `json:"peer"`
	OK      bool             `json:"ok"`
	Bytes   int              `json:"bytes"`
	SHA256  string           `json:"sha256"`
	JoinMs  int64            `json:"joinMs"`
	FetchMs int64            `json:"fetchMs"`
	Sources map[string]int64 `json:"sources"`
}

// openPage opens the test page in a new tab and waits for its result.
func openPage(t *testing.T, bctx context.Context, url string) pageResult {
	tab, cancel := chromedp.NewContext(bctx, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*cdpruntime.EventConsoleAPICalled); ok {
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			}
			t.Logf("page: %s", strings.Join(parts, " "))
		}
	}))
	t.Cleanup(cancel)
	ctx, tcancel := context.WithTimeout(tab, 90*time.Second)
	defer tcancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("page %s: %v", url, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Poll[string](`window.fabrikResult`, chromedp.WithPollingTimeout(80*time.Second)))
	if err != nil {
		t.Fatalf("page %s: %v", url, err)
	}
	var r pageResult
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		t.Fatalf("page result %q: %v", raw, err)
	}
	if r.Error != "" {
		t.Fatalf("page failed: %s", r.Error)
	}
	return r
}

func pageURL(page, server, roomName, query string) string {
	return fmt.Sprintf("%s/?server=%s&room=%s&secret=pw&%s", page, server, roomName, query)
}

func TestBrowserToBrowser(t *testing.T) {
	bctx := browser(t)
	server := serve(t)
	page := pageServer(t)
	const size = 8<<20 + 3
	sharer := openPage(t, bctx, pageURL(page, server, "bb", fmt.Sprintf("mode=share&size=%d&seed=7", size)))
	fetcher := openPage(t, bctx, pageURL(page, server, "bb", "mode=fetch&id="+sharer.ID))
	if !fetcher.OK || fetcher.Bytes != size || fetcher.SHA256 != sharer.SHA256 {
		t.Fatalf("fetched %+v, shared %+v", fetcher, sharer)
	}
	t.Logf("browser->browser: %d bytes in %d ms after a %d ms join (%v)", fetcher.Bytes, fetcher.FetchMs, fetcher.JoinMs, fetcher.Sources)
}

func TestBrowserAndNative(t *testing.T) {
	bctx := browser(t)
	server := serve(t)
	page := pageServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	native, err := room.Join(ctx, room.Config{Server: server, Room: "bn", Secret: "pw", ICEServers: []fabrik.ICEServer{}})
	if err != nil {
		t.Fatal(err)
	}
	defer native.Close()

	// Native shares, the page fetches.
	dir := t.TempDir()
	src := randomFile(t, dir, "n.bin", 16<<20+1)
	sh, err := native.Share(ctx, os.DirFS(dir), "n.bin", room.ShareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	id := sh.ID
	data, _ := os.ReadFile(src)
	sum := sha256.Sum256(data)
	got := openPage(t, bctx, pageURL(page, server, "bn", "mode=fetch&id="+id.String()))
	if got.SHA256 != hex.EncodeToString(sum[:]) || got.Bytes != len(data) {
		t.Fatalf("page fetched %+v", got)
	}
	t.Logf("native->browser: %d bytes in %d ms (%v)", got.Bytes, got.FetchMs, got.Sources)

	// The page shares, native fetches.
	const size = 3<<20 + 11
	shared := openPage(t, bctx, pageURL(page, server, "bn", fmt.Sprintf("mode=share&size=%d&seed=9", size)))
	pid, _ := fabrik.ParseID(shared.ID)
	if err := native.WaitPeers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	dest := &fabrik.MemDest{}
	var prog fabrik.Progress
	if _, err := native.Fetch(ctx, pid, dest, fabrik.FetchOptions{Progress: func(p fabrik.Progress) { prog = p }}); err != nil {
		t.Fatal(err)
	}
	psum := sha256.Sum256(dest.Files[""])
	if hex.EncodeToString(psum[:]) != shared.SHA256 || len(dest.Files[""]) != size {
		t.Fatal("native fetched different bytes from the page")
	}
	t.Logf("browser->native: %d bytes (%v)", size, prog.BySource)
}

// TestBrowserChannelThroughput sends 16 MiB from a native peer to a page
// over a reliable application channel and logs the rate: the data
// channel path into the page, with no chunk protocol or hashing.
func TestBrowserChannelThroughput(t *testing.T) {
	bctx := browser(t)
	server := serve(t)
	page := pageServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	native, err := room.Join(ctx, room.Config{Server: server, Room: "tp", Secret: "pw", ICEServers: []fabrik.ICEServer{}})
	if err != nil {
		t.Fatal(err)
	}
	defer native.Close()
	ch, _ := native.Channel("bulk", room.ChannelOptions{})
	const size = 16 << 20
	res := make(chan pageResult, 1)
	go func() { res <- openPage(t, bctx, pageURL(page, server, "tp", fmt.Sprintf("mode=sink&size=%d", size))) }()
	if err := native.WaitPeers(ctx, 1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // let the page open its channel
	msg := make([]byte, room.MaxMessage)
	for n := 0; n < size; n += len(msg) {
		if err := ch.Send(ctx, msg[:min(len(msg), size-n)]); err != nil {
			t.Fatal(err)
		}
	}
	r := <-res
	t.Logf("native->browser app channel: %d bytes in %d ms (%.1f MiB/s)", r.Bytes, r.FetchMs, float64(r.Bytes)/(1<<20)/(float64(r.FetchMs)/1000))
}
