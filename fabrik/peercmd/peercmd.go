// Package peercmd is the `peer` program of Nacho's shell: share a file or
// folder of the VFS with a room, fetch one into the VFS, talk on a
// channel, list who is in a room. It runs as a kernel process; in the page
// it runs in a worker of its own that carries the WebRTC stack, loaded the
// first time it is used.
//
// It must not import syscall/js.
package peercmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/room"
	"github.com/nachoos/nacho/fabrik/vfsdest"
	"github.com/nachoos/nacho/kernel"
)

const usage = `usage:
  peer share PATH [--upload]      publish a file or folder; prints its id and serves it until stopped
  peer fetch ID [-o PATH]         fetch a shared file or folder, verifying every chunk
  peer chat CHANNEL               send lines typed to a channel and print what others send
  peer members                    list who is in the room
options for all: --room R --secret S [--server URL] [--wait SECONDS]
(defaults: $NACHO_ROOM, $NACHO_SECRET, and the server that served the page)
`

type options struct {
	server, room, secret string
	out                  string
	upload               bool
	wait                 time.Duration
	args                 []string
}

func parse(p *kernel.Process, args []string) (*options, error) {
	o := &options{server: p.Getenv("NACHO_SERVER"), room: p.Getenv("NACHO_ROOM"), secret: p.Getenv("NACHO_SECRET"), wait: 30 * time.Second}
	for i := 0; i < len(args); i++ {
		a := args[i]
		val := func() (string, error) {
			if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(k, "--") {
				return v, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", a)
			}
			i++
			return args[i], nil
		}
		name, _, _ := strings.Cut(a, "=")
		var err error
		switch name {
		case "--server":
			o.server, err = val()
		case "--room":
			o.room, err = val()
		case "--secret":
			o.secret, err = val()
		case "-o", "--output":
			o.out, err = val()
		case "--upload":
			o.upload = true
		case "--wait":
			var v string
			if v, err = val(); err == nil {
				var d time.Duration
				if d, err = time.ParseDuration(v + "s"); err == nil {
					o.wait = d
				}
			}
		default:
			if strings.HasPrefix(a, "-") && a != "-" {
				return nil, fmt.Errorf("unknown option %s", a)
			}
			o.args = append(o.args, a)
		}
		if err != nil {
			return nil, err
		}
	}
	switch {
	case o.server == "":
		return nil, errors.New("no server: give --server URL")
	case o.room == "":
		return nil, errors.New("no room: give --room NAME (or set NACHO_ROOM)")
	case o.secret == "":
		return nil, errors.New("no secret: give --secret S (or set NACHO_SECRET)")
	}
	return o, nil
}

// Main is the peer program.
func Main(p *kernel.Process) int {
	args := p.Args()[1:]
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		io.WriteString(p.Stderr(), usage)
		return 2
	}
	sub := args[0]
	o, err := parse(p, args[1:])
	if err != nil {
		fmt.Fprintf(p.Stderr(), "peer %s: %v\n%s", sub, err, usage)
		return 2
	}
	ctx := p.Context()
	var run func(context.Context, *kernel.Process, *room.Peer, *options) error
	want := 0
	switch sub {
	case "share":
		run, want = share, 1
	case "fetch":
		run, want = fetch, 1
	case "chat":
		run, want = chat, 1
	case "members":
		run = members
	default:
		fmt.Fprintf(p.Stderr(), "peer: unknown command %q\n%s", sub, usage)
		return 2
	}
	if len(o.args) != want {
		fmt.Fprintf(p.Stderr(), "peer %s: wrong number of arguments\n%s", sub, usage)
		return 2
	}
	jctx, cancel := context.WithTimeout(ctx, o.wait)
	peer, err := room.Join(jctx, room.Config{Server: o.server, Room: o.room, Secret: o.secret})
	cancel()
	if err != nil {
		fmt.Fprintf(p.Stderr(), "peer %s: joining room %s: %v\n", sub, o.room, err)
		return 1
	}
	defer peer.Close()
	if err := run(ctx, p, peer, o); err != nil {
		if ctx.Err() != nil {
			return 130
		}
		fmt.Fprintf(p.Stderr(), "peer %s: %v\n", sub, err)
		return 1
	}
	return 0
}

func share(ctx context.Context, p *kernel.Process, peer *room.Peer, o *options) error {
	abs := p.Abs(o.args[0])
	fsys := p.Kernel().FS()
	if _, err := fsys.Stat(abs); err != nil {
		return err
	}
	root := strings.TrimPrefix(abs, "/")
	if root == "" {
		root = "."
	}
	sh, err := peer.Share(ctx, fsys.FS("/"), root, room.ShareOptions{Upload: o.upload})
	if err != nil {
		return err
	}
	fmt.Fprintln(p.Stdout(), sh.ID)
	fmt.Fprintf(p.Stderr(), "sharing %s (%s) in room %s; fetch it with: peer fetch %s\n(^C stops sharing)\n",
		o.args[0], size(sh.Manifest), o.room, sh.ID)
	<-ctx.Done()
	return ctx.Err()
}

func size(m *fabrik.Manifest) string {
	var n int64
	files := 0
	for _, e := range m.Entries {
		if e.Kind == fabrik.KindFile {
			n += e.Size
			files++
		}
	}
	if m.Kind == fabrik.KindDir {
		return fmt.Sprintf("%d files, %s", files, bytesString(n))
	}
	return bytesString(n)
}

func bytesString(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func fetch(ctx context.Context, p *kernel.Process, peer *room.Peer, o *options) error {
	id, err := fabrik.ParseID(o.args[0])
	if err != nil {
		return err
	}
	_, isTerm := kernel.TerminalOf(p.File(2))
	start := time.Now()
	var last time.Time
	dest := &namedDest{FileDest: vfsdest.Dest(p.Kernel().FS(), ""), p: p, out: o.out}
	m, err := peer.Fetch(ctx, id, dest, fabrik.FetchOptions{
		Wait: o.wait,
		Progress: func(pr fabrik.Progress) {
			if !isTerm || time.Since(last) < 200*time.Millisecond {
				return
			}
			last = time.Now()
			pct := 0.0
			if pr.TotalBytes > 0 {
				pct = 100 * float64(pr.Bytes) / float64(pr.TotalBytes)
			}
			rate := float64(pr.Bytes) / time.Since(start).Seconds()
			fmt.Fprintf(p.Stderr(), "\r%5.1f%% %s of %s, %s/s  ", pct, bytesString(pr.Bytes), bytesString(pr.TotalBytes), bytesString(int64(rate)))
		},
	})
	if isTerm {
		io.WriteString(p.Stderr(), "\r\033[K")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(p.Stdout(), "fetched %s (%s) into %s in %s, every chunk verified\n", m.Name, size(m), dest.Path, time.Since(start).Round(time.Millisecond))
	return nil
}

// namedDest picks where a fetch lands: -o PATH, else the shared name in
// the working directory (decided once the manifest is known).
type namedDest struct {
	*fabrik.FileDest
	p   *kernel.Process
	out string
}

func (n *namedDest) Open(m *fabrik.Manifest, refs []fabrik.ChunkRef) ([]bool, error) {
	name := n.out
	if name == "" {
		name = m.Name
	}
	n.FileDest.Path = n.p.Abs(name)
	return n.FileDest.Open(m, refs)
}

func chat(ctx context.Context, p *kernel.Process, peer *room.Peer, o *options) error {
	ch, err := peer.Channel(o.args[0], room.ChannelOptions{})
	if err != nil {
		return err
	}
	defer ch.Close()
	fmt.Fprintf(p.Stderr(), "on channel %s of room %s as %s; type lines to send, ^D to leave\n", o.args[0], o.room, short(peer.ID()))
	go func() {
		for {
			m, err := ch.Recv(ctx)
			if err != nil {
				return
			}
			fmt.Fprintf(p.Stdout(), "%s: %s\n", short(m.From), strings.TrimRight(string(m.Data), "\n"))
		}
	}()
	sc := bufio.NewScanner(p.Stdin())
	for sc.Scan() {
		if err := ch.Send(ctx, []byte(sc.Text())); err != nil {
			return err
		}
	}
	return nil
}

func members(ctx context.Context, p *kernel.Process, peer *room.Peer, o *options) error {
	// Give links a moment to come up, so "connected" means something.
	wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	peer.WaitPeers(wctx, len(peer.Members()))
	cancel()
	up := map[string]bool{}
	for _, id := range peer.Connected() {
		up[id] = true
	}
	fmt.Fprintf(p.Stdout(), "%s (this page)\n", short(peer.ID()))
	for _, id := range peer.Members() {
		state := "connecting"
		if up[id] {
			state = "connected"
		}
		fmt.Fprintf(p.Stdout(), "%s %s\n", short(id), state)
	}
	return nil
}

func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
