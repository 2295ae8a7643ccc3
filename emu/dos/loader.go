package dos

import (
	"encoding/binary"
	"fmt"
)

// Executable formats: .COM (a raw image loaded at PSP:0100h) and MZ .EXE
// (a header, a relocation table and an image). The parser checks
// everything it reads against the file, so a damaged file gives an error
// that says what is wrong instead of a crash or a half-loaded program.

// maxCOM is the largest .COM image: 64 KiB less the PSP and a word of
// stack.
const maxCOM = 0x10000 - 0x100 - 2

// exe is a parsed MZ executable.
type exe struct {
	image    []byte   // the load image
	relocs   []uint32 // (segment<<16 | offset) of each relocation
	minAlloc uint16   // paragraphs needed beyond the image
	maxAlloc uint16
	ss, sp   uint16
	cs, ip   uint16
	overlay  uint16
}

// LoadError says why a file is not a program DOS can run.
type LoadError struct{ Msg string }

func (e *LoadError) Error() string { return e.Msg }

func loadErr(format string, a ...any) error { return &LoadError{Msg: fmt.Sprintf(format, a...)} }

// isMZ says whether data starts with an MZ (or ZM) signature.
func isMZ(data []byte) bool {
	return len(data) >= 2 && (data[0] == 'M' && data[1] == 'Z' || data[0] == 'Z' && data[1] == 'M')
}

// parseEXE parses an MZ executable.
func parseEXE(data []byte) (*exe, error) {
	if len(data) < 0x1C {
		return nil, loadErr("truncated MZ header (%d bytes, the header needs 28)", len(data))
	}
	h := func(off int) uint16 { return binary.LittleEndian.Uint16(data[off:]) }
	lastPage, pages := h(0x02), h(0x04)
	nrel, hdrParas := h(0x06), h(0x08)
	x := &exe{
		minAlloc: h(0x0A), maxAlloc: h(0x0C), ss: h(0x0E), sp: h(0x10),
		ip: h(0x14), cs: h(0x16), overlay: h(0x1A),
	}
	relOff := int(h(0x18))
	switch {
	case pages == 0:
		return nil, loadErr("corrupt MZ header: the file is 0 pages long")
	case lastPage > 511:
		return nil, loadErr("corrupt MZ header: %d bytes in the last page (at most 511)", lastPage)
	}
	size := int(pages) * 512
	if lastPage != 0 {
		size -= 512 - int(lastPage)
	}
	hdr := int(hdrParas) * 16
	if hdr < 0x1C && !(hdr == 0 && nrel == 0) {
		return nil, loadErr("corrupt MZ header: header of %d bytes is shorter than the fixed part", hdr)
	}
	if hdr > len(data) {
		return nil, loadErr("truncated file: the MZ header claims %d bytes, the file has %d", hdr, len(data))
	}
	if size <= hdr {
		return nil, loadErr("corrupt MZ header: no load image (file size %d, header %d)", size, hdr)
	}
	if size > len(data) {
		// Linkers round the last page; a few hundred missing bytes are
		// zeros DOS would load from past the end. More is a cut file.
		if size-len(data) >= 512 {
			return nil, loadErr("truncated file: the load image needs %d bytes, the file has %d", size, len(data))
		}
		size = len(data)
	}
	if nrel > 0 {
		end := relOff + int(nrel)*4
		if relOff < 0x1C || end > len(data) {
			return nil, loadErr("corrupt MZ header: relocation table (%d entries at %#x) runs past the end of the file (%d bytes)", nrel, relOff, len(data))
		}
		if end > hdr {
			return nil, loadErr("corrupt MZ header: relocation table runs into the load image")
		}
	}
	x.image = data[hdr:size]
	for i := 0; i < int(nrel); i++ {
		off := binary.LittleEndian.Uint16(data[relOff+i*4:])
		seg := binary.LittleEndian.Uint16(data[relOff+i*4+2:])
		x.relocs = append(x.relocs, uint32(seg)<<16|uint32(off))
	}
	return x, nil
}

// imageParas is the image's size in paragraphs.
func (x *exe) imageParas() uint32 { return (uint32(len(x.image)) + 15) / 16 }

// relocate applies the relocations to img loaded at segment base, where
// img is the memory the program owns from there (image and extra). It
// fails on a relocation that points outside it.
func (x *exe) relocate(img []byte, base uint16) error {
	for _, r := range x.relocs {
		a := int(r>>16)*16 + int(uint16(r))
		if a+2 > len(img) {
			return loadErr("relocation at %04X:%04X points outside the program's memory", r>>16, uint16(r))
		}
		v := binary.LittleEndian.Uint16(img[a:]) + base
		binary.LittleEndian.PutUint16(img[a:], v)
	}
	return nil
}
