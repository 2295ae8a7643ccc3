//go:build !js

package node

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/chunkstore"
)

func start(t *testing.T) (*httptest.Server, *fabrik.NodeClient) {
	mux := http.NewServeMux()
	New(Config{Chunks: chunkstore.NewMem(), Manifests: chunkstore.NewMem(), MaxChunk: 1 << 20,
		ICEServers: []fabrik.ICEServer{{URLs: []string{"stun:stun.example.org:3478"}}}}).Register(mux)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	c, err := fabrik.NewNodeClient(hs.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return hs, c
}

func TestChunks(t *testing.T) {
	hs, c := start(t)
	ctx := context.Background()
	data := bytes.Repeat([]byte("nacho"), 1000)
	id, err := c.PutChunk(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetChunk(ctx, id, 1<<20)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("GetChunk: %v", err)
	}
	absent := fabrik.Sum([]byte("absent"))
	has, err := c.HasChunks(ctx, []fabrik.ID{absent, id})
	if err != nil || has[0] || !has[1] {
		t.Fatalf("HasChunks = %v, %v", has, err)
	}
	if _, err := c.GetChunk(ctx, absent, 100); !errors.Is(err, fabrik.ErrNotFound) {
		t.Fatalf("absent chunk: %v", err)
	}
	for _, tc := range []struct {
		method, path string
		body         []byte
		status       int
	}{
		{"HEAD", "/api/chunks/" + id.String(), nil, 200},
		{"HEAD", "/api/chunks/" + absent.String(), nil, 404},
		{"PUT", "/api/chunks/" + absent.String(), data, 400},                                         // hash mismatch
		{"PUT", "/api/chunks/nothex", data, 400},                                                     // bad id
		{"PUT", "/api/chunks/" + fabrik.Sum(make([]byte, 2<<20)).String(), make([]byte, 2<<20), 413}, // over --max-chunk
		{"POST", "/api/chunks/has", []byte(`{"ids":["zz"]}`), 400},
		{"POST", "/api/chunks/has", []byte(`{"ids":[], "x":1}`), 400},
		{"PUT", "/api/manifests/" + fabrik.Sum([]byte("{}")).String(), []byte("{}"), 400}, // not a manifest
		{"OPTIONS", "/api/chunks/" + id.String(), nil, 204},
	} {
		req, _ := http.NewRequest(tc.method, hs.URL+tc.path, bytes.NewReader(tc.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s %s: no CORS header", tc.method, tc.path)
		}
	}
}

func TestPutToken(t *testing.T) {
	mux := http.NewServeMux()
	New(Config{Chunks: chunkstore.NewMem(), Manifests: chunkstore.NewMem(), PutToken: "t0ken"}).Register(mux)
	hs := httptest.NewServer(mux)
	defer hs.Close()
	c, _ := fabrik.NewNodeClient(hs.URL, nil)
	ctx := context.Background()
	var he *fabrik.HTTPError
	if _, err := c.PutChunk(ctx, []byte("x")); !errors.As(err, &he) || he.Status != http.StatusUnauthorized {
		t.Fatalf("upload without the token: %v", err)
	}
	c.SetToken("wrong")
	if _, err := c.PutChunk(ctx, []byte("x")); err == nil {
		t.Fatal("upload with a wrong token succeeded")
	}
	c.SetToken("t0ken")
	id, err := c.PutChunk(ctx, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	c.SetToken("")
	if _, err := c.GetChunk(ctx, id, 10); err != nil {
		t.Fatalf("reads need no token: %v", err)
	}
}

func TestManifestsAndFetch(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	lib := fabrik.NewLibrary()
	fsys := fstest.MapFS{"f.bin": {Data: bytes.Repeat([]byte{1, 2, 3}, fabrik.ChunkSize)}}
	id, _, err := lib.Share(fsys, "f.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	var sent int64
	if err := fabrik.Upload(ctx, c, lib, id, func(n int64) { sent = n }); err != nil {
		t.Fatal(err)
	}
	if sent != 3*fabrik.ChunkSize {
		t.Fatalf("uploaded %d bytes", sent)
	}
	// Uploading again sends nothing.
	sent = 0
	fabrik.Upload(ctx, c, lib, id, func(n int64) { sent = n })
	if sent != 0 {
		t.Fatalf("second upload sent %d bytes", sent)
	}
	// The node alone serves a whole fetch.
	dest := &fabrik.MemDest{}
	if _, err := fabrik.Fetch(ctx, id, fabrik.FetchOptions{Remotes: fabrik.StaticRemotes{c}, Dest: dest}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(dest.Files[""], fsys["f.bin"].Data) {
		t.Fatal("fetched file differs")
	}
	cfg, err := c.Config(ctx)
	if err != nil || len(cfg.ICEServers) != 1 || !strings.HasPrefix(cfg.ICEServers[0].URLs[0], "stun:") {
		t.Fatalf("Config = %+v, %v", cfg, err)
	}
}
