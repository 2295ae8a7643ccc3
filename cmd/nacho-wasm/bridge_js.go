//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sync"
	"syscall/js"
	"time"

	"github.com/nachoos/nacho/internal/webworker"
	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/kernel/coreutils"
	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/vfsutil"
)

// The page and the kernel exchange these messages (page → kernel):
//
//	{type:"run", id, cmd, stdin, cwd}    → run-out {id, fd, data}*, reply {id, result:{code}}
//	{type:"writeFile", id, path, data}   → reply {id}
//	{type:"readFile", id, path}          → reply {id, result: Uint8Array}
//	{type:"sync", id}                    → reply {id} once durable
//	{type:"stop", id}                    → reply {id} once processes ended and files are flushed
//	{type:"tty-open", id, cols, rows}    → tty-out {id, data}*, tty-exit {id, status}
//	{type:"tty-in", id, data}            (keys typed, a string)
//	{type:"tty-resize", id, cols, rows}
//	{type:"tty-close", id}               (hang up: the terminal window closed)
//
// and, unasked, {type:"exit", pid, name, status} whenever a process ends.
// A reply that failed carries error:{message, code} instead of result,
// where code is the errno name (ENOENT, ...) when there is one.
type bridge struct {
	k    *kernel.Kernel
	view *webworker.Presenter

	mu   sync.Mutex
	ttys map[int]*ttyConn
}

func newBridge() *bridge { return &bridge{ttys: map[int]*ttyConn{}} }

// attach connects the bridge to the kernel it serves (which was given the
// bridge as its Host).
func (b *bridge) attach(k *kernel.Kernel) {
	b.k = k
	backend := ""
	if v := js.Global().Get("nachoBootOptions").Get("display"); v.Type() == js.TypeString {
		backend = v.String()
	}
	b.view = webworker.NewPresenter(backend, true)
	b.view.Sink = k.Sink()
	k.Display().SetView(b.view)
	k.OnExit(func(e kernel.ExitEvent) {
		post(obj{"type": "exit", "pid": e.PID, "name": e.Name, "status": e.Status})
	})
}

// handle receives a message from the page. It must not block: the work
// runs in a goroutine of its own.
func (b *bridge) handle(_ js.Value, args []js.Value) (ret any) {
	// A malformed message must not take the kernel down.
	defer func() {
		if r := recover(); r != nil {
			post(obj{"type": "log", "level": "error", "text": fmt.Sprintf("bad message from the page: %v", r)})
		}
	}()
	m := args[0]
	typ := m.Get("type").String()
	id := m.Get("id").Int()
	switch typ {
	case "tty-in":
		if c := b.tty(id); c != nil {
			c.tty.Input(bytesFromJS(m.Get("data")))
		}
	case "tty-resize":
		if c := b.tty(id); c != nil {
			c.tty.Resize(m.Get("cols").Int(), m.Get("rows").Int())
		}
	case "tty-close":
		if c := b.tty(id); c != nil {
			c.tty.Hangup()
		}
	case "room-join":
		name, secret := m.Get("room").String(), m.Get("secret").String()
		go func() {
			ch := js.Global().Get("MessageChannel").New()
			pid, err := b.joinRoom(name, secret, ch.Get("port2"))
			if err != nil {
				b.reply(id, func() (any, error) { return nil, err })
				return
			}
			port := ch.Get("port1")
			webworker.PostTransfer(obj{"type": "reply", "id": id, "result": obj{"port": port, "pid": pid}}, port)
		}()
	case "guest-event":
		webworker.GuestEvent(id, m.Get("event"))
	case "answer":
		answered(id, m.Get("value"))
	case "win-canvas":
		canvas := m.Get("canvas")
		go b.view.Canvas(id, canvas)
	case "win-input":
		b.k.Display().Input(id, webworker.InputFromJS(m))
	case "win-focus":
		b.k.Display().Focus(id)
	case "win-close":
		b.k.Display().RequestClose(id)
	case "win-scale":
		if w, ok := b.k.Display().Window(id); ok {
			w.SetScale(m.Get("scale").Int())
		}
	case "win-text":
		win := m.Get("win").Int()
		go b.reply(id, func() (any, error) { return b.view.Text(win), nil })
	case "tty-open":
		cols, rows := m.Get("cols").Int(), m.Get("rows").Int()
		go b.openTTY(id, cols, rows)
	case "run":
		req := runRequest{cmd: m.Get("cmd").String(), cwd: m.Get("cwd").String()}
		if in := m.Get("stdin"); in.Truthy() {
			req.stdin = bytesFromJS(in)
		}
		go b.reply(id, func() (any, error) { return b.run(id, req) })
	case "writeFile":
		name, data := m.Get("path").String(), bytesFromJS(m.Get("data"))
		go b.reply(id, func() (any, error) { return nil, b.writeFile(name, data) })
	case "readFile":
		name := m.Get("path").String()
		go b.reply(id, func() (any, error) {
			data, err := b.k.FS().ReadFile(vfs.Clean(name))
			if err != nil {
				return nil, err
			}
			return bytesToJS(data), nil
		})
	case "sync":
		go b.reply(id, func() (any, error) { return nil, b.k.FS().Sync() })
	case "fs":
		req := fsRequest{op: m.Get("op").String(), path: m.Get("path").String(), to: m.Get("to").String(), recursive: m.Get("recursive").Truthy()}
		go b.reply(id, func() (any, error) { return b.fsOp(req) })
	case "sync-status":
		go b.reply(id, func() (any, error) {
			sts, err := coreutils.SyncedFolders(b.k)
			if err != nil {
				return nil, err
			}
			out := make([]any, 0, len(sts))
			for _, f := range sts {
				files := obj{}
				for _, fd := range f.Files {
					files[fd.Path] = fd.Durable
				}
				out = append(out, obj{"dir": f.Dir, "room": f.Room, "status": f.Status, "problem": f.Problem, "files": files})
			}
			return out, nil
		})
	case "zip":
		var paths []string
		ps := m.Get("paths")
		for i := 0; i < ps.Length(); i++ {
			paths = append(paths, vfs.Clean(ps.Index(i).String()))
		}
		go b.reply(id, func() (any, error) {
			var buf bytes.Buffer
			if err := vfsutil.ExportZipMany(b.k.FS(), paths, &buf); err != nil {
				return nil, err
			}
			return bytesToJS(buf.Bytes()), nil
		})
	case "stop":
		go b.reply(id, func() (any, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			b.k.Shutdown(ctx)
			return nil, b.k.FS().Sync()
		})
	default:
		post(obj{"type": "log", "level": "error", "text": "unknown message type " + typ})
	}
	return nil
}

func (b *bridge) reply(id int, fn func() (any, error)) {
	res, err := fn()
	if err != nil {
		e := obj{"message": err.Error()}
		var errno vfs.Errno
		if errors.As(err, &errno) {
			e["code"] = errno.Name()
		}
		post(obj{"type": "reply", "id": id, "error": e})
		return
	}
	post(obj{"type": "reply", "id": id, "result": res})
}

type runRequest struct {
	cmd, cwd string
	stdin    []byte
}

func (b *bridge) run(id int, req runRequest) (any, error) {
	out := newCoalescer(func(d []byte) { post(obj{"type": "run-out", "id": id, "fd": 1, "data": bytesToJS(d)}) })
	errc := newCoalescer(func(d []byte) { post(obj{"type": "run-out", "id": id, "fd": 2, "data": bytesToJS(d)}) })
	code, err := b.k.Run(context.Background(), kernel.RunOptions{
		Cmd: req.cmd, Stdin: req.stdin, Cwd: req.cwd, Stdout: out.write, Stderr: errc.write,
	})
	out.flush()
	errc.flush()
	if err != nil {
		return nil, err
	}
	return obj{"code": code}, nil
}

type fsRequest struct {
	op, path, to string
	recursive    bool
}

// fsOp serves the embed API's and the file manager's file operations.
func (b *bridge) fsOp(r fsRequest) (any, error) {
	v := b.k.FS()
	name := vfs.Clean(r.path)
	switch r.op {
	case "readdir":
		ents, err := v.ReadDir(name)
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, len(ents))
		for _, e := range ents {
			fi, err := e.Info()
			if err != nil {
				continue
			}
			out = append(out, statObj(fi))
		}
		return out, nil
	case "stat", "lstat":
		stat := v.Stat
		if r.op == "lstat" {
			stat = v.Lstat
		}
		fi, err := stat(name)
		if err != nil {
			return nil, err
		}
		return statObj(fi), nil
	case "mkdir":
		if r.recursive {
			return nil, v.MkdirAll(name, 0o755)
		}
		return nil, v.Mkdir(name, 0o755)
	case "remove":
		if r.recursive {
			if name == "/" {
				return nil, vfs.EBUSY
			}
			if _, err := v.Lstat(name); err != nil {
				return nil, err
			}
			return nil, v.RemoveAll(name)
		}
		return nil, v.Remove(name)
	case "rename":
		return nil, v.Rename(name, vfs.Clean(r.to))
	}
	return nil, fmt.Errorf("unknown file operation %q", r.op)
}

func statObj(fi fs.FileInfo) obj {
	kind := "file"
	switch {
	case fi.IsDir():
		kind = "dir"
	case fi.Mode()&fs.ModeSymlink != 0:
		kind = "link"
	}
	return obj{
		"name": fi.Name(), "kind": kind, "size": fi.Size(),
		"mode": int(fi.Mode().Perm()), "mtime": fi.ModTime().UnixMilli(),
	}
}

// Download implements kernel.Host: the page offers the bytes as a file.
func (b *bridge) Download(name string, data []byte) error {
	post(obj{"type": "download", "name": name, "data": bytesToJS(data)})
	return nil
}

// writeFile writes a whole file atomically, making missing parent folders.
func (b *bridge) writeFile(name string, data []byte) error {
	name = vfs.Clean(name)
	fsys := b.k.FS()
	if dir := path.Dir(name); dir != "/" {
		if err := fsys.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return fsys.WriteFile(name, data, 0o644)
}

// installFiles writes the files given to Nacho.boot({files}).
func (b *bridge) installFiles(files js.Value) error {
	if !files.Truthy() {
		return nil
	}
	for i := 0; i < files.Length(); i++ {
		f := files.Index(i)
		name := f.Get("path").String()
		if err := b.writeFile(name, bytesFromJS(f.Get("data"))); err != nil {
			return fmt.Errorf("installing %s: %w", name, err)
		}
	}
	return nil
}

// ttyConn is a terminal window connected to a login shell.
type ttyConn struct {
	id  int
	tty *kernel.TTY
	out *coalescer
}

func (b *bridge) tty(id int) *ttyConn {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ttys[id]
}

func (b *bridge) openTTY(id, cols, rows int) {
	c := &ttyConn{id: id}
	c.out = newCoalescer(func(d []byte) { post(obj{"type": "tty-out", "id": id, "data": bytesToJS(d)}) })
	c.tty = b.k.NewTTY(cols, rows, c.out.write)
	b.mu.Lock()
	b.ttys[id] = c
	b.mu.Unlock()
	home := "/home"
	if _, err := b.k.FS().Stat(home); errors.Is(err, fs.ErrNotExist) {
		home = "/"
	}
	p, err := b.k.Spawn(kernel.SpawnOptions{
		Args:  []string{"sh", "-l"},
		TTY:   c.tty,
		Cwd:   home,
		Files: []*kernel.OpenFile{c.tty.OpenFile(), c.tty.OpenFile(), c.tty.OpenFile()},
	})
	status := 127
	if err != nil {
		c.out.write([]byte("nacho: cannot start the shell: " + err.Error() + "\r\n"))
	} else {
		status = p.Wait()
	}
	c.out.flush()
	b.mu.Lock()
	delete(b.ttys, id)
	b.mu.Unlock()
	c.tty.Hangup()
	post(obj{"type": "tty-exit", "id": id, "status": status})
}

// coalescer gathers many small writes into one message: a program printing
// a line at a time would otherwise cost a postMessage per line.
type coalescer struct {
	mu        sync.Mutex
	buf       []byte
	scheduled bool
	send      func([]byte)
}

const (
	coalesceDelay = 4 * time.Millisecond
	coalesceMax   = 256 << 10
)

func newCoalescer(send func([]byte)) *coalescer { return &coalescer{send: send} }

func (c *coalescer) write(b []byte) {
	c.mu.Lock()
	c.buf = append(c.buf, b...)
	full := len(c.buf) >= coalesceMax
	if !c.scheduled && !full {
		c.scheduled = true
		time.AfterFunc(coalesceDelay, c.flush)
	}
	c.mu.Unlock()
	if full {
		c.flush()
	}
}

func (c *coalescer) flush() {
	c.mu.Lock()
	data := c.buf
	c.buf = nil
	c.scheduled = false
	c.mu.Unlock()
	if len(data) > 0 {
		c.send(data)
	}
}
