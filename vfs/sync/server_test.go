//go:build !js

package sync

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/nachoos/nacho/vfs/sync/crdt"
)

func newTestServer(t testing.TB, dir string) (*Server, http.Handler) {
	s, err := NewServer(ServerConfig{Dir: dir})
	if err != nil {
		t.Skipf("no automerge: %v", err)
	}
	mux := http.NewServeMux()
	s.Register(mux)
	return s, mux
}

func post(h http.Handler, doc, session string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, PathSync+doc+"?session="+session, bytes.NewReader(body))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestServerRejectsBadRequests(t *testing.T) {
	_, h := newTestServer(t, t.TempDir())
	doc := DocName("room", "secret", "")
	for _, tc := range []struct {
		doc, session string
		body         []byte
		want         int
	}{
		{"not-a-doc", "session01", nil, 400},
		{doc, "x", nil, 400},
		{doc, "session01", []byte("not a sync message"), 400},
		{doc, "session01", nil, 200}, // a fresh session: the node says hello
	} {
		if w := post(h, tc.doc, tc.session, tc.body); w.Code != tc.want {
			t.Errorf("POST %s session %q body %q: %d %s, want %d", tc.doc, tc.session, tc.body, w.Code, w.Body, tc.want)
		}
	}
}

// TestServerKeepsDocuments: what a replica sends survives the node's
// restart, and reading it back gives the same document.
func TestServerKeepsDocuments(t *testing.T) {
	dir := t.TempDir()
	s, h := newTestServer(t, dir)
	doc := DocName("room", "secret", "")
	d, _ := crdt.New(crdt.Options{})
	defer d.Close()
	(docWriter{d}).putVersion("e1", "a.txt", KindFile, "v1", ver("dev", 1, "hello"), nil)
	st := d.NewSyncState()
	for range 10 {
		msg, ok, err := st.Generate()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			msg = nil
		}
		w := post(h, doc, "session01", msg)
		if w.Code == http.StatusNoContent && !ok {
			break
		}
		if w.Code == http.StatusOK {
			if err := st.Receive(w.Body.Bytes()); err != nil {
				t.Fatal(err)
			}
		} else if w.Code != http.StatusNoContent {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, h2 := newTestServer(t, dir)
	r := httptest.NewRequest(http.MethodGet, PathSync+doc, nil)
	w := httptest.NewRecorder()
	h2.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("GET after restart: %d", w.Code)
	}
	back, err := crdt.Load(w.Body.Bytes(), crdt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	tr, _, _ := readTree(back)
	if tr.Entries["e1"] == nil || tr.Entries["e1"].Path != "a.txt" {
		t.Fatalf("the node lost the document: %+v", tr.Entries)
	}
}

// FuzzServerSync: whatever a client posts, the node answers without a
// server error and keeps working.
func FuzzServerSync(f *testing.F) {
	d, err := crdt.New(crdt.Options{})
	if err != nil {
		f.Skip(err)
	}
	(docWriter{d}).putVersion("e1", "a.txt", KindFile, "v1", ver("dev", 1, "hello"), nil)
	msg, _, _ := d.NewSyncState().Generate()
	saved, _ := d.Save()
	d.Close()
	f.Add(msg)
	f.Add(saved)
	f.Add([]byte{0x42, 0, 0})
	_, h := newTestServer(f, f.TempDir())
	doc := DocName("fuzz", "fuzz", "")
	f.Fuzz(func(t *testing.T, body []byte) {
		w := post(h, doc, "fuzzsession", body)
		if w.Code >= 500 {
			t.Fatalf("server error %d: %s", w.Code, w.Body)
		}
		if w := post(h, doc, "othersession", nil); w.Code != 200 && w.Code != 204 {
			t.Fatalf("the node stopped working: %d %s", w.Code, w.Body)
		}
	})
}
