//go:build !js

package sync

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	gosync "sync"
	"time"

	"github.com/nachoos/nacho/vfs/sync/crdt"
)

// ServerConfig configures the node's side of folder sync.
type ServerConfig struct {
	// Dir keeps one file per document (<name>.automerge).
	Dir string
	Log *slog.Logger
	// MaxSessions bounds the sync sessions kept per document (default 256;
	// the least recently used goes first).
	MaxSessions int
	// SaveDelay is how long after a change a document is written (default
	// 200 ms); Close writes whatever is left.
	SaveDelay time.Duration
}

// Server stores folder documents and runs the sync protocol with every
// replica: it is the always-on peer that makes offline edits meet, and
// what a new device restores from.
type Server struct {
	cfg ServerConfig
	log *slog.Logger

	mu   gosync.Mutex
	docs map[string]*serverDoc
}

type serverDoc struct {
	name string
	mu   gosync.Mutex
	doc  crdt.Doc
	sess map[string]*serverSession
	// changed is closed (and replaced) whenever the document changes.
	changed chan struct{}
	saveT   *time.Timer
	dirty   bool
}

type serverSession struct {
	st   crdt.SyncState
	used time.Time
}

// NewServer returns a server keeping its documents in cfg.Dir.
func NewServer(cfg ServerConfig) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = 256
	}
	if cfg.SaveDelay <= 0 {
		cfg.SaveDelay = 200 * time.Millisecond
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, err
	}
	if _, err := crdt.New(crdt.Options{}); err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, log: cfg.Log, docs: map[string]*serverDoc{}}, nil
}

// Register adds the routes under /api/sync/.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+PathSync+"{doc}", s.cors(s.handleSync))
	mux.HandleFunc("GET "+PathSync+"{doc}", s.cors(s.handleGet))
	mux.HandleFunc("OPTIONS "+PathSync+"{doc}", s.cors(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
}

// cors: pages on other origins sync too; a document is named by a secret
// only room members can derive.
func (s *Server) cors(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", "*")
		hd.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		hd.Set("Access-Control-Allow-Headers", "Content-Type")
		h(w, r)
	}
}

func (s *Server) path(name string) string { return filepath.Join(s.cfg.Dir, name+".automerge") }

// open returns the document, loading it from disk on first use.
func (s *Server) open(name string) (*serverDoc, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.docs[name]; d != nil {
		return d, nil
	}
	var doc crdt.Doc
	b, err := os.ReadFile(s.path(name))
	switch {
	case err == nil:
		if doc, err = crdt.Load(b, crdt.Options{}); err != nil {
			return nil, fmt.Errorf("document %s on disk: %w", name, err)
		}
	case errors.Is(err, fs.ErrNotExist):
		if doc, err = crdt.New(crdt.Options{}); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	d := &serverDoc{name: name, doc: doc, sess: map[string]*serverSession{}, changed: make(chan struct{})}
	s.docs[name] = d
	return d, nil
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	if status >= 500 {
		s.log.Error("sync: request failed", "path", r.URL.Path, "err", msg)
	} else {
		s.log.Info("sync: rejected request", "path", r.URL.Path, "remote", r.RemoteAddr, "reason", msg)
	}
	http.Error(w, msg, status)
}

func (s *Server) handleSync(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("doc")
	if err := checkDocName(name); err != nil {
		s.fail(w, r, http.StatusBadRequest, "%v", err)
		return
	}
	session := r.URL.Query().Get("session")
	if len(session) < 8 || len(session) > 64 {
		s.fail(w, r, http.StatusBadRequest, "session: want 8..64 characters")
		return
	}
	wait := r.URL.Query().Get("wait") == "1"
	if r.ContentLength > MaxSyncMessage {
		s.fail(w, r, http.StatusRequestEntityTooLarge, "sync message over %d bytes", MaxSyncMessage)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxSyncMessage))
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "reading the message: %v", err)
		return
	}
	d, err := s.open(name)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "%v", err)
		return
	}
	d.mu.Lock()
	ss := d.session(session, s.cfg.MaxSessions)
	if len(body) > 0 {
		before, _ := d.doc.Heads()
		if err := ss.st.Receive(body); err != nil {
			delete(d.sess, session)
			ss.st.Close()
			d.mu.Unlock()
			s.fail(w, r, http.StatusBadRequest, "%v", err)
			return
		}
		if after, _ := d.doc.Heads(); !crdt.HeadsEqual(before, after) {
			s.changedLocked(d)
		}
	}
	msg, ok, err := ss.st.Generate()
	if err == nil && !ok && wait {
		ch := d.changed
		d.mu.Unlock()
		t := time.NewTimer(MaxWait)
		select {
		case <-ch:
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return // nothing generated, nothing lost
		}
		t.Stop()
		d.mu.Lock()
		if d.sess[session] != ss {
			d.mu.Unlock()
			s.fail(w, r, http.StatusConflict, "session ended")
			return
		}
		msg, ok, err = ss.st.Generate()
	}
	d.mu.Unlock()
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "%v", err)
		return
	}
	if !ok {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(msg)))
	w.Write(msg)
}

// handleGet returns the whole document (a backup anyone with the name can
// read, as room members can anyway).
func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("doc")
	if err := checkDocName(name); err != nil {
		s.fail(w, r, http.StatusBadRequest, "%v", err)
		return
	}
	if _, err := os.Stat(s.path(name)); err != nil {
		s.mu.Lock()
		_, loaded := s.docs[name]
		s.mu.Unlock()
		if !loaded {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
	}
	d, err := s.open(name)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "%v", err)
		return
	}
	d.mu.Lock()
	b, err := d.doc.Save()
	d.mu.Unlock()
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "%v", err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(b)
}

// session returns the session's sync state, making it (and dropping the
// least recently used past max). Precondition: d.mu held.
func (d *serverDoc) session(id string, max int) *serverSession {
	if ss := d.sess[id]; ss != nil {
		ss.used = time.Now()
		return ss
	}
	if len(d.sess) >= max {
		var oldest string
		var t time.Time
		for k, v := range d.sess {
			if oldest == "" || v.used.Before(t) {
				oldest, t = k, v.used
			}
		}
		d.sess[oldest].st.Close()
		delete(d.sess, oldest)
	}
	ss := &serverSession{st: d.doc.NewSyncState(), used: time.Now()}
	d.sess[id] = ss
	return ss
}

// changedLocked wakes waiters and schedules a save. Precondition: d.mu held.
func (s *Server) changedLocked(d *serverDoc) {
	close(d.changed)
	d.changed = make(chan struct{})
	d.dirty = true
	if d.saveT == nil {
		d.saveT = time.AfterFunc(s.cfg.SaveDelay, func() {
			d.mu.Lock()
			defer d.mu.Unlock()
			d.saveT = nil
			if err := s.saveLocked(d); err != nil {
				s.log.Error("sync: saving document", "doc", d.name, "err", err)
			}
		})
	}
}

func (s *Server) saveLocked(d *serverDoc) error {
	if !d.dirty {
		return nil
	}
	b, err := d.doc.Save()
	if err != nil {
		return err
	}
	if err := (DirState{dir: s.cfg.Dir}).Save(d.name+".automerge", b); err != nil {
		return err
	}
	d.dirty = false
	return nil
}

// Close writes every changed document.
func (s *Server) Close() error {
	s.mu.Lock()
	docs := s.docs
	s.mu.Unlock()
	var first error
	for _, d := range docs {
		d.mu.Lock()
		if d.saveT != nil {
			d.saveT.Stop()
			d.saveT = nil
		}
		if err := s.saveLocked(d); err != nil && first == nil {
			first = err
		}
		d.mu.Unlock()
	}
	return first
}
