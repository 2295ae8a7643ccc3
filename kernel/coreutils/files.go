package coreutils

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/kernel/internal/columns"
	"github.com/nachoos/nacho/vfs"
)

func init() {
	prog("ls", "list directory contents (-l -a -1 -R -d -h -F)", ls)
	prog("cat", "print files (or standard input) one after another", cat)
	prog("mkdir", "make directories (-p: parents too, no error if present)", mkdir)
	prog("rmdir", "remove empty directories", rmdir)
	prog("rm", "remove files (-r recursive, -f ignore missing)", rm)
	prog("cp", "copy files (-r recursive)", cp)
	prog("mv", "move or rename files", mv)
	prog("touch", "create files or update their times", touch)
	prog("ln", "make links (-s symbolic)", ln)
	prog("stat", "show a file's size, mode and times", stat)
}

func ls(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "la1RdhAF", "")
	if !ok {
		return 2
	}
	fsys := p.Kernel().FS()
	tty, width := isTerminal(p, 1)
	opt := lsOptions{
		long: f.set['l'], all: f.set['a'], almost: f.set['A'], one: f.set['1'] || !tty,
		recursive: f.set['R'], human: f.set['h'], color: tty, width: width, classify: f.set['F'],
	}
	args := f.args
	if len(args) == 0 {
		args = []string{"."}
	}
	st := 0
	var files []lsEntry
	var dirs []string
	for _, a := range args {
		fi, err := fsys.Stat(p.Abs(a))
		if err != nil {
			if fi2, err2 := fsys.Lstat(p.Abs(a)); err2 == nil { // a dangling symlink
				files = append(files, lsEntry{name: a, fi: fi2, dir: path.Dir(p.Abs(a))})
				continue
			}
			warn(p, a, err)
			st = 2
			continue
		}
		if fi.IsDir() && !f.set['d'] {
			dirs = append(dirs, a)
		} else {
			files = append(files, lsEntry{name: a, fi: fi, dir: path.Dir(p.Abs(a))})
		}
	}
	w := p.Stdout()
	if len(files) > 0 {
		opt.print(p, w, files)
	}
	for i, d := range dirs {
		if len(args) > 1 || opt.recursive {
			if i > 0 || len(files) > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "%s:\n", d)
		}
		if err := opt.listDir(p, w, d); err != nil {
			st = 2
		}
	}
	return st
}

type lsOptions struct {
	long, all, almost, one, recursive, human, color, classify bool
	width                                                     int
}

type lsEntry struct {
	name string // as shown
	dir  string // absolute directory holding it (for symlink targets)
	fi   fs.FileInfo
}

func (o *lsOptions) listDir(p *kernel.Process, w io.Writer, d string) error {
	fsys := p.Kernel().FS()
	abs := p.Abs(d)
	ents, err := fsys.ReadDir(abs)
	if err != nil {
		warn(p, d, err)
		return err
	}
	var list []lsEntry
	if o.all {
		for _, n := range []string{".", ".."} {
			if fi, err := fsys.Stat(path.Join(abs, n)); err == nil {
				list = append(list, lsEntry{name: n, fi: fi, dir: abs})
			}
		}
	}
	var subdirs []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") && !o.all && !o.almost {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		list = append(list, lsEntry{name: e.Name(), fi: fi, dir: abs})
		if o.recursive && fi.IsDir() {
			subdirs = append(subdirs, path.Join(d, e.Name()))
		}
	}
	if o.long {
		var blocks int64
		for _, e := range list {
			blocks += (e.fi.Size() + 1023) / 1024
		}
		fmt.Fprintf(w, "total %d\n", blocks)
	}
	o.print(p, w, list)
	var firstErr error
	for _, sd := range subdirs {
		fmt.Fprintf(w, "\n%s:\n", sd)
		if err := o.listDir(p, w, sd); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

func (o *lsOptions) decorate(e lsEntry) string {
	name := e.name
	mode := e.fi.Mode()
	suffix := ""
	if o.classify {
		switch {
		case mode.IsDir():
			suffix = "/"
		case mode&fs.ModeSymlink != 0:
			suffix = "@"
		case mode&0o111 != 0:
			suffix = "*"
		}
	}
	if !o.color {
		return name + suffix
	}
	switch {
	case mode.IsDir():
		return "\033[1;34m" + name + "\033[0m" + suffix
	case mode&fs.ModeSymlink != 0:
		return "\033[1;36m" + name + "\033[0m" + suffix
	case mode&0o111 != 0 || kernel.HasSuffixFold(name, ".com", ".exe"):
		return "\033[1;32m" + name + "\033[0m" + suffix
	}
	return name + suffix
}

func (o *lsOptions) print(p *kernel.Process, w io.Writer, list []lsEntry) {
	if o.long {
		sizeW := 1
		for _, e := range list {
			sizeW = max(sizeW, len(o.size(e.fi.Size())))
		}
		now := p.Kernel().Now()
		for _, e := range list {
			mt := e.fi.ModTime()
			stamp := mt.Format("Jan _2 15:04")
			if now.Sub(mt) > 180*24*time.Hour || mt.After(now.Add(time.Hour)) {
				stamp = mt.Format("Jan _2  2006")
			}
			line := fmt.Sprintf("%s %*s %s %s", modeString(e.fi.Mode()), sizeW, o.size(e.fi.Size()), stamp, o.decorate(e))
			if e.fi.Mode()&fs.ModeSymlink != 0 {
				if t, err := p.Kernel().FS().Readlink(path.Join(e.dir, path.Base(e.name))); err == nil {
					line += " -> " + t
				}
			}
			fmt.Fprintln(w, line)
		}
		return
	}
	if o.one {
		for _, e := range list {
			fmt.Fprintln(w, o.decorate(e))
		}
		return
	}
	// Columns, down then across, as ls does on a terminal.
	io.WriteString(w, columns.Format(len(list),
		func(i int) string { return o.decorate(list[i]) },
		func(i int) int { return len([]rune(list[i].name)) + len(o.classifySuffix(list[i])) },
		o.width))
}

func (o *lsOptions) classifySuffix(e lsEntry) string {
	if !o.classify {
		return ""
	}
	m := e.fi.Mode()
	if m.IsDir() || m&fs.ModeSymlink != 0 || m&0o111 != 0 {
		return "x"
	}
	return ""
}

func (o *lsOptions) size(n int64) string {
	if !o.human {
		return fmt.Sprint(n)
	}
	return humanSize(n)
}

// humanSize prints a byte count as ls -h does.
func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprint(n)
	}
	f := float64(n)
	suffixes := "KMGTPE"
	i := -1
	for f >= unit && i < len(suffixes)-1 {
		f /= unit
		i++
	}
	if f < 10 {
		return fmt.Sprintf("%.1f%c", f, suffixes[i])
	}
	return fmt.Sprintf("%.0f%c", f, suffixes[i])
}

// modeString is the ls -l form of a mode: drwxr-xr-x.
func modeString(m fs.FileMode) string {
	var b [10]byte
	switch {
	case m.IsDir():
		b[0] = 'd'
	case m&fs.ModeSymlink != 0:
		b[0] = 'l'
	case m&fs.ModeNamedPipe != 0:
		b[0] = 'p'
	case m&fs.ModeDevice != 0:
		b[0] = 'c'
	default:
		b[0] = '-'
	}
	const rwx = "rwxrwxrwx"
	for i := 0; i < 9; i++ {
		if m&(1<<uint(8-i)) != 0 {
			b[i+1] = rwx[i]
		} else {
			b[i+1] = '-'
		}
	}
	return string(b[:])
}

func cat(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "nu", "")
	if !ok {
		return 2
	}
	args := f.args
	if len(args) == 0 {
		args = []string{"-"}
	}
	st := 0
	out := p.Stdout()
	if f.set['n'] {
		out = &numberWriter{w: out, line: 1, start: true}
	}
	for _, a := range args {
		var r io.Reader
		if a == "-" {
			r = p.Stdin()
		} else {
			file, err := p.Kernel().FS().Open(p.Abs(a), vfs.O_RDONLY, 0)
			if err != nil {
				warn(p, a, err)
				st = 1
				continue
			}
			if fi, err := file.Stat(); err == nil && fi.IsDir() {
				file.Close()
				warn(p, a, vfs.EISDIR)
				st = 1
				continue
			}
			defer file.Close()
			r = file
		}
		if _, err := io.Copy(out, r); err != nil {
			if errors.Is(err, kernel.ErrBrokenPipe) || errors.Is(err, kernel.ErrInterrupted) {
				return 1
			}
			warn(p, a, err)
			st = 1
		}
	}
	return st
}

// numberWriter prefixes each line with its number, as cat -n.
type numberWriter struct {
	w     io.Writer
	line  int
	start bool
}

func (n *numberWriter) Write(b []byte) (int, error) {
	var out []byte
	for _, c := range b {
		if n.start {
			out = fmt.Appendf(out, "%6d\t", n.line)
			n.line++
			n.start = false
		}
		out = append(out, c)
		if c == '\n' {
			n.start = true
		}
	}
	if _, err := n.w.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

func mkdir(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "pv", "")
	if !ok {
		return 2
	}
	if len(f.args) == 0 {
		fmt.Fprintln(p.Stderr(), "mkdir: missing operand")
		return 2
	}
	st := 0
	for _, a := range f.args {
		var err error
		if f.set['p'] {
			err = p.Kernel().FS().MkdirAll(p.Abs(a), 0o755)
		} else {
			err = p.Kernel().FS().Mkdir(p.Abs(a), 0o755)
		}
		if err != nil {
			fmt.Fprintf(p.Stderr(), "mkdir: cannot create directory '%s': %s\n", a, errText(err))
			st = 1
		}
	}
	return st
}

func rmdir(p *kernel.Process) int {
	args := p.Args()[1:]
	if len(args) == 0 {
		fmt.Fprintln(p.Stderr(), "rmdir: missing operand")
		return 2
	}
	st := 0
	fsys := p.Kernel().FS()
	for _, a := range args {
		fi, err := fsys.Lstat(p.Abs(a))
		if err == nil && !fi.IsDir() {
			err = vfs.ENOTDIR
		}
		if err == nil {
			err = fsys.Remove(p.Abs(a))
		}
		if err != nil {
			fmt.Fprintf(p.Stderr(), "rmdir: failed to remove '%s': %s\n", a, errText(err))
			st = 1
		}
	}
	return st
}

func rm(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "rRfv", "")
	if !ok {
		return 2
	}
	if len(f.args) == 0 && !f.set['f'] {
		fmt.Fprintln(p.Stderr(), "rm: missing operand")
		return 2
	}
	fsys := p.Kernel().FS()
	st := 0
	for _, a := range f.args {
		abs := p.Abs(a)
		if abs == "/" {
			fmt.Fprintln(p.Stderr(), "rm: refusing to remove '/'")
			st = 1
			continue
		}
		fi, err := fsys.Lstat(abs)
		if err != nil {
			if !(f.set['f'] && errors.Is(err, fs.ErrNotExist)) {
				fmt.Fprintf(p.Stderr(), "rm: cannot remove '%s': %s\n", a, errText(err))
				st = 1
			}
			continue
		}
		if fi.IsDir() {
			if !f.set['r'] && !f.set['R'] {
				fmt.Fprintf(p.Stderr(), "rm: cannot remove '%s': is a directory\n", a)
				st = 1
				continue
			}
			err = fsys.RemoveAll(abs)
		} else {
			err = fsys.Remove(abs)
		}
		if err != nil {
			fmt.Fprintf(p.Stderr(), "rm: cannot remove '%s': %s\n", a, errText(err))
			st = 1
		} else if f.set['v'] {
			fmt.Fprintf(p.Stdout(), "removed '%s'\n", a)
		}
	}
	return st
}

// target decides where SRC goes for cp and mv: into DST when DST is a
// directory, else DST itself.
func target(fsys *vfs.VFS, src, dst string, many bool) (string, error) {
	fi, err := fsys.Stat(dst)
	if err == nil && fi.IsDir() {
		return path.Join(dst, path.Base(src)), nil
	}
	if many {
		return "", fmt.Errorf("target '%s' is not a directory", dst)
	}
	return dst, nil
}

// eachTarget runs `NAME [FLAGS] SRC... DST` for cp and mv: it parses
// the flags, decides where each source goes (into DST when it is a
// directory), and calls fn with the source as typed, its absolute path and
// its target. It returns 1 if fn failed for any source.
func eachTarget(p *kernel.Process, allowed string, fn func(f *flags, src, abs, to string) error) int {
	f, ok := parseFlags(p, p.Args()[1:], allowed, "")
	if !ok {
		return 2
	}
	if len(f.args) < 2 {
		fmt.Fprintf(p.Stderr(), "%s: missing destination file operand\n", p.Name())
		return 2
	}
	fsys := p.Kernel().FS()
	srcs, dst := f.args[:len(f.args)-1], p.Abs(f.args[len(f.args)-1])
	st := 0
	for _, s := range srcs {
		abs := p.Abs(s)
		to, err := target(fsys, abs, dst, len(srcs) > 1)
		if err != nil {
			fmt.Fprintf(p.Stderr(), "%s: %v\n", p.Name(), err)
			return 1
		}
		if err := fn(f, s, abs, to); err != nil {
			fmt.Fprintf(p.Stderr(), "%s: %v\n", p.Name(), err)
			st = 1
		}
	}
	return st
}

func cp(p *kernel.Process) int {
	fsys := p.Kernel().FS()
	return eachTarget(p, "rRpv", func(f *flags, s, abs, to string) error {
		fi, err := fsys.Stat(abs)
		switch {
		case err != nil:
			return fmt.Errorf("cannot stat '%s': %s", s, errText(err))
		case fi.IsDir() && !f.set['r'] && !f.set['R']:
			return fmt.Errorf("-r not specified; omitting directory '%s'", s)
		case to == abs || strings.HasPrefix(to, abs+"/"):
			return fmt.Errorf("cannot copy '%s' into itself", s)
		}
		return copyTree(p, abs, to)
	})
}

// copyTree copies a file or, recursively, a directory.
func copyTree(p *kernel.Process, src, dst string) error {
	fsys := p.Kernel().FS()
	fi, err := fsys.Lstat(src)
	if err != nil {
		return fmt.Errorf("%s: %s", src, errText(err))
	}
	if err := p.Context().Err(); err != nil {
		return err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		t, err := fsys.Readlink(src)
		if err != nil {
			return fmt.Errorf("%s: %s", src, errText(err))
		}
		return wrapPath(dst, fsys.Symlink(t, dst))
	case fi.IsDir():
		if err := fsys.Mkdir(dst, fi.Mode().Perm()); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("cannot create directory '%s': %s", dst, errText(err))
		}
		ents, err := fsys.ReadDir(src)
		if err != nil {
			return fmt.Errorf("%s: %s", src, errText(err))
		}
		for _, e := range ents {
			if err := copyTree(p, path.Join(src, e.Name()), path.Join(dst, e.Name())); err != nil {
				return err
			}
		}
		return nil
	}
	in, err := fsys.Open(src, vfs.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("cannot open '%s' for reading: %s", src, errText(err))
	}
	defer in.Close()
	out, err := fsys.Open(dst, vfs.O_WRONLY|vfs.O_CREATE|vfs.O_TRUNC, fi.Mode().Perm())
	if err != nil {
		return fmt.Errorf("cannot create regular file '%s': %s", dst, errText(err))
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("%s: %s", dst, errText(err))
	}
	return wrapPath(dst, out.Close())
}

func wrapPath(name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %s", name, errText(err))
}

func mv(p *kernel.Process) int {
	fsys := p.Kernel().FS()
	return eachTarget(p, "fv", func(f *flags, s, abs, to string) error {
		if strings.HasPrefix(to, abs+"/") {
			return fmt.Errorf("cannot move '%s' to a subdirectory of itself", s)
		}
		err := fsys.Rename(abs, to)
		if errors.Is(err, vfs.EXDEV) { // across mounts: copy, then remove
			if err = copyTree(p, abs, to); err == nil {
				err = fsys.RemoveAll(abs)
			}
		}
		if err != nil {
			return fmt.Errorf("cannot move '%s' to '%s': %s", s, f.args[len(f.args)-1], errText(err))
		}
		return nil
	})
}

func touch(p *kernel.Process) int {
	args := p.Args()[1:]
	if len(args) == 0 {
		fmt.Fprintln(p.Stderr(), "touch: missing file operand")
		return 2
	}
	fsys := p.Kernel().FS()
	now := p.Kernel().Now()
	st := 0
	for _, a := range args {
		abs := p.Abs(a)
		if _, err := fsys.Stat(abs); errors.Is(err, fs.ErrNotExist) {
			file, err := fsys.Open(abs, vfs.O_WRONLY|vfs.O_CREATE, 0o644)
			if err == nil {
				err = file.Close()
			}
			if err != nil {
				fmt.Fprintf(p.Stderr(), "touch: cannot touch '%s': %s\n", a, errText(err))
				st = 1
			}
			continue
		}
		if err := fsys.Chtimes(abs, now, now); err != nil {
			fmt.Fprintf(p.Stderr(), "touch: cannot touch '%s': %s\n", a, errText(err))
			st = 1
		}
	}
	return st
}

func ln(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "sf", "")
	if !ok {
		return 2
	}
	if !f.set['s'] {
		fmt.Fprintln(p.Stderr(), "ln: only symbolic links (-s) are supported")
		return 1
	}
	if len(f.args) != 2 {
		fmt.Fprintln(p.Stderr(), "usage: ln -s TARGET LINK")
		return 2
	}
	fsys := p.Kernel().FS()
	link := p.Abs(f.args[1])
	if fi, err := fsys.Stat(link); err == nil && fi.IsDir() {
		link = path.Join(link, path.Base(f.args[0]))
	}
	if f.set['f'] {
		fsys.Remove(link)
	}
	if err := fsys.Symlink(f.args[0], link); err != nil {
		fmt.Fprintf(p.Stderr(), "ln: failed to create symbolic link '%s': %s\n", f.args[1], errText(err))
		return 1
	}
	return 0
}

func stat(p *kernel.Process) int {
	args := p.Args()[1:]
	if len(args) == 0 {
		fmt.Fprintln(p.Stderr(), "stat: missing operand")
		return 2
	}
	st := 0
	for _, a := range args {
		fi, err := p.Kernel().FS().Lstat(p.Abs(a))
		if err != nil {
			fmt.Fprintf(p.Stderr(), "stat: cannot stat '%s': %s\n", a, errText(err))
			st = 1
			continue
		}
		kind := "regular file"
		switch {
		case fi.IsDir():
			kind = "directory"
		case fi.Mode()&fs.ModeSymlink != 0:
			kind = "symbolic link"
		}
		fmt.Fprintf(p.Stdout(), "  File: %s\n  Size: %d\t%s\nAccess: (%04o/%s)\nModify: %s\n",
			a, fi.Size(), kind, fi.Mode().Perm(), modeString(fi.Mode()), fi.ModTime().Format("2006-01-02 15:04:05.000000000 -0700"))
	}
	return st
}
