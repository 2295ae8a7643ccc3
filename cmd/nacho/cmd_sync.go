//go:build !js

package main

// nacho sync DIR --server URL --room R --secret S [--state STATEDIR]
// keeps a directory of this machine in sync with a room's synced folder
// (as Syncthing does), through the cloud node: browser tabs and other
// machines in the room converge with it.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	vsync "github.com/nachoos/nacho/vfs/sync"
)

func init() {
	register(&command{name: "sync", summary: "keep a folder in sync with a room (through the cloud node)", run: runSync})
}

func runSync(args []string) int {
	fs := flag.NewFlagSet("nacho sync", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: nacho sync DIR --server URL --room ROOM --secret SECRET [--state STATEDIR] [--name NAME]")
		fs.PrintDefaults()
	}
	server := fs.String("server", "", "the cloud node, http(s)://host:port")
	room := fs.String("room", "", "room name")
	secret := fs.String("secret", "", "the room's shared secret")
	state := fs.String("state", "", "where this device keeps its sync state (default: under the user config directory)")
	token := fs.String("store-token", os.Getenv("NACHO_STORE_TOKEN"), "the node's upload token, if it has one (nacho serve --store-token; default $NACHO_STORE_TOKEN)")
	name := fs.String("name", "", "which of the room's synced folders (default: the room's one folder)")
	peers := fs.Bool("peers", true, "also sync directly with the room's other members (WebRTC), not only through the node")
	interval := fs.Duration("interval", 250*time.Millisecond, "how often to look for changes")
	verbose := fs.Bool("v", false, "log every step")
	// DIR may come before or after the flags.
	var dir string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if dir == "" && fs.NArg() > 0 {
		dir = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return fatalf("sync", "unexpected argument %q", fs.Arg(0))
	}
	if dir == "" || *server == "" || *room == "" || *secret == "" {
		fs.Usage()
		return 2
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fatalf("sync", "%v", err)
	}
	if *state == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			base = ".nacho"
		}
		h := sha256.Sum256([]byte(abs + "\x00" + *server + "\x00" + *room + "\x00" + *name))
		*state = filepath.Join(base, "nacho", "sync", hex.EncodeToString(h[:8]))
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	folder, err := vsync.NewDirFolder(abs, *state)
	if err != nil {
		return fatalf("sync", "%v", err)
	}
	st, err := vsync.NewDirState(*state)
	if err != nil {
		return fatalf("sync", "state directory: %v", err)
	}
	e, err := vsync.Open(vsync.Config{
		Folder: folder, State: st, Server: *server, Room: *room, Secret: *secret, Name: *name, StoreToken: *token, Peers: *peers,
		Log: log, ScanInterval: *interval,
		OnChange: func(s vsync.Status) { fmt.Fprintf(os.Stderr, "nacho sync: %s: %s\n", abs, s) },
	})
	if err != nil {
		return fatalf("sync", "%v", err)
	}
	fmt.Fprintf(os.Stderr, "nacho sync: %s <-> room %q at %s (device %s, state in %s)\n", abs, *room, *server, e.Device(), *state)
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	if err := vsync.WatchDir(ctx, abs, *state, e.Kick); err != nil {
		log.Info("sync: no file system watcher; polling only", "err", err)
	}
	<-ctx.Done()
	if err := e.Close(); err != nil {
		return fatalf("sync", "saving state: %v", err)
	}
	return 0
}
