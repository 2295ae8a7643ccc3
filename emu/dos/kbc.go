package dos

import (
	"io"

	"github.com/nachoos/nacho/emu"
)

// kbc is the 8042 keyboard controller with the keyboard behind it (ports
// 60h and 64h) and the fast A20 gate (port 92h). Scan codes (set 1, as
// the controller translates them) come out of port 60h one at a time,
// each raising IRQ 1.
type kbc struct {
	m        *Machine
	queue    []kbcByte
	out      kbcByte
	full     bool
	cmdByte  uint8
	wantData uint8 // controller command waiting for its data byte on port 60h
	kbdCmd   uint8 // keyboard command waiting for its data byte
	lastCmd  bool  // the last write went to port 64h
	disabled bool
	outPort  uint8
	p92      uint8
}

type kbcByte struct {
	b     uint8
	irq   bool // from the keyboard (raises IRQ 1), not a controller reply
	ascii uint8
	hint  bool // ascii is what the key means (the page's layout), not a guess
}

var _ emu.PortDevice = (*kbc)(nil)

func newKBC(m *Machine) *kbc { return &kbc{m: m, cmdByte: 0x45, outPort: 0xCD} }

func (k *kbc) Name() string         { return "8042" }
func (k *kbc) Reset()               {}
func (k *kbc) Save(io.Writer) error { return nil }
func (k *kbc) Load(io.Reader) error { return nil }

// key queues scan code bytes from the keyboard; the last one may carry
// the character the page says the key types.
func (k *kbc) key(codes []byte, ascii uint8, hint bool) {
	if len(k.queue) > 64 {
		return // the keyboard's own buffer overflows: drop the key
	}
	for i, c := range codes {
		b := kbcByte{b: c, irq: true}
		if i == len(codes)-1 {
			b.ascii, b.hint = ascii, hint
		}
		k.queue = append(k.queue, b)
	}
}

func (k *kbc) reply(bs ...uint8) {
	for _, b := range bs {
		k.queue = append(k.queue, kbcByte{b: b, irq: true})
	}
}

func (k *kbc) ctlReply(b uint8) {
	k.queue = append(k.queue, kbcByte{b: b})
}

// busy says a byte is waiting to be read or queued.
func (k *kbc) busy() bool { return k.full || len(k.queue) > 0 }

// service moves the next byte into the output buffer once the last one
// was read and handled. It reports whether it raised IRQ 1.
func (k *kbc) service() bool {
	if k.full || len(k.queue) == 0 {
		return false
	}
	next := k.queue[0]
	if next.irq && (k.m.pic.pending(1) || k.m.pic.inService(1)) {
		return false
	}
	if next.irq && k.disabled {
		return false
	}
	k.queue = k.queue[1:]
	k.out, k.full = next, true
	if next.irq && k.cmdByte&1 != 0 {
		k.m.pic.raise(1)
		return true
	}
	return false
}

// take reads the output buffer as the CPU does through port 60h.
func (k *kbc) take() kbcByte {
	if !k.full {
		return kbcByte{b: k.out.b}
	}
	k.full = false
	return k.out
}

// In implements emu.PortDevice.
func (k *kbc) In(port uint16, size int) uint32 {
	switch port {
	case 0x60:
		if !k.full {
			k.m.poll(noWake)
		}
		return uint32(k.take().b)
	case 0x64:
		v := uint32(0x14) // system flag, keyboard not inhibited
		if k.full {
			v |= 1
		} else {
			k.m.poll(noWake)
		}
		if k.lastCmd {
			v |= 8
		}
		return v
	case 0x92:
		return uint32(k.p92)
	}
	return 0xFF
}

// Out implements emu.PortDevice.
func (k *kbc) Out(port uint16, size int, v uint32) {
	b := uint8(v)
	switch port {
	case 0x92:
		k.p92 = b & 0x03
		k.m.setA20(b&2 != 0)
		if b&1 != 0 {
			k.m.reboot()
		}
	case 0x64:
		k.lastCmd = true
		k.command(b)
	case 0x60:
		k.lastCmd = false
		switch k.wantData {
		case 0x60:
			k.cmdByte = b
		case 0xD1:
			k.outPort = b
			k.m.setA20(b&2 != 0)
			if b&1 == 0 {
				k.m.reboot()
			}
		case 0xD2:
			k.queue = append(k.queue, kbcByte{b: b, irq: true})
		default:
			k.keyboardCommand(b)
		}
		k.wantData = 0
	}
}

func (k *kbc) command(b uint8) {
	switch b {
	case 0x20:
		k.ctlReply(k.cmdByte)
	case 0x60, 0xD1, 0xD2, 0xD3, 0xD4:
		k.wantData = b
	case 0xA7, 0xA8:
	case 0xA9, 0xAB:
		k.ctlReply(0x00)
	case 0xAA:
		k.ctlReply(0x55)
	case 0xAD:
		k.disabled = true
	case 0xAE:
		k.disabled = false
	case 0xC0:
		k.ctlReply(0x80)
	case 0xD0:
		k.ctlReply(k.outPort)
	case 0xDD:
		k.m.setA20(false)
	case 0xDF:
		k.m.setA20(true)
	case 0xFE:
		k.m.reboot()
	}
}

func (k *kbc) keyboardCommand(b uint8) {
	if k.kbdCmd != 0 {
		k.kbdCmd = 0
		k.reply(0xFA)
		return
	}
	switch b {
	case 0xED, 0xF0, 0xF3:
		k.kbdCmd = b
		k.reply(0xFA)
	case 0xEE:
		k.reply(0xEE)
	case 0xF2:
		k.reply(0xFA, 0xAB, 0x83)
	case 0xF4:
		k.disabled = false
		k.reply(0xFA)
	case 0xF5:
		k.reply(0xFA)
	case 0xFF:
		k.reply(0xFA, 0xAA)
	default:
		k.reply(0xFA)
	}
}
