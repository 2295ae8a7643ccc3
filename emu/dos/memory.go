package dos

import "strings"

// Memory: DOS's arena of memory control blocks in guest memory, walked
// and changed the way DOS does it, so programs that walk it themselves
// (MEM, TSR utilities) see what DOS would show.

type mcb struct {
	seg   uint16 // segment of the MCB itself
	sig   byte
	owner uint16
	size  uint16 // paragraphs after the MCB
}

func (m *Machine) readMCB(seg uint16) mcb {
	return mcb{seg: seg, sig: m.rb(seg, 0), owner: m.rw(seg, 1), size: m.rw(seg, 3)}
}

func (m *Machine) writeMCB(seg uint16, sig byte, owner, size uint16, name string) {
	m.wb(seg, 0, sig)
	m.ww(seg, 1, owner)
	m.ww(seg, 3, size)
	if name != "" || owner == 0 {
		n := make([]byte, 8)
		copy(n, name)
		m.write(seg, 8, n)
	}
}

// walk calls fn for each block of the arena, merging adjacent free
// blocks first when merge is set. It returns error 7 if the chain is
// broken.
func (m *Machine) walk(merge bool, fn func(b mcb) bool) uint16 {
	seg := uint16(firstMCB)
	for n := 0; n < 0x10000; n++ {
		b := m.readMCB(seg)
		if b.sig != 'M' && b.sig != 'Z' {
			return errMCBDestroyed
		}
		if uint32(seg)+1+uint32(b.size) > 0x10000 {
			return errMCBDestroyed
		}
		if merge && b.owner == 0 && b.sig == 'M' {
			nxt := m.readMCB(seg + 1 + b.size)
			if (nxt.sig == 'M' || nxt.sig == 'Z') && nxt.owner == 0 {
				m.wb(seg, 0, nxt.sig)
				m.ww(seg, 3, b.size+1+nxt.size)
				continue
			}
		}
		if !fn(b) {
			return 0
		}
		if b.sig == 'Z' {
			return 0
		}
		seg += 1 + b.size
	}
	return errMCBDestroyed
}

// memAlloc allocates paras paragraphs for owner with the current
// strategy. It returns the block's segment, or an error and (for error
// 8) the largest free block in BX.
func (m *Machine) memAlloc(paras, owner uint16) (uint16, uint16) {
	var pick *mcb
	var largest uint16
	e := m.walk(true, func(b mcb) bool {
		if b.owner != 0 {
			return true
		}
		largest = max(largest, b.size)
		if b.size < paras {
			return true
		}
		switch m.dos.strategy & 3 {
		case 0: // first fit
			if pick == nil {
				pick = &b
			}
		case 1: // best fit
			if pick == nil || b.size < pick.size {
				pick = &b
			}
		default: // last fit
			pick = &b
		}
		return true
	})
	if e != 0 {
		return 0, e
	}
	if pick == nil {
		m.setBX(largest)
		return 0, errNoMemory
	}
	b := *pick
	if m.dos.strategy&3 >= 2 && b.size > paras {
		// Last fit takes the top of the block.
		rest := b.size - paras - 1
		m.writeMCB(b.seg, 'M', 0, rest, "")
		top := b.seg + 1 + rest
		m.writeMCB(top, b.sig, owner, paras, "")
		return top + 1, 0
	}
	if b.size > paras {
		m.writeMCB(b.seg+1+paras, b.sig, 0, b.size-paras-1, "")
		b.sig = 'M'
	}
	m.writeMCB(b.seg, b.sig, owner, paras, "")
	return b.seg + 1, 0
}

// validBlock says whether seg is the start of a block of the arena.
func (m *Machine) validBlock(seg uint16) bool {
	ok := false
	m.walk(false, func(b mcb) bool {
		if b.seg+1 == seg {
			ok = true
			return false
		}
		return true
	})
	return ok
}

func (m *Machine) memFree(seg uint16) uint16 {
	if !m.validBlock(seg) {
		return errBadMCB
	}
	m.ww(seg-1, 1, 0)
	return 0
}

// memResize changes a block's size. On error 8 it sets BX to the most
// the block could have.
func (m *Machine) memResize(seg, paras uint16) uint16 {
	if !m.validBlock(seg) {
		return errBadMCB
	}
	b := m.readMCB(seg - 1)
	if paras <= b.size {
		if paras < b.size {
			m.writeMCB(seg+paras, b.sig, 0, b.size-paras-1, "")
			m.wb(seg-1, 0, 'M')
			m.ww(seg-1, 3, paras)
			m.mergeFree(seg + paras)
		}
		return 0
	}
	avail := b.size
	sig := b.sig
	if b.sig == 'M' {
		m.mergeFree(seg + b.size)
		nxt := m.readMCB(seg + b.size)
		if nxt.owner == 0 && (nxt.sig == 'M' || nxt.sig == 'Z') {
			avail = b.size + 1 + nxt.size
			sig = nxt.sig
		}
	}
	if avail < paras {
		m.setBX(avail)
		return errNoMemory
	}
	if avail > paras {
		m.writeMCB(seg+paras, sig, 0, avail-paras-1, "")
		sig = 'M'
	}
	m.wb(seg-1, 0, sig)
	m.ww(seg-1, 3, paras)
	return 0
}

// mergeFree joins the free block at seg with the free blocks after it.
func (m *Machine) mergeFree(seg uint16) {
	for {
		b := m.readMCB(seg)
		if b.owner != 0 || b.sig != 'M' {
			return
		}
		nxt := m.readMCB(seg + 1 + b.size)
		if nxt.owner != 0 || nxt.sig != 'M' && nxt.sig != 'Z' {
			return
		}
		m.wb(seg, 0, nxt.sig)
		m.ww(seg, 3, b.size+1+nxt.size)
	}
}

// freeOwned frees every block a PSP owns (when its program ends).
func (m *Machine) freeOwned(psp uint16) {
	m.walk(false, func(b mcb) bool {
		if b.owner == psp {
			m.ww(b.seg, 1, 0)
		}
		return true
	})
}

// largestFree is the size of the largest free block after merging.
func (m *Machine) largestFree() uint16 {
	var largest uint16
	m.walk(true, func(b mcb) bool {
		if b.owner == 0 {
			largest = max(largest, b.size)
		}
		return true
	})
	return largest
}

func (m *Machine) setMCBName(seg uint16, name string) {
	n := strings.ToUpper(name)
	if i := strings.LastIndexAny(n, "\\/:"); i >= 0 {
		n = n[i+1:]
	}
	if i := strings.IndexByte(n, '.'); i >= 0 {
		n = n[:i]
	}
	b := make([]byte, 8)
	copy(b, n)
	m.write(seg-1, 8, b)
}

func (m *Machine) dosAlloc() { // 48h
	seg, e := m.memAlloc(m.bx(), m.dos.psp)
	if e != 0 {
		m.failKeepBX(e)
		return
	}
	m.setAX(seg)
	m.ok()
}

// failKeepBX fails with e but keeps BX (the largest size a failed
// allocation or resize reports).
func (m *Machine) failKeepBX(e uint16) {
	bx := m.bx()
	m.fail(e)
	m.setBX(bx)
}

func (m *Machine) dosFree() { // 49h
	if e := m.memFree(m.es()); e != 0 {
		m.fail(e)
		return
	}
	m.ok()
}

func (m *Machine) dosResize() { // 4Ah
	if e := m.memResize(m.es(), m.bx()); e != 0 {
		m.failKeepBX(e)
		return
	}
	m.ok()
}

func (m *Machine) dosStrategy() { // 58h
	switch m.al() {
	case 0:
		m.setAX(m.dos.strategy)
	case 1:
		m.dos.strategy = m.bx()
	case 2:
		m.setAL(0)
	case 3:
		if m.bx() != 0 {
			// There are no upper memory blocks to link, as in a DOS
			// without DOS=UMB.
			m.fail(errInvalidFunction)
			return
		}
	default:
		m.fail(errInvalidFunction)
		return
	}
	m.ok()
}
