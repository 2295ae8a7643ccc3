//go:build !js

package main

// `nacho peer`: share a file or folder with a fabrik room, or fetch one,
// from the command line, like croc or magic-wormhole but through a room of
// a Nacho node:
//
//	nacho peer share PATH --server URL --room R --secret S
//	nacho peer fetch ID --server URL --room R --secret S -o PATH

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/nachoos/nacho/fabrik"
	"github.com/nachoos/nacho/fabrik/room"
)

func init() {
	register(&command{name: "peer", summary: "share a file or folder with a room, or fetch one", run: runPeer})
}

func peerUsage() {
	fmt.Fprint(os.Stderr, `usage:
  nacho peer share PATH --server URL --room R --secret S [--upload]
      publish a file or folder; prints its id and serves it until stopped
  nacho peer fetch ID --server URL --room R --secret S [-o PATH]
      fetch a shared file or folder from whoever has it, verifying every chunk

Run 'nacho peer share -h' or 'nacho peer fetch -h' for all options.
`)
}

func runPeer(args []string) int {
	// A transfer allocates a buffer per network packet; collecting less
	// often buys a good share of throughput for a little memory.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if len(args) == 0 {
		peerUsage()
		return 2
	}
	switch args[0] {
	case "share":
		return peerShare(args[1:])
	case "fetch":
		return peerFetch(args[1:])
	case "-h", "--help", "help":
		peerUsage()
		return 0
	}
	fmt.Fprintf(os.Stderr, "nacho peer: unknown subcommand %q\n", args[0])
	peerUsage()
	return 2
}

// roomFlags are the options every peer subcommand takes.
type roomFlags struct {
	server, room, secret string
	ice                  iceFlag
	token                string
	verbose              bool
}

func (r *roomFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&r.server, "server", "", "the node, http(s)://host:port (required)")
	fs.StringVar(&r.room, "room", "", "room name (required)")
	fs.StringVar(&r.secret, "secret", os.Getenv("NACHO_ROOM_SECRET"), "room secret (or $NACHO_ROOM_SECRET)")
	fs.Var(&r.ice, "ice-server", "STUN/TURN server: URL[,URL...] or URL|username|credential (repeatable; default: the node's)")
	fs.StringVar(&r.token, "token", os.Getenv("NACHO_STORE_TOKEN"), "the node's upload token, if it has one (or $NACHO_STORE_TOKEN)")
	fs.BoolVar(&r.verbose, "v", false, "log links and transfers")
}

func (r *roomFlags) check() error {
	switch {
	case r.server == "":
		return errors.New("--server is required")
	case r.room == "":
		return errors.New("--room is required")
	case r.secret == "":
		return errors.New("--secret is required")
	}
	return nil
}

func (r *roomFlags) join(ctx context.Context) (*room.Peer, error) {
	level := slog.LevelWarn
	if r.verbose {
		level = slog.LevelInfo
	}
	cfg := room.Config{
		Server: r.server, Room: r.room, Secret: r.secret, NodeToken: r.token,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
	}
	if len(r.ice) > 0 {
		cfg.ICEServers = r.ice
	}
	jctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return room.Join(jctx, cfg)
}

// parsePeerArgs parses flags that may come before or after the
// positional arguments (nacho peer share PATH --room R).
func parsePeerArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func peerShare(args []string) int {
	fs := flag.NewFlagSet("nacho peer share", flag.ContinueOnError)
	var rf roomFlags
	rf.add(fs)
	upload := fs.Bool("upload", false, "also copy the chunks to the node, so the share outlives this process")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: nacho peer share PATH --server URL --room R --secret S [options]")
		fs.PrintDefaults()
	}
	pos, err := parsePeerArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	if err := rf.check(); err != nil {
		return fatalf("peer share", "%v", err)
	}
	abs, err := filepath.Abs(pos[0])
	if err != nil {
		return fatalf("peer share", "%v", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return fatalf("peer share", "%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p, err := rf.join(ctx)
	if err != nil {
		return fatalf("peer share", "joining room %q at %s: %v", rf.room, rf.server, err)
	}
	defer p.Close()
	sh, err := p.Share(ctx, os.DirFS(filepath.Dir(abs)), filepath.Base(abs), room.ShareOptions{Upload: *upload})
	if err != nil {
		return fatalf("peer share", "%v", err)
	}
	id, m, uploaded := sh.ID, sh.Manifest, sh.Uploaded
	// The id comes first and alone on stdout, so scripts can take it.
	fmt.Println(id)
	fmt.Fprintf(os.Stderr, "sharing %s (%s, %d files) in room %q; fetch it with:\n  nacho peer fetch %s --server %s --room %s --secret ... -o %s\nserving until stopped (Ctrl-C)\n",
		m.Name, humanBytes(m.Size()), countFiles(m), rf.room, id, rf.server, shellQuote(rf.room), shellQuote(m.Name))
	for {
		select {
		case err := <-uploaded:
			if err != nil {
				fmt.Fprintf(os.Stderr, "nacho peer share: upload to the node failed: %v (still serving to peers)\n", err)
			} else {
				fmt.Fprintln(os.Stderr, "uploaded to the node: the share stays fetchable after this process stops")
			}
			uploaded = nil
		case <-ctx.Done():
			fmt.Fprintln(os.Stderr, "stopped")
			return 0
		}
	}
}

func peerFetch(args []string) int {
	fs := flag.NewFlagSet("nacho peer fetch", flag.ContinueOnError)
	var rf roomFlags
	rf.add(fs)
	out := fs.String("o", "", "where to write it (default: its shared name, in this directory)")
	wait := fs.Duration("wait", 30*time.Second, "give up when no peer offers the missing chunks for this long")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: nacho peer fetch ID --server URL --room R --secret S [-o PATH] [options]")
		fs.PrintDefaults()
	}
	pos, err := parsePeerArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	id, err := fabrik.ParseID(pos[0])
	if err != nil {
		return fatalf("peer fetch", "%v", err)
	}
	if err := rf.check(); err != nil {
		return fatalf("peer fetch", "%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p, err := rf.join(ctx)
	if err != nil {
		return fatalf("peer fetch", "joining room %q at %s: %v", rf.room, rf.server, err)
	}
	defer p.Close()

	dest := &lazyDest{out: *out}
	bar := newProgressBar(os.Stderr)
	start := time.Now()
	m, err := p.Fetch(ctx, id, dest, fabrik.FetchOptions{Wait: *wait, Progress: bar.update})
	bar.finish()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			err = errors.New("interrupted")
		}
		msg := err.Error()
		if m != nil && dest.FileDest != nil && !errors.Is(err, fabrik.ErrExists) {
			msg += fmt.Sprintf(" (what arrived is in %s; the same command resumes from it)", dest.Path+".part")
		}
		return fatalf("peer fetch", "%s", msg)
	}
	el := time.Since(start)
	fmt.Fprintf(os.Stderr, "fetched %s: %s in %.2fs (%s/s), every chunk verified; from %s\n",
		dest.Path, humanBytes(m.Size()), el.Seconds(), humanBytes(int64(float64(m.Size())/el.Seconds())), bar.sources())
	return 0
}

// lazyDest picks the output path once the manifest (and so its name) is
// known.
type lazyDest struct {
	out string
	*fabrik.FileDest
}

func (d *lazyDest) Open(m *fabrik.Manifest, refs []fabrik.ChunkRef) ([]bool, error) {
	path := d.out
	if path == "" {
		path = m.Name // validated: a plain name
	}
	d.FileDest = &fabrik.FileDest{Path: path}
	return d.FileDest.Open(m, refs)
}

// progressBar draws fetch progress: redrawn in place on a terminal, a line
// per 10% otherwise.
type progressBar struct {
	w      io.Writer
	tty    bool
	start  time.Time
	last   fabrik.Progress
	drawn  time.Time
	tenths int64
}

func newProgressBar(f *os.File) *progressBar {
	st, err := f.Stat()
	return &progressBar{w: f, tty: err == nil && st.Mode()&os.ModeCharDevice != 0, start: time.Now(), tenths: -1}
}

func (b *progressBar) update(p fabrik.Progress) {
	b.last = p
	if p.TotalBytes == 0 {
		return
	}
	if b.tty {
		if time.Since(b.drawn) < 100*time.Millisecond && p.Bytes != p.TotalBytes {
			return
		}
		b.drawn = time.Now()
		const width = 30
		fill := int(int64(width) * p.Bytes / p.TotalBytes)
		fmt.Fprintf(b.w, "\r[%s%s] %3d%% %s / %s  %s/s ", strings.Repeat("#", fill), strings.Repeat(".", width-fill),
			100*p.Bytes/p.TotalBytes, humanBytes(p.Bytes), humanBytes(p.TotalBytes), humanBytes(b.rate()))
		return
	}
	if t := 10 * p.Bytes / p.TotalBytes; t != b.tenths {
		b.tenths = t
		fmt.Fprintf(b.w, "%3d%% %s / %s (%d/%d chunks)\n", 10*t, humanBytes(p.Bytes), humanBytes(p.TotalBytes), p.Chunks, p.TotalChunks)
	}
}

func (b *progressBar) rate() int64 {
	s := time.Since(b.start).Seconds()
	if s <= 0 {
		return 0
	}
	return int64(float64(b.last.Bytes) / s)
}

func (b *progressBar) finish() {
	if b.tty && !b.drawn.IsZero() {
		fmt.Fprintln(b.w)
	}
}

func (b *progressBar) sources() string {
	var parts []string
	for name, n := range b.last.BySource {
		parts = append(parts, fmt.Sprintf("%s (%s)", name, humanBytes(n)))
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return "nowhere (all chunks were already here)"
	}
	return strings.Join(parts, ", ")
}

func countFiles(m *fabrik.Manifest) int {
	n := 0
	for _, e := range m.Entries {
		if e.Kind == fabrik.KindFile {
			n++
		}
	}
	return n
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
