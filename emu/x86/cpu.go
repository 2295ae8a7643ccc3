package x86

import (
	"sync/atomic"

	"github.com/nachoos/nacho/emu"
	"github.com/nachoos/nacho/emu/bus"
)

// Reg names a general register by its x86 encoding. The 16- and 8-bit
// accessors take the same numbers (AX is EAX; AL..BH are 0..7 for Reg8).
type Reg uint8

const (
	EAX Reg = iota
	ECX
	EDX
	EBX
	ESP
	EBP
	ESI
	EDI
)

// 16-bit and 8-bit names for the same encodings.
const (
	AX, CX, DX, BX, SP, BP, SI, DI = EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI
	AL, CL, DL, BL, AH, CH, DH, BH = EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI
)

// SegReg names a segment register by its x86 encoding.
type SegReg uint8

const (
	ES SegReg = iota
	CS
	SS
	DS
	FS
	GS
)

var segNames = [...]string{"es", "cs", "ss", "ds", "fs", "gs", "?6", "?7"}

func (s SegReg) String() string { return segNames[s&7] }

// FLAGS bits.
const (
	FlagCF   = 1 << 0
	FlagPF   = 1 << 2
	FlagAF   = 1 << 4
	FlagZF   = 1 << 6
	FlagSF   = 1 << 7
	FlagTF   = 1 << 8
	FlagIF   = 1 << 9
	FlagDF   = 1 << 10
	FlagOF   = 1 << 11
	FlagIOPL = 3 << 12
	FlagNT   = 1 << 14
	FlagRF   = 1 << 16
	FlagVM   = 1 << 17

	arithFlags = FlagCF | FlagPF | FlagAF | FlagZF | FlagSF | FlagOF
)

// Segment is a segment register with its hidden descriptor cache. In real
// mode a load sets Base to Sel*16 and leaves Limit and Attr alone, as the
// hardware does (so a limit set in protected mode survives: "unreal" mode).
type Segment struct {
	Sel   uint16
	Base  uint32
	Limit uint32 // highest valid offset, byte granular
	Attr  uint16 // descriptor bits 40..55: type, S, DPL, P, AVL, D/B, G
}

// Descriptor attribute bits (Attr).
const (
	AttrAccessed = 1 << 0
	AttrWritable = 1 << 1 // data: writable; code: readable
	AttrCode     = 1 << 3
	AttrS        = 1 << 4 // code or data (not system)
	AttrP        = 1 << 7
	AttrDB       = 1 << 14 // default operand/stack size 32
	AttrG        = 1 << 15

	attrRealData = AttrP | AttrS | AttrWritable | AttrAccessed
	attrRealCode = AttrP | AttrS | AttrCode | AttrWritable | AttrAccessed
)

// DescTable is GDTR or IDTR.
type DescTable struct {
	Base  uint32
	Limit uint32
}

// Config is what New needs. Zero values give a bare machine: RAM sized for
// the model's bus (1 MiB for 8086/80186, 16 MiB above), an empty port
// space, no interrupt controller.
type Config struct {
	Model  Model
	Memory *bus.Memory
	Ports  *bus.Ports
	// PIC answers external interrupts raised with SetINTR.
	PIC emu.InterruptController
}

// Action is what a hook tells the CPU to do with what it saw.
type Action uint8

const (
	// Continue: go on as if there were no hook (deliver the interrupt
	// through the vector table; perform the port access on the bus).
	Continue Action = iota
	// Handled: the hook did the work; skip the vector table or the bus
	// (for IN, the hook's value is what the guest reads).
	Handled
	// Exit: return from Run with ExitInterrupt or ExitPort, the CPU
	// standing after the instruction. For IN, the personality puts the
	// value in the register itself before it calls Run again.
	Exit
)

// Hooks let a personality take over software interrupts and ports.
// During a hook, IP already points after the instruction.
type Hooks struct {
	// Interrupt sees INT n, INT3, INTO when taken and ICEBP, before the
	// vector table is read. Faults and external interrupts do not come here.
	Interrupt func(c *CPU, vector uint8) Action
	// Port sees IN and OUT (not INS/OUTS, which always use the bus unless
	// Handled). For OUT, v is the value; for IN the returned value is used
	// when the action is Handled.
	Port func(c *CPU, port uint16, size int, write bool, v uint32) (Action, uint32)
	// Exception is told about a fault or trap the CPU raises itself (not
	// INT n) just before it is delivered; SS:SP is still the
	// interrupted stack. For debuggers and test harnesses.
	Exception func(c *CPU, vector uint8)
}

// CPU is one x86 processor. Create it with New.
type CPU struct {
	r     [9]uint32 // EAX..EDI, and r[8] always 0 (absent base or index)
	ip    uint32
	flags uint32 // all bits; the arithmetic ones are stale while lzOp != 0

	// Lazy arithmetic flags: the last flag-setting operation and its
	// operands, masked to its size.
	lzOp  uint8
	lzA   uint32
	lzB   uint32
	lzRes uint32

	seg        [8]Segment // ES CS SS DS FS GS, and two spare entries
	gdtr, idtr DescTable
	ldtr, tr   Segment
	cr0        uint32 // low 16 bits are the 286 MSW
	cr2, cr3   uint32
	dr         [8]uint32
	tr6        [2]uint32 // the 386 test registers TR6 and TR7
	cpl        uint8
	model      Model

	// Memory fast path.
	mem    *bus.Memory
	ram    []byte
	pflags *[1 << 20]uint8
	amask  uint32 // physical address mask: bus width and A20
	ports  *bus.Ports
	pic    emu.InterruptController

	// Execution state.
	cur        *inst  // the instruction executing now
	curBlock   *block // the block it belongs to
	scratch    block  // where NoCache decodes
	swInt      bool   // the instruction entered a software interrupt (no single-step trap)
	halted     bool
	shadow     bool  // interrupts and traps held off for one instruction (MOV SS, STI)
	shadowInst *inst // the instruction that set shadow
	intr       atomic.Bool
	nmi        atomic.Bool
	nmiBusy    bool // in an NMI handler until IRET
	stopReq    atomic.Bool
	exitReq    emu.ExitReason // set by an instruction that ends Run early; ExitBudget when none
	exit       emu.Exit
	executed   int64
	budget     int64
	delivering uint8 // nesting of exception delivery (double fault, shutdown)
	fault      pendingFault

	cache blockCache
	tab   *opTable

	// Hooks for a personality; nil fields do nothing.
	Hooks Hooks
	// Trace, when set, is called before each instruction with the CPU
	// stopped at it; execution then goes one instruction at a time.
	Trace func(c *CPU)
	// NoCache makes every instruction decode afresh (conformance runs).
	NoCache bool
	// generic keeps the decoder from choosing specialised handlers (tests
	// compare the two).
	generic bool
	noBulk  bool // tests: REP MOVS/STOS element by element

	breakpoints map[uint32]bool // linear addresses
	bpSkip      bool            // the first instruction of this Run stands on a breakpoint: step over it
}

// SetBreakpoint adds or removes a breakpoint at a linear address. Run
// returns ExitBreakpoint before executing an instruction that starts there;
// the next Run executes it. While any breakpoint is set the CPU runs one
// instruction at a time.
func (c *CPU) SetBreakpoint(lin uint32, on bool) {
	if on {
		if c.breakpoints == nil {
			c.breakpoints = map[uint32]bool{}
		}
		c.breakpoints[lin] = true
	} else {
		delete(c.breakpoints, lin)
	}
}

var _ emu.CPU = (*CPU)(nil)

// New makes a CPU in its reset state.
func New(cfg Config) *CPU {
	c := &CPU{model: cfg.Model, mem: cfg.Memory, ports: cfg.Ports, pic: cfg.PIC}
	if c.mem == nil {
		size := 16 << 20
		if c.model <= I80186 {
			size = 1 << 20
		}
		c.mem = bus.NewMemory(size)
	}
	if c.ports == nil {
		c.ports = new(bus.Ports)
	}
	c.ram, c.pflags = c.mem.RAM, c.mem.Flags
	c.tab = tables[c.model]
	c.cache.init()
	c.mem.SetWatcher(c.codeWritten)
	c.setA20(true)
	c.Reset()
	return c
}

// Model is the processor this CPU behaves as.
func (c *CPU) Model() Model { return c.model }

// Memory is the physical memory the CPU is on.
func (c *CPU) Memory() *bus.Memory { return c.mem }

// Ports is the port space the CPU is on.
func (c *CPU) Ports() *bus.Ports { return c.ports }

// Reset puts the CPU in its power-on state: on the 8086 CS:IP = FFFF:0000,
// on the 286 and 386 F000:FFF0 with the code segment based just below the
// top of the bus. Memory is left alone; decoded blocks are dropped.
func (c *CPU) Reset() {
	c.r = [9]uint32{}
	c.lzOp = 0
	for i := range c.seg {
		c.seg[i] = Segment{Limit: 0xFFFF, Attr: attrRealData}
	}
	c.seg[CS].Attr = attrRealCode
	c.gdtr = DescTable{Limit: 0xFFFF}
	c.idtr = DescTable{Limit: 0x3FF}
	c.ldtr = Segment{Limit: 0xFFFF, Attr: AttrP | 2}
	c.tr = Segment{Limit: 0xFFFF, Attr: AttrP | 3}
	c.cr0, c.cr2, c.cr3 = 0, 0, 0
	c.dr = [8]uint32{}
	c.cpl = 0
	c.halted, c.shadow, c.nmiBusy = false, false, false
	c.intr.Store(false)
	c.nmi.Store(false)
	c.exitReq = emu.ExitBudget
	c.delivering = 0
	c.fault = pendingFault{}
	switch c.model {
	case I8086, I80186:
		c.flags = 0xF002
		c.seg[CS].Sel, c.seg[CS].Base = 0xFFFF, 0xFFFF0
		c.ip = 0
	case I80286:
		c.flags = 0x0002
		c.cr0 = 0xFFF0
		c.seg[CS].Sel, c.seg[CS].Base = 0xF000, 0xFF0000
		c.ip = 0xFFF0
	default:
		c.flags = 0x0002
		c.cr0 = 0x10 // ET: a 387 interface
		c.seg[CS].Sel, c.seg[CS].Base = 0xF000, 0xFFFF0000
		c.ip = 0xFFF0
		c.r[EDX] = 0x0308 // 386DX, stepping D
	}
	c.FlushBlocks()
}

// SetA20 opens or closes the A20 gate (the motherboard's mask of address
// line 20). On the 8086 the bus has 20 lines and this does nothing. Only
// blocks decoded at or above 1 MiB (the HMA) are dropped, since only their
// bytes move; a memory manager that toggles A20 on every copy pays little.
func (c *CPU) SetA20(on bool) {
	if on == c.A20() {
		return
	}
	c.setA20(on)
	for _, b := range c.cache.all {
		if uint64(b.lin)+uint64(b.size) > 1<<20 {
			c.invalidate(b)
		}
	}
}

func (c *CPU) setA20(on bool) {
	bits := c.model.addrBits()
	c.amask = uint32(1<<bits - 1)
	if bits == 32 {
		c.amask = 0xFFFFFFFF
	}
	if !on && bits > 20 {
		c.amask &^= 1 << 20
	}
}

// A20 says whether address line 20 is open.
func (c *CPU) A20() bool { return c.model.addrBits() == 20 || c.amask&(1<<20) != 0 }

// Reg32 reads a 32-bit register.
func (c *CPU) Reg32(r Reg) uint32 { return c.r[r&7] }

// SetReg32 writes a 32-bit register.
func (c *CPU) SetReg32(r Reg, v uint32) { c.r[r&7] = v }

// Reg16 reads a 16-bit register.
func (c *CPU) Reg16(r Reg) uint16 { return uint16(c.r[r&7]) }

// SetReg16 writes a 16-bit register, keeping the upper half.
func (c *CPU) SetReg16(r Reg, v uint16) { c.setReg16(uint8(r&7), uint32(v)) }

// Reg8 reads AL..BH (0..7).
func (c *CPU) Reg8(r Reg) uint8 { return c.reg8(uint8(r & 7)) }

// SetReg8 writes AL..BH (0..7).
func (c *CPU) SetReg8(r Reg, v uint8) { c.setReg8(uint8(r&7), v) }

// Seg reads a segment selector.
func (c *CPU) Seg(s SegReg) uint16 { return c.seg[s&7].Sel }

// Segment returns a segment register with its descriptor cache.
func (c *CPU) Segment(s SegReg) Segment { return c.seg[s&7] }

// SetSeg loads a segment register as a real-mode program would (base =
// selector*16). Loading CS drops nothing: the next block lookup uses the
// new base.
func (c *CPU) SetSeg(s SegReg, sel uint16) { c.loadSegReal(uint8(s&7), sel) }

// SetSegment sets a segment register and its whole descriptor cache.
func (c *CPU) SetSegment(s SegReg, d Segment) { c.seg[s&7] = d }

// IP is the instruction pointer (EIP).
func (c *CPU) IP() uint32 { return c.ip }

// SetIP sets the instruction pointer.
func (c *CPU) SetIP(ip uint32) { c.ip = ip }

// Flags is FLAGS/EFLAGS with every bit current.
func (c *CPU) Flags() uint32 { return c.getFlags() }

// SetFlags sets FLAGS/EFLAGS as a loader would: the bits that are fixed
// on this model keep their fixed values.
func (c *CPU) SetFlags(v uint32) { c.flags = c.fixFlags(v); c.lzOp = 0 }

// CR0 is the machine status word (286) or CR0 (386).
func (c *CPU) CR0() uint32 { return c.cr0 }

// SetCR0 sets CR0 (the MSW on the 286) as a loader would. Setting PE
// enters protected mode, which this core does not run yet.
func (c *CPU) SetCR0(v uint32) { c.cr0 = v }

// CR3 is the page directory base (386).
func (c *CPU) CR3() uint32 { return c.cr3 }

// SetCR3 sets CR3.
func (c *CPU) SetCR3(v uint32) { c.cr3 = v }

// DR is debug register n (0..7, 386).
func (c *CPU) DR(n int) uint32 { return c.dr[n&7] }

// SetDR sets debug register n.
func (c *CPU) SetDR(n int, v uint32) { c.dr[n&7] = v }

// IDTR is the interrupt descriptor table register; in real mode it locates
// the interrupt vector table.
func (c *CPU) IDTR() DescTable { return c.idtr }

// SetIDTR sets the interrupt descriptor table register.
func (c *CPU) SetIDTR(t DescTable) { c.idtr = t }

// Halted says whether the CPU waits in HLT for an interrupt.
func (c *CPU) Halted() bool { return c.halted }

// SetHalted puts the CPU in or out of the halt state.
func (c *CPU) SetHalted(h bool) { c.halted = h }

// SetINTR drives the external interrupt line. While it is high and IF is
// set, the CPU asks the PIC for a vector at the next instruction boundary.
// Safe to call from another goroutine.
func (c *CPU) SetINTR(high bool) { c.intr.Store(high) }

// NMI raises a non-maskable interrupt (vector 2), taken at the next
// instruction boundary. Safe to call from another goroutine.
func (c *CPU) NMI() { c.nmi.Store(true) }

// Stop makes Run return ExitStop at the next instruction boundary. Safe to
// call from another goroutine.
func (c *CPU) Stop() { c.stopReq.Store(true) }

// Linear is the linear address of seg:off as the CPU would form it now.
func (c *CPU) Linear(s SegReg, off uint32) uint32 { return c.seg[s&7].Base + off }

// Physical maps a linear address to a physical one (the bus mask and A20;
// paging later).
func (c *CPU) Physical(lin uint32) uint32 { return lin & c.amask }

// fixFlags applies the model's fixed FLAGS bits.
func (c *CPU) fixFlags(v uint32) uint32 {
	v = v&^(1<<3|1<<5|1<<15) | 2
	switch c.model {
	case I8086, I80186:
		v = v&0x0FFF | 0xF000
	case I80286:
		if c.cr0&1 == 0 {
			v &= 0x0FFF // real mode: IOPL and NT cannot be set
		}
		v &= 0x7FFF
	default:
		v &= 0x37FFF // 386: up to VM and RF; AC and above do not exist
	}
	return v
}

func (c *CPU) reg8(n uint8) uint8 { return uint8(c.r[n&3] >> ((n & 4) << 1)) }

func (c *CPU) setReg8(n uint8, v uint8) {
	sh := (n & 4) << 1
	c.r[n&3] = c.r[n&3]&^(0xFF<<sh) | uint32(v)<<sh
}

func (c *CPU) setReg16(n uint8, v uint32) { c.r[n] = c.r[n]&0xFFFF0000 | v&0xFFFF }

// protected says whether the CPU is in protected mode.
func (c *CPU) protected() bool { return c.cr0&1 != 0 }

// loadSegReal loads a segment register the real-mode way.
func (c *CPU) loadSegReal(s uint8, sel uint16) {
	c.seg[s].Sel = sel
	c.seg[s].Base = uint32(sel) << 4
}
