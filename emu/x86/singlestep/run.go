package singlestep

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nachoos/nacho/emu"
	"github.com/nachoos/nacho/emu/bus"
	"github.com/nachoos/nacho/emu/x86"
)

// OpInfo is what a suite's metadata.json says about one opcode (or one
// ModRM.reg row of a group opcode).
type OpInfo struct {
	Status    string // normal, undocumented, undefined, alias, fpu, prefix, ...
	FlagsMask uint16 // AND mask over FLAGS: the bits left undefined are 0
}

type metaEntry struct {
	Status    string               `json:"status"`
	FlagsMask *uint16              `json:"flags-mask"`
	Reg       map[string]metaEntry `json:"reg"`
}

// Metadata is a suite's metadata.json.
type Metadata struct {
	Opcodes map[string]metaEntry `json:"opcodes"`
}

// ReadMetadata reads a metadata.json.
func ReadMetadata(path string) (*Metadata, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Metadata
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrFormat, err)
	}
	return &m, nil
}

// Lookup finds the entry for an opcode key ("F6.7", "00"); the flags mask
// is FFFF when none is given.
func (m *Metadata) Lookup(key string) OpInfo {
	info := OpInfo{Status: "unknown", FlagsMask: 0xFFFF}
	if m == nil {
		return info
	}
	op, reg, _ := strings.Cut(key, ".")
	e, ok := m.Opcodes[op]
	if !ok {
		return info
	}
	if r, ok := e.Reg[reg]; ok && reg != "" {
		e = r
	}
	if e.Status != "" {
		info.Status = e.Status
	}
	if e.FlagsMask != nil {
		info.FlagsMask = *e.FlagsMask
	}
	return info
}

// ReadRevocations reads a revocation list: one hex hash per line, # for
// comments.
func ReadRevocations(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	set := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[strings.ToLower(line)] = true
	}
	return set, sc.Err()
}

// Runner runs tests on one CPU, reused from test to test.
type Runner struct {
	Model   x86.Model
	Meta    *Metadata
	Revoked map[string]bool
	// Cached runs tests through the block cache (the fast path); without
	// it every instruction is decoded afresh.
	Cached bool

	cpu      *x86.CPU
	mem      *bus.Memory
	touched  []uint32
	excFlags int64 // linear address our CPU pushed FLAGS to for an exception; -1 none
}

// Outcome of one test.
type Outcome struct {
	Skip  string   // non-empty: not run, and why
	Diffs []string // empty: passed
}

// NewRunner makes a runner for a CPU model. Memory is the model's whole
// physical space as the suites assume it: 1 MiB on the 8086 and 80186,
// 16 MiB above.
func NewRunner(m x86.Model) *Runner {
	size := 16 << 20
	if m <= x86.I80186 {
		size = 1 << 20
	}
	r := &Runner{Model: m, Cached: true, mem: bus.NewMemory(size), excFlags: -1}
	r.cpu = x86.New(x86.Config{Model: m, Memory: r.mem})
	r.cpu.Hooks.Exception = func(c *x86.CPU, vec uint8) {
		ss := c.Segment(x86.SS)
		r.excFlags = int64(ss.Base + uint32(c.Reg16(x86.SP)-2))
	}
	return r
}

func (r *Runner) setRegs(st *State) {
	c := r.cpu
	c.SetReg16(x86.AX, st.Regs[RegAX])
	c.SetReg16(x86.BX, st.Regs[RegBX])
	c.SetReg16(x86.CX, st.Regs[RegCX])
	c.SetReg16(x86.DX, st.Regs[RegDX])
	c.SetReg16(x86.SP, st.Regs[RegSP])
	c.SetReg16(x86.BP, st.Regs[RegBP])
	c.SetReg16(x86.SI, st.Regs[RegSI])
	c.SetReg16(x86.DI, st.Regs[RegDI])
	c.SetSeg(x86.CS, st.Regs[RegCS])
	c.SetSeg(x86.SS, st.Regs[RegSS])
	c.SetSeg(x86.DS, st.Regs[RegDS])
	c.SetSeg(x86.ES, st.Regs[RegES])
	c.SetIP(uint32(st.Regs[RegIP]))
	c.SetFlags(uint32(st.Regs[RegFlags]))
}

func (r *Runner) setRegs32(st *State) {
	c := r.cpu
	v := &st.Regs32
	for i, reg := range [...]x86.Reg{x86.EAX, x86.EBX, x86.ECX, x86.EDX, x86.ESI, x86.EDI, x86.EBP, x86.ESP} {
		c.SetReg32(reg, v[R32EAX+i])
	}
	for i, s := range [...]x86.SegReg{x86.CS, x86.DS, x86.ES, x86.FS, x86.GS, x86.SS} {
		c.SetSeg(s, uint16(v[R32CS+i]))
	}
	c.SetCR0(v[R32CR0])
	c.SetCR3(v[R32CR3])
	c.SetDR(6, v[R32DR6])
	c.SetDR(7, v[R32DR7])
	c.SetIP(v[R32EIP])
	c.SetFlags(v[R32EFlags])
}

func (r *Runner) regs32() [NumRegs32]uint32 {
	c := r.cpu
	return [NumRegs32]uint32{
		c.CR0(), c.CR3(),
		c.Reg32(x86.EAX), c.Reg32(x86.EBX), c.Reg32(x86.ECX), c.Reg32(x86.EDX),
		c.Reg32(x86.ESI), c.Reg32(x86.EDI), c.Reg32(x86.EBP), c.Reg32(x86.ESP),
		uint32(c.Seg(x86.CS)), uint32(c.Seg(x86.DS)), uint32(c.Seg(x86.ES)),
		uint32(c.Seg(x86.FS)), uint32(c.Seg(x86.GS)), uint32(c.Seg(x86.SS)),
		c.IP(), c.Flags(), c.DR(6), c.DR(7),
	}
}

func (r *Runner) regs() [NumRegs]uint16 {
	c := r.cpu
	return [NumRegs]uint16{
		c.Reg16(x86.AX), c.Reg16(x86.BX), c.Reg16(x86.CX), c.Reg16(x86.DX),
		c.Seg(x86.CS), c.Seg(x86.SS), c.Seg(x86.DS), c.Seg(x86.ES),
		c.Reg16(x86.SP), c.Reg16(x86.BP), c.Reg16(x86.SI), c.Reg16(x86.DI),
		uint16(c.IP()), uint16(c.Flags()),
	}
}

// Run runs one test of the file whose opcode key is key.
func (r *Runner) Run(key string, t *Test) (out Outcome) {
	if r.Revoked[strings.ToLower(t.Hash)] {
		return Outcome{Skip: "revoked by the suite"}
	}
	info := r.Meta.Lookup(key)
	c := r.cpu
	for _, a := range r.touched {
		r.mem.RAM[a] = 0
	}
	r.touched = r.touched[:0]
	c.Reset()
	c.NoCache = !r.Cached
	for _, b := range t.Initial.RAM {
		if int(b.Addr) >= len(r.mem.RAM) {
			return Outcome{Skip: "RAM outside the model's address space"}
		}
		r.mem.RAM[b.Addr] = b.Value
		r.touched = append(r.touched, b.Addr)
	}
	for _, b := range t.Final.RAM {
		if int(b.Addr) < len(r.mem.RAM) {
			r.touched = append(r.touched, b.Addr)
		}
	}
	wide := t.Initial.Is32()
	if wide {
		if t.Initial.Regs32[R32CR0]&1 != 0 {
			return Outcome{Skip: "protected mode (not implemented)"}
		}
		r.setRegs32(&t.Initial)
	} else {
		r.setRegs(&t.Initial)
	}
	r.excFlags = -1

	var exit emu.Exit
	var err error
	if r.Model <= x86.I80186 {
		// The 8086 suite stops after the instruction.
		exit, err = c.Run(1)
	} else {
		// The 286 suite ends each test on a HLT that follows the
		// instruction (or starts the exception handler).
		exit, err = c.Run(16)
	}
	if err != nil {
		return Outcome{Diffs: []string{err.Error()}}
	}
	if r.Model >= x86.I80286 && exit.Reason != emu.ExitHalt {
		out.Diffs = append(out.Diffs, fmt.Sprintf("did not halt: %v", exit))
	}

	// Registers: those absent from the final state must not change.
	flagsMask := info.FlagsMask
	if r.Model >= x86.I80286 {
		flagsMask &= 0x0FFF
	}
	if wide {
		r.compare32(t, flagsMask, &out)
	}
	got := r.regs()
	for i := 0; i < NumRegs && !wide; i++ {
		want := t.Initial.Regs[i]
		if t.Final.Present&(1<<i) != 0 {
			want = t.Final.Regs[i]
		}
		g := got[i]
		if t.Final.MaskSet&(1<<i) != 0 {
			want &= t.Final.Mask[i]
			g &= t.Final.Mask[i]
		}
		if i == RegFlags {
			if i == RegFlags && t.Final.Present&(1<<i) == 0 {
				want = uint16(r.fixedFlags(t.Initial.Regs[i]))
			}
			if want&flagsMask != g&flagsMask {
				out.Diffs = append(out.Diffs, fmt.Sprintf("flags: want %04x got %04x (mask %04x: %s)", want, g, flagsMask, flagDiff(want&flagsMask, g&flagsMask)))
			}
			continue
		}
		if want != g {
			out.Diffs = append(out.Diffs, fmt.Sprintf("%s: want %04x got %04x", RegNames[i], want, g))
		}
	}

	// Memory: the final bytes, and the initial ones that did not change.
	want := map[uint32]uint8{}
	for _, b := range t.Initial.RAM {
		want[b.Addr] = b.Value
	}
	for _, b := range t.Final.RAM {
		want[b.Addr] = b.Value
	}
	// Where FLAGS went on the stack for an exception: where our CPU put
	// it, else where the test says. (The 286 suite's EXCP address is
	// rounded down to even when SP is odd, so ours is the better guide.)
	flagAt := int64(-1)
	if r.excFlags >= 0 {
		flagAt = r.excFlags & int64(r.mem.Size()-1)
	} else if t.Exception != nil {
		flagAt = int64(t.Exception.FlagAddr)
	}
	addrs := make([]uint32, 0, len(want))
	for a := range want {
		addrs = append(addrs, a)
	}
	sort.Slice(addrs, func(i, j int) bool { return addrs[i] < addrs[j] })
	for _, a := range addrs {
		w := want[a]
		if int(a) >= len(r.mem.RAM) {
			continue
		}
		g := r.mem.RAM[a]
		mask := uint8(0xFF)
		switch int64(a) {
		case flagAt:
			mask = uint8(flagsMask)
		case flagAt + 1:
			mask = uint8(flagsMask >> 8)
		}
		if w&mask != g&mask {
			out.Diffs = append(out.Diffs, fmt.Sprintf("[%06x]: want %02x got %02x", a, w, g))
		}
	}
	return out
}

// compare32 compares the 32-bit register file.
func (r *Runner) compare32(t *Test, flagsMask uint16, out *Outcome) {
	got := r.regs32()
	for i := 0; i < NumRegs32; i++ {
		want := t.Initial.Regs32[i]
		if t.Final.Present32&(1<<i) != 0 {
			want = t.Final.Regs32[i]
		}
		g := got[i]
		mask := uint32(0xFFFFFFFF)
		if t.Final.MaskSet32&(1<<i) != 0 {
			mask = t.Final.Mask32[i]
		}
		switch i {
		case R32CS, R32DS, R32ES, R32FS, R32GS, R32SS:
			mask &= 0xFFFF
		case R32EFlags:
			mask &= 0xFFFF0000 | uint32(flagsMask)
			if t.Final.Present32&(1<<i) == 0 {
				want = want&0x37FD5 | 2 // unchanged: as a 386 holds it
			}
		}
		if want&mask != g&mask {
			out.Diffs = append(out.Diffs, fmt.Sprintf("%s: want %08x got %08x (mask %08x)", Reg32Names[i], want, g, mask))
		}
	}
}

// fixedFlags is a FLAGS value as this model holds it (the suites' initial
// values may have bits set that the CPU cannot hold).
func (r *Runner) fixedFlags(v uint16) uint32 {
	switch {
	case r.Model <= x86.I80186:
		return uint32(v)&0x0FD5 | 0xF002
	default:
		return uint32(v)&0x0FD5 | 2
	}
}

func flagDiff(want, got uint16) string {
	const names = "c.p.a.zstidoNN.."
	var b strings.Builder
	for i := 0; i < 16; i++ {
		if (want^got)&(1<<i) != 0 && names[i] != '.' {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteByte(names[i])
		}
	}
	return b.String()
}

// Summary counts the outcomes of a run.
type Summary struct {
	Passed, Failed int
	Skipped        map[string]int // by reason
}

func (s *Summary) add(o Outcome) {
	switch {
	case o.Skip != "":
		if s.Skipped == nil {
			s.Skipped = map[string]int{}
		}
		s.Skipped[o.Skip]++
	case len(o.Diffs) > 0:
		s.Failed++
	default:
		s.Passed++
	}
}

// Add folds another summary in.
func (s *Summary) Add(o Summary) {
	s.Passed += o.Passed
	s.Failed += o.Failed
	for k, v := range o.Skipped {
		if s.Skipped == nil {
			s.Skipped = map[string]int{}
		}
		s.Skipped[k] += v
	}
}

// String is the closing line: "N passed, M failed[, K skipped (reason: n; ...)]".
func (s Summary) String() string {
	line := fmt.Sprintf("%d passed, %d failed", s.Passed, s.Failed)
	if len(s.Skipped) > 0 {
		n := 0
		var rs []string
		for k, v := range s.Skipped {
			n += v
			rs = append(rs, fmt.Sprintf("%s: %d", k, v))
		}
		sort.Strings(rs)
		line += fmt.Sprintf(", %d skipped (%s)", n, strings.Join(rs, "; "))
	}
	return line
}

// Failure is one failing test, for reports.
type Failure struct {
	File  string
	Test  *Test
	Diffs []string
}

func (f Failure) String() string {
	return fmt.Sprintf("%s#%d %q [% x]: %s", filepath.Base(f.File), f.Test.Index, f.Test.Name, f.Test.Bytes, strings.Join(f.Diffs, "; "))
}

// Options for RunPaths.
type Options struct {
	Model x86.Model
	// Limit is how many failures to print (0: none).
	Limit int
	// Out receives one line per printed failure.
	Out io.Writer
	// Uncached decodes every instruction afresh instead of using the
	// block cache.
	Uncached bool
	// Filter, when set, picks the files to run by opcode key.
	Filter func(key string) bool
}

// RunPaths runs every test file under the given files and directories.
// Each file finds metadata.json and revocation_list.txt in its directory
// or the one above.
func RunPaths(paths []string, opt Options) (Summary, []Failure, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return Summary{}, nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && IsTestFile(d.Name()) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return Summary{}, nil, err
		}
	}
	sort.Strings(files)
	r := NewRunner(opt.Model)
	r.Cached = !opt.Uncached
	metas := map[string]*Metadata{}
	revs := map[string]map[string]bool{}
	var sum Summary
	var fails []Failure
	printed := 0
	for _, f := range files {
		key := OpcodeKey(f)
		if opt.Filter != nil && !opt.Filter(key) {
			continue
		}
		dir := filepath.Dir(f)
		if _, ok := metas[dir]; !ok {
			metas[dir] = findMeta(dir)
			revs[dir] = findRevocations(dir)
		}
		r.Meta, r.Revoked = metas[dir], revs[dir]
		tests, err := ReadFile(f)
		if err != nil {
			return sum, fails, err
		}
		for i := range tests {
			o := r.Run(key, &tests[i])
			sum.add(o)
			if len(o.Diffs) > 0 {
				fl := Failure{File: f, Test: &tests[i], Diffs: o.Diffs}
				fails = append(fails, fl)
				if printed < opt.Limit && opt.Out != nil {
					fmt.Fprintln(opt.Out, fl)
					printed++
				}
			}
		}
	}
	return sum, fails, nil
}

func findMeta(dir string) *Metadata {
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if m, err := ReadMetadata(filepath.Join(d, "metadata.json")); err == nil {
			return m
		}
	}
	return nil
}

func findRevocations(dir string) map[string]bool {
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if m, err := ReadRevocations(filepath.Join(d, "revocation_list.txt")); err == nil {
			return m
		}
	}
	return nil
}

// HexBytes formats instruction bytes.
func HexBytes(b []byte) string { return hex.EncodeToString(b) }
