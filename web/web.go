// Package web is Nacho's page: the HTML, the loader and embed API
// (nacho.js), the desktop, the service worker, and the built kernel wasm,
// all embedded into the nacho binary and served by Handler.
//
// Assets that the page loads are served under content-hashed names
// (assets/kernel-1a2b3c4d5e6f.wasm) with year-long cache lifetimes; the
// entry points (/, nacho.js, sw.js) keep fixed names, are revalidated on
// every load, and carry the table of hashed names. Every response may be
// compressed (brotli or gzip) and may be used from another origin (CORS),
// so that a site can embed Nacho with one script tag. The hosted page is
// cross-origin isolated (COOP/COEP).
//
// This package must not import syscall/js or anything of the kernel.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed static
var staticFS embed.FS

//go:embed all:dist
var distFS embed.FS

// hashed lists the assets served under content-hashed names: logical name
// (what nacho.js asks for) → where the bytes are.
var hashed = []struct{ name, src string }{
	{"kernel.wasm", "dist/kernel.wasm"},
	{"net.wasm", "dist/net.wasm"},
	{"wasm_exec.js", "dist/wasm_exec.js"},
	{"xterm.js", "dist/vendor/xterm.js"},
	{"xterm.css", "dist/vendor/xterm.css"},
	{"addon-fit.js", "dist/vendor/addon-fit.js"},
	{"worker.js", "static/worker.js"},
	{"rtc-proxy.js", "static/rtc-proxy.js"},
	{"desktop.js", "static/desktop.js"},
	{"nacho.css", "static/nacho.css"},
}

// plain lists the files served under their own names. The page ("/") is
// index.html.
var plain = []string{
	"index.html", "nacho.js", "nacho.d.ts", "sw.js", "favicon.svg", "manifest.webmanifest", "example.html",
}

// pages get the cross-origin isolation headers.
var pages = map[string]bool{"index.html": true, "example.html": true}

// Options configure Handler.
type Options struct {
	// Missing is called for each asset absent from this build (the kernel
	// before `make build`, for instance), so the caller can warn.
	Missing func(name string)
}

// Handler serves the page.
type Handler struct {
	build  string
	files  map[string]*asset // by URL path without the leading slash
	assets map[string]assetRef
}

type asset struct {
	name  string // URL path
	ctype string
	data  []byte
	etag  string
	cache string // Cache-Control
	page  bool

	gzOnce sync.Once
	gz     []byte // gzip-compressed data, if worth it
	br     []byte // brotli, when the build made one
}

type assetRef struct {
	URL  string `json:"url"`
	Size int    `json:"size"`
}

// NewHandler builds the handler from the embedded files.
func NewHandler(opts Options) (*Handler, error) {
	h := &Handler{files: map[string]*asset{}, assets: map[string]assetRef{}}
	buildHash := sha256.New()
	var names []string
	for _, a := range hashed {
		data, err := fs.ReadFile(embedded{}, a.src)
		if errors.Is(err, fs.ErrNotExist) {
			if opts.Missing != nil {
				opts.Missing(a.name)
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		hash := hex.EncodeToString(sum[:6])
		ext := path.Ext(a.name)
		url := "assets/" + strings.TrimSuffix(a.name, ext) + "-" + hash + ext
		f := &asset{name: url, data: data, etag: `"` + hash + `"`, cache: "public, max-age=31536000, immutable"}
		f.br, _ = fs.ReadFile(embedded{}, a.src+".br")
		h.files[url] = f
		h.assets[a.name] = assetRef{URL: url, Size: len(data)}
		names = append(names, url)
		buildHash.Write([]byte(url))
	}
	for _, name := range plain {
		data, err := fs.ReadFile(embedded{}, "static/"+name)
		if err != nil {
			return nil, fmt.Errorf("web: %s is missing from the embedded page: %w", name, err)
		}
		buildHash.Write(data)
		h.files[name] = &asset{name: name, data: data, cache: "no-cache", page: pages[name]}
	}
	h.build = hex.EncodeToString(buildHash.Sum(nil)[:6])

	// Fill in the tables of the entry points.
	assetsJSON, _ := json.Marshal(h.assets)
	buildJSON, _ := json.Marshal(h.build)
	sort.Strings(names)
	precache := append([]string{"./", "nacho.js", "favicon.svg", "manifest.webmanifest"}, names...)
	precacheJSON, _ := json.Marshal(precache)
	h.fill("nacho.js", "/*@NACHO_ASSETS@*/null", string(assetsJSON))
	h.fill("nacho.js", "/*@NACHO_BUILD@*/'dev'", string(buildJSON))
	h.fill("sw.js", "/*@NACHO_PRECACHE@*/[]", string(precacheJSON))
	h.fill("sw.js", "/*@NACHO_BUILD@*/'dev'", string(buildJSON))

	for _, f := range h.files {
		f.ctype = contentType(f.name)
		if f.etag == "" {
			sum := sha256.Sum256(f.data)
			f.etag = `"` + hex.EncodeToString(sum[:8]) + `"`
		}
	}
	return h, nil
}

func (h *Handler) fill(name, marker, value string) {
	f := h.files[name]
	if !bytes.Contains(f.data, []byte(marker)) {
		panic("web: " + name + " lacks the marker " + marker)
	}
	f.data = bytes.Replace(f.data, []byte(marker), []byte(value), 1)
}

// Build is the build id: a hash of every asset's content.
func (h *Handler) Build() string { return h.build }

// Asset returns the URL path (without the leading slash) and size of a
// hashed asset by its logical name.
func (h *Handler) Asset(name string) (url string, size int, ok bool) {
	a, ok := h.assets[name]
	return a.URL, a.Size, ok
}

// embedded joins the two embedded trees.
type embedded struct{}

func (embedded) Open(name string) (fs.File, error) {
	if strings.HasPrefix(name, "dist/") {
		return distFS.Open(name)
	}
	return staticFS.Open(name)
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".wasm":
		return "application/wasm"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".ts":
		return "application/typescript; charset=utf-8"
	case ".webmanifest":
		return "application/manifest+json"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return !strings.HasPrefix(ctype, "image/") || strings.HasPrefix(ctype, "image/svg")
}

func (f *asset) gzipped() []byte {
	f.gzOnce.Do(func() {
		if !compressible(f.ctype) || len(f.data) < 512 {
			return
		}
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		w.Write(f.data)
		w.Close()
		if b.Len() < len(f.data)*9/10 {
			f.gz = b.Bytes()
		}
	})
	return f.gz
}

// Warm compresses every asset now rather than on its first request.
func (h *Handler) Warm() {
	for _, f := range h.files {
		f.gzipped()
	}
}

// acceptsEncoding reports whether an Accept-Encoding header allows enc
// (listed, with a q-value above zero).
func acceptsEncoding(header, enc string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.TrimSpace(k) == "q" {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		return q > 0
	}
	return false
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("Cross-Origin-Resource-Policy", "cross-origin")
	hd.Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodOptions {
		hd.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
		hd.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", "GET, HEAD, OPTIONS")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" {
		name = "index.html"
	}
	f, ok := h.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hd.Set("Content-Type", f.ctype)
	hd.Set("Cache-Control", f.cache)
	hd.Set("Vary", "Accept-Encoding")
	if f.page {
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Cross-Origin-Embedder-Policy", "require-corp")
	}
	data, etag := f.data, f.etag
	ae := r.Header.Get("Accept-Encoding")
	switch {
	case f.br != nil && acceptsEncoding(ae, "br"):
		data, etag = f.br, strings.TrimSuffix(etag, `"`)+`-br"`
		hd.Set("Content-Encoding", "br")
	case acceptsEncoding(ae, "gzip") && f.gzipped() != nil:
		data, etag = f.gz, strings.TrimSuffix(etag, `"`)+`-gz"`
		hd.Set("Content-Encoding", "gzip")
	}
	hd.Set("ETag", etag)
	if hd.Get("Content-Encoding") == "" {
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
		return
	}
	// Compressed: no ranges, but a length, so browsers can show progress
	// and keep the connection.
	if inm := r.Header.Get("If-None-Match"); inm != "" && (inm == "*" || strings.Contains(inm, etag)) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(data)
}
