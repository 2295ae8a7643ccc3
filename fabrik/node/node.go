//go:build !js

// Package node is the cloud side of fabrik inside `nacho serve`: the HTTP
// chunk and manifest store (PUT/GET/HEAD by SHA-256, a batch "which of
// these exist" query, every upload's hash verified, sizes bounded), the
// WebSocket signaling service, and the settings peers ask for. All routes
// live under /api/ (fabrik.Path*).
//
// It is native only and must not import syscall/js or pion.
package node

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/chunkstore"
	"github.com/nachoos/nacho/fabrik/signal"
)

// Config configures a Node.
type Config struct {
	Chunks    chunkstore.Store // chunk objects
	Manifests chunkstore.Store // manifest objects
	// MaxChunk bounds one uploaded chunk (default fabrik.MaxChunkSize).
	MaxChunk   int
	ICEServers []fabrik.ICEServer
	Log        *slog.Logger
	// PutToken, when set, is the bearer token an upload must carry
	// (Authorization: Bearer TOKEN), so a node on the open internet is not
	// a free file host. Reads stay open: an object is only found by its
	// hash.
	PutToken string
}

// Node serves the cloud node's HTTP API.
type Node struct {
	cfg    Config
	log    *slog.Logger
	signal *signal.Server
}

// New returns a node over the given stores.
func New(cfg Config) *Node {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxChunk <= 0 {
		cfg.MaxChunk = fabrik.MaxChunkSize
	}
	return &Node{cfg: cfg, log: cfg.Log, signal: signal.NewServer(signal.ServerConfig{Log: cfg.Log})}
}

// Signal returns the node's signaling server.
func (n *Node) Signal() *signal.Server { return n.signal }

// Register adds the node's routes to mux.
func (n *Node) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+fabrik.PathChunks+"{id}", n.cors(n.get(n.cfg.Chunks, n.cfg.MaxChunk)))
	mux.HandleFunc("PUT "+fabrik.PathChunks+"{id}", n.cors(n.put(n.cfg.Chunks, n.cfg.MaxChunk, nil)))
	mux.HandleFunc("POST "+fabrik.PathHas, n.cors(n.has))
	mux.HandleFunc("GET "+fabrik.PathManifests+"{id}", n.cors(n.get(n.cfg.Manifests, fabrik.MaxManifest)))
	mux.HandleFunc("PUT "+fabrik.PathManifests+"{id}", n.cors(n.put(n.cfg.Manifests, fabrik.MaxManifest, checkManifest)))
	mux.HandleFunc("GET "+fabrik.PathConfig, n.cors(n.config))
	mux.HandleFunc("OPTIONS /api/", n.cors(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	mux.Handle("GET "+fabrik.PathSignal, n.signal)
}

// cors lets pages on other origins (sites that embed Nacho) use the store:
// objects are named by their hash, so reading needs the hash, and nothing
// here depends on cookies.
func (n *Node) cors(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", "*")
		hd.Set("Access-Control-Allow-Methods", "GET, HEAD, PUT, POST, OPTIONS")
		hd.Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
		hd.Set("Access-Control-Max-Age", "86400")
		h(w, r)
	}
}

func (n *Node) fail(w http.ResponseWriter, r *http.Request, status int, format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	if status >= 500 {
		n.log.Error("node: request failed", "method", r.Method, "path", r.URL.Path, "err", msg)
	} else {
		n.log.Info("node: rejected request", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr, "reason", msg)
	}
	http.Error(w, msg, status)
}

func (n *Node) get(s chunkstore.Store, limit int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := fabrik.ParseID(r.PathValue("id"))
		if err != nil {
			n.fail(w, r, http.StatusBadRequest, "%v", err)
			return
		}
		if r.Method == http.MethodHead {
			ok, err := s.Has(r.Context(), id)
			switch {
			case err != nil:
				n.fail(w, r, http.StatusInternalServerError, "%v", err)
			case !ok:
				w.WriteHeader(http.StatusNotFound)
			default:
				w.WriteHeader(http.StatusOK)
			}
			return
		}
		b, err := s.Get(r.Context(), id)
		if chunkstore.IsNotFound(err) {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if err != nil {
			n.fail(w, r, http.StatusInternalServerError, "%v", err)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		// Content-addressed: the bytes under this name never change.
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("ETag", `"`+id.String()+`"`)
		w.Write(b)
	}
}

func checkManifest(b []byte) error {
	_, err := fabrik.DecodeManifest(b)
	return err
}

func (n *Node) put(s chunkstore.Store, limit int, check func([]byte) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if n.cfg.PutToken != "" {
			got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			if subtle.ConstantTimeCompare([]byte(got), []byte(n.cfg.PutToken)) != 1 {
				n.fail(w, r, http.StatusUnauthorized, "uploads to this node need its token")
				return
			}
		}
		id, err := fabrik.ParseID(r.PathValue("id"))
		if err != nil {
			n.fail(w, r, http.StatusBadRequest, "%v", err)
			return
		}
		if r.ContentLength > int64(limit) {
			n.fail(w, r, http.StatusRequestEntityTooLarge, "%d bytes over the %d-byte limit", r.ContentLength, limit)
			return
		}
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(limit)))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				n.fail(w, r, http.StatusRequestEntityTooLarge, "body over the %d-byte limit", limit)
			} else {
				n.fail(w, r, http.StatusBadRequest, "reading body: %v", err)
			}
			return
		}
		if got := fabrik.Sum(b); got != id {
			n.fail(w, r, http.StatusBadRequest, "content hashes to %s, not %s", got, id)
			return
		}
		if check != nil {
			if err := check(b); err != nil {
				n.fail(w, r, http.StatusBadRequest, "%v", err)
				return
			}
		}
		if err := s.Put(r.Context(), id, b); err != nil {
			n.fail(w, r, http.StatusInternalServerError, "%v", err)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}
}

func (n *Node) has(w http.ResponseWriter, r *http.Request) {
	// 64 hex digits plus quotes and a comma per id, and some room.
	limit := int64(fabrik.MaxHasBatch*70 + 1024)
	var req fabrik.HasRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		n.fail(w, r, http.StatusBadRequest, "has request: %v", err)
		return
	}
	if len(req.IDs) > fabrik.MaxHasBatch {
		n.fail(w, r, http.StatusRequestEntityTooLarge, "%d ids over the limit of %d", len(req.IDs), fabrik.MaxHasBatch)
		return
	}
	resp := fabrik.HasResponse{Has: make([]bool, len(req.IDs))}
	for i, id := range req.IDs {
		ok, err := n.cfg.Chunks.Has(r.Context(), id)
		if err != nil {
			n.fail(w, r, http.StatusInternalServerError, "%v", err)
			return
		}
		resp.Has[i] = ok
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

func (n *Node) config(w http.ResponseWriter, r *http.Request) {
	ice := n.cfg.ICEServers
	if ice == nil {
		ice = []fabrik.ICEServer{}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(fabrik.NodeConfig{ICEServers: ice, MaxChunk: n.cfg.MaxChunk})
}
