//go:build !js

package main

// `nacho run --bare`: raw images on a bare x86 CPU, for test ROMs and
// boot code. No BIOS, no devices: memory, the port space, and what the
// flags add (a log of a port, dumps of memory).
//
//	nacho run --bare --cpu MODEL --load ADDR:FILE ... [--entry SEG:OFF]
//	    [--until-hlt] [--max-insns N] [--dump ADDR:LEN:FILE]
//	    [--port-log PORT[:FILE]] [--trace] [--mem SIZE]
//
// Addresses and ports are hexadecimal (0x optional). An image loaded past
// the end of RAM becomes a ROM there (so a 386 can reset into
// FFFFFFF0). Without --entry the CPU starts at its reset vector.

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/nachoos/nacho/emu"
	"github.com/nachoos/nacho/emu/bus"
	"github.com/nachoos/nacho/emu/x86"
)

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// parseHex reads a hexadecimal number: 7c00, 0x7C00 or 7C00h.
func parseHex(s string, bits int) (uint64, error) {
	t := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X"), "h")
	v, err := strconv.ParseUint(t, 16, bits)
	if err != nil {
		return 0, fmt.Errorf("%q is not a %d-bit hexadecimal number", s, bits)
	}
	return v, nil
}

// parseSize reads a size such as 640K, 16M, 1048576.
func parseSize(s string) (int, error) {
	mul := 1
	t := strings.ToUpper(strings.TrimSpace(s))
	switch {
	case strings.HasSuffix(t, "K"):
		mul, t = 1<<10, t[:len(t)-1]
	case strings.HasSuffix(t, "M"):
		mul, t = 1<<20, t[:len(t)-1]
	}
	v, err := strconv.Atoi(t)
	if err != nil || v <= 0 || v > (1<<31)/mul {
		return 0, fmt.Errorf("bad size %q (e.g. 640K, 16M)", s)
	}
	return v * mul, nil
}

// romDevice is a read-only image mapped past the end of RAM.
type romDevice struct{ data []byte }

func (r *romDevice) ReadMMIO(off uint32, size int) uint32 {
	var v uint32
	for i := 0; i < size; i++ {
		if int(off)+i < len(r.data) {
			v |= uint32(r.data[int(off)+i]) << (8 * i)
		} else {
			v |= 0xFF << (8 * i)
		}
	}
	return v
}
func (r *romDevice) WriteMMIO(off uint32, size int, v uint32) {}

func runBare(args []string) int { return runBareTo(args, os.Stdout, os.Stderr) }

func runBareTo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("nacho run --bare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Bool("bare", true, "run raw images on a bare CPU")
	cpuName := fs.String("cpu", "8086", "CPU model: 8086, 80186, 80286 or 80386")
	var loads, dumps, portLogs listFlag
	fs.Var(&loads, "load", "ADDR:FILE: load FILE at physical address ADDR (repeatable)")
	entry := fs.String("entry", "", "SEG:OFF to start at (default: the reset vector)")
	untilHlt := fs.Bool("until-hlt", false, "stop at the first HLT; running out of --max-insns first is an error")
	maxInsns := fs.Int64("max-insns", 1_000_000_000, "stop after this many instructions")
	fs.Var(&dumps, "dump", "ADDR:LEN:FILE: after the run, write LEN bytes at ADDR to FILE (- for stdout; repeatable)")
	fs.Var(&portLogs, "port-log", "PORT[:FILE]: write the bytes the program writes to PORT to FILE (stdout when absent; repeatable)")
	trace := fs.Bool("trace", false, "print every instruction and the registers before it to stderr")
	memSize := fs.String("mem", "", "RAM size (default 1M for 8086/80186, 16M above)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: nacho run --bare --cpu MODEL --load ADDR:FILE ... [options]\n\nAddresses and ports are hexadecimal.")
		fs.PrintDefaults()
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(rest) > 0 {
		return fatalf("run", "--bare takes no file argument (use --load ADDR:FILE): %q", rest[0])
	}
	model, err := x86.ParseModel(*cpuName)
	if err != nil {
		return fatalf("run", "%v", err)
	}
	size := 1 << 20
	if model >= x86.I80286 {
		size = 16 << 20
	}
	if *memSize != "" {
		if size, err = parseSize(*memSize); err != nil {
			return fatalf("run", "--mem: %v", err)
		}
	}
	if len(loads) == 0 {
		return fatalf("run", "--bare needs at least one --load ADDR:FILE")
	}
	mem := bus.NewMemory(size)
	for _, l := range loads {
		a, file, ok := strings.Cut(l, ":")
		if !ok {
			return fatalf("run", "--load %q: want ADDR:FILE", l)
		}
		addr, err := parseHex(a, 32)
		if err != nil {
			return fatalf("run", "--load: %v", err)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return fatalf("run", "--load: %v", err)
		}
		if err := loadBare(mem, uint32(addr), data); err != nil {
			return fatalf("run", "--load %s: %v", l, err)
		}
	}
	ports := new(bus.Ports)
	var flushers []func() error
	logTo := map[uint16]io.Writer{}
	for _, pl := range portLogs {
		p, file, hasFile := strings.Cut(pl, ":")
		port, err := parseHex(p, 16)
		if err != nil {
			return fatalf("run", "--port-log: %v", err)
		}
		w := stdout
		if hasFile && file != "-" {
			f, err := os.Create(file)
			if err != nil {
				return fatalf("run", "--port-log: %v", err)
			}
			bw := bufio.NewWriter(f)
			flushers = append(flushers, func() error {
				if err := bw.Flush(); err != nil {
					return err
				}
				return f.Close()
			})
			w = bw
		}
		logTo[uint16(port)] = w
	}
	if len(logTo) > 0 {
		ports.Observe = func(port uint16, size int, write bool, v uint32) {
			if w, ok := logTo[port]; ok && write {
				for i := 0; i < size; i++ {
					w.Write([]byte{byte(v >> (8 * i))})
				}
			}
		}
	}
	c := x86.New(x86.Config{Model: model, Memory: mem, Ports: ports})
	if *entry != "" {
		s, o, ok := strings.Cut(*entry, ":")
		seg, err1 := parseHex(s, 16)
		off, err2 := parseHex(o, 32)
		if !ok || err1 != nil || err2 != nil {
			return fatalf("run", "--entry %q: want SEG:OFF in hexadecimal", *entry)
		}
		c.SetSeg(x86.CS, uint16(seg))
		c.SetIP(uint32(off))
	}
	if *trace {
		tw := bufio.NewWriter(stderr)
		defer tw.Flush()
		c.Trace = func(c *x86.CPU) {
			fmt.Fprintf(tw, "%04x:%04x  %-32s %s\n", c.Seg(x86.CS), c.IP(), c.DisasmAt(), regLine(c))
		}
	}

	var total uint64
	reason := "stopped at --max-insns"
	status := 0
	for total < uint64(*maxInsns) {
		e, err := c.Run(min(*maxInsns-int64(total), 1<<24))
		total += e.Executed
		if err != nil {
			fmt.Fprintf(stderr, "nacho run: %v\n", err)
			return 1
		}
		if e.Reason == emu.ExitBudget {
			continue
		}
		switch e.Reason {
		case emu.ExitHalt:
			// Nothing on a bare machine can raise an interrupt, so a HLT
			// ends the run.
			reason = "halted"
		case emu.ExitShutdown:
			reason = fmt.Sprintf("shut down (fault while delivering vector %d)", e.Vector)
			status = 1
		default:
			reason = e.Reason.String()
			status = 1
		}
		break
	}
	if reason == "stopped at --max-insns" && *untilHlt {
		status = 1
		reason += " without reaching HLT"
	}
	for _, d := range dumps {
		if err := dumpBare(mem, d, stdout); err != nil {
			return fatalf("run", "--dump %s: %v", d, err)
		}
	}
	for _, f := range flushers {
		if err := f(); err != nil {
			return fatalf("run", "--port-log: %v", err)
		}
	}
	fmt.Fprintf(stderr, "nacho run: %s at %04x:%04x after %d instructions\n", reason, c.Seg(x86.CS), c.IP(), total)
	return status
}

// loadBare puts an image in RAM, or past RAM as a ROM device.
func loadBare(mem *bus.Memory, addr uint32, data []byte) error {
	end := uint64(addr) + uint64(len(data))
	if end > 1<<32 {
		return errors.New("image runs past 4 GiB")
	}
	if end <= uint64(mem.Size()) {
		return mem.LoadImage(addr, data)
	}
	if uint64(addr) < uint64(mem.Size()) {
		return fmt.Errorf("image straddles the end of RAM (%#x)", mem.Size())
	}
	base := addr &^ (bus.PageSize - 1)
	pad := make([]byte, addr-base)
	for i := range pad {
		pad[i] = 0xFF
	}
	rom := append(pad, data...)
	span := (uint64(len(rom)) + bus.PageSize - 1) &^ (bus.PageSize - 1)
	return mem.MapMMIO(base, uint32(span), &romDevice{rom}, fmt.Sprintf("rom@%#x", addr))
}

func dumpBare(mem *bus.Memory, spec string, stdout io.Writer) error {
	parts := strings.SplitN(spec, ":", 3)
	if len(parts) != 3 {
		return errors.New("want ADDR:LEN:FILE")
	}
	addr, err := parseHex(parts[0], 32)
	if err != nil {
		return err
	}
	n, err := parseHex(parts[1], 32)
	if err != nil {
		return err
	}
	buf := make([]byte, n)
	mem.ReadPhys(addr, buf)
	if parts[2] == "-" {
		_, err = stdout.Write(buf)
		return err
	}
	return os.WriteFile(parts[2], buf, 0o644)
}

func regLine(c *x86.CPU) string {
	if c.Model() >= x86.I80386 {
		return fmt.Sprintf("eax=%08x ebx=%08x ecx=%08x edx=%08x esi=%08x edi=%08x ebp=%08x esp=%08x ds=%04x es=%04x ss=%04x fl=%05x",
			c.Reg32(x86.EAX), c.Reg32(x86.EBX), c.Reg32(x86.ECX), c.Reg32(x86.EDX), c.Reg32(x86.ESI), c.Reg32(x86.EDI),
			c.Reg32(x86.EBP), c.Reg32(x86.ESP), c.Seg(x86.DS), c.Seg(x86.ES), c.Seg(x86.SS), c.Flags())
	}
	return fmt.Sprintf("ax=%04x bx=%04x cx=%04x dx=%04x si=%04x di=%04x bp=%04x sp=%04x ds=%04x es=%04x ss=%04x fl=%04x",
		c.Reg16(x86.AX), c.Reg16(x86.BX), c.Reg16(x86.CX), c.Reg16(x86.DX), c.Reg16(x86.SI), c.Reg16(x86.DI),
		c.Reg16(x86.BP), c.Reg16(x86.SP), c.Seg(x86.DS), c.Seg(x86.ES), c.Seg(x86.SS), c.Flags())
}
