package x86

import (
	"github.com/nachoos/nacho/emu"
)

// Run executes up to budget instructions. See emu.CPU.
func (c *CPU) Run(budget int64) (emu.Exit, error) {
	c.exit = emu.Exit{}
	c.exitReq = emu.ExitBudget
	c.executed, c.budget = 0, budget
	c.bpSkip = len(c.breakpoints) > 0 && c.breakpoints[c.seg[CS].Base+c.ip]
	for {
		sig, err := c.protect(c.loop)
		if err != nil {
			c.exit.Executed = uint64(c.executed)
			return c.exit, err
		}
		switch sig {
		case 0:
			c.exit.Reason = c.exitReq
			c.exit.Executed = uint64(c.executed)
			c.exitReq = emu.ExitBudget
			return c.exit, nil
		case 1: // a fault: the instruction is abandoned, and counts
			if c.delivering == 0 {
				c.executed += int64(c.cur.idx) + 1
				c.ip = c.cur.ip
			}
		case 2: // the block was rewritten under us: go on from c.ip
			c.executed += int64(c.cur.idx)
		case 3: // the instruction finished and ended its block
			c.executed += int64(c.cur.idx) + 1
		}
	}
}

// loop runs blocks until the budget is spent or something ends Run.
func (c *CPU) loop() {
	for {
		if c.fault.pending {
			c.deliverFault()
		}
		if c.exitReq != emu.ExitBudget {
			return
		}
		if c.executed >= c.budget {
			if c.halted {
				c.exitReq = emu.ExitHalt // the budget ran out on the HLT itself
			}
			return
		}
		if c.stopReq.Load() {
			c.stopReq.Store(false)
			c.exitReq = emu.ExitStop
			return
		}
		// MOV SS, POP SS and STI hold interrupts off for one instruction:
		// only if the one that set the shadow was the last to run.
		inhibit := c.shadow && c.shadowInst == c.cur
		c.shadow = false
		if inhibit {
		} else if c.nmi.Load() && !c.nmiBusy {
			c.nmi.Store(false)
			c.nmiBusy = true
			c.external(vecNMI)
		} else if c.flags&FlagIF != 0 && c.intr.Load() && c.pic != nil {
			c.external(c.pic.Acknowledge())
		}
		if c.halted {
			c.exitReq = emu.ExitHalt
			return
		}
		if len(c.breakpoints) > 0 {
			if c.breakpoints[c.seg[CS].Base+c.ip] && !c.bpSkip {
				c.exitReq = emu.ExitBreakpoint
				return
			}
			c.bpSkip = false
			c.step()
			continue
		}
		if inhibit || c.flags&FlagTF != 0 || c.Trace != nil || c.NoCache {
			// Under a shadow exactly one instruction runs before
			// interrupts are looked at again.
			c.step()
			continue
		}
		b := c.lookup()
		insts := b.insts
		if rem := c.budget - c.executed; int64(len(insts)) > rem {
			insts = insts[:rem]
			c.ip = insts[len(insts)-1].next
		} else {
			c.ip = b.end
		}
		b.hits++
		c.execInsts(insts)
		c.executed += int64(len(insts))
	}
}

// step executes one instruction, then takes the single-step trap if TF
// was set when it began.
func (c *CPU) step() {
	trap := c.flags&FlagTF != 0
	if c.Trace != nil {
		c.Trace(c)
	}
	var in *inst
	if c.NoCache {
		c.scratch = block{}
		c.decodeOne(&c.scratch)
		in = &c.scratch.insts[0]
	} else {
		in = &c.lookup().insts[0]
	}
	c.ip = in.next
	c.cur = in
	c.swInt = false
	in.fn(c, in)
	c.executed++
	if trap && !c.swInt && !c.shadow && c.exitReq == emu.ExitBudget {
		if h := c.Hooks.Exception; h != nil {
			h(c, vecDB)
		}
		c.external(vecDB)
	}
}

// external delivers an interrupt that no instruction raised (NMI, INTR,
// the single-step trap); a fault while doing so is a double fault.
func (c *CPU) external(vec uint8) {
	c.delivering = 1
	c.interrupt(vec, c.ip)
	c.delivering = 0
}
