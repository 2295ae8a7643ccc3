package dos

import (
	"errors"
	"fmt"
	"image/color"
	"path"
	"strings"
	"sync"

	"github.com/nachoos/nacho/emu/x86"
	"github.com/nachoos/nacho/gpu/surface"
	"github.com/nachoos/nacho/kernel"
)

// The kernel runner: `run FILE` and `./FILE` in Nacho's shell.

func init() {
	kernel.RegisterRunner(kernel.Runner{Name: "dos", Match: Match, Main: Main, Heavy: true})
}

// Match says whether a file is a DOS program: a .COM, .EXE or .BAT name,
// or an MZ header.
func Match(name string, head []byte) bool {
	return kernel.HasSuffixFold(name, ".com", ".exe", ".bat") || isMZ(head)
}

// Main runs a DOS program as a process: p.Args() is ["dos", path,
// args...]. The process's environment may map drives (DOS_DRIVE_C=/dir,
// any letter) and add DOS environment variables (DOS_ENV_NAME=value).
func Main(p *kernel.Process) int {
	args := p.Args()
	if len(args) < 2 {
		fmt.Fprintln(p.Stderr(), "dos: usage: dos PROGRAM [ARGS...]")
		return 2
	}
	code, err := RunProcess(p, args[1], args[2:], RunOptions{})
	if err != nil {
		if errors.Is(err, ErrKilled) {
			return code
		}
		fmt.Fprintf(p.Stderr(), "dos: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// RunOptions adjust RunProcess.
type RunOptions struct {
	// Drives map letters to VFS directories, before those the process's
	// environment gives; C: is the program's directory when no one maps it.
	Drives []Drive
	// Env adds DOS environment variables ("NAME=value").
	Env []string
	// Model is the CPU (the 80386 when zero and not set).
	Model    x86.Model
	ModelSet bool
	// NoWindow keeps the program on the process's standard streams even
	// where windows can be shown.
	NoWindow bool
	// Terminal says the process's streams are a terminal (set natively,
	// where they are the host's terminal and not a kernel TTY).
	Terminal bool
	// Screen, when set, receives the screen as the program left it.
	Screen func(*Screen)
	// Trace receives every DOS and BIOS call.
	Trace func(string)
}

// RunProcess runs a DOS program in process p: in a window of its own when
// the page can show one, else on the process's standard streams. It
// returns the program's exit code.
func RunProcess(p *kernel.Process, prog string, args []string, opts RunOptions) (int, error) {
	prog = p.Abs(prog)
	env := p.Environ()
	var drives []Drive
	seen := map[byte]bool{}
	add := func(d Drive) {
		d.Letter = upper(d.Letter)
		if !seen[d.Letter] {
			seen[d.Letter] = true
			drives = append(drives, d)
		}
	}
	for _, d := range opts.Drives {
		add(d)
	}
	for k, v := range env {
		if l, ok := strings.CutPrefix(k, "DOS_DRIVE_"); ok && len(l) == 1 && v != "" {
			add(Drive{Letter: l[0], Root: p.Abs(v)})
		}
	}
	if !seen['C'] {
		add(Drive{Letter: 'C', Root: path.Dir(prog)})
	}
	onDrive := func(f string) bool {
		for _, d := range drives {
			if f == d.Root || strings.HasPrefix(f, strings.TrimSuffix(d.Root, "/")+"/") {
				return true
			}
		}
		return false
	}
	if !onDrive(prog) {
		for l := byte('D'); l <= 'Z'; l++ {
			if !seen[l] {
				add(Drive{Letter: l, Root: path.Dir(prog)})
				break
			}
		}
	}
	var dosEnv []string
	for k, v := range env {
		if n, ok := strings.CutPrefix(k, "DOS_ENV_"); ok && n != "" {
			dosEnv = append(dosEnv, n+"="+v)
		}
	}
	dosEnv = append(dosEnv, opts.Env...)
	cfg := Config{
		FS:      p.Kernel().FS(),
		Drives:  drives,
		Program: prog,
		Args:    args,
		Env:     dosEnv,
		Model:   x86.I80386,
		Sched:   p.Task(),
		Charge:  p.Charge,
		Trace:   opts.Trace,
	}
	if opts.ModelSet {
		cfg.Model = opts.Model
	}
	if env["DOS_DEBUG"] != "" {
		stderr := p.Stderr()
		cfg.Debug = func(msg string) { fmt.Fprintf(stderr, "dos: %s\n", msg) }
	}
	if onDrive(p.Cwd()) {
		cfg.Dir = p.Cwd()
	}

	// Standard streams: a terminal is the console; anything else is a
	// redirected handle.
	in, out, errf := p.File(0), p.File(1), p.File(2)
	inTTY, inIsTTY := kernel.TerminalOf(in)
	_, outIsTTY := kernel.TerminalOf(out)
	_, errIsTTY := kernel.TerminalOf(errf)
	if opts.Terminal {
		inIsTTY, outIsTTY, errIsTTY = true, true, true
	}
	stdin, stdout, stderr := p.Stdin(), p.Stdout(), p.Stderr()
	var logMu sync.Mutex
	var held []string
	holdLogs := false
	cfg.Log = func(msg string) {
		logMu.Lock()
		defer logMu.Unlock()
		if holdLogs {
			held = append(held, msg)
			return
		}
		fmt.Fprintf(stderr, "dos: %s\n", msg)
	}

	var win *window
	if d := p.Kernel().Display(); !opts.NoWindow && d.HasView() {
		w, err := openWindow(p, d, path.Base(prog))
		if err != nil {
			return 1, err
		}
		win = w
		cfg.IO.Window = w
	}
	// A terminal is the console; anything else is a redirection. In a
	// window, output that goes elsewhere shows in the window too (as a
	// program started by the embed API, whose output is captured, must
	// still show it), and an input that ends before giving anything (no
	// input at all) leaves the keyboard to the window.
	// No input at all (/dev/null: the embed API's run) is no redirection:
	// the keyboard stays the console's.
	if !inIsTTY && !(win != nil && kernel.KindOf(in) == kernel.KindNull) {
		cfg.IO.Stdin = stdin
	}
	if !outIsTTY {
		cfg.IO.Stdout = stdout
	}
	if !errIsTTY {
		cfg.IO.Stderr = stderr
	}
	if win == nil {
		switch {
		case outIsTTY:
			cfg.IO.Console = stdout
			cfg.IO.Terminal = true
		case errIsTTY:
			cfg.IO.Console = stderr
			cfg.IO.Terminal = true
		default:
			cfg.IO.Console = stdout
		}
		cfg.IO.Keyboard = stdin
		holdLogs = cfg.IO.Terminal && errIsTTY
		if inTTY != nil && inIsTTY {
			old := inTTY.Mode()
			inTTY.SetMode(kernel.TTYMode{ISig: true})
			defer inTTY.SetMode(old)
		}
	}

	m, err := New(cfg)
	if err != nil {
		return 1, err
	}
	// Ctrl-C at the terminal: DOS's Ctrl-C for the program; a second one
	// while the first is still pending ends it.
	sigs := make(chan kernel.Signal, 2)
	p.Notify(sigs, kernel.SIGINT)
	go func() {
		for {
			select {
			case <-sigs:
				m.Interrupt()
			case <-p.Done():
				return
			}
		}
	}()
	code, runErr := m.Run(p.Context())
	if opts.Screen != nil {
		opts.Screen(m.Screen())
	}
	logMu.Lock()
	holdLogs = false
	for _, msg := range held {
		fmt.Fprintf(stderr, "dos: %s\n", msg)
	}
	logMu.Unlock()
	if runErr == ErrKilled {
		if m.Interrupted() {
			return 130, nil
		}
		return 137, runErr
	}
	return code, runErr
}

// window shows the machine's screen in a kernel window.
type window struct {
	w    *kernel.Window
	text *surface.TextGrid
	fb   *surface.Indexed
	last any // the surface shown
}

func openWindow(p *kernel.Process, d *kernel.Display, title string) (*window, error) {
	win := &window{text: surface.NewTextGrid(80, 25)}
	w, err := d.Open(p, kernel.WindowOptions{Title: title, Surface: win.text, Width: 640, Height: 400, Scale: 1})
	if err != nil {
		return nil, err
	}
	win.w = w
	win.last = win.text
	return win, nil
}

func (w *window) Events() <-chan kernel.InputEvent { return w.w.Events() }

// Frame converts the screen into the window's surface.
func (w *window) Frame(s *Screen) {
	if s.Text {
		g := w.text
		if g.Cols() != s.Cols || g.Rows() != s.Rows {
			g.Resize(s.Cols, s.Rows)
		}
		g.Update(s.Cells)
		scale := 16 / max(s.CharHeight, 1)
		if scale < 1 {
			scale = 1
		}
		g.SetCursor(surface.Cursor{Col: s.Cursor.Col, Row: s.Cursor.Row,
			Start: min(s.Cursor.Start*scale, 15), End: min(s.Cursor.End*scale+scale-1, 15), Visible: s.Cursor.Visible})
		g.SetBlink(s.Blink)
		for i := 0; i < 16; i++ {
			c := s.Palette[i]
			g.SetPalette(i, color.RGBA{c[0], c[1], c[2], 255})
		}
		if w.last != any(g) {
			wd, ht := g.Size()
			w.w.SetSurface(g, wd, ht)
			w.last = g
		}
	} else {
		if w.fb == nil {
			w.fb = surface.NewIndexed(s.Width, s.Height)
		}
		f := w.fb
		if fw, fh := f.Size(); fw != s.Width || fh != s.Height {
			f.Resize(s.Width, s.Height)
		}
		for i := 0; i < 256; i++ {
			c := s.Palette[i]
			if f.Color(byte(i)) != (color.RGBA{c[0], c[1], c[2], 255}) {
				f.SetColor(byte(i), color.RGBA{c[0], c[1], c[2], 255})
			}
		}
		f.Update(s.Pixels)
		if w.last != any(f) {
			// The page picks the integer zoom that fits (2 for 320x200).
			w.w.SetSurface(f, s.Width, s.Height)
			w.last = f
		}
	}
	w.w.Damage()
}

// Interrupt is Ctrl-C from outside (a terminal's SIGINT): the program
// gets DOS's Ctrl-C; a second one before the program took the first ends
// the machine. Safe to call from another goroutine.
func (m *Machine) Interrupt() {
	m.intrMu.Lock()
	if m.intrPending {
		m.intrKill = true
		m.cpu.Stop()
	}
	m.intrPending = true
	m.intrMu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// Interrupted says whether Interrupt ended the machine.
func (m *Machine) Interrupted() bool {
	m.intrMu.Lock()
	defer m.intrMu.Unlock()
	return m.intrKill
}

// serviceInterrupt delivers an outside Ctrl-C as DOS sees one: Ctrl-Break
// and a ^C key. It reports whether the machine must end.
func (m *Machine) serviceInterrupt() (kill bool) {
	m.intrMu.Lock()
	defer m.intrMu.Unlock()
	if m.intrKill {
		return true
	}
	if m.intrPending && !m.intrSent {
		m.intrSent = true
		m.dos.breakHit = true
		m.kbdPush(0x2E03)
	}
	if m.intrSent && !m.dos.breakHit {
		m.intrPending, m.intrSent = false, false // the program took it
	}
	return false
}
