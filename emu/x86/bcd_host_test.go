//go:build linux && amd64

package x86

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/nachoos/nacho/emu"
	"github.com/nachoos/nacho/emu/bus"
)

// The BCD adjustments do not exist in 64-bit mode, but a 32-bit program
// runs them on the host processor. For every AL, AF and CF (and a few AH
// values) the interpreter must agree with the hardware on the result and
// every flag the architecture defines. The 286 and 386 follow Intel's
// definition; the 8086's own AAA/AAS and DAS are checked by the
// SingleStepTests suite instead.
func TestBCDAgainstHostCPU(t *testing.T) {
	nasm, err1 := exec.LookPath("nasm")
	ld, err2 := exec.LookPath("ld")
	if err1 != nil || err2 != nil {
		t.Skip("needs nasm and ld (scripts/x86-deps.sh installs them)")
	}
	type rec struct{ ax, flags uint16 }
	var in []rec
	for _, ah := range []uint16{0x00, 0x12, 0x7F, 0xFF} {
		for al := uint16(0); al < 256; al++ {
			for _, fl := range []uint16{0, FlagCF, FlagAF, FlagCF | FlagAF} {
				in = append(in, rec{ah<<8 | al, fl | 2})
			}
		}
	}
	table := make([]byte, 4*len(in))
	for i, r := range in {
		binary.LittleEndian.PutUint16(table[4*i:], r.ax)
		binary.LittleEndian.PutUint16(table[4*i+2:], r.flags)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.bin"), table, 0o644); err != nil {
		t.Fatal(err)
	}
	const prog = `bits 32
section .data
tab:    incbin "in.bin"
tabend:
section .bss
out:    resb tabend - tab
section .text
global _start
_start: mov esi, tab
        mov edi, out
next:   mov ax, [esi]
        movzx edx, word [esi+2]
        push edx
        popfd
        OP
        pushfd
        pop edx
        mov [edi], ax
        mov [edi+2], dx
        add esi, 4
        add edi, 4
        cmp esi, tabend
        jb next
        mov eax, 4              ; write(1, out, n)
        mov ebx, 1
        mov ecx, out
        mov edx, tabend - tab
        int 0x80
        mov eax, 1              ; exit(0)
        xor ebx, ebx
        int 0x80
`
	ops := []struct {
		name  string
		asm   string
		code  []byte
		undef uint32
	}{
		{"daa", "daa", []byte{0x27}, FlagOF},
		{"das", "das", []byte{0x2F}, FlagOF},
		{"aaa", "aaa", []byte{0x37}, FlagOF | FlagSF | FlagZF | FlagPF},
		{"aas", "aas", []byte{0x3F}, FlagOF | FlagSF | FlagZF | FlagPF},
		{"aam 10", "aam 10", []byte{0xD4, 10}, FlagOF | FlagAF | FlagCF},
		{"aam 16", "aam 16", []byte{0xD4, 16}, FlagOF | FlagAF | FlagCF},
		{"aam 3", "aam 3", []byte{0xD4, 3}, FlagOF | FlagAF | FlagCF},
		{"aad 10", "aad 10", []byte{0xD5, 10}, FlagOF | FlagAF | FlagCF},
		{"aad 255", "aad 255", []byte{0xD5, 255}, FlagOF | FlagAF | FlagCF},
		{"aad 0", "aad 0", []byte{0xD5, 0}, FlagOF | FlagAF | FlagCF},
	}
	for _, op := range ops {
		src := filepath.Join(dir, "bcd.asm")
		os.WriteFile(src, []byte(fmt.Sprintf("%%define OP %s\n%s", op.asm, prog)), 0o644)
		obj, exe := filepath.Join(dir, "bcd.o"), filepath.Join(dir, "bcd")
		if b, err := exec.Command(nasm, "-f", "elf32", "-i", dir+"/", "-o", obj, src).CombinedOutput(); err != nil {
			t.Fatalf("nasm: %v\n%s", err, b)
		}
		if b, err := exec.Command(ld, "-m", "elf_i386", "-o", exe, obj).CombinedOutput(); err != nil {
			t.Fatalf("ld: %v\n%s", err, b)
		}
		cmd := exec.Command(exe)
		cmd.Dir = dir
		hw, err := cmd.Output()
		if err != nil {
			t.Skipf("the host cannot run 32-bit programs: %v", err)
		}
		if len(hw) != len(table) {
			t.Fatalf("%s: %d bytes back, want %d", op.name, len(hw), len(table))
		}
		for _, m := range []Model{I80286, I80386} {
			mem := bus.NewMemory(1 << 20)
			mem.LoadImage(0x10100, append(op.code, 0xF4))
			c := New(Config{Model: m, Memory: mem})
			bad := 0
			for i, r := range in {
				c.Reset()
				c.SetSeg(CS, 0x1000)
				c.SetIP(0x100)
				c.SetReg16(AX, r.ax)
				c.SetFlags(uint32(r.flags))
				if e, err := c.Run(2); err != nil || e.Reason != emu.ExitHalt {
					t.Fatalf("%s: %v %v", op.name, e, err)
				}
				wantAX := binary.LittleEndian.Uint16(hw[4*i:])
				wantFl := uint32(binary.LittleEndian.Uint16(hw[4*i+2:]))
				mask := uint32(arithFlags) &^ op.undef
				if c.Reg16(AX) != wantAX || c.Flags()&mask != wantFl&mask {
					if bad++; bad <= 5 {
						t.Errorf("%v %s from ax=%04x flags=%03x: got ax=%04x flags=%03x, hardware ax=%04x flags=%03x (compared %03x)",
							m, op.name, r.ax, r.flags, c.Reg16(AX), c.Flags()&mask, wantAX, wantFl&mask, mask)
					}
				}
			}
		}
	}
}
