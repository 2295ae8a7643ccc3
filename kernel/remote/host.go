package remote

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sync"
	"time"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/vfs"
)

// Stats is what a guest reports about itself.
type Stats struct {
	Insns  uint64
	CPU    time.Duration
	IPS    float64
	Memory int64 // what the guest's kernel charged to it
	// HostMemory is what the guest's runtime holds from its host (in the
	// page, the worker's WebAssembly memory).
	HostMemory int64
}

// HostOptions tune Host.
type HostOptions struct {
	// OnStats is called with each report from the guest (about once a
	// second).
	OnStats func(Stats)
	// Tag goes into the RemoteWindow of each window the guest opens, for
	// whatever presents windows here (see RemoteWindow).
	Tag any
}

// Host serves the guest at the other end of conn on behalf of the
// stand-in process p, until the guest exits (its status is returned) or
// the connection breaks (an error). Signals sent to p are passed on to the
// guest; when p is killed, Host returns at once and the caller ends the
// worker.
func Host(p *kernel.Process, conn Conn, opts HostOptions) (int, error) {
	h := &host{p: p, conn: &lockedConn{Conn: conn}, opts: opts, files: map[uint64]*vfs.File{}, calls: map[uint64]context.CancelFunc{}}
	sigs := make(chan kernel.Signal, 8)
	p.Notify(sigs, kernel.SIGINT, kernel.SIGTERM, kernel.SIGHUP, kernel.SIGQUIT, kernel.SIGWINCH)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case s := <-sigs:
				e := header(kindEvent, 0, evSignal)
				e.uvar(uint64(s))
				h.conn.Send(e.b)
			case <-stop:
				return
			}
		}
	}()
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := h.loop()
		done <- result{code, err}
	}()
	defer h.closeAll()
	select {
	case r := <-done:
		return r.code, r.err
	case <-p.Context().Done():
		conn.Close()
		return 137, nil
	}
}

type host struct {
	p    *kernel.Process
	conn Conn
	opts HostOptions

	mu      sync.Mutex
	files   map[uint64]*vfs.File
	nextH   uint64
	calls   map[uint64]context.CancelFunc // blocking calls in progress
	charge  int64
	windows map[int]*kernel.Window // the guest's windows, by the guest's ids
}

func (h *host) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, f := range h.files {
		f.Close()
		delete(h.files, id)
	}
	for _, cancel := range h.calls {
		cancel()
	}
	for id, w := range h.windows {
		w.Close()
		delete(h.windows, id)
	}
	h.p.Uncharge(h.charge)
	h.charge = 0
}

func (h *host) loop() (int, error) {
	for {
		msg, err := h.conn.Recv()
		if err != nil {
			return 0, fmt.Errorf("remote: the guest went away: %w", err)
		}
		m, err := parse(msg)
		if err != nil {
			return 0, err
		}
		switch m.kind {
		case kindEvent:
			switch m.op {
			case evExit:
				code := m.d.int()
				if err := m.d.done(); err != nil {
					return 0, err
				}
				return code, nil
			case evStats:
				st := Stats{Insns: m.d.uvar(), CPU: time.Duration(m.d.svar()), IPS: m.d.f64(), Memory: m.d.svar(), HostMemory: m.d.svar()}
				if err := m.d.done(); err != nil {
					return 0, err
				}
				if err := h.account(st.Memory); err != nil {
					return 0, err
				}
				h.p.SetRemoteStats(st.Insns, st.CPU, st.IPS, st.HostMemory)
				if h.opts.OnStats != nil {
					h.opts.OnStats(st)
				}
			case evWinOpen, evWinChange:
				wi := m.d.win()
				if err := m.d.done(); err != nil {
					return 0, err
				}
				if m.op == evWinOpen {
					h.winOpen(wi)
				} else {
					h.winChange(wi)
				}
			case evWinClose:
				id := m.d.int()
				if err := m.d.done(); err != nil {
					return 0, err
				}
				h.winClose(id)
			default:
				return 0, fmt.Errorf("%w: event %d", errMalformed, m.op)
			}
		case kindCancel:
			h.mu.Lock()
			if cancel, ok := h.calls[m.id]; ok {
				cancel()
			}
			h.mu.Unlock()
		case kindRequest:
			if m.op == 0 || m.op >= opMax {
				return 0, fmt.Errorf("%w: op %d", errMalformed, m.op)
			}
			ctx, cancel := context.WithCancel(h.p.Context())
			h.mu.Lock()
			h.calls[m.id] = cancel
			h.mu.Unlock()
			go func() {
				reply := h.serve(ctx, m)
				h.mu.Lock()
				delete(h.calls, m.id)
				h.mu.Unlock()
				cancel()
				h.conn.Send(reply)
			}()
		default:
			return 0, fmt.Errorf("%w: kind %d from the guest", errMalformed, m.kind)
		}
	}
}

// account charges the guest's reported memory to the stand-in, so the
// kernel's limits hold for processes in workers too.
func (h *host) account(mem int64) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	delta := mem - h.charge
	if delta > 0 {
		if err := h.p.Charge(delta); err != nil {
			return err
		}
	} else {
		h.p.Uncharge(-delta)
	}
	h.charge = mem
	return nil
}

// abs turns a Filesystem name ("." or a clean relative path) into a path
// of the host's namespace.
func abs(name string) string {
	if name == "." || name == "" {
		return "/"
	}
	return "/" + path.Clean(name)
}

func (h *host) file(id uint64) (*vfs.File, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f, ok := h.files[id]
	if !ok {
		return nil, vfs.EBADF
	}
	return f, nil
}

// serve runs one request and returns the reply.
func (h *host) serve(ctx context.Context, m parsed) []byte {
	v := h.p.Kernel().FS()
	d := m.d
	out := &encoder{}
	var err error
	switch m.op {
	case opOpen:
		name, flag, perm := d.str(), d.int(), fs.FileMode(d.uvar())
		if err = d.done(); err == nil {
			var f *vfs.File
			if f, err = v.Open(abs(name), flag, perm); err == nil {
				h.mu.Lock()
				h.nextH++
				id := h.nextH
				h.files[id] = f
				h.mu.Unlock()
				out.uvar(id)
			}
		}
	case opLstat:
		name := d.str()
		if err = d.done(); err == nil {
			var fi fs.FileInfo
			if fi, err = v.Lstat(abs(name)); err == nil {
				out.info(fi)
			}
		}
	case opReadDir:
		name := d.str()
		if err = d.done(); err == nil {
			var es []fs.DirEntry
			if es, err = v.ReadDir(abs(name)); err == nil {
				out.entries(es)
			}
		}
	case opMkdir:
		name, perm := d.str(), fs.FileMode(d.uvar())
		if err = d.done(); err == nil {
			err = v.Mkdir(abs(name), perm)
		}
	case opRemove:
		name, dir, file := d.str(), d.bool(), d.bool()
		if err = d.done(); err == nil {
			err = h.remove(v, abs(name), dir, file)
		}
	case opRename:
		oldname, newname, noReplace := d.str(), d.str(), d.bool()
		if err = d.done(); err == nil {
			err = v.RenameWith(abs(oldname), abs(newname), vfs.RenameOptions{NoReplace: noReplace})
		}
	case opSymlink:
		target, name := d.str(), d.str()
		if err = d.done(); err == nil {
			err = v.Symlink(target, abs(name))
		}
	case opReadlink:
		name := d.str()
		if err = d.done(); err == nil {
			var t string
			if t, err = v.Readlink(abs(name)); err == nil {
				out.str(t)
			}
		}
	case opSetAttr:
		name, mask := d.str(), vfs.AttrMask(d.u8())
		mode, atime, mtime, size := fs.FileMode(d.uvar()), d.time(), d.time(), d.svar()
		if err = d.done(); err == nil {
			err = setAttr(v, abs(name), vfs.SetAttrOptions{Mask: mask, Mode: mode, Atime: atime, Mtime: mtime, Size: size})
		}
	case opSync:
		if err = d.done(); err == nil {
			err = v.Sync()
		}
	case opFdKind:
		fd := d.int()
		if err = d.done(); err == nil {
			out.uvar(uint64(kernel.KindOf(h.p.File(fd))))
		}
	case opHasDisplay:
		if err = d.done(); err == nil {
			out.bool(h.p.Kernel().Display().HasView())
		}
	case opWriteFile:
		name, data, perm := d.str(), d.bytes(), fs.FileMode(d.uvar())
		if err = d.done(); err == nil {
			err = v.WriteFile(abs(name), data, perm)
		}
	case opStatfs:
		if err = d.done(); err == nil {
			var u vfs.Usage
			if u, err = v.Usage(); err == nil {
				info := vfs.FSInfo{}
				for _, mu := range u.Mounts {
					if mu.Path == "/" {
						info = mu.FSInfo
					}
				}
				out.str(info.Type)
				out.svar(info.Used)
				out.svar(info.Quota)
				out.svar(info.Files)
				out.bool(info.Durable)
			}
		}
	case opHRead, opHWrite, opHAppend, opHTruncate, opHStat, opHReadDir, opHSync, opHClose:
		err = h.serveHandle(m.op, d, out)
	case opFdRead:
		fd, n := d.int(), d.int()
		if err = d.done(); err == nil {
			if n < 0 || n > MaxChunk {
				err = vfs.EINVAL
				break
			}
			f := h.p.File(fd)
			if f == nil {
				err = kernel.ErrBadFD
				break
			}
			buf := make([]byte, n)
			var got int
			got, err = f.ReadContext(ctx, buf)
			if err == nil || got > 0 {
				err = nil
				out.bytes(buf[:got])
			}
		}
	case opFdWrite:
		fd, data := d.int(), d.bytes()
		if err = d.done(); err == nil {
			f := h.p.File(fd)
			if f == nil {
				err = kernel.ErrBadFD
				break
			}
			var n int
			n, err = f.WriteContext(ctx, data)
			if err == nil {
				out.uvar(uint64(n))
			}
		}
	case opTermMode, opTermSize:
		fd := d.int()
		if err = d.done(); err == nil {
			t, ok := kernel.TTYOf(h.p.File(fd))
			out.bool(ok)
			if ok && m.op == opTermMode {
				encodeMode(out, t.Mode())
			} else if ok {
				c, r := t.Size()
				out.svar(int64(c))
				out.svar(int64(r))
			}
		}
	case opTermSetMode:
		fd := d.int()
		mode := decodeMode(d)
		if err = d.done(); err == nil {
			t, ok := kernel.TTYOf(h.p.File(fd))
			if !ok {
				err = kernel.ErrNotTTY
				break
			}
			t.SetMode(mode)
		}
	}
	reply := header(kindReply, m.id, m.op)
	code, msg := errCode(err)
	reply.uvar(code)
	if code != codeOK {
		reply.str(msg)
		return reply.b
	}
	reply.b = append(reply.b, out.b...)
	return reply.b
}

func (h *host) remove(v *vfs.VFS, name string, dir, file bool) error {
	if dir || file {
		fi, err := v.Lstat(name)
		if err != nil {
			return err
		}
		if dir && !fi.IsDir() {
			return vfs.ENOTDIR
		}
		if file && fi.IsDir() {
			return vfs.EISDIR
		}
	}
	return v.Remove(name)
}

func setAttr(v *vfs.VFS, name string, o vfs.SetAttrOptions) error {
	if o.Mask&vfs.AttrMode != 0 {
		if err := v.Chmod(name, o.Mode); err != nil {
			return err
		}
	}
	if o.Mask&(vfs.AttrAtime|vfs.AttrMtime) != 0 {
		at, mt := o.Atime, o.Mtime
		if o.Mask&vfs.AttrAtime == 0 || o.Mask&vfs.AttrMtime == 0 {
			fi, err := v.Lstat(name)
			if err != nil {
				return err
			}
			if o.Mask&vfs.AttrAtime == 0 {
				at = fi.ModTime()
			}
			if o.Mask&vfs.AttrMtime == 0 {
				mt = fi.ModTime()
			}
		}
		if err := v.Chtimes(name, at, mt); err != nil {
			return err
		}
	}
	if o.Mask&vfs.AttrSize != 0 {
		return v.Truncate(name, o.Size)
	}
	return nil
}

func (h *host) serveHandle(op uint8, d *decoder, out *encoder) error {
	id := d.uvar()
	var f *vfs.File
	var err error
	if f, err = h.file(id); err != nil {
		return err
	}
	switch op {
	case opHRead:
		off, n := d.svar(), d.int()
		if err := d.done(); err != nil {
			return err
		}
		if n < 0 || n > MaxChunk {
			return vfs.EINVAL
		}
		buf := make([]byte, n)
		got, err := f.ReadAt(buf, off)
		if err != nil && got == 0 {
			return err
		}
		out.bytes(buf[:got])
		out.bool(err != nil) // hit the end
	case opHWrite:
		off, data := d.svar(), d.bytes()
		if err := d.done(); err != nil {
			return err
		}
		n, err := f.WriteAt(data, off)
		if err != nil {
			return err
		}
		out.uvar(uint64(n))
	case opHAppend:
		data := d.bytes()
		if err := d.done(); err != nil {
			return err
		}
		if _, err := f.Seek(0, 2); err != nil {
			return err
		}
		n, err := f.Write(data)
		if err != nil {
			return err
		}
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		out.uvar(uint64(n))
		out.svar(fi.Size())
	case opHTruncate:
		size := d.svar()
		if err := d.done(); err != nil {
			return err
		}
		return f.Truncate(size)
	case opHStat:
		if err := d.done(); err != nil {
			return err
		}
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		out.info(fi)
	case opHReadDir:
		if err := d.done(); err != nil {
			return err
		}
		if _, err := f.Seek(0, 0); err != nil {
			return err
		}
		es, err := f.ReadDir(-1)
		if err != nil {
			return err
		}
		out.entries(es)
	case opHSync:
		if err := d.done(); err != nil {
			return err
		}
		return f.Sync()
	case opHClose:
		if err := d.done(); err != nil {
			return err
		}
		h.mu.Lock()
		delete(h.files, id)
		h.mu.Unlock()
		return f.Close()
	}
	return nil
}

func encodeMode(e *encoder, m kernel.TTYMode) {
	var b uint8
	for i, on := range []bool{m.Echo, m.Canon, m.ISig, m.ONLCR} {
		if on {
			b |= 1 << i
		}
	}
	e.u8(b)
}

func decodeMode(d *decoder) kernel.TTYMode {
	b := d.u8()
	return kernel.TTYMode{Echo: b&1 != 0, Canon: b&2 != 0, ISig: b&4 != 0, ONLCR: b&8 != 0}
}
