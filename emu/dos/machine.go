package dos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/nachoos/nacho/emu"
	"github.com/nachoos/nacho/emu/bus"
	"github.com/nachoos/nacho/emu/x86"
	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/vfs"
)

// Scheduler hands out slices of guest instructions; *kernel.Task is one.
type Scheduler interface {
	// Begin waits for a turn and returns how many instructions to run.
	Begin(ctx context.Context) (int64, error)
	// End reports how many ran.
	End(executed uint64)
}

// Drive maps a DOS drive letter to a VFS directory.
type Drive struct {
	Letter   byte   // 'A'..'Z'
	Root     string // absolute VFS path of the drive's root directory
	Label    string // volume label; the letter's default when empty
	ReadOnly bool
}

// IO connects the machine's console and standard handles to the host.
type IO struct {
	// Console receives what the program writes to the screen (the CON
	// device, BIOS teletype) when it has no window. Nil discards it.
	Console io.Writer
	// Keyboard is read for keys when the program has no window: each byte
	// becomes a key press. Nil: no keys ever come.
	Keyboard io.Reader
	// Terminal says Console and Keyboard are a terminal: output is turned
	// from code page 437 into UTF-8, and escape sequences into keys.
	Terminal bool
	// Stdin, Stdout and Stderr, when set, are what DOS handles 0, 1 and 2
	// refer to instead of the console (redirection and pipes). Stdin may
	// be the same reader as Keyboard; they then share one stream.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Window, when set, shows the screen and delivers key events.
	Window Window
}

// Window is a window on the page that shows the machine's screen.
type Window interface {
	// Events delivers keyboard (and other) input; it is closed when the
	// window closes.
	Events() <-chan kernel.InputEvent
	// Frame shows the screen. It is called from the machine's goroutine
	// at most about 60 times a second, when something changed; s is only
	// valid during the call.
	Frame(s *Screen)
}

// Config describes a machine and the program it starts.
type Config struct {
	FS     *vfs.VFS
	Drives []Drive
	// Program is the VFS path of the .COM, .EXE or .BAT file to run; it
	// must lie on one of the drives (Run adds a drive for its directory
	// otherwise).
	Program string
	Args    []string
	// Env is the environment, "NAME=value"; COMSPEC, PATH and PROMPT get
	// defaults when missing.
	Env []string
	// Dir is the VFS path of the directory the program starts in (it
	// becomes the current drive and directory); the program's own drive
	// and that drive's root when empty.
	Dir   string
	Model x86.Model
	IO    IO
	// Sched hands out instruction slices; nil runs without limits.
	Sched Scheduler
	// Charge, when set, is asked for the machine's memory before it is
	// made (kernel.Process.Charge).
	Charge func(n int64) error
	// Log receives diagnostics (unsupported functions, once each).
	Log func(msg string)
	// Now is the wall clock; time.Now when nil.
	Now func() time.Time
	// Trace, when set, is told about every DOS and BIOS call.
	Trace func(msg string)
	// Debug, when set, is told about the machine's own life: frames
	// presented, sleeps, slices (for finding out where time goes).
	Debug func(msg string)
}

// Error is a failure that ends a DOS program: a bad executable, a CPU
// fault the program did not handle, a machine the emulator cannot go on
// with.
type Error struct {
	Program string
	Msg     string
}

func (e *Error) Error() string { return e.Program + ": " + e.Msg }

// ErrKilled is returned by Run when its context ends the program.
var ErrKilled = errors.New("killed")

// MemorySize is what a machine charges: its RAM.
const MemorySize = ramSize

// Machine is one emulated PC running DOS programs.
type Machine struct {
	cfg   Config
	cpu   *x86.CPU
	mem   *bus.Memory
	ports *bus.Ports
	now   func() time.Time
	log   func(string)
	a20   bool

	pic  *pic
	pit  *pit
	kbc  *kbc
	cmos *cmos
	vga  *vga

	// Scheduling.
	sched   Scheduler
	inSlice bool
	budget  int64
	used    int64
	insns   uint64 // instructions retired in all
	ips     float64
	sliceAt time.Time

	// Waiting.
	blocked  bool      // a call waits for input; its INT runs again on wake
	idle     bool      // polling detected: sleep until the next event
	idleWait time.Time // idle: wake at the latest then
	polls    int
	lastPoll time.Time
	// emptySince is when a program first found the keyboard buffer
	// empty while keys wait in the stream (see typePace).
	emptySince time.Time
	wake       chan struct{}
	nextFrame  time.Time

	// Interrupt dispatch.
	romCB     []uint16 // callback id (+1) by ROM offset just after its INT
	romBytes  []byte
	direct    [256]bool // vectors whose default handler a program's INT reaches directly
	pending   dispatch
	leftFrame bool // the handler moved the CPU: no flags go back to a frame
	fault     *guestFault
	// A call that waits runs its INT again; retry tells its handler so.
	retry      bool
	blockCS    uint16
	blockIP    uint16
	blockID    uint16
	blockSet   bool
	delayUntil time.Time

	// Input.
	keyIn     *pump // bytes typed or piped in (no window)
	stdinIn   *pump // redirected handle 0, when not the keyboard stream
	window    Window
	keysOpen  bool
	lastTyped byte
	heldKeys  []byte    // break codes of modifiers held for the last typed key
	heldUntil time.Time // when they are let go
	mouse     mouse

	// Output to the host console, batched.
	outMu sync.Mutex
	out   []byte

	video video
	vmem  planes
	term  terminal
	dos   dosState
	fsys  *vfs.VFS

	// Ctrl-C from outside the machine (a terminal's SIGINT).
	intrMu      sync.Mutex
	intrPending bool
	intrSent    bool
	intrKill    bool

	born    time.Time
	unknown map[string]bool
	done    bool
	code    int
	err     error
}

type guestFault struct {
	vec  uint8
	cs   uint16
	ip   uint32
	text string
}

// dispatch is the interrupt the CPU stopped for.
type dispatch struct {
	id    uint16 // callback id (a vector number below 256)
	frame bool   // reached through a ROM stub: the caller's IRET frame is on the stack
	fss   uint16 // frame address
	fsp   uint16
}

// New makes a machine and loads the program, ready to Run.
func New(cfg Config) (*Machine, error) {
	if cfg.FS == nil {
		return nil, errors.New("dos: no file system")
	}
	if cfg.Charge != nil {
		if err := cfg.Charge(MemorySize); err != nil {
			return nil, err
		}
	}
	m := &Machine{
		born:    time.Now(),
		cfg:     cfg,
		now:     cfg.Now,
		log:     cfg.Log,
		sched:   cfg.Sched,
		fsys:    cfg.FS,
		wake:    make(chan struct{}, 1),
		unknown: map[string]bool{},
		ips:     50e6,
		window:  cfg.IO.Window,
	}
	if m.now == nil {
		m.now = time.Now
	}
	if m.log == nil {
		m.log = func(string) {}
	}
	m.mem = bus.NewMemory(ramSize)
	m.ports = new(bus.Ports)
	m.pic = newPIC()
	m.cpu = x86.New(x86.Config{Model: cfg.Model, Memory: m.mem, Ports: m.ports, PIC: m.pic})
	m.pic.cpu = m.cpu
	m.cpu.SetA20(false)
	m.cpu.Hooks.Interrupt = m.intHook
	m.cpu.Hooks.Exception = m.excHook
	m.pit = newPIT(m)
	m.kbc = newKBC(m)
	m.cmos = newCMOS(m)
	m.vga = newVGA(m)
	m.pic.eoi = func() {
		m.kbc.service()
		m.pit.service(m.now())
	}
	if err := m.attachDevices(); err != nil {
		return nil, err
	}
	if w := m.window; w != nil {
		m.keysOpen = true
	}
	if r := cfg.IO.Keyboard; r != nil {
		m.keyIn = newPump(r, m.wake)
	}
	if r := cfg.IO.Stdin; r != nil {
		if r == cfg.IO.Keyboard {
			m.stdinIn = m.keyIn
		} else {
			m.stdinIn = newPump(r, m.wake)
		}
	}
	m.buildROM()
	m.initBIOS()
	if err := m.initDOS(); err != nil {
		return nil, err
	}
	if err := m.start(cfg.Program, cfg.Args); err != nil {
		return nil, err
	}
	m.debugf("machine ready")
	return m, nil
}

func (m *Machine) attachDevices() error {
	for _, d := range []struct {
		first, last uint16
		dev         emu.PortDevice
		name        string
	}{
		{0x20, 0x21, m.pic, "pic1"},
		{0xA0, 0xA1, m.pic, "pic2"},
		{0x40, 0x43, m.pit, "pit"},
		{0x60, 0x60, m.kbc, "kbc"},
		{0x61, 0x61, m.pit, "port61"},
		{0x64, 0x64, m.kbc, "kbc"},
		{0x70, 0x71, m.cmos, "cmos"},
		{0x92, 0x92, m.kbc, "a20"},
		{0x3B0, 0x3DF, m.vga, "vga"},
	} {
		if err := m.ports.Register(d.first, d.last, d.dev, d.name); err != nil {
			return err
		}
	}
	return nil
}

// CPU is the machine's processor (for tests and debuggers).
func (m *Machine) CPU() *x86.CPU { return m.cpu }

// Instructions is how many guest instructions the machine has retired.
func (m *Machine) Instructions() uint64 { return m.insns }

// logOnce logs msg the first time it is seen.
func (m *Machine) logOnce(msg string) {
	if m.unknown[msg] {
		return
	}
	m.unknown[msg] = true
	m.log(msg)
}

func (m *Machine) debugf(format string, a ...any) {
	if m.cfg.Debug != nil {
		m.cfg.Debug(fmt.Sprintf("%8.3fms ", float64(time.Since(m.born).Microseconds())/1000) + fmt.Sprintf(format, a...))
	}
}

func (m *Machine) tracef(format string, a ...any) {
	if m.cfg.Trace != nil {
		m.cfg.Trace(fmt.Sprintf(format, a...))
	}
}

// Run runs the machine until its first program ends, ctx is done, or a
// fault ends it. It returns the program's exit code.
func (m *Machine) Run(ctx context.Context) (code int, err error) {
	defer m.stopInput()
	defer m.endSlice()
	defer m.flushOut()
	defer m.termEnd()
	if m.window != nil {
		defer m.present(true)
	}
	deadline, hasDeadline := ctx.Deadline()
	for !m.done {
		// The deadline is checked here too: where goroutines do not
		// preempt each other (js/wasm), the context's timer cannot fire
		// while this loop keeps the thread.
		if ctx.Err() != nil || m.serviceInterrupt() || hasDeadline && !m.now().Before(deadline) {
			return 130, ErrKilled
		}
		m.service()
		if m.done {
			break
		}
		if m.waiting() {
			m.endSlice()
			m.flushOut()
			if m.window != nil {
				m.present(false)
			}
			if m.termActive() {
				m.termFrame()
				m.flushOut()
			}
			t0 := time.Now()
			m.sleep(ctx)
			if d := time.Since(t0); d > 20*time.Millisecond {
				m.debugf("slept %v (blocked=%v idle=%v halted=%v)", d.Round(time.Millisecond), m.blocked, m.idle, m.cpu.Halted())
			}
			continue
		}
		if !m.inSlice {
			m.flushOut()
			if err := m.beginSlice(ctx); err != nil {
				return 0, ErrKilled
			}
		}
		n := m.budget - m.used
		if lim := m.untilEvent(); lim < n {
			n = lim
		}
		exit, err := m.cpu.Run(n)
		m.used += int64(exit.Executed)
		m.insns += exit.Executed
		if err != nil {
			m.endSlice()
			return 0, &Error{Program: m.progName(), Msg: "emulator failure: " + err.Error()}
		}
		switch exit.Reason {
		case emu.ExitInterrupt:
			m.dispatch()
		case emu.ExitStop:
			if f := m.fault; f != nil {
				m.fault = nil
				m.guestFault(f)
			}
		case emu.ExitShutdown:
			m.terminateFault(fmt.Sprintf("the CPU shut down (triple fault, vector %d) at %04X:%04X", exit.Vector, m.cpu.Seg(x86.CS), m.cpu.IP()))
		}
		if m.used >= m.budget {
			m.endSlice()
		}
	}
	return m.code, m.err
}

func (m *Machine) beginSlice(ctx context.Context) error {
	if m.sched == nil {
		m.budget = max(int64(m.ips*0.005), 10000)
		runtime.Gosched() // let other goroutines run between slices
	} else {
		b, err := m.sched.Begin(ctx)
		if err != nil {
			return err
		}
		m.budget = b
	}
	m.used = 0
	m.inSlice = true
	m.sliceAt = m.now()
	return nil
}

func (m *Machine) endSlice() {
	if !m.inSlice {
		return
	}
	m.inSlice = false
	if d := m.now().Sub(m.sliceAt); d > 200*time.Microsecond && m.used > 1000 {
		m.ips = 0.7*m.ips + 0.3*float64(m.used)/d.Seconds()
	}
	if m.sched != nil {
		m.sched.End(uint64(m.used))
	}
}

// untilEvent bounds a run so the next timer event is not late.
func (m *Machine) untilEvent() int64 {
	d := m.pit.untilIRQ(m.now())
	if d < 0 {
		return 2000
	}
	n := int64(d.Seconds() * m.ips)
	return max(n, 1000)
}

// waiting says whether the guest has nothing to do until an event.
func (m *Machine) waiting() bool {
	if m.pic.line() && m.cpu.Flags()&x86.FlagIF != 0 {
		// An interrupt is due: the guest has work. A call that waited
		// runs again after it, and waits again if it must.
		m.blocked, m.idle = false, false
		return false
	}
	if m.blocked || m.idle {
		return true
	}
	return m.cpu.Halted()
}

// sleep waits for the next event: a timer interrupt due, input, a frame
// to present, or ctx.
func (m *Machine) sleep(ctx context.Context) {
	now := m.now()
	wait := 100 * time.Millisecond
	if d := m.pit.untilIRQ(now); d >= 0 && d < wait {
		wait = d
	}
	if m.idle && !m.idleWait.IsZero() {
		if d := m.idleWait.Sub(now); d < wait {
			wait = d
		}
	}
	if len(m.heldKeys) > 0 {
		if d := m.heldUntil.Sub(now); d < wait {
			wait = d
		}
	}
	if wait > 0 {
		var keys <-chan kernel.InputEvent
		if m.window != nil && m.keysOpen {
			keys = m.window.Events()
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-m.wake:
		case ev, ok := <-keys:
			if !ok {
				m.keysOpen = false
			} else {
				m.windowEvent(ev)
			}
		case <-t.C:
		}
		t.Stop()
	}
	m.idle = false
	m.blocked = false
	m.idleWait = time.Time{}
}

// service brings devices up to date with wall time and input before the
// CPU runs on: timer interrupts, keys, frames.
func (m *Machine) service() {
	now := m.now()
	if m.pit.service(now) {
		m.event()
	}
	if m.releaseHeld(now) {
		m.event()
	}
	if m.pollInput() {
		m.event()
	}
	if m.window != nil && !now.Before(m.nextFrame) {
		m.present(false)
		m.nextFrame = now.Add(time.Second / 60)
	}
	if m.termActive() && !now.Before(m.nextFrame) {
		m.termFrame()
		m.nextFrame = now.Add(time.Second / 30)
	}
	if len(m.out) >= 4096 {
		m.endSlice()
		m.flushOut()
	}
}

// event ends idling: something happened the guest may be waiting for.
func (m *Machine) event() {
	m.polls = 0
	m.idle = false
	m.blocked = false
}

// Polling detection. A poll is a call or port read that finds nothing
// new (no key, the same tick). Many polls close together, with nothing
// happening in between, mean the guest waits: it then sleeps until the
// next event instead of spinning.
const (
	pollGap   = 200 * time.Microsecond // polls further apart than this are work, not waiting
	pollLimit = 8                      // polls in a row before the guest counts as idle
)

// poll records a poll that found nothing. wake, when not zero, is when
// the thing polled for can change next (a retrace edge). Polls are timed
// by the wall clock: a device polled from inside a run cannot see the
// instruction count.
func (m *Machine) poll(wake time.Time) {
	now := m.now()
	if now.Sub(m.lastPoll) > pollGap {
		m.polls = 0
	}
	m.lastPoll = now
	m.polls++
	if m.polls >= pollLimit {
		m.polls = 0
		m.idle = true
		if !wake.IsZero() && (m.idleWait.IsZero() || wake.Before(m.idleWait)) {
			m.idleWait = wake
		}
		m.cpu.Stop()
	}
}

// progName is the running program's DOS name, for messages.
func (m *Machine) progName() string {
	if n := m.dos.progName(); n != "" {
		return n
	}
	return "dos"
}

// exit ends the machine with a code.
func (m *Machine) exit(code int, err error) {
	m.done = true
	m.code = code
	m.err = err
	m.cpu.Stop()
}

func (m *Machine) stopInput() {
	if m.keyIn != nil {
		m.keyIn.stop()
	}
	if m.stdinIn != nil && m.stdinIn != m.keyIn {
		m.stdinIn.stop()
	}
}

// flushOut writes batched console output, and what the redirected
// handles hold, to the host.
func (m *Machine) flushOut() {
	m.flushStreams()
	m.outMu.Lock()
	b := m.out
	m.out = nil
	m.outMu.Unlock()
	if len(b) > 0 && m.cfg.IO.Console != nil {
		m.cfg.IO.Console.Write(b)
	}
}
