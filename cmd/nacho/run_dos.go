//go:build !js

package main

// `nacho run PROGRAM.EXE [ARGS...]`: a DOS program on the host. Drive C:
// is the current directory (or --drive C=DIR, like emu2), the console is
// the terminal (or standard input and output when they are redirected or
// piped), and the program's exit code is the command's.
//
// Options go between the program and its arguments, and "--" ends them:
//
//	nacho run EDIT.EXE --drive D=/tmp --screen -- NOTES.TXT
//
// The same settings come from the environment as DOS_DRIVE_C=DIR,
// DOS_SCREEN=1 and DOS_CPU=286, and DOS_ENV_NAME=value adds NAME to the
// program's environment.

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/term"

	"github.com/nachoos/nacho/emu/dos"
	"github.com/nachoos/nacho/emu/x86"
	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/hostfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

func init() {
	registerRunner(&runner{name: "dos", order: 50, sniff: dos.Match, run: runDOS})
}

// dosOptions are the DOS runner's options.
type dosOptions struct {
	drives map[byte]string // letter -> host directory
	screen bool
	model  x86.Model
	setCPU bool
	env    []string
	trace  bool
}

func parseDOSOptions(args []string) (dosOptions, []string, error) {
	o := dosOptions{drives: map[byte]string{}}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "DOS_DRIVE_") && len(k) == len("DOS_DRIVE_")+1 && v != "":
			o.drives[strings.ToUpper(k[len(k)-1:])[0]] = v
		case k == "DOS_SCREEN" && v != "" && v != "0":
			o.screen = true
		case k == "DOS_CPU":
			m, err := x86.ParseModel(v)
			if err != nil {
				return o, nil, err
			}
			o.model, o.setCPU = m, true
		}
	}
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if !strings.HasPrefix(a, "--") {
			break
		}
		name, val, hasVal := strings.Cut(a[2:], "=")
		need := func() (string, error) {
			if hasVal {
				return val, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("--%s needs a value", name)
			}
			i++
			return args[i], nil
		}
		switch name {
		case "drive":
			v, err := need()
			if err != nil {
				return o, nil, err
			}
			l, dir, ok := strings.Cut(v, "=")
			if !ok || len(l) != 1 || strings.ToUpper(l) < "A" || strings.ToUpper(l) > "Z" {
				return o, nil, fmt.Errorf("--drive %s: want LETTER=DIR", v)
			}
			o.drives[strings.ToUpper(l)[0]] = dir
		case "screen":
			o.screen = true
		case "cpu":
			v, err := need()
			if err != nil {
				return o, nil, err
			}
			m, err := x86.ParseModel(v)
			if err != nil {
				return o, nil, err
			}
			o.model, o.setCPU = m, true
		case "env":
			v, err := need()
			if err != nil {
				return o, nil, err
			}
			o.env = append(o.env, v)
		case "trace":
			o.trace = true
		default:
			// Not ours: the program's own argument.
			return o, args[i:], nil
		}
	}
	return o, args[i:], nil
}

func runDOS(path string, args []string) int {
	return runDOSWith(path, args, os.Stdin, os.Stdout, os.Stderr)
}

func runDOSWith(path string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, args, err := parseDOSOptions(args)
	if err != nil {
		return fatalf("run", "%v", err)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return fatalf("run", "%v", err)
	}
	if _, ok := o.drives['C']; !ok {
		o.drives['C'] = cwd
	}
	prog, err := filepath.Abs(path)
	if err != nil {
		return fatalf("run", "%v", err)
	}
	// The namespace: a RAM root with each drive's host folder mounted at
	// /dos/LETTER; the program's folder gets a drive of its own when no
	// drive holds it.
	v := vfs.New(memfs.New(memfs.Options{}))
	var vprog, vcwd string
	letters := make([]byte, 0, len(o.drives))
	for l := range o.drives {
		letters = append(letters, l)
	}
	mount := func(l byte, dir string) error {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return err
		}
		h, err := hostfs.New(abs, hostfs.Options{})
		if err != nil {
			return fmt.Errorf("drive %c: %w", l, err)
		}
		at := "/dos/" + string(l)
		if err := v.MkdirAll(at, 0o755); err != nil {
			return err
		}
		if err := v.Mount(at, h, vfs.MountOptions{}); err != nil {
			return err
		}
		o.drives[l] = abs
		return nil
	}
	for _, l := range letters {
		if err := mount(l, o.drives[l]); err != nil {
			return fatalf("run", "%v", err)
		}
	}
	within := func(dir, f string) (string, bool) {
		rel, err := filepath.Rel(dir, f)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return "", false
		}
		return filepath.ToSlash(rel), true
	}
	find := func(f string) string {
		best := ""
		var bestL byte
		for l, dir := range o.drives {
			if rel, ok := within(dir, f); ok && len(dir) > len(best) {
				best, bestL = dir, l
				_ = rel
			}
		}
		if best == "" {
			return ""
		}
		rel, _ := within(best, f)
		return vfs.Clean("/dos/" + string(bestL) + "/" + rel)
	}
	if vprog = find(prog); vprog == "" {
		for l := byte('D'); l <= 'Z'; l++ {
			if _, used := o.drives[l]; !used {
				if err := mount(l, filepath.Dir(prog)); err != nil {
					return fatalf("run", "%v", err)
				}
				break
			}
		}
		vprog = find(prog)
	}
	if vcwd = find(cwd); vcwd == "" {
		vcwd = "/dos/C"
	}
	var drives []dos.Drive
	for l := range o.drives {
		drives = append(drives, dos.Drive{Letter: l, Root: "/dos/" + string(l)})
	}

	k := kernel.New(kernel.Config{FS: v, Env: map[string]string{}})
	ropts := dos.RunOptions{Drives: drives, Env: o.env, Model: o.model, ModelSet: o.setCPU, NoWindow: true}
	if o.trace {
		ropts.Trace = func(s string) { fmt.Fprintln(stderr, s) }
	}
	var final *dos.Screen
	ropts.Screen = func(s *dos.Screen) { final = s }

	// A terminal on both ends is the DOS console: raw, with Ctrl-C passed
	// on as the program's Ctrl-C (twice ends it).
	inF, inIsFile := stdin.(*os.File)
	outF, outIsFile := stdout.(*os.File)
	var proc *kernel.Process
	var procMu sync.Mutex
	restore := func() {}
	if inIsFile && outIsFile && term.IsTerminal(int(inF.Fd())) && term.IsTerminal(int(outF.Fd())) {
		if st, err := term.MakeRaw(int(inF.Fd())); err == nil {
			restore = func() { term.Restore(int(inF.Fd()), st) }
			defer restore()
			ropts.Terminal = true
			stdin = &ctrlCReader{r: stdin, intr: func() {
				procMu.Lock()
				defer procMu.Unlock()
				if proc != nil {
					proc.Signal(kernel.SIGINT)
				}
			}}
		}
	}
	files := []*kernel.OpenFile{
		kernel.NewOpenFile(kernel.ReaderFile{R: stdin}),
		kernel.NewOpenFile(kernel.NewWriterFile(func(b []byte) { stdout.Write(b) })),
		kernel.NewOpenFile(kernel.NewWriterFile(func(b []byte) { stderr.Write(b) })),
	}
	procMu.Lock()
	p, err := k.Spawn(kernel.SpawnOptions{
		Args:  append([]string{"dos", vprog}, args...),
		Cwd:   vcwd,
		Files: files,
		Main: func(p *kernel.Process) int {
			code, err := dos.RunProcess(p, vprog, args, ropts)
			if err != nil && err != dos.ErrKilled {
				fmt.Fprintf(p.Stderr(), "nacho run: %v\n", err)
				if code == 0 {
					code = 1
				}
			}
			return code
		},
	})
	proc = p
	procMu.Unlock()
	for _, f := range files {
		f.Close()
	}
	if err != nil {
		return fatalf("run", "%v", err)
	}
	code := p.Wait()
	k.Shutdown(context.Background())
	restore()
	if o.screen && final != nil {
		if final.Text {
			io.WriteString(stdout, final.Dump())
		} else {
			fmt.Fprintf(stdout, "(video mode %02Xh: %dx%d graphics)\n", final.Mode, final.Width, final.Height)
		}
	}
	return code
}

// ctrlCReader passes a terminal's bytes on, turning Ctrl-C into an
// interrupt (the terminal is raw, so no signal comes from it).
type ctrlCReader struct {
	r    io.Reader
	intr func()
}

func (c *ctrlCReader) Read(p []byte) (int, error) {
	for {
		n, err := c.r.Read(p)
		k := 0
		for _, b := range p[:n] {
			if b == 3 {
				c.intr()
				continue
			}
			p[k] = b
			k++
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}
