//go:build !js

package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nachoos/nacho/fabrik/chunkstore"
	"github.com/nachoos/nacho/fabrik/node"
	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

// cluster is a real cloud node (fabrik's chunk store and this package's
// document server) on a loopback port, and replicas syncing through it.
type cluster struct {
	t         testing.TB
	addr      string
	docDir    string
	chunks    *chunkstore.Mem
	manifests *chunkstore.Mem
	srv       *http.Server
	sync      *Server
	chunkGets atomic.Int64
	chunkPuts atomic.Int64
	room      string
	noDocs    bool // the node does not serve documents (only signaling and chunks)
}

func newCluster(t testing.TB) *cluster {
	c := &cluster{t: t, docDir: t.TempDir(), chunks: chunkstore.NewMem(), manifests: chunkstore.NewMem(), room: "r" + randomHex(4)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.addr = ln.Addr().String()
	c.start(ln)
	t.Cleanup(func() { c.kill() })
	return c
}

func (c *cluster) start(ln net.Listener) {
	mux := http.NewServeMux()
	node.New(node.Config{Chunks: c.chunks, Manifests: c.manifests}).Register(mux)
	s, err := NewServer(ServerConfig{Dir: c.docDir})
	if err != nil {
		c.t.Skipf("no automerge: %v", err)
	}
	if !c.noDocs {
		s.Register(mux)
	}
	c.sync = s
	count := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/chunks/") {
			mux.ServeHTTP(w, r) // signaling needs the bare writer (it hijacks)
			return
		}
		sw := &statusWriter{ResponseWriter: w, status: 200}
		mux.ServeHTTP(sw, r)
		if strings.HasPrefix(r.URL.Path, "/api/chunks/") && r.URL.Path != "/api/chunks/has" && sw.status/100 == 2 {
			if r.Method == http.MethodGet {
				c.chunkGets.Add(1) // chunks that travelled (a 404 for one not uploaded yet moves nothing)
			} else if r.Method == http.MethodPut {
				c.chunkPuts.Add(1)
			}
		}
	})
	c.srv = &http.Server{Handler: count}
	go c.srv.Serve(ln)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// kill stops the node at once: open requests are cut and documents not
// yet written are lost (as in a crash).
func (c *cluster) kill() {
	if c.srv != nil {
		c.srv.Close()
		c.srv = nil
	}
}

// restart brings the node back on the same address with what it had
// written to disk.
func (c *cluster) restart() {
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", c.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		c.t.Fatal(err)
	}
	c.start(ln)
}

// netSwitch is an http.RoundTripper that can cut a replica off.
type netSwitch struct {
	down  atomic.Bool
	sent  atomic.Int64 // request bodies, bytes
	recv  atomic.Int64 // response bodies, bytes
	mu    gosync.Mutex
	inner http.RoundTripper
	live  map[*http.Request]context.CancelFunc
}

func (n *netSwitch) RoundTrip(r *http.Request) (*http.Response, error) {
	if n.down.Load() {
		return nil, errors.New("partitioned")
	}
	ctx, cancel := context.WithCancel(r.Context())
	r = r.WithContext(ctx)
	n.mu.Lock()
	n.live[r] = cancel
	n.mu.Unlock()
	if r.ContentLength > 0 {
		n.sent.Add(r.ContentLength)
	}
	resp, err := n.inner.RoundTrip(r)
	n.mu.Lock()
	delete(n.live, r)
	n.mu.Unlock()
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &countingBody{ReadCloser: resp.Body, n: &n.recv}
	return resp, nil
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	k, err := c.ReadCloser.Read(p)
	c.n.Add(int64(k))
	return k, err
}

func (n *netSwitch) set(up bool) {
	n.down.Store(!up)
	if !up {
		n.mu.Lock()
		for _, c := range n.live {
			c()
		}
		n.mu.Unlock()
	}
}

// testLog logs to stderr when NACHO_SYNC_LOG is set.
func testLog(name string) *slog.Logger {
	if os.Getenv("NACHO_SYNC_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("replica", name)
}

type replica struct {
	peers bool     // sync with the room's members directly too
	v     *vfs.VFS // a VFS replica (else a host directory)
	name  string
	dir   string
	state string
	e     *Engine
	net   *netSwitch
	c     *cluster
}

func (c *cluster) replica(name string) *replica { return c.replicaWith(name, false) }

func (c *cluster) replicaWith(name string, peers bool) *replica {
	r := &replica{peers: peers, name: name, dir: filepath.Join(c.t.TempDir(), name), state: filepath.Join(c.t.TempDir(), name+"-state"), c: c}
	os.MkdirAll(r.dir, 0o755)
	r.open()
	return r
}

func (r *replica) open() {
	r.net = &netSwitch{inner: &http.Transport{}, live: map[*http.Request]context.CancelFunc{}}
	folder, err := NewDirFolder(r.dir, "")
	if err != nil {
		r.c.t.Fatal(err)
	}
	st, err := NewDirState(r.state)
	if err != nil {
		r.c.t.Fatal(err)
	}
	r.e, err = Open(Config{Folder: folder, State: st, Server: "http://" + r.c.addr, Room: r.c.room, Secret: "s3cret",
		HTTPClient: &http.Client{Transport: r.net}, ScanInterval: 20 * time.Millisecond, Settle: time.Millisecond, Log: testLog(r.name),
		Peers: r.peers})
	if err != nil {
		r.c.t.Fatal(err)
	}
	r.c.t.Cleanup(func() { r.e.Close() })
}

func (r *replica) write(p, content string) {
	r.c.t.Helper()
	if r.v != nil {
		full := "/folder/" + p
		if err := r.v.MkdirAll(path.Dir(full), 0o755); err != nil {
			r.c.t.Fatal(err)
		}
		if err := r.v.WriteFile(full, []byte(content), 0o644); err != nil {
			r.c.t.Fatal(err)
		}
		return
	}
	full := filepath.Join(r.dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.c.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		r.c.t.Fatal(err)
	}
}

func (r *replica) read(p string) string {
	b, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(p)))
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}

// tree returns path -> content ("/" for directories) of the replica's
// folder.
func (r *replica) tree() map[string]string {
	m := map[string]string{}
	if r.v != nil {
		f, _ := NewVFSFolder(r.v, "/folder")
		f.Walk(func(p string, fi fs.FileInfo) error {
			if fi.IsDir() {
				m[p] = "/"
			} else {
				b, _ := r.v.ReadFile("/folder/" + p)
				m[p] = string(b)
			}
			return nil
		})
		return m
	}
	filepath.WalkDir(r.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == r.dir {
			return nil
		}
		rel, _ := filepath.Rel(r.dir, p)
		rel = filepath.ToSlash(rel)
		if IsInternal(rel) {
			return nil
		}
		if d.IsDir() {
			m[rel] = "/"
			return nil
		}
		b, _ := os.ReadFile(p)
		m[rel] = string(b)
		return nil
	})
	return m
}

func describeTree(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		v := m[k]
		if len(v) > 20 {
			h := sha256.Sum256([]byte(v))
			v = fmt.Sprintf("%d bytes %s", len(v), hex.EncodeToString(h[:4]))
		}
		fmt.Fprintf(&b, "  %s = %q\n", k, v)
	}
	return b.String()
}

// converge waits until all replicas hold identical folders and say
// "synced", and returns that folder.
func converge(t testing.TB, timeout time.Duration, rs ...*replica) map[string]string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	allSynced := func() bool {
		for _, r := range rs {
			r.e.Scan(context.Background()) // the status is about what the engine has seen
			if st := r.e.Status(); st.State != "synced" {
				return false
			}
		}
		return true
	}
	for {
		// Status before and after the trees, so that a pass in between
		// cannot make a stale tree look final.
		if allSynced() {
			first := rs[0].tree()
			same := true
			for _, r := range rs[1:] {
				if !equalTrees(first, r.tree()) {
					same = false
					break
				}
			}
			if same && allSynced() {
				return first
			}
		}
		if time.Now().After(deadline) {
			for _, r := range rs {
				r.e.mu.Lock()
				var stuck []string
				for p, why := range r.e.pending {
					stuck = append(stuck, p+": "+why)
				}
				for p, ie := range r.e.idx.Paths {
					if ie.Kind == KindFile && !r.e.idx.Cloud[ie.VID] {
						stuck = append(stuck, fmt.Sprintf("%s: not on the node (%s)", p, ie.VID))
					}
				}
				r.e.mu.Unlock()
				t.Logf("%s (%s, %v):\n%s", r.name, r.e.Status(), stuck, describeTree(r.tree()))
			}
			t.Fatalf("replicas did not converge in %v", timeout)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func equalTrees(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func conflictCopies(tree map[string]string) map[string]string {
	out := map[string]string{}
	for p, c := range tree {
		if strings.Contains(p, ".sync-conflict-") {
			out[p] = c
		}
	}
	return out
}

func TestEngineCreatesEditsDeletes(t *testing.T) {
	c := newCluster(t)
	a, b := c.replica("a"), c.replica("b")
	a.write("docs/one.txt", "one")
	a.write("docs/deep/two.txt", "two")
	os.MkdirAll(filepath.Join(a.dir, "empty"), 0o755)
	b.write("big.bin", strings.Repeat("0123456789abcdef", 200_000)) // 3.2 MB, 4 chunks
	tr := converge(t, 20*time.Second, a, b)
	if tr["empty"] != "/" || tr["docs/deep/two.txt"] != "two" || len(tr["big.bin"]) != 3_200_000 {
		t.Fatalf("after creates:\n%s", describeTree(tr))
	}
	b.write("docs/one.txt", "one, edited")
	os.Remove(filepath.Join(a.dir, "docs", "deep", "two.txt"))
	tr = converge(t, 20*time.Second, a, b)
	if tr["docs/one.txt"] != "one, edited" || tr["docs/deep/two.txt"] != "" && tr["docs/deep/two.txt"] != "/" {
		if _, there := tr["docs/deep/two.txt"]; there || tr["docs/one.txt"] != "one, edited" {
			t.Fatalf("after edit and delete:\n%s", describeTree(tr))
		}
	}
	os.RemoveAll(filepath.Join(b.dir, "docs"))
	tr = converge(t, 20*time.Second, a, b)
	if _, there := tr["docs"]; there {
		t.Fatalf("a removed directory came back:\n%s", describeTree(tr))
	}
	for _, d := range a.e.Durability() {
		if !d.Local || !d.Cloud {
			t.Errorf("%s: durability %+v after sync", d.Path, d)
		}
	}
}

// TestOnlyMissingChunksTravel: a rename or a copy moves no chunk; an edit
// to one chunk of a big file moves one chunk.
func TestOnlyMissingChunksTravel(t *testing.T) {
	c := newCluster(t)
	a, b := c.replica("a"), c.replica("b")
	big := make([]byte, 3<<20+5)
	for i := range big {
		big[i] = byte(i * 7 / 13)
	}
	a.write("big.bin", string(big))
	converge(t, 20*time.Second, a, b)
	gets, puts := c.chunkGets.Load(), c.chunkPuts.Load()
	if puts != 4 || gets != 4 {
		t.Errorf("first sync of a 4-chunk file: %d chunk uploads, %d downloads; want 4 and 4", puts, gets)
	}
	os.Rename(filepath.Join(a.dir, "big.bin"), filepath.Join(a.dir, "moved.bin"))
	a.write("copy.bin", string(big))
	tr := converge(t, 20*time.Second, a, b)
	if len(tr["moved.bin"]) != len(big) || len(tr["copy.bin"]) != len(big) || tr["big.bin"] != "" {
		t.Fatalf("after rename and copy:\n%s", describeTree(tr))
	}
	if g, p := c.chunkGets.Load()-gets, c.chunkPuts.Load()-puts; g != 0 || p != 0 {
		t.Errorf("rename and copy moved %d chunks down and %d up; want none", g, p)
	}
	gets, puts = c.chunkGets.Load(), c.chunkPuts.Load()
	big[2<<20+10] ^= 0xff // the third chunk only
	a.write("moved.bin", string(big))
	converge(t, 20*time.Second, a, b)
	if g, p := c.chunkGets.Load()-gets, c.chunkPuts.Load()-puts; g != 1 || p != 1 {
		t.Errorf("a one-chunk edit moved %d chunks down and %d up; want 1 and 1", g, p)
	}
}

func TestEngineConflictCases(t *testing.T) {
	c := newCluster(t)
	a, b := c.replica("a"), c.replica("b")
	a.write("f.txt", "base")
	a.write("del-vs-edit.txt", "base")
	a.write("ren.txt", "rename me")
	converge(t, 20*time.Second, a, b)

	b.net.set(false) // b goes offline
	time.Sleep(100 * time.Millisecond)
	a.write("f.txt", "from A")
	time.Sleep(20 * time.Millisecond)
	b.write("f.txt", "from B")
	os.Remove(filepath.Join(a.dir, "del-vs-edit.txt"))
	b.write("del-vs-edit.txt", "edited offline")
	os.Rename(filepath.Join(a.dir, "ren.txt"), filepath.Join(a.dir, "ren-by-a.txt"))
	os.Rename(filepath.Join(b.dir, "ren.txt"), filepath.Join(b.dir, "ren-by-b.txt"))
	a.write("same-new.txt", "A made this")
	b.write("same-new.txt", "B made this")
	a.write("twin.txt", "identical")
	b.write("twin.txt", "identical")
	deadline := time.Now().Add(5 * time.Second)
	for b.e.Status().State != "offline" || b.e.Status().Waiting == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("b's status while offline with changes: %v", b.e.Status())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("b while offline: %s", b.e.Status())
	b.net.set(true)
	tr := converge(t, 30*time.Second, a, b)

	if tr["f.txt"] != "from A" && tr["f.txt"] != "from B" {
		t.Errorf("f.txt = %q", tr["f.txt"])
	}
	copies := conflictCopies(tr)
	var fromCopies []string
	for _, v := range copies {
		fromCopies = append(fromCopies, v)
	}
	sort.Strings(fromCopies)
	all := strings.Join(fromCopies, "|")
	if !strings.Contains(all, "from A") && !strings.Contains(all, "from B") {
		t.Errorf("the losing write of f.txt has no conflict copy: %v", copies)
	}
	if tr["del-vs-edit.txt"] != "edited offline" {
		t.Errorf("delete against edit: %q, want the edit", tr["del-vs-edit.txt"])
	}
	renamed := 0
	for _, p := range []string{"ren.txt", "ren-by-a.txt", "ren-by-b.txt"} {
		if tr[p] == "rename me" {
			renamed++
		}
	}
	if renamed != 1 {
		t.Errorf("concurrent renames left %d copies:\n%s", renamed, describeTree(tr))
	}
	if !strings.Contains(all, "A made this") && !strings.Contains(all, "B made this") {
		t.Errorf("a file made at the same path on both lost one side:\n%s", describeTree(tr))
	}
	if tr["twin.txt"] != "identical" || strings.Contains(all, "identical") {
		t.Errorf("identical files made on both should be one file, no conflict:\n%s", describeTree(tr))
	}
	if len(copies) != 2 {
		t.Errorf("%d conflict copies, want 2 (f.txt, same-new.txt):\n%s", len(copies), describeTree(tr))
	}
}

// TestRestoreFromNodeAlone: a device syncs and goes away; the node
// restarts from its disk; a new device with nothing restores the folder
// from the node alone.
func TestRestoreFromNodeAlone(t *testing.T) {
	c := newCluster(t)
	a := c.replica("a")
	want := map[string]string{}
	for i := range 30 {
		p := fmt.Sprintf("d%d/f%02d.txt", i%3, i)
		a.write(p, fmt.Sprintf("content %d", i))
		want[p] = fmt.Sprintf("content %d", i)
	}
	a.write("big.bin", strings.Repeat("x", 1<<20+1))
	want["big.bin"] = strings.Repeat("x", 1<<20+1)
	converge(t, 20*time.Second, a)
	a.e.Close()
	os.RemoveAll(a.dir)
	os.RemoveAll(a.state)
	c.sync.Close()
	c.kill()
	c.restart()
	n := c.replica("new")
	tr := converge(t, 20*time.Second, n)
	for p, v := range want {
		if tr[p] != v {
			t.Errorf("restored %s = %.40q, want %.40q", p, tr[p], v)
		}
	}
}

// TestNodeKilledMidSync: the node dies while devices send it a burst of
// changes, losing what it had not written; when it comes back, the devices
// bring it up to date, and a new device restores everything.
func TestNodeKilledMidSync(t *testing.T) {
	c := newCluster(t)
	a, b := c.replica("a"), c.replica("b")
	want := map[string]string{}
	for i := range 100 {
		p := fmt.Sprintf("burst/%03d.txt", i)
		a.write(p, fmt.Sprintf("a %d", i))
		want[p] = fmt.Sprintf("a %d", i)
		if i == 40 {
			c.kill() // no Close: unsaved documents are lost
		}
	}
	b.write("from-b.txt", "b")
	want["from-b.txt"] = "b"
	time.Sleep(300 * time.Millisecond)
	c.restart()
	converge(t, 30*time.Second, a, b)
	a.e.Close()
	b.e.Close()
	n := c.replica("new")
	tr := converge(t, 30*time.Second, n)
	for p, v := range want {
		if tr[p] != v {
			t.Errorf("after the node's crash, %s = %q, want %q", p, tr[p], v)
		}
	}
}

// TestDeviceKilledMidSync: a device's engine stops without saving (a
// crash) and restarts from its last saved state: nothing is lost and no
// spurious conflict copy appears.
func TestDeviceKilledMidSync(t *testing.T) {
	c := newCluster(t)
	a, b := c.replica("a"), c.replica("b")
	for i := range 40 {
		a.write(fmt.Sprintf("x/%02d", i), fmt.Sprintf("v%d", i))
	}
	converge(t, 20*time.Second, a, b)
	saved := map[string][]byte{}
	for _, n := range []string{stateDoc, stateIndex} {
		saved[n], _ = os.ReadFile(filepath.Join(a.state, n))
	}
	for i := range 40 {
		a.write(fmt.Sprintf("x/%02d", i), fmt.Sprintf("v%d edited", i))
	}
	converge(t, 20*time.Second, a, b) // the edits reached the node and b
	a.e.Close()
	for n, data := range saved { // as if a had crashed before saving them
		os.WriteFile(filepath.Join(a.state, n), data, 0o600)
	}
	a.open()
	tr := converge(t, 20*time.Second, a, b)
	for i := range 40 {
		if p := fmt.Sprintf("x/%02d", i); tr[p] != fmt.Sprintf("v%d edited", i) {
			t.Errorf("%s = %q", p, tr[p])
		}
	}
	if cc := conflictCopies(tr); len(cc) != 0 {
		t.Errorf("a restart from an older state made conflict copies: %v", cc)
	}
}

// TestRandomConvergence: replicas make random changes while the network
// randomly cuts them off; once healed, all hold byte-identical folders.
func TestRandomConvergence(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { randomRun(t, seed, 3, 60) })
	}
}

func randomRun(t *testing.T, seed uint64, n, steps int) {
	rng := rand.New(rand.NewPCG(seed, seed*7919))
	c := newCluster(t)
	rs := make([]*replica, n)
	for i := range rs {
		rs[i] = c.replica(fmt.Sprintf("r%d", i))
	}
	names := []string{"a.txt", "b.txt", "dir/c.txt", "dir/d.txt", "dir/sub/e.txt", "f"}
	for step := range steps {
		r := rs[rng.IntN(n)]
		p := names[rng.IntN(len(names))]
		full := filepath.Join(r.dir, filepath.FromSlash(p))
		switch op := rng.IntN(10); {
		case op < 5:
			r.write(p, fmt.Sprintf("%s step %d by %s", p, step, r.name))
		case op < 7:
			os.Remove(full)
		case op < 8:
			q := names[rng.IntN(len(names))]
			if _, err := os.Stat(filepath.Join(r.dir, filepath.FromSlash(q))); err != nil {
				os.MkdirAll(filepath.Dir(filepath.Join(r.dir, filepath.FromSlash(q))), 0o755)
				os.Rename(full, filepath.Join(r.dir, filepath.FromSlash(q)))
			}
		case op < 9:
			x := rs[rng.IntN(n)]
			x.net.set(x.net.down.Load()) // flip: cut off, or back
		default:
			time.Sleep(time.Duration(rng.IntN(100)) * time.Millisecond)
		}
		if rng.IntN(4) == 0 {
			time.Sleep(time.Duration(rng.IntN(60)) * time.Millisecond)
		}
	}
	for _, r := range rs {
		r.net.set(true)
	}
	tr := converge(t, 60*time.Second, rs...)
	t.Logf("seed %d: %d paths, %d conflict copies", seed, len(tr), len(conflictCopies(tr)))
}

// vfsReplica syncs a folder of a RAM-disk VFS, as the page does with its
// own file systems.
func (c *cluster) vfsReplica(name string) *replica {
	v := vfs.New(memfs.New(memfs.Options{}))
	if err := v.MkdirAll("/folder", 0o755); err != nil {
		c.t.Fatal(err)
	}
	r := &replica{v: v, name: name, c: c}
	folder, err := NewVFSFolder(v, "/folder")
	if err != nil {
		c.t.Fatal(err)
	}
	st, err := NewVFSState(v, "/state")
	if err != nil {
		c.t.Fatal(err)
	}
	r.net = &netSwitch{inner: &http.Transport{}, live: map[*http.Request]context.CancelFunc{}}
	r.e, err = Open(Config{Folder: folder, State: st, Server: "http://" + c.addr, Room: c.room, Secret: "s3cret",
		HTTPClient: &http.Client{Transport: r.net}, ScanInterval: 20 * time.Millisecond, Settle: time.Millisecond, Log: testLog(name)})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { r.e.Close() })
	return r
}

// TestVFSFolderWithHostFolder: a folder of Nacho's VFS (what the page
// syncs) and a host directory converge through the node.
func TestVFSFolderWithHostFolder(t *testing.T) {
	c := newCluster(t)
	host, page := c.replica("host"), c.vfsReplica("page")
	host.write("docs/from-host.txt", "hello from the host")
	page.write("notes/from-page.txt", "hello from the page")
	page.write("big.bin", strings.Repeat("page bytes ", 200_000))
	tr := converge(t, 20*time.Second, host, page)
	if tr["docs/from-host.txt"] != "hello from the host" || tr["notes/from-page.txt"] != "hello from the page" || len(tr["big.bin"]) != 2_200_000 {
		t.Fatalf("after creates:\n%s", describeTree(tr))
	}
	page.write("docs/from-host.txt", "edited in the page")
	if err := page.v.Remove("/folder/notes/from-page.txt"); err != nil {
		t.Fatal(err)
	}
	tr = converge(t, 20*time.Second, host, page)
	if tr["docs/from-host.txt"] != "edited in the page" || tr["notes/from-page.txt"] != "" {
		if _, there := tr["notes/from-page.txt"]; there || tr["docs/from-host.txt"] != "edited in the page" {
			t.Fatalf("after edit and delete:\n%s", describeTree(tr))
		}
	}
}

// TestPeersWithoutTheNode: two members of a room whose node keeps no
// documents converge over their direct links alone, and the chunks come
// from each other, not from the node.
func TestPeersWithoutTheNode(t *testing.T) {
	if testing.Short() {
		t.Skip("WebRTC links")
	}
	c := &cluster{t: t, docDir: t.TempDir(), chunks: chunkstore.NewMem(), manifests: chunkstore.NewMem(), room: "r" + randomHex(4), noDocs: true}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.addr = ln.Addr().String()
	c.start(ln)
	t.Cleanup(c.kill)
	a, b := c.replicaWith("a", true), c.replicaWith("b", true)
	a.write("docs/hello.txt", "hello over WebRTC")
	big := strings.Repeat("peer to peer ", 180_000) // 2.3 MB, three chunks
	a.write("big.bin", big)
	b.write("from-b.txt", "b's file")
	deadline := time.Now().Add(60 * time.Second)
	for {
		ta, tb := a.tree(), b.tree()
		if equalTrees(ta, tb) && tb["big.bin"] == big && ta["from-b.txt"] == "b's file" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no convergence over the room's links:\na:\n%s\nb:\n%s", describeTree(ta), describeTree(tb))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if g := c.chunkGets.Load(); g != 0 {
		t.Errorf("%d chunks came from the node; the members had them all", g)
	}
	if st := a.e.Status(); st.State != "offline" {
		t.Errorf("with no documents on the node the status should say offline: %v", st)
	}
}
