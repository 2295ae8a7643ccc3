package coreutils

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/nachoos/nacho/kernel"
)

// Folder sync in the page: `sync add DIR ROOM` keeps a folder in sync with
// a room through the node (and the room's members), `sync rm DIR` stops,
// `sync status [-v]` says where each folder stands. The work is done by a
// syncd process per folder (the page's network module provides syncd);
// the list of folders lives in the persistent files, so they are synced
// again after a reload (`sync resume`, run at boot).

const (
	syncConfig    = "/.nacho/sync/folders.json"
	syncStatusDir = "/tmp/.nacho-sync"
)

type syncFolder struct {
	Dir    string `json:"dir"`
	Room   string `json:"room"`
	Secret string `json:"secret"`
}

func syncKey(dir string) string {
	return strings.ReplaceAll(strings.TrimPrefix(path.Clean(dir), "/"), "/", "%")
}

func loadSyncFolders(p *kernel.Process) ([]syncFolder, error) {
	data, err := p.Kernel().FS().ReadFile(syncConfig)
	if err != nil {
		return nil, nil // none yet
	}
	var fs []syncFolder
	if err := json.Unmarshal(data, &fs); err != nil {
		return nil, fmt.Errorf("%s is damaged: %v", syncConfig, err)
	}
	return fs, nil
}

func saveSyncFolders(p *kernel.Process, fs []syncFolder) error {
	v := p.Kernel().FS()
	if err := v.MkdirAll(path.Dir(syncConfig), 0o700); err != nil {
		return err
	}
	data, _ := json.MarshalIndent(fs, "", "  ")
	return v.WriteFile(syncConfig, data, 0o600)
}

// daemon finds the syncd process of dir.
func syncDaemon(p *kernel.Process, dir string) (int, bool) {
	for _, pi := range p.Kernel().Processes() {
		if len(pi.Args) == 2 && pi.Args[0] == "syncd" && pi.Args[1] == dir {
			return pi.PID, true
		}
	}
	return 0, false
}

func startSyncd(p *kernel.Process, f syncFolder) error {
	if _, running := syncDaemon(p, f.Dir); running {
		return nil
	}
	if _, ok := kernel.LookupProgram("syncd"); !ok {
		return fmt.Errorf("folder sync runs in the page (natively, use nacho sync DIR)")
	}
	env := p.Environ()
	env["NACHO_ROOM"], env["NACHO_SECRET"] = f.Room, f.Secret
	null := kernel.NewOpenFile(kernel.DevNull{})
	defer null.Close()
	// Its own process group, detached from the terminal: it outlives the
	// command that started it and ^C at the prompt does not stop it.
	_, err := p.Kernel().Spawn(kernel.SpawnOptions{Args: []string{"syncd", f.Dir}, Env: env, Cwd: "/", Files: []*kernel.OpenFile{null, null, null}})
	return err
}

func syncFolders(p *kernel.Process) int {
	args := p.Args()[1:]
	fail := func(format string, a ...any) int {
		fmt.Fprintf(p.Stderr(), "sync %s: %s\n", args[0], fmt.Sprintf(format, a...))
		return 1
	}
	folders, err := loadSyncFolders(p)
	if err != nil {
		return fail("%v", err)
	}
	switch args[0] {
	case "add":
		// Options may come before or after the operands.
		var operands []string
		secret := ""
		for i := 1; i < len(args); i++ {
			switch {
			case args[i] == "-s" && i+1 < len(args):
				secret = args[i+1]
				i++
			case strings.HasPrefix(args[i], "-s") && len(args[i]) > 2:
				secret = args[i][2:]
			default:
				operands = append(operands, args[i])
			}
		}
		if len(operands) != 2 {
			fmt.Fprintln(p.Stderr(), "usage: sync add DIR ROOM [-s SECRET]  (or set NACHO_SECRET)")
			return 2
		}
		f := struct{ args []string }{operands}
		if secret == "" {
			secret = p.Getenv("NACHO_SECRET")
		}
		if secret == "" {
			return fail("the room needs a secret: -s SECRET")
		}
		dir := p.Abs(f.args[0])
		if dir == "/" || strings.HasPrefix(dir, "/.nacho") || strings.HasPrefix(dir, "/tmp") {
			return fail("%s cannot be synced: choose a folder of your own", dir)
		}
		for _, x := range folders {
			if x.Dir == dir || strings.HasPrefix(dir, x.Dir+"/") || strings.HasPrefix(x.Dir, dir+"/") {
				return fail("%s overlaps %s, which is already synced", dir, x.Dir)
			}
		}
		if err := p.Kernel().FS().MkdirAll(dir, 0o755); err != nil {
			return fail("%s: %s", f.args[0], errText(err))
		}
		nf := syncFolder{Dir: dir, Room: f.args[1], Secret: secret}
		if err := startSyncd(p, nf); err != nil {
			return fail("%v", err)
		}
		if err := saveSyncFolders(p, append(folders, nf)); err != nil {
			return fail("%v", err)
		}
		fmt.Fprintf(p.Stdout(), "%s is synced with room %s\n", dir, nf.Room)
		return 0
	case "rm":
		if len(args) != 2 {
			fmt.Fprintln(p.Stderr(), "usage: sync rm DIR")
			return 2
		}
		dir := p.Abs(args[1])
		kept := folders[:0]
		found := false
		for _, x := range folders {
			if x.Dir == dir {
				found = true
				continue
			}
			kept = append(kept, x)
		}
		if !found {
			return fail("%s is not synced", args[1])
		}
		if pid, ok := syncDaemon(p, dir); ok {
			p.Kernel().Kill(pid, kernel.SIGTERM)
		}
		if err := saveSyncFolders(p, kept); err != nil {
			return fail("%v", err)
		}
		fmt.Fprintf(p.Stdout(), "%s is no longer synced (its files stay)\n", dir)
		return 0
	case "status":
		verbose := len(args) > 1 && args[1] == "-v"
		sts, err := SyncedFolders(p.Kernel())
		if err != nil {
			return fail("%v", err)
		}
		if len(sts) == 0 {
			fmt.Fprintln(p.Stdout(), "no synced folders (sync add DIR ROOM)")
			return 0
		}
		for _, x := range sts {
			st := x.Status
			if x.Problem != "" {
				st += " (" + x.Problem + ")"
			}
			fmt.Fprintf(p.Stdout(), "%s (room %s): %s\n", x.Dir, x.Room, st)
			if verbose {
				for _, f := range x.Files {
					// "LC path": L durable on this device, C on the node.
					fmt.Fprintf(p.Stdout(), "  %s %s\n", f.Durable, f.Path)
				}
			}
		}
		return 0
	case "resume":
		st := 0
		for _, x := range folders {
			if err := startSyncd(p, x); err != nil {
				fmt.Fprintf(p.Stderr(), "sync resume: %s: %v\n", x.Dir, err)
				st = 1
			}
		}
		return st
	}
	fmt.Fprintln(p.Stderr(), "usage: sync [add DIR ROOM [-s SECRET] | rm DIR | status [-v]]")
	return 2
}

// FolderStatus is where one synced folder stands.
type FolderStatus struct {
	Dir, Room string
	// Status is "synced", "syncing N files", "offline, M changes
	// waiting", "starting" or "stopped".
	Status  string
	Problem string
	Files   []FileDurability
}

// FileDurability says where a synced file's current version is safe:
// Durable is "LC" (this device and the node), "L-", "-C" or "--".
type FileDurability struct {
	Path, Durable string
}

// SyncedFolders reports every synced folder, sorted by path.
func SyncedFolders(k *kernel.Kernel) ([]FolderStatus, error) {
	v := k.FS()
	var folders []syncFolder
	if data, err := v.ReadFile(syncConfig); err == nil {
		if err := json.Unmarshal(data, &folders); err != nil {
			return nil, fmt.Errorf("%s is damaged: %v", syncConfig, err)
		}
	}
	running := map[string]bool{}
	for _, pi := range k.Processes() {
		if len(pi.Args) == 2 && pi.Args[0] == "syncd" {
			running[pi.Args[1]] = true
		}
	}
	out := make([]FolderStatus, 0, len(folders))
	for _, x := range folders {
		fs := FolderStatus{Dir: x.Dir, Room: x.Room, Status: "starting"}
		if data, err := v.ReadFile(path.Join(syncStatusDir, syncKey(x.Dir)+".status")); err == nil {
			lines := strings.Split(strings.TrimSpace(string(data)), "\n")
			fs.Status = lines[0]
			for _, l := range lines[1:] {
				switch {
				case strings.HasPrefix(l, "problem "):
					fs.Problem = strings.TrimPrefix(l, "problem ")
				case strings.HasPrefix(l, "file ") && len(l) > 8:
					fs.Files = append(fs.Files, FileDurability{Durable: l[5:7], Path: l[8:]})
				}
			}
		}
		if !running[x.Dir] {
			fs.Status = "stopped"
		}
		out = append(out, fs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Dir < out[j].Dir })
	return out, nil
}
