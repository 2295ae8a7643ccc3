package singlestep

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nachoos/nacho/emu/x86"
)

// A MOO writer for tests: chunks of type, length, payload.
func mkChunk(typ string, parts ...[]byte) []byte {
	p := bytes.Join(parts, nil)
	b := append([]byte(typ), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(p)))
	return append(b, p...)
}

func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func u16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }

// regs32 encodes an RG32/RM32 payload from register number -> value.
func regs32(m map[int]uint32) []byte {
	var mask uint32
	for i := range m {
		mask |= 1 << i
	}
	out := u32(mask)
	for i := 0; i < NumRegs32; i++ {
		if v, ok := m[i]; ok {
			out = append(out, u32(v)...)
		}
	}
	return out
}

func ram(pairs ...uint32) []byte {
	out := u32(uint32(len(pairs) / 2))
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, u32(pairs[i])...)
		out = append(out, byte(pairs[i+1]))
	}
	return out
}

func mooFile(cpu string, body ...[]byte) []byte {
	hdr := mkChunk("MOO ", []byte{1, 1, 0, 0}, u32(1), []byte(cpu))
	return append(hdr, bytes.Join(body, nil)...)
}

func mooTestChunk(idx uint32, name string, code []byte, init, fina []byte) []byte {
	return mkChunk("TEST", u32(idx),
		mkChunk("NAME", u32(uint32(len(name))), []byte(name)),
		mkChunk("BYTS", u32(uint32(len(code))), code),
		mkChunk("INIT", init),
		mkChunk("FINA", fina),
		mkChunk("HASH", bytes.Repeat([]byte{byte(idx)}, 20)))
}

// The 386 suite's 32-bit register file, masks and a protected-mode skip.
func TestMOO386(t *testing.T) {
	// add eax, ebx ; hlt at 1000:0100, flags' AF masked file-wide. Test 1
	// expects a wrong EAX; test 2 starts in protected mode.
	code := []byte{0x66, 0x01, 0xD8, 0xF4}
	mem := ram(0x10100, 0x66, 0x10101, 0x01, 0x10102, 0xD8, 0x10103, 0xF4)
	mk := func(idx uint32, eax uint32, cr0 uint32) []byte {
		in := regs32(map[int]uint32{R32CR0: cr0, R32EAX: 0xFFFFFFFF, R32EBX: 2, R32CS: 0x1000, R32SS: 0x2000,
			R32ESP: 0x100, R32EIP: 0x100, R32EFlags: 2, R32DS: 0, R32ES: 0, R32FS: 0, R32GS: 0,
			R32ECX: 0, R32EDX: 0, R32ESI: 0, R32EDI: 0, R32EBP: 0, R32CR3: 0, R32DR6: 0, R32DR7: 0})
		fi := regs32(map[int]uint32{R32EAX: eax, R32EIP: 0x104, R32EFlags: 0x13 | 0x10}) // CF, AF (masked)
		return mooTestChunk(idx, "add eax,ebx", code,
			append(mkChunk("RG32", in), mkChunk("RAM ", mem)...),
			append(mkChunk("RG32", fi), mkChunk("RAM ", ram())...))
	}
	file := mooFile("386E",
		mkChunk("RM32", regs32(map[int]uint32{R32EFlags: ^uint32(0x10)})), // AF undefined
		mk(0, 1, 0x10), mk(1, 2, 0x10), mk(2, 1, 0x11))
	path := filepath.Join(t.TempDir(), "01.MOO")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sum, fails, err := RunPaths([]string{path}, Options{Model: x86.I80386, Limit: 10, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Passed != 1 || sum.Failed != 1 || sum.Skipped["protected mode (not implemented)"] != 1 {
		t.Fatalf("summary %v\n%s", sum, out.String())
	}
	if len(fails) != 1 || !strings.Contains(fails[0].String(), "eax: want 00000002 got 00000001") {
		t.Errorf("failure report %v", fails)
	}
	if got := sum.String(); got != "1 passed, 1 failed, 1 skipped (protected mode (not implemented): 1)" {
		t.Errorf("summary line %q", got)
	}
}

// RMSK in a final state masks part of a 16-bit register.
func TestMOORegisterMask(t *testing.T) {
	regs := func(m map[int]uint16) []byte {
		var mask uint16
		for i := range m {
			mask |= 1 << i
		}
		out := u16(mask)
		for i := 0; i < NumRegs; i++ {
			if v, ok := m[i]; ok {
				out = append(out, u16(v)...)
			}
		}
		return out
	}
	all := map[int]uint16{RegAX: 0x1234, RegBX: 0, RegCX: 0, RegDX: 0, RegCS: 0x1000, RegSS: 0x2000,
		RegDS: 0, RegES: 0, RegSP: 0x100, RegBP: 0, RegSI: 0, RegDI: 0, RegIP: 0x100, RegFlags: 2}
	mem := ram(0x10100, 0x90, 0x10101, 0xF4) // nop; hlt
	test := mooTestChunk(0, "nop", []byte{0x90, 0xF4},
		append(mkChunk("REGS", regs(all)), mkChunk("RAM ", mem)...),
		append(append(mkChunk("REGS", regs(map[int]uint16{RegAX: 0x12FF, RegIP: 0x102})),
			mkChunk("RMSK", regs(map[int]uint16{RegAX: 0xFF00}))...), mkChunk("RAM ", ram())...))
	tests, err := ReadMOO(bytes.NewReader(mooFile("C286", test)))
	if err != nil {
		t.Fatal(err)
	}
	r := NewRunner(x86.I80286)
	if o := r.Run("90", &tests[0]); len(o.Diffs) != 0 || o.Skip != "" {
		t.Errorf("masked AX low byte still compared: %+v", o)
	}
}

func TestMOORejects(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":     nil,
		"no header": mkChunk("TEST", u32(0)),
		"truncated": mooFile("C286", mkChunk("TEST", u32(0)))[:26],
		"bad regs":  mooFile("C286", mkChunk("TEST", u32(0), mkChunk("INIT", mkChunk("REGS", u16(0xFFFF))))),
	} {
		if _, err := ReadMOO(bytes.NewReader(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
