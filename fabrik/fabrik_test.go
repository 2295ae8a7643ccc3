package fabrik

import (
	"bytes"
	"context"
	"errors"
	"math/rand"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nachoos/nacho/fabrik/wire"
)

func randBytes(seed int64, n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func testFS() fstest.MapFS {
	return fstest.MapFS{
		"big.bin":          {Data: randBytes(1, 3*ChunkSize+12345), Mode: 0o644},
		"dir/a.txt":        {Data: []byte("hello"), Mode: 0o600},
		"dir/sub/b.bin":    {Data: randBytes(2, ChunkSize), Mode: 0o755},
		"dir/sub/empty":    {Data: nil, Mode: 0o644},
		"dir/repeat.bin":   {Data: bytes.Repeat(randBytes(3, ChunkSize), 3), Mode: 0o644},
		"dir/sub/deep/c.x": {Data: []byte("c"), Mode: 0o644},
	}
}

func TestManifestRoundTrip(t *testing.T) {
	for _, root := range []string{"big.bin", "dir"} {
		m, locs, err := BuildManifest(testFS(), root, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.Encode()
		if err != nil {
			t.Fatal(err)
		}
		m2, err := DecodeManifest(b)
		if err != nil {
			t.Fatalf("%s: decoding own encoding: %v", root, err)
		}
		b2, _ := m2.Encode()
		if !bytes.Equal(b, b2) {
			t.Fatalf("%s: re-encoding differs", root)
		}
		if len(locs) != len(m.Chunks()) {
			t.Fatalf("%s: %d located chunks for %d refs", root, len(locs), len(m.Chunks()))
		}
	}
	m, _, _ := BuildManifest(testFS(), "big.bin", nil)
	if m.Kind != KindFile || m.Name != "big.bin" || m.Size() != 3*ChunkSize+12345 || len(m.Entries[0].Chunks) != 4 {
		t.Fatalf("file manifest %+v", m)
	}
	d, _, _ := BuildManifest(testFS(), "dir", nil)
	var paths []string
	for _, e := range d.Entries {
		paths = append(paths, e.Path)
	}
	want := "a.txt repeat.bin sub sub/b.bin sub/deep sub/deep/c.x sub/empty"
	if got := strings.Join(paths, " "); got != want {
		t.Fatalf("dir entries %q, want %q", got, want)
	}
}

func TestManifestRejects(t *testing.T) {
	good := func() *Manifest {
		m, _, err := BuildManifest(testFS(), "dir", nil)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	cases := map[string]func(m *Manifest){
		"format":         func(m *Manifest) { m.Format = 2 },
		"chunk size":     func(m *Manifest) { m.ChunkSize = 1000 },
		"name slash":     func(m *Manifest) { m.Name = "a/b" },
		"name dotdot":    func(m *Manifest) { m.Name = ".." },
		"kind":           func(m *Manifest) { m.Kind = "blob" },
		"path escape":    func(m *Manifest) { m.Entries[0].Path = "../x" },
		"path absolute":  func(m *Manifest) { m.Entries[0].Path = "/x" },
		"path backslash": func(m *Manifest) { m.Entries[0].Path = "a\\b" },
		"duplicate":      func(m *Manifest) { m.Entries[1].Path = m.Entries[0].Path },
		"orphan":         func(m *Manifest) { m.Entries[3].Path = "nodir/b.bin" },
		"chunk count":    func(m *Manifest) { m.Entries[1].Size++ },
		"negative size":  func(m *Manifest) { m.Entries[0].Size = -1 },
		"mode":           func(m *Manifest) { m.Entries[0].Mode = 0o4755 },
		"dir chunks":     func(m *Manifest) { m.Entries[2].Chunks = []ID{{}} },
	}
	for name, mutate := range cases {
		m := good()
		mutate(m)
		if err := m.Validate(); !errors.Is(err, ErrBadManifest) {
			t.Errorf("%s: Validate = %v, want ErrBadManifest", name, err)
		}
	}
	b, _ := good().Encode()
	for name, bad := range map[string][]byte{
		"trailing":      append(append([]byte{}, b...), []byte(" {}")...),
		"not canonical": append([]byte(" "), b...),
		"unknown field": bytes.Replace(b, []byte(`"format"`), []byte(`"x":1,"format"`), 1),
		"not json":      []byte("nope"),
	} {
		if _, err := DecodeManifest(bad); !errors.Is(err, ErrBadManifest) {
			t.Errorf("%s: DecodeManifest = %v, want ErrBadManifest", name, err)
		}
	}
}

func FuzzDecodeManifest(f *testing.F) {
	m, _, _ := BuildManifest(testFS(), "dir", nil)
	b, _ := m.Encode()
	f.Add(b)
	m, _, _ = BuildManifest(testFS(), "big.bin", nil)
	b, _ = m.Encode()
	f.Add(b)
	f.Add([]byte(`{"format":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeManifest(b)
		if err != nil {
			return
		}
		re, err := m.Encode()
		if err != nil || !bytes.Equal(re, b) {
			t.Fatalf("accepted manifest does not re-encode to itself: %v", err)
		}
		_ = m.Chunks()
	})
}

// link connects a serving library to a fetching session over a pipe.
func link(t *testing.T, name string, src Source) *Session {
	a, b := Pipe(16)
	server := NewSession(a, SessionConfig{Name: "fetcher", Source: src})
	client := NewSession(b, SessionConfig{Name: name})
	t.Cleanup(func() { server.Close(); client.Close() })
	return client
}

func share(t *testing.T, root string) (*Library, ID) {
	lib := NewLibrary()
	id, _, err := lib.Share(testFS(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	return lib, id
}

func TestSessionRequests(t *testing.T) {
	lib, id := share(t, "big.bin")
	s := link(t, "peer", lib)
	ctx := context.Background()
	b, err := s.Manifest(ctx, id)
	if err != nil || Sum(b) != id {
		t.Fatalf("Manifest: %v", err)
	}
	m, _ := DecodeManifest(b)
	refs := m.Chunks()
	has, err := s.Has(ctx, []ID{refs[0].ID, Sum([]byte("absent")), refs[3].ID})
	if err != nil || !has[0] || has[1] || !has[2] {
		t.Fatalf("Has = %v, %v", has, err)
	}
	data, err := s.Chunk(ctx, refs[3].ID, refs[3].Len)
	if err != nil || Sum(data) != refs[3].ID {
		t.Fatalf("Chunk: %v", err)
	}
	if _, err := s.Chunk(ctx, Sum([]byte("absent")), 10); !errors.Is(err, ErrNotFound) {
		t.Fatalf("absent chunk: %v, want ErrNotFound", err)
	}
	if _, err := s.Chunk(ctx, refs[0].ID, refs[0].Len-1); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("chunk of unexpected size: %v, want ErrCorrupt", err)
	}
	// Many ids at once go out in several messages.
	many := make([]ID, 2500)
	many[2499] = refs[1].ID
	has, err = s.Has(ctx, many)
	if err != nil || len(has) != 2500 || !has[2499] || has[0] {
		t.Fatalf("Has of 2500: %v", err)
	}
}

func TestSessionRejectsGarbage(t *testing.T) {
	a, b := Pipe(64)
	lib, _ := share(t, "big.bin")
	s := NewSession(a, SessionConfig{Name: "evil", Source: lib})
	defer s.Close()
	ctx := context.Background()
	// A hello, then garbage: each bad message is dropped, enough of them
	// end the session.
	b.Send(ctx, []byte{0x01, 1, 0, 1, 0, 0})
	for i := 0; i < maxViolations; i++ {
		b.Send(ctx, []byte{0x7f, byte(i)})
	}
	select {
	case <-s.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("session survived a flood of malformed messages")
	}
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "protocol violations") {
		t.Fatalf("Err = %v", err)
	}
}

func TestSessionStalledPeer(t *testing.T) {
	a, b := Pipe(16)
	s := NewSession(a, SessionConfig{Name: "silent", StallTimeout: 200 * time.Millisecond})
	defer s.Close()
	b.Send(context.Background(), []byte{0x01, 1, 0, 1, 0, 0}) // hello, then nothing
	start := time.Now()
	_, err := s.Chunk(context.Background(), Sum([]byte("x")), 1)
	if !errors.Is(err, ErrClosed) || time.Since(start) > 5*time.Second {
		t.Fatalf("Chunk from a silent peer: %v after %v", err, time.Since(start))
	}
	if !strings.Contains(s.Err().Error(), "sent nothing") {
		t.Fatalf("Err = %v", s.Err())
	}
}

func TestSessionVersionMismatch(t *testing.T) {
	a, b := Pipe(4)
	s := NewSession(a, SessionConfig{Name: "future"})
	b.Send(context.Background(), []byte{0x01, 99, 0, 1, 0, 0})
	<-s.Done()
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "version 99") {
		t.Fatalf("Err = %v", err)
	}
}

// fakeRemote wraps a Remote to misbehave.
type fakeRemote struct {
	Remote
	name    string
	corrupt bool
	calls   atomic.Int32
	dieAt   int32 // after this many chunk calls, fail every call as closed
	delay   time.Duration
}

func (f *fakeRemote) Name() string { return f.name }
func (f *fakeRemote) Chunk(ctx context.Context, id ID, size int) ([]byte, error) {
	n := f.calls.Add(1)
	time.Sleep(f.delay)
	if f.dieAt > 0 && n > f.dieAt {
		return nil, ErrClosed
	}
	b, err := f.Remote.Chunk(ctx, id, size)
	if f.corrupt && err == nil {
		b = append([]byte{}, b...)
		b[len(b)/2] ^= 1
	}
	return b, err
}

func fetchMem(t *testing.T, id ID, remotes RemoteSet) (*MemDest, Progress, error) {
	dest := &MemDest{}
	var last Progress
	_, err := Fetch(context.Background(), id, FetchOptions{
		Remotes: remotes, Dest: dest, Wait: 500 * time.Millisecond, Window: 2,
		Progress: func(p Progress) { last = p },
	})
	return dest, last, err
}

func checkFiles(t *testing.T, root string, dest *MemDest) {
	t.Helper()
	fsys := testFS()
	for p, got := range dest.Files {
		name := root
		if p != "" {
			name = root + "/" + p
		}
		if !bytes.Equal(got, fsys[name].Data) {
			t.Fatalf("%s differs after fetch", name)
		}
	}
}

func TestFetchFromSeveral(t *testing.T) {
	lib, id := share(t, "dir")
	// Slow sources, so that neither finishes everything before the other
	// has answered which chunks it has.
	a := &fakeRemote{Remote: link(t, "a", lib), name: "a", delay: 20 * time.Millisecond}
	b := &fakeRemote{Remote: link(t, "b", lib), name: "b", delay: 20 * time.Millisecond}
	dest, prog, err := fetchMem(t, id, StaticRemotes{a, b})
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, "dir", dest)
	if prog.Bytes != prog.TotalBytes || prog.BySource["a"] == 0 || prog.BySource["b"] == 0 {
		t.Fatalf("progress %+v: want both sources used and all bytes done", prog)
	}
}

func TestFetchCorruptPeer(t *testing.T) {
	lib, id := share(t, "big.bin")
	bad := &fakeRemote{Remote: link(t, "bad", lib), name: "bad", corrupt: true}
	good := link(t, "good", lib)
	dest, prog, err := fetchMem(t, id, StaticRemotes{bad, good})
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, "big.bin", dest)
	if prog.BySource["bad"] != 0 {
		t.Fatalf("bytes credited to the corrupt source: %+v", prog.BySource)
	}
	if bad.calls.Load() > maxCorrupt+1 { // window 2: one more may be in flight
		t.Fatalf("corrupt source asked %d times, want at most %d", bad.calls.Load(), maxCorrupt)
	}
	// Only a corrupt source: the fetch fails and says so.
	_, _, err = fetchMem(t, id, StaticRemotes{&fakeRemote{Remote: link(t, "bad2", lib), name: "bad2", corrupt: true}})
	if err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("fetch from a corrupt-only source: %v", err)
	}
}

func TestFetchPeerVanishes(t *testing.T) {
	lib, id := share(t, "big.bin")
	dying := &fakeRemote{Remote: link(t, "dying", lib), name: "dying", dieAt: 1}
	rest := link(t, "rest", lib)
	dest, _, err := fetchMem(t, id, StaticRemotes{dying, rest})
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, "big.bin", dest)
}

// growing is a RemoteSet that gains a source later.
type growing struct {
	mu      sync.Mutex
	rs      []Remote
	changed chan struct{}
}

func (g *growing) Remotes() ([]Remote, <-chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Remote(nil), g.rs...), g.changed
}

func (g *growing) add(r Remote) {
	g.mu.Lock()
	g.rs = append(g.rs, r)
	close(g.changed)
	g.changed = make(chan struct{})
	g.mu.Unlock()
}

func TestFetchWaitsForSource(t *testing.T) {
	lib, id := share(t, "big.bin")
	// The first source has only the manifest.
	only := NewLibrary()
	mb, _ := lib.Manifest(id)
	only.AddManifest(mb)
	g := &growing{rs: []Remote{link(t, "empty", only)}, changed: make(chan struct{})}
	late := link(t, "late", lib)
	time.AfterFunc(100*time.Millisecond, func() { g.add(late) })
	dest := &MemDest{}
	if _, err := Fetch(context.Background(), id, FetchOptions{Remotes: g, Dest: dest, Wait: 5 * time.Second}); err != nil {
		t.Fatal(err)
	}
	checkFiles(t, "big.bin", dest)

	// Nobody ever has the chunks: a clear error, not a hang.
	_, _, err := fetchMem(t, id, StaticRemotes{link(t, "empty2", only)})
	if err == nil || !strings.Contains(err.Error(), "cannot complete: 4 of 4 chunks") {
		t.Fatalf("err = %v", err)
	}
	// Nobody has the manifest.
	_, _, err = fetchMem(t, Sum([]byte("x")), StaticRemotes{link(t, "empty3", only)})
	if err == nil || !strings.Contains(err.Error(), "none of 1 sources has it") {
		t.Fatalf("err = %v", err)
	}
}

func TestFileDestResume(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("FileDest writes the local filesystem, which a browser does not have")
	}
	lib, id := share(t, "dir")
	out := t.TempDir() + "/out"
	dying := &fakeRemote{Remote: link(t, "dying", lib), name: "dying", dieAt: 2}
	_, err := Fetch(context.Background(), id, FetchOptions{Remotes: StaticRemotes{dying}, Dest: &FileDest{Path: out}, Wait: 300 * time.Millisecond, Window: 1})
	if err == nil {
		t.Fatal("fetch from a source that dies succeeded")
	}
	counting := &fakeRemote{Remote: link(t, "rest", lib), name: "rest"}
	if _, err := Fetch(context.Background(), id, FetchOptions{Remotes: StaticRemotes{counting}, Dest: &FileDest{Path: out}}); err != nil {
		t.Fatal(err)
	}
	// 4 unique chunks in dir (repeat.bin is one chunk three times); the
	// first attempt delivered 2.
	if n := counting.calls.Load(); n != 2 {
		t.Fatalf("resumed fetch asked for %d chunks, want 2", n)
	}
	if _, err := Fetch(context.Background(), id, FetchOptions{Remotes: StaticRemotes{counting}, Dest: &FileDest{Path: out}}); !errors.Is(err, ErrExists) {
		t.Fatalf("fetch over an existing path: %v, want ErrExists", err)
	}
}

// FuzzSession feeds a session arbitrary messages from a remote, after a
// valid hello, while the session has requests of its own pending: it must
// never panic, and whatever it hands back for its requests must be what
// it asked for or an error.
func FuzzSession(f *testing.F) {
	id := Sum([]byte("chunk"))
	f.Add([]byte{}, uint8(1))
	f.Add(wire.AppendData(nil, 1, 0, 5, []byte("chunk")), uint8(1))
	f.Add(wire.AppendData(nil, 2, 0, 5, []byte("chunk")), uint8(2))
	f.Add(append(wire.AppendData(nil, 1, 0, 9, []byte("chu")), wire.AppendData(nil, 1, 3, 9, []byte("nk"))...), uint8(3))
	f.Add(wire.AppendError(nil, 1, wire.CodeNotFound, "no"), uint8(1))
	f.Add(wire.AppendHasReply(nil, 2, []bool{true}), uint8(1))
	f.Add(wire.AppendGet(nil, wire.TGetChunk, 7, id), uint8(4))
	f.Add(wire.AppendHas(nil, 7, [][wire.HashSize]byte{id}), uint8(9))
	f.Fuzz(func(t *testing.T, stream []byte, cut uint8) {
		a, b := Pipe(256)
		lib := NewLibrary()
		lib.AddChunk(id, []byte("chunk"))
		s := NewSession(a, SessionConfig{Name: "fuzz", Source: lib, StallTimeout: time.Second})
		defer s.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		go func() {
			for { // drain what the session sends
				if _, err := b.Recv(ctx); err != nil {
					return
				}
			}
		}()
		b.Send(ctx, wire.AppendHello(nil, wire.MaxMessage))
		done := make(chan struct{})
		go func() {
			defer close(done)
			if got, err := s.Chunk(ctx, id, 5); err == nil && len(got) != 5 {
				t.Errorf("Chunk returned %d bytes for a 5-byte request", len(got))
			}
		}()
		go s.Has(ctx, []ID{id})
		// Split the stream into messages at every cut-th byte.
		step := int(cut)%64 + 1
		for len(stream) > 0 {
			n := min(step, len(stream))
			b.Send(ctx, stream[:n])
			stream = stream[n:]
		}
		<-done
	})
}
