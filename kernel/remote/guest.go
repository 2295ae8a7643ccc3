package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"path"
	"runtime/metrics"
	"strings"
	"sync"
	"time"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/vfs"
)

// client is the guest's end of the connection: it sends requests, matches
// replies to them, and hands events to the guest.
type client struct {
	conn Conn

	mu      sync.Mutex
	nextID  uint64
	pending map[uint64]chan parsed
	err     error // set once the connection is gone

	signals chan kernel.Signal
	k       *kernel.Kernel // the guest's kernel, for window input
}

func newClient(conn Conn) *client {
	c := &client{conn: &lockedConn{Conn: conn}, pending: map[uint64]chan parsed{}, signals: make(chan kernel.Signal, 16)}
	go c.readLoop()
	return c
}

func (c *client) readLoop() {
	for {
		msg, err := c.conn.Recv()
		var m parsed
		if err == nil {
			m, err = parse(msg)
		}
		if err != nil {
			c.mu.Lock()
			c.err = fmt.Errorf("remote: the kernel went away: %w", err)
			for id, ch := range c.pending {
				close(ch)
				delete(c.pending, id)
			}
			c.mu.Unlock()
			close(c.signals)
			return
		}
		switch m.kind {
		case kindReply:
			c.mu.Lock()
			ch, ok := c.pending[m.id]
			delete(c.pending, m.id)
			c.mu.Unlock()
			if ok {
				ch <- m
			}
		case kindEvent:
			switch m.op {
			case evSignal:
				sig := kernel.Signal(m.d.uvar())
				if m.d.done() == nil {
					select {
					case c.signals <- sig:
					default:
					}
				}
			case evWinInput:
				id, ev := m.d.int(), m.d.input()
				if m.d.done() == nil && c.k != nil {
					c.k.Display().Input(id, ev)
				}
			case evWinScale:
				id, scale := m.d.int(), m.d.int()
				if m.d.done() == nil && c.k != nil && scale > 0 {
					if w, ok := c.k.Display().Window(id); ok {
						w.SetScale(scale)
					}
				}
			}
		}
	}
}

// call sends a request and waits for its reply. When ctx ends first, the
// host is asked to abandon the request, and call still waits for the
// (interrupted) reply so that nothing is left behind.
func (c *client) call(ctx context.Context, op uint8, fill func(*encoder)) (*decoder, error) {
	ch := make(chan parsed, 1)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return nil, c.err
	}
	c.nextID++
	id := c.nextID
	c.pending[id] = ch
	c.mu.Unlock()
	e := header(kindRequest, id, op)
	if fill != nil {
		fill(e)
	}
	if err := c.conn.Send(e.b); err != nil {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		return nil, err
	}
	var m parsed
	var ok bool
	select {
	case m, ok = <-ch:
	case <-ctx.Done():
		c.conn.Send(header(kindCancel, id, op).b)
		m, ok = <-ch
	}
	if !ok {
		c.mu.Lock()
		err := c.err
		c.mu.Unlock()
		return nil, err
	}
	code := m.d.uvar()
	if code != codeOK {
		msg := m.d.str()
		return nil, codeErr(code, msg)
	}
	return m.d, m.d.err
}

func (c *client) event(op uint8, fill func(*encoder)) error {
	e := header(kindEvent, 0, op)
	fill(e)
	return c.conn.Send(e.b)
}

// remoteFS is the host's whole file namespace as a vfs.Filesystem.
type remoteFS struct {
	c     *client
	cache *dirCache
}

// dirCache remembers, for a moment, which names are directories. The
// guest's VFS walks every path a component at a time, and without it each
// file operation would cost a round trip per directory on its path. Like an
// NFS client's attribute cache it can be stale for a moment about changes
// made by other processes; this guest's own changes clear what they touch.
type dirCache struct {
	mu sync.Mutex
	m  map[string]dirEntryCache
}

type dirEntryCache struct {
	fi fs.FileInfo
	at time.Time
}

// dirCacheTTL bounds how stale a cached directory may be.
const dirCacheTTL = time.Second

func (d *dirCache) get(name string) (fs.FileInfo, bool) {
	if d == nil {
		return nil, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.m[name]
	if !ok || time.Since(e.at) > dirCacheTTL {
		return nil, false
	}
	return e.fi, true
}

func (d *dirCache) put(name string, fi fs.FileInfo) {
	if d == nil || !fi.IsDir() {
		return
	}
	d.mu.Lock()
	if d.m == nil {
		d.m = map[string]dirEntryCache{}
	}
	d.m[name] = dirEntryCache{fi: fi, at: time.Now()}
	d.mu.Unlock()
}

// forget drops name, everything below it, and its parent (whose
// modification time changes with its entries).
func (d *dirCache) forget(name string) {
	if d == nil {
		return
	}
	parent := path.Dir(name)
	d.mu.Lock()
	for k := range d.m {
		if k == name || k == parent || strings.HasPrefix(k, name+"/") || name == "." {
			delete(d.m, k)
		}
	}
	d.mu.Unlock()
}

var (
	_ vfs.Filesystem   = remoteFS{}
	_ vfs.AtomicWriter = remoteFS{}
)

// WriteFile replaces a whole file atomically at the host, in one request
// when it fits one message.
func (r remoteFS) WriteFile(name string, data []byte, o vfs.OpenOptions) error {
	r.cache.forget(name)
	if len(data) > MaxChunk {
		return r.writeLarge(name, data, o)
	}
	return r.simple(opWriteFile, func(e *encoder) { e.str(name); e.bytes(data); e.uvar(uint64(o.Perm)) })
}

var bg = context.Background()

func (r remoteFS) Open(name string, o vfs.OpenOptions) (vfs.FileImpl, error) {
	if o.Flag&vfs.O_CREATE != 0 {
		r.cache.forget(name)
	}
	d, err := r.c.call(bg, opOpen, func(e *encoder) { e.str(name); e.svar(int64(o.Flag)); e.uvar(uint64(o.Perm)) })
	if err != nil {
		return nil, err
	}
	id := d.uvar()
	if err := d.done(); err != nil {
		return nil, err
	}
	return &remoteFile{c: r.c, id: id}, nil
}

func (r remoteFS) Lstat(name string) (fs.FileInfo, error) {
	if fi, ok := r.cache.get(name); ok {
		return fi, nil
	}
	d, err := r.c.call(bg, opLstat, func(e *encoder) { e.str(name) })
	if err != nil {
		return nil, err
	}
	fi := d.info()
	if err := d.done(); err != nil {
		return nil, err
	}
	r.cache.put(name, fi)
	return fi, nil
}

func (r remoteFS) ReadDir(name string) ([]fs.DirEntry, error) {
	d, err := r.c.call(bg, opReadDir, func(e *encoder) { e.str(name) })
	if err != nil {
		return nil, err
	}
	es := d.entries()
	return es, d.done()
}

func (r remoteFS) simple(op uint8, fill func(*encoder)) error {
	d, err := r.c.call(bg, op, fill)
	if err != nil {
		return err
	}
	return d.done()
}

func (r remoteFS) Mkdir(name string, o vfs.MkdirOptions) error {
	r.cache.forget(name)
	return r.simple(opMkdir, func(e *encoder) { e.str(name); e.uvar(uint64(o.Perm)) })
}

func (r remoteFS) Remove(name string, o vfs.RemoveOptions) error {
	r.cache.forget(name)
	return r.simple(opRemove, func(e *encoder) { e.str(name); e.bool(o.Dir); e.bool(o.File) })
}

func (r remoteFS) Rename(oldname, newname string, o vfs.RenameOptions) error {
	r.cache.forget(oldname)
	r.cache.forget(newname)
	return r.simple(opRename, func(e *encoder) { e.str(oldname); e.str(newname); e.bool(o.NoReplace) })
}

func (r remoteFS) Symlink(target, name string) error {
	r.cache.forget(name)
	return r.simple(opSymlink, func(e *encoder) { e.str(target); e.str(name) })
}

func (r remoteFS) Readlink(name string) (string, error) {
	d, err := r.c.call(bg, opReadlink, func(e *encoder) { e.str(name) })
	if err != nil {
		return "", err
	}
	t := d.str()
	return t, d.done()
}

func (r remoteFS) SetAttr(name string, o vfs.SetAttrOptions) error {
	r.cache.forget(name)
	return r.simple(opSetAttr, func(e *encoder) {
		e.str(name)
		e.u8(uint8(o.Mask))
		e.uvar(uint64(o.Mode))
		e.time(o.Atime)
		e.time(o.Mtime)
		e.svar(o.Size)
	})
}

func (r remoteFS) Sync() error { return r.simple(opSync, nil) }

func (r remoteFS) Statfs() (vfs.FSInfo, error) {
	d, err := r.c.call(bg, opStatfs, nil)
	if err != nil {
		return vfs.FSInfo{}, err
	}
	info := vfs.FSInfo{Type: d.str(), Used: d.svar(), Quota: d.svar(), Files: d.svar(), Durable: d.bool()}
	return info, d.done()
}

func (r remoteFS) Close() error { return nil }

// writeLarge writes a file too big for one message: into a temporary file
// beside it, then renamed over it, so readers see the old content or the
// new. The target's write permission is checked first, as an open would.
func (r remoteFS) writeLarge(name string, data []byte, o vfs.OpenOptions) error {
	if fi, err := r.Lstat(name); err == nil {
		if fi.IsDir() {
			return vfs.EISDIR
		}
		if fi.Mode().Perm()&0o200 == 0 {
			return vfs.EACCES
		}
	}
	dir, _ := path.Split(name)
	tmp := fmt.Sprintf("%s.nacho-%08x.tmp", dir, rand.Uint32())
	f, err := r.Open(tmp, vfs.OpenOptions{Flag: vfs.O_WRONLY | vfs.O_CREATE | vfs.O_EXCL, Perm: o.Perm})
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(data, 0); err != nil {
		f.Close()
		r.Remove(tmp, vfs.RemoveOptions{File: true})
		return err
	}
	if err := f.Close(); err != nil {
		r.Remove(tmp, vfs.RemoveOptions{File: true})
		return err
	}
	if err := r.Rename(tmp, name, vfs.RenameOptions{}); err != nil {
		r.Remove(tmp, vfs.RemoveOptions{File: true})
		return err
	}
	return nil
}

// remoteFile is an open file of the host's namespace.
type remoteFile struct {
	c  *client
	id uint64
}

var _ vfs.FileImpl = (*remoteFile)(nil)

func (f *remoteFile) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		want := min(len(p)-n, MaxChunk)
		d, err := f.c.call(bg, opHRead, func(e *encoder) { e.uvar(f.id); e.svar(off + int64(n)); e.svar(int64(want)) })
		if err != nil {
			return n, err
		}
		data := d.bytes()
		end := d.bool()
		if err := d.done(); err != nil {
			return n, err
		}
		n += copy(p[n:], data)
		if end || len(data) < want {
			if n < len(p) {
				return n, io.EOF
			}
			break
		}
	}
	return n, nil
}

func (f *remoteFile) WriteAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) || len(p) == 0 {
		chunk := p[n:min(len(p), n+MaxChunk)]
		d, err := f.c.call(bg, opHWrite, func(e *encoder) { e.uvar(f.id); e.svar(off + int64(n)); e.bytes(chunk) })
		if err != nil {
			return n, err
		}
		w := int(d.uvar())
		if err := d.done(); err != nil {
			return n, err
		}
		n += w
		if len(p) == 0 || w < len(chunk) {
			break
		}
	}
	return n, nil
}

func (f *remoteFile) Append(p []byte) (int, int64, error) {
	if len(p) > MaxChunk {
		// Bigger appends go in pieces; each piece is atomic.
		total, end := 0, int64(0)
		for total < len(p) {
			n, e, err := f.Append(p[total:min(len(p), total+MaxChunk)])
			total += n
			end = e
			if err != nil {
				return total, end, err
			}
		}
		return total, end, nil
	}
	d, err := f.c.call(bg, opHAppend, func(e *encoder) { e.uvar(f.id); e.bytes(p) })
	if err != nil {
		return 0, 0, err
	}
	n, end := int(d.uvar()), d.svar()
	return n, end, d.done()
}

func (f *remoteFile) simple(op uint8, fill func(*encoder)) error {
	d, err := f.c.call(bg, op, func(e *encoder) {
		e.uvar(f.id)
		if fill != nil {
			fill(e)
		}
	})
	if err != nil {
		return err
	}
	return d.done()
}

func (f *remoteFile) Truncate(size int64) error {
	return f.simple(opHTruncate, func(e *encoder) { e.svar(size) })
}

func (f *remoteFile) Stat() (fs.FileInfo, error) {
	d, err := f.c.call(bg, opHStat, func(e *encoder) { e.uvar(f.id) })
	if err != nil {
		return nil, err
	}
	fi := d.info()
	return fi, d.done()
}

func (f *remoteFile) ReadDir() ([]fs.DirEntry, error) {
	d, err := f.c.call(bg, opHReadDir, func(e *encoder) { e.uvar(f.id) })
	if err != nil {
		return nil, err
	}
	es := d.entries()
	return es, d.done()
}

func (f *remoteFile) Sync() error  { return f.simple(opHSync, nil) }
func (f *remoteFile) Close() error { return f.simple(opHClose, nil) }

// fdFile is one of the stand-in's descriptors.
type fdFile struct {
	c    *client
	fd   int
	kind kernel.FileKind // what it is at the host's end
}

// Kind implements kernel.Kinder.
func (f *fdFile) Kind() kernel.FileKind { return f.kind }

func (f *fdFile) Read(p []byte) (int, error) { return f.ReadContext(bg, p) }
func (f *fdFile) ReadContext(ctx context.Context, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	want := min(len(p), MaxChunk)
	d, err := f.c.call(ctx, opFdRead, func(e *encoder) { e.svar(int64(f.fd)); e.svar(int64(want)) })
	if err != nil {
		return 0, err
	}
	data := d.bytes()
	if err := d.done(); err != nil {
		return 0, err
	}
	return copy(p, data), nil
}

func (f *fdFile) Write(p []byte) (int, error) { return f.WriteContext(bg, p) }
func (f *fdFile) WriteContext(ctx context.Context, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		chunk := p[n:min(len(p), n+MaxChunk)]
		d, err := f.c.call(ctx, opFdWrite, func(e *encoder) { e.svar(int64(f.fd)); e.bytes(chunk) })
		if err != nil {
			return n, err
		}
		w := int(d.uvar())
		if err := d.done(); err != nil {
			return n, err
		}
		n += w
		if w < len(chunk) {
			break
		}
	}
	return n, nil
}

func (f *fdFile) Close() error { return nil }

// ttyFile is a descriptor that is a terminal at the host's end.
type ttyFile struct{ fdFile }

var _ kernel.Terminal = (*ttyFile)(nil)

func (f *ttyFile) Mode() kernel.TTYMode {
	d, err := f.c.call(bg, opTermMode, func(e *encoder) { e.svar(int64(f.fd)) })
	if err != nil || !d.bool() {
		return kernel.CookedMode
	}
	return decodeMode(d)
}

func (f *ttyFile) SetMode(m kernel.TTYMode) {
	f.c.call(bg, opTermSetMode, func(e *encoder) { e.svar(int64(f.fd)); encodeMode(e, m) })
}

func (f *ttyFile) Size() (int, int) {
	d, err := f.c.call(bg, opTermSize, func(e *encoder) { e.svar(int64(f.fd)) })
	if err != nil || !d.bool() {
		return 80, 25
	}
	return int(d.svar()), int(d.svar())
}

// GuestOptions describe the program a guest runs.
type GuestOptions struct {
	Args  []string
	Main  kernel.Main
	Cwd   string
	Env   map[string]string
	Files int // descriptors inherited from the stand-in (3 when zero)
	Sched kernel.SchedConfig
	// StatsEvery is how often statistics are reported (1 s when zero).
	StatsEvery time.Duration
	// View draws the guest's windows here, when the host has a display
	// (the host shows them; see RemoteWindow).
	View kernel.DisplayView
}

// Guest runs opts.Main in a local kernel whose files and descriptors are
// the host's, passes on signals from the host, reports statistics, and
// returns the exit status once it has told the host.
func Guest(conn Conn, opts GuestOptions) (int, error) {
	c := newClient(conn)
	v := vfs.New(remoteFS{c: c, cache: &dirCache{}})
	k := kernel.New(kernel.Config{FS: v, Env: opts.Env, Sched: opts.Sched})
	d, err := c.call(bg, opHasDisplay, nil)
	if err != nil {
		return 0, err
	}
	if d.bool() {
		k.Display().SetView(&guestView{c: c, inner: opts.View})
	}
	c.k = k
	n := opts.Files
	if n == 0 {
		n = 3
	}
	files := make([]*kernel.OpenFile, n)
	for i := range files {
		base := fdFile{c: c, fd: i}
		kd, err := c.call(bg, opFdKind, func(e *encoder) { e.svar(int64(i)) })
		if err != nil {
			return 0, err
		}
		base.kind = kernel.FileKind(kd.uvar())
		d, err := c.call(bg, opTermMode, func(e *encoder) { e.svar(int64(i)) })
		if err != nil {
			return 0, err
		}
		if d.bool() {
			files[i] = kernel.NewOpenFile(&ttyFile{base})
		} else {
			files[i] = kernel.NewOpenFile(&base)
		}
	}
	p, err := k.Spawn(kernel.SpawnOptions{Args: opts.Args, Main: opts.Main, Cwd: opts.Cwd, Env: opts.Env, Files: files})
	for _, f := range files {
		f.Close()
	}
	if err != nil {
		c.event(evExit, func(e *encoder) { e.svar(127) })
		return 127, err
	}
	every := opts.StatsEvery
	if every <= 0 {
		every = time.Second
	}
	report := func() {
		info := p.Info()
		c.event(evStats, func(e *encoder) {
			e.uvar(info.Insns)
			e.svar(int64(info.CPU))
			e.f64(info.IPS)
			e.svar(info.Memory)
			e.svar(hostMemory())
		})
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case sig, ok := <-c.signals:
			if !ok { // the kernel is gone: nobody to report to
				p.Signal(kernel.SIGKILL)
				return p.Wait(), errors.New("remote: the kernel went away")
			}
			p.Signal(sig)
		case <-tick.C:
			report()
		case <-p.Done():
			report()
			code := p.Wait()
			err := c.event(evExit, func(e *encoder) { e.svar(int64(code)) })
			return code, err
		}
	}
}

// hostMemory is what this runtime holds from its host: in a worker, the
// size of the WebAssembly memory.
func hostMemory() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}
