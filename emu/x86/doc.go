// Package x86 is Nacho's one x86 core: the 8086, 80186, 80286 and 80386
// with their documented differences, in real mode today and built for
// protected mode and paging (every segment register carries a descriptor
// cache with base, limit and access rights; faults go through one path that
// can carry an error code; the CPL is explicit).
//
// Execution is tier 0 of the pipeline in DESIGN.md: the decoder turns each
// guest basic block once into a slice of pre-decoded instructions, each with
// the handler that executes it, and the interpreter runs blocks from a cache.
// Writes to memory that holds decoded code invalidate exactly the blocks
// whose bytes were written (byte granularity, not whole pages), so
// self-modifying code and data kept beside code both work and stay fast.
// Decoded blocks keep the opcode, operands and lengths a compiler tier needs
// to lower them to IR.
//
// One opcode table drives the decoder and the disassembler (Disasm), so a
// trace, an error message and the decoder never disagree.
//
// A personality (emu/dos, later emu/linux) drives the core through emu.CPU:
// Run(budget) returns on HLT, on software interrupts and port accesses that
// its Hooks ask to see, on Stop, or when the budget is spent. Devices sit on
// the bus package: port devices on bus.Ports, mapped memory on bus.Memory;
// external interrupts arrive through SetINTR and an emu.InterruptController,
// NMI through NMI.
//
// # How it is built, and why
//
// Tables: table.go holds one row per opcode (and per ModRM.reg of a group)
// with the mnemonic, the operands in the Intel manual's notation, flags
// (ends a block, lockable, memory only) and the generic handler. Each
// model gets its own copy at init: rows a model lacks become #UD (from the
// 80186 on) or, on the 8086, what the 8086 really does with the encoding
// (60-6F are Jcc again, C0/C1 RET, C8/C9 RETF, 0F POP CS, F1 a LOCK prefix,
// 8F/C6/C7 ignore ModRM.reg, FF /7 is PUSH, D0-D3 /6 SETMO).
//
// Lazy flags (flags.go): arithmetic records its operation, operands and
// result; a flag is computed when read. ADC and SBB with a carry in are
// operations of their own, INC and DEC keep CF in the flags word, and
// everything rarer (shifts, multiply, BCD) computes flags eagerly.
//
// Blocks (block.go) are cached by linear address, CS base and default
// size, in a map with a direct-mapped array in front. A block ends at a
// control transfer, at anything that may leave Run (I/O, INT, HLT, STI,
// REP string instructions), at a 4 KiB page boundary or after 64
// instructions. Pages that hold decoded code are watched on the bus; a
// per-page bitmap marks the bytes that are code, so a store beside code is
// one bit test and a store into code drops only the blocks it touches. A
// block rewritten while it runs stops after the writing instruction and
// execution resumes from a fresh decode.
//
// Dispatch (exec_fast.go): the commonest 16-bit forms run inline in the
// block loop's switch; other instructions call their handler, which the
// decoder may have replaced with a specialised one (specialize.go). Tests
// run every specialised form against the generic handler.
//
// Faults: a handler that faults panics with a private signal; Run recovers
// it, backs the instruction out (handlers change nothing before their last
// access that can fault) and delivers the exception. A fault while
// delivering one becomes a double fault; one more shuts the CPU down.
// Instructions are written read-first so that a fault leaves state as it
// was, except where the hardware itself does otherwise (the 286 moves SI
// and DI of a faulting string iteration; the SingleStepTests suites
// show it).
//
// # What comes later
//
// Protected mode: loadSeg, farJump, interrupt and the IRET/POPF paths stop
// with an InternalError ("not implemented") once CR0.PE is set; they are
// where descriptor loads, privilege checks and gates go. The limit checks
// already use each segment's cached limit, so expand-down segments and
// 32-bit limits fit the same accessors.
//
// Paging: every access forms a linear address and masks it to a physical
// one in one place per width (lread16 and friends, and the inline fast
// paths); a TLB slots in there, and blocks would then be keyed and watched
// by physical page.
//
// A compiler tier reads a block's []inst: opcode, operand registers,
// address components, immediates and the fall-through offset are all
// decoded; block.hits counts entries to find hot blocks.
//
// This package must not import syscall/js, the kernel, or any personality.
package x86
