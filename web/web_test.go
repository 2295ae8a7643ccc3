package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func newHandler(t *testing.T) *Handler {
	t.Helper()
	h, err := NewHandler(Options{})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func get(h http.Handler, path string, hdr ...string) *http.Response {
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPageIsCrossOriginIsolated(t *testing.T) {
	resp := get(newHandler(t), "/")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for k, v := range map[string]string{
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Embedder-Policy": "require-corp",
		"Content-Type":                 "text/html; charset=utf-8",
		"Cache-Control":                "no-cache",
	} {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if !bytes.Contains(body(t, resp), []byte(`<script src="nacho.js">`)) {
		t.Error("index.html does not load nacho.js")
	}
}

var assetsRE = regexp.MustCompile(`var ASSETS = (\{.*?\});`)

// nacho.js carries the table of hashed assets; each one is served under
// its hashed name with a year-long immutable cache lifetime and CORS.
func TestHashedAssets(t *testing.T) {
	h := newHandler(t)
	js := body(t, get(h, "/nacho.js"))
	m := assetsRE.FindSubmatch(js)
	if m == nil {
		t.Fatal("nacho.js has no asset table filled in")
	}
	var table map[string]assetRef
	if err := json.Unmarshal(m[1], &table); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"worker.js", "desktop.js", "nacho.css"} {
		ref, ok := table[name]
		if !ok {
			t.Fatalf("asset table lacks %s: %s", name, m[1])
		}
		if !regexp.MustCompile(`^assets/[a-z-]+-[0-9a-f]{12}\.[a-z]+$`).MatchString(ref.URL) {
			t.Errorf("%s: url %q is not content-hashed", name, ref.URL)
		}
		resp := get(h, "/"+ref.URL)
		b := body(t, resp)
		if resp.StatusCode != 200 || len(b) != ref.Size {
			t.Errorf("%s: status %d, %d bytes, want %d", ref.URL, resp.StatusCode, len(b), ref.Size)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("%s: Cache-Control %q", ref.URL, cc)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Cross-Origin-Resource-Policy") != "cross-origin" {
			t.Errorf("%s: not usable from another origin: %v", ref.URL, resp.Header)
		}
	}
	if _, _, ok := h.Asset("kernel.wasm"); ok {
		url, _, _ := h.Asset("kernel.wasm")
		if ct := get(h, "/"+url).Header.Get("Content-Type"); ct != "application/wasm" {
			t.Errorf("kernel.wasm Content-Type %q", ct)
		}
	}
}

func TestCompression(t *testing.T) {
	h := newHandler(t)
	plain := body(t, get(h, "/nacho.js"))
	resp := get(h, "/nacho.js", "Accept-Encoding", "gzip, deflate")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body(t, resp)))
	if err != nil {
		t.Fatal(err)
	}
	unz, _ := io.ReadAll(zr)
	if !bytes.Equal(unz, plain) {
		t.Fatal("gzip body differs from the plain one")
	}
	if get(h, "/nacho.js", "Accept-Encoding", "gzip;q=0").Header.Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still got gzip")
	}
	if v := resp.Header.Get("Vary"); v != "Accept-Encoding" {
		t.Errorf("Vary %q", v)
	}
}

func TestConditionalGet(t *testing.T) {
	h := newHandler(t)
	for _, enc := range []string{"", "gzip"} {
		resp := get(h, "/sw.js", "Accept-Encoding", enc)
		etag := resp.Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		if st := get(h, "/sw.js", "Accept-Encoding", enc, "If-None-Match", etag).StatusCode; st != http.StatusNotModified {
			t.Errorf("encoding %q: revalidation gave %d, want 304", enc, st)
		}
	}
}

func TestServiceWorkerPrecachesEveryAsset(t *testing.T) {
	h := newHandler(t)
	sw := string(body(t, get(h, "/sw.js")))
	if strings.Contains(sw, "@NACHO_") {
		t.Fatal("sw.js markers left unfilled")
	}
	for name, ref := range h.assets {
		if !strings.Contains(sw, `"`+ref.URL+`"`) {
			t.Errorf("sw.js does not precache %s (%s)", name, ref.URL)
		}
	}
	if !strings.Contains(sw, `"`+h.Build()+`"`) {
		t.Error("sw.js does not carry the build id, so a new build would not replace it")
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	h := newHandler(t)
	if st := get(h, "/nope").StatusCode; st != 404 {
		t.Errorf("unknown path: %d", st)
	}
	r := httptest.NewRequest("POST", "/", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", w.Code)
	}
	r = httptest.NewRequest("OPTIONS", "/nacho.js", nil)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusNoContent || w.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("preflight: %d %v", w.Code, w.Header())
	}
}

func TestAcceptsEncoding(t *testing.T) {
	for _, c := range []struct {
		header, enc string
		want        bool
	}{
		{"gzip", "gzip", true},
		{"br;q=1.0, gzip;q=0.8", "gzip", true},
		{"gzip;q=0", "gzip", false},
		{"gzip; q=0.000", "gzip", false},
		{"deflate", "gzip", false},
		{"GZIP", "gzip", true},
		{"", "br", false},
	} {
		if got := acceptsEncoding(c.header, c.enc); got != c.want {
			t.Errorf("acceptsEncoding(%q, %q) = %v", c.header, c.enc, got)
		}
	}
}
