package dos

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/nachoos/nacho/emu"
	"github.com/nachoos/nacho/emu/bus"
	"github.com/nachoos/nacho/emu/x86"
	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

// Measurements for benchmarks (Go benchmarks and `nacho bench`): a loop
// program, the time to a program's first output, and the host CPU a
// waiting program uses. They run on a RAM disk and need no test data.

// LoopProgram is a .COM program that runs outer times 10,000 iterations
// of nine instructions (loads, stores, ALU operations and a branch), then
// exits: LoopInstructions(outer) instructions in all. testdata/loop.asm
// is its source.
func LoopProgram(outer uint16) []byte {
	p := []byte{
		0xBD, byte(outer), byte(outer >> 8), // mov bp, outer
		0xB9, 0x10, 0x27, // outer: mov cx, 10000
		0x31, 0xF6, // xor si, si
		0x8B, 0x84, 0x27, 0x01, // inner: mov ax, [si+buf]
		0x01, 0xC8, // add ax, cx
		0x31, 0xD8, // xor ax, bx
		0x89, 0x84, 0x27, 0x01, // mov [si+buf], ax
		0x83, 0xC6, 0x02, // add si, 2
		0x81, 0xE6, 0xFE, 0x00, // and si, 0FEh
		0x43,       // inc bx
		0x49,       // dec cx
		0x75, 0xE9, // jnz inner
		0x4D,       // dec bp
		0x75, 0xE1, // jnz outer
		0xB8, 0x00, 0x4C, // mov ax, 4C00h
		0xCD, 0x21, // int 21h
	}
	return append(p, make([]byte, 256)...)
}

// LoopInstructions is how many instructions LoopProgram(outer) runs.
func LoopInstructions(outer uint16) uint64 { return 1 + uint64(outer)*90004 + 2 }

// RunResult is what MeasureRun saw.
type RunResult struct {
	Instructions uint64
	Elapsed      time.Duration // New to the end of Run
	FirstOutput  time.Duration // New to the first byte on the console
	CPU          time.Duration // host CPU the process used meanwhile (0 where unknown)
	Code         int
}

// IPS is instructions per second of wall time.
func (r RunResult) IPS() float64 { return float64(r.Instructions) / r.Elapsed.Seconds() }

// MeasureRun runs prog (a .COM or .EXE image) to its end, or until d has
// passed (d > 0), with keyboard input from keys (nil: none ever comes).
func MeasureRun(prog []byte, keys io.Reader, d time.Duration) (RunResult, error) {
	v := vfs.New(memfs.New(memfs.Options{}))
	v.Mkdir("/c", 0o755)
	if err := v.WriteFile("/c/PROG.EXE", prog, 0o644); err != nil {
		return RunResult{}, err
	}
	if keys == nil {
		keys = blockForever{}
	}
	out := &firstWrite{}
	cpu0 := cpuTime()
	start := time.Now()
	out.start = start
	m, err := New(Config{
		FS: v, Drives: []Drive{{Letter: 'C', Root: "/c"}}, Program: "/c/PROG.EXE",
		Model: x86.I80386, IO: IO{Console: out, Keyboard: keys},
	})
	if err != nil {
		return RunResult{}, err
	}
	ctx := context.Background()
	if d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	code, err := m.Run(ctx)
	res := RunResult{Instructions: m.Instructions(), Elapsed: time.Since(start), CPU: cpuTime() - cpu0, Code: code}
	res.FirstOutput = out.first()
	if err == ErrKilled && d > 0 {
		err = nil
	}
	return res, err
}

// MeasureBare runs prog as a .COM image on a bare CPU (no DOS, no
// devices) until its first INT 21h: the reference a DOS machine's speed
// is compared with.
func MeasureBare(prog []byte) (RunResult, error) {
	mem := bus.NewMemory(1 << 20)
	if err := mem.LoadImage(0x1000<<4+0x100, prog); err != nil {
		return RunResult{}, err
	}
	c := x86.New(x86.Config{Model: x86.I80386, Memory: mem})
	for _, s := range []x86.SegReg{x86.CS, x86.DS, x86.ES, x86.SS} {
		c.SetSeg(s, 0x1000)
	}
	c.SetIP(0x100)
	c.SetReg16(x86.SP, 0xFFFE)
	c.Hooks.Interrupt = func(*x86.CPU, uint8) x86.Action { return x86.Exit }
	start := time.Now()
	cpu0 := cpuTime()
	var n uint64
	for {
		e, err := c.Run(1 << 24)
		n += e.Executed
		if err != nil {
			return RunResult{}, err
		}
		if e.Reason == emu.ExitInterrupt {
			break
		}
		if e.Reason != emu.ExitBudget {
			return RunResult{}, errors.New("bare run stopped: " + e.String())
		}
	}
	return RunResult{Instructions: n, Elapsed: time.Since(start), CPU: cpuTime() - cpu0}, nil
}

// WaitProgram is a .COM program that polls the keyboard (INT 16h AH=01h)
// until a key comes, then exits: what a game's or an editor's main loop
// does while nobody types.
func WaitProgram() []byte {
	return []byte{
		0xB4, 0x01, // l: mov ah, 1
		0xCD, 0x16, // int 16h
		0x74, 0xFA, // jz l
		0xB8, 0x00, 0x4C, // mov ax, 4C00h
		0xCD, 0x21, // int 21h
	}
}

// HelloProgram prints a line and exits: for the time to first output.
func HelloProgram() []byte {
	return append([]byte{
		0xB4, 0x09, // mov ah, 9
		0xBA, 0x0C, 0x01, // mov dx, msg
		0xCD, 0x21, // int 21h
		0xB8, 0x00, 0x4C, // mov ax, 4C00h
		0xCD, 0x21, // int 21h
	}, "Hello, DOS!\r\n$"...)
}

type blockForever struct{}

func (blockForever) Read([]byte) (int, error) { select {} }

// firstWrite notes when the first byte arrives.
type firstWrite struct {
	mu    sync.Mutex
	start time.Time
	at    time.Duration
	buf   bytes.Buffer
}

func (w *firstWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.at == 0 && len(p) > 0 {
		w.at = time.Since(w.start)
	}
	return w.buf.Write(p)
}

func (w *firstWrite) first() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.at
}
