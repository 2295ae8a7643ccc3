package x86

import (
	"math/bits"

	"github.com/nachoos/nacho/emu/bus"
)

// maxBlockInsts bounds a block, so a budget is never overshot by much and
// one invalidation never throws away much work.
const maxBlockInsts = 64

// maxBlocks bounds the cache: past it everything is dropped and decoded
// again as it runs (a program that generates code endlessly cannot make
// the cache grow without end).
const maxBlocks = 1 << 17

// block is a decoded basic block: straight-line instructions that end at
// a control transfer, at an instruction that may leave Run, at a page
// boundary or at maxBlockInsts. Its bytes are contiguous in physical
// memory, [phys, phys+size).
type block struct {
	insts  []inst
	lin    uint32 // linear address of the first byte (csBase + ip)
	csBase uint32
	ip     uint32
	end    uint32 // offset after the last instruction
	phys   uint32
	size   uint32
	def32  bool
	valid  bool
	cached bool   // registered in the cache and watched for writes
	hits   uint32 // entries; a compiler tier picks hot blocks by it
}

type blockKey struct {
	lin, csBase uint32
	def32       bool
}

// codePage tracks, for one physical page of RAM, which bytes hold decoded
// instructions and which blocks decoded them.
type codePage struct {
	bits   [bus.PageSize / 64]uint64
	blocks []*block
}

const fastSize = 1 << 12

type blockCache struct {
	fast  [fastSize]*block
	all   map[blockKey]*block
	pages []*codePage // by physical page number, RAM only

	invalidations uint64 // blocks thrown away because their bytes were written
}

func (bc *blockCache) init() { bc.all = make(map[blockKey]*block) }

func fastIndex(lin uint32) uint32 { return (lin ^ lin>>12) & (fastSize - 1) }

// FlushBlocks drops every decoded block (after a change the cache cannot
// see: ROM contents, A20, a new model table).
func (c *CPU) FlushBlocks() {
	for p, cp := range c.cache.pages {
		if cp != nil {
			c.mem.Watch(uint32(p)<<bus.PageShift, false)
		}
	}
	for _, b := range c.cache.all {
		b.valid = false
	}
	c.cache.fast = [fastSize]*block{}
	c.cache.all = make(map[blockKey]*block)
	c.cache.pages = nil
	c.curBlock = nil
}

// Blocks reports how many decoded blocks are cached.
func (c *CPU) Blocks() int { return len(c.cache.all) }

// lookup returns the block at CS:IP, decoding it if needed.
func (c *CPU) lookup() *block {
	cs := &c.seg[CS]
	lin := cs.Base + c.ip
	def32 := cs.Attr&AttrDB != 0
	h := fastIndex(lin)
	if b := c.cache.fast[h]; b != nil && b.lin == lin && b.csBase == cs.Base && b.def32 == def32 {
		c.curBlock = b
		return b
	}
	key := blockKey{lin, cs.Base, def32}
	b := c.cache.all[key]
	if b == nil {
		if len(c.cache.all) >= maxBlocks {
			c.FlushBlocks()
		}
		b = c.decodeBlock(cs.Base, c.ip, def32)
		if b.cached {
			c.cache.all[key] = b
		}
	}
	if b.cached {
		c.cache.fast[h] = b
	}
	c.curBlock = b
	return b
}

// decodeOne decodes the single instruction at CS:IP into b (not cached).
func (c *CPU) decodeOne(b *block) {
	cs := &c.seg[CS]
	def32 := cs.Attr&AttrDB != 0
	if cap(b.insts) == 0 {
		b.insts = make([]inst, 1)
	}
	b.insts = b.insts[:1]
	c.decode(&b.insts[0], cs.Base, c.ip, def32)
	b.end = b.insts[0].next
	c.curBlock = b
}

func (c *CPU) decodeBlock(csBase, ip uint32, def32 bool) *block {
	b := &block{lin: csBase + ip, csBase: csBase, ip: ip, def32: def32, valid: true, cached: true}
	insts := make([]inst, 0, 8)
	pos := ip
	for {
		var in inst
		f := c.decode(&in, csBase, pos, def32)
		first := (csBase + pos) & c.amask
		if len(insts) == 0 {
			b.phys = first
		}
		if f.wrapped || first != b.phys+b.size {
			if len(insts) > 0 {
				break // starts a block of its own
			}
			b.cached = false
		}
		in.idx = uint8(len(insts))
		insts = append(insts, in)
		b.size += uint32(in.len)
		pos = in.next
		if !b.cached || c.isTerm(&in) || len(insts) >= maxBlockInsts ||
			(b.phys+b.size)>>bus.PageShift != b.phys>>bus.PageShift {
			break
		}
	}
	b.insts = insts[:len(insts):len(insts)]
	b.end = pos
	// Only RAM and ROM hold cacheable code; code elsewhere (a device, or
	// nothing) is decoded afresh each time.
	for p := b.phys >> bus.PageShift; p <= (b.phys+b.size-1)>>bus.PageShift; p++ {
		if c.pflags[p]&(bus.FlagMMIO|bus.FlagNone) != 0 {
			b.cached = false
		}
	}
	if b.cached {
		c.register(b)
	}
	return b
}

// register marks b's bytes as code and watches their pages.
func (c *CPU) register(b *block) {
	for p := b.phys >> bus.PageShift; p <= (b.phys+b.size-1)>>bus.PageShift; p++ {
		if c.pflags[p]&bus.FlagROM != 0 {
			continue // cannot change under us
		}
		if int(p) >= len(c.cache.pages) {
			n := make([]*codePage, len(c.ram)>>bus.PageShift)
			copy(n, c.cache.pages)
			c.cache.pages = n
		}
		cp := c.cache.pages[p]
		if cp == nil {
			cp = new(codePage)
			c.cache.pages[p] = cp
		}
		cp.blocks = append(cp.blocks, b)
		cp.mark(b, p)
		c.mem.Watch(p<<bus.PageShift, true)
	}
}

// mark sets the code bits of b's bytes that lie in page p.
func (cp *codePage) mark(b *block, p uint32) {
	lo, hi := b.phys, b.phys+b.size
	if s := p << bus.PageShift; lo < s {
		lo = s
	}
	if e := (p + 1) << bus.PageShift; hi > e {
		hi = e
	}
	for a := lo & (bus.PageSize - 1); a < hi-(p<<bus.PageShift); a++ {
		cp.bits[a>>6] |= 1 << (a & 63)
	}
}

// anyCode says whether a byte in [off, off+n) of the page holds code.
func (cp *codePage) anyCode(off, n uint32) bool {
	for a := off; a < off+n && a < bus.PageSize; {
		w := cp.bits[a>>6] >> (a & 63)
		if w != 0 {
			if k := uint32(bits.TrailingZeros64(w)); a+k < off+n {
				return true
			}
		}
		a = (a | 63) + 1
	}
	return false
}

// noteWrite is codeWritten for a write of n (1..4) bytes that stays in one
// page: the common case, a store beside code, is one bit test.
func (c *CPU) noteWrite(p uint32, n uint32) {
	pg := p >> bus.PageShift
	if int(pg) >= len(c.cache.pages) {
		return
	}
	cp := c.cache.pages[pg]
	if cp == nil {
		return
	}
	off := p & (bus.PageSize - 1)
	if off&63+n <= 64 && cp.bits[off>>6]>>(off&63)&(1<<n-1) == 0 {
		return
	}
	if cp.anyCode(off, n) {
		c.invalidateRange(cp, pg, p, p+n)
	}
}

// codeWritten is told about writes to watched pages; it invalidates the
// blocks whose bytes were written. Writes beside code cost a bit test.
func (c *CPU) codeWritten(addr uint32, n int) {
	for n > 0 {
		p := addr >> bus.PageShift
		off := addr & (bus.PageSize - 1)
		k := uint32(n)
		if off+k > bus.PageSize {
			k = bus.PageSize - off
		}
		if int(p) < len(c.cache.pages) {
			if cp := c.cache.pages[p]; cp != nil && cp.anyCode(off, k) {
				c.invalidateRange(cp, p, addr, addr+k)
			}
		}
		addr += k
		n -= int(k)
	}
}

func (c *CPU) invalidateRange(cp *codePage, p, lo, hi uint32) {
	var hit []*block
	for _, b := range cp.blocks {
		if b.phys < hi && lo < b.phys+b.size {
			hit = append(hit, b)
		}
	}
	for _, b := range hit {
		c.invalidate(b)
	}
}

// invalidate removes b from the cache. If b is executing, the rest of it
// is not run: its next instruction resumes through a fresh decode.
func (c *CPU) invalidate(b *block) {
	if !b.valid {
		return
	}
	b.valid = false
	c.cache.invalidations++
	delete(c.cache.all, blockKey{b.lin, b.csBase, b.def32})
	if h := fastIndex(b.lin); c.cache.fast[h] == b {
		c.cache.fast[h] = nil
	}
	for p := b.phys >> bus.PageShift; p <= (b.phys+b.size-1)>>bus.PageShift; p++ {
		if int(p) >= len(c.cache.pages) || c.cache.pages[p] == nil {
			continue
		}
		cp := c.cache.pages[p]
		kept := cp.blocks[:0]
		for _, o := range cp.blocks {
			if o != b {
				kept = append(kept, o)
			}
		}
		for i := len(kept); i < len(cp.blocks); i++ {
			cp.blocks[i] = nil
		}
		cp.blocks = kept
		cp.bits = [bus.PageSize / 64]uint64{}
		for _, o := range kept {
			cp.mark(o, p)
		}
		if len(kept) == 0 {
			c.cache.pages[p] = nil
			c.mem.Watch(p<<bus.PageShift, false)
		}
	}
	if b == c.curBlock && c.cur != nil && int(c.cur.idx)+1 < len(b.insts) && &b.insts[c.cur.idx] == c.cur {
		b.insts[c.cur.idx+1].fn = xResume
		b.insts[c.cur.idx+1].kind = kGeneric
	}
}

// xResume stands in for the rest of a block that was rewritten while it
// ran: it stops the block so the next instruction is decoded from memory.
func xResume(c *CPU, in *inst) {
	c.ip = in.ip
	panic(resumeSignal{})
}
