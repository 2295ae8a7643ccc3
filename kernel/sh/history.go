package sh

import (
	"path"
	"strings"

	"github.com/nachoos/nacho/vfs"
)

const historyMax = 1000

// history is the list of lines typed, kept in $HOME/.nacho_history so it
// survives a reload where the home directory is persistent.
type history struct {
	fs    *vfs.VFS
	file  string
	lines []string
}

func loadHistory(fsys *vfs.VFS, home string) *history {
	h := &history{fs: fsys}
	if home == "" {
		return h
	}
	h.file = path.Join(home, ".nacho_history")
	if data, err := fsys.ReadFile(h.file); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if l != "" {
				h.lines = append(h.lines, l)
			}
		}
		if len(h.lines) > historyMax {
			h.lines = h.lines[len(h.lines)-historyMax:]
		}
	}
	return h
}

// add records a line (not a repeat of the previous one) and appends it to
// the history file; a failure to save is not worth interrupting the user.
func (h *history) add(line string) {
	line = strings.TrimRight(line, "\n")
	if len(h.lines) > 0 && h.lines[len(h.lines)-1] == line {
		return
	}
	h.lines = append(h.lines, line)
	if len(h.lines) > historyMax {
		h.lines = h.lines[len(h.lines)-historyMax:]
	}
	if h.file == "" || strings.Contains(line, "\n") {
		return
	}
	f, err := h.fs.Open(h.file, vfs.O_WRONLY|vfs.O_CREATE|vfs.O_APPEND, 0o600)
	if err != nil {
		return
	}
	f.Write([]byte(line + "\n"))
	f.Close()
}
