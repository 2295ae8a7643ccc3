package main

import (
	"fmt"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/nachoos/nacho/kernel"
	vsync "github.com/nachoos/nacho/vfs/sync"
)

// Where the page keeps folder sync: the device's state per folder (in the
// persistent VFS), and each folder's status (in RAM, rewritten as it
// changes) for `sync status` and the file manager.
const (
	syncStateDir  = "/.nacho/sync/state"
	syncStatusDir = "/tmp/.nacho-sync"
)

// SyncKey names a synced folder in file names: its path with / as %.
func SyncKey(dir string) string {
	return strings.ReplaceAll(strings.TrimPrefix(path.Clean(dir), "/"), "/", "%")
}

// syncdMain keeps one folder of the page's files in sync with a room:
// syncd DIR, with the room, secret and node in NACHO_ROOM, NACHO_SECRET and
// NACHO_SERVER (the secret stays out of ps). It runs until killed.
func syncdMain(p *kernel.Process) int {
	args := p.Args()
	if len(args) != 2 {
		fmt.Fprintln(p.Stderr(), "usage: syncd DIR (room and secret in NACHO_ROOM, NACHO_SECRET)")
		return 2
	}
	dir := p.Abs(args[1])
	v := p.Kernel().FS()
	room, secret := p.Getenv("NACHO_ROOM"), p.Getenv("NACHO_SECRET")
	if room == "" || secret == "" {
		fmt.Fprintln(p.Stderr(), "syncd: NACHO_ROOM and NACHO_SECRET must be set")
		return 2
	}
	if err := v.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(p.Stderr(), "syncd: %s: %v\n", dir, err)
		return 1
	}
	folder, err := vsync.NewVFSFolder(v, dir)
	if err != nil {
		fmt.Fprintf(p.Stderr(), "syncd: %v\n", err)
		return 1
	}
	state, err := vsync.NewVFSState(v, path.Join(syncStateDir, SyncKey(dir)))
	if err != nil {
		fmt.Fprintf(p.Stderr(), "syncd: %v\n", err)
		return 1
	}
	v.MkdirAll(syncStatusDir, 0o755)
	statusFile := path.Join(syncStatusDir, SyncKey(dir)+".status")
	var e *vsync.Engine
	var mu sync.Mutex // write runs from the engine and from the ticker
	var last string
	write := func(s vsync.Status) {
		mu.Lock()
		defer mu.Unlock()
		var b strings.Builder
		fmt.Fprintf(&b, "%s\nroom %s\n", s, room)
		if s.Problem != "" {
			fmt.Fprintf(&b, "problem %s\n", s.Problem)
		}
		if e != nil {
			for _, d := range e.Durability() {
				mark := func(ok bool, c byte) byte {
					if ok {
						return c
					}
					return '-'
				}
				fmt.Fprintf(&b, "file %c%c %s\n", mark(d.Local, 'L'), mark(d.Cloud, 'C'), d.Path)
			}
		}
		if b.String() == last {
			return
		}
		last = b.String()
		v.WriteFile(statusFile, []byte(last), 0o644)
	}
	e, err = vsync.Open(vsync.Config{
		Folder: folder, State: state,
		Server: p.Getenv("NACHO_SERVER"), Room: room, Secret: secret,
		Name: dir, Peers: true,
		// Files reach this worker through the kernel: look every second
		// rather than every quarter.
		ScanInterval: time.Second,
		OnChange:     write,
	})
	if err != nil {
		fmt.Fprintf(p.Stderr(), "syncd: %v\n", err)
		return 1
	}
	// The engine reports status changes; which files are durable where
	// changes without them, so look again every couple of seconds.
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		write(e.Status())
		select {
		case <-tick.C:
			continue
		case <-p.Context().Done():
		}
		break
	}
	e.Close()
	v.Remove(statusFile)
	return 0
}
