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
// This package must not import syscall/js, the kernel, or any personality.
package x86
