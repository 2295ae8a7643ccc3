// Package singlestep reads the SingleStepTests CPU test suites (the
// original JSON format and the binary MOO format, gzipped or not), their
// metadata (undefined-flag masks) and revocation lists, and runs them on
// the x86 core, comparing registers and memory after each instruction.
//
// It backs `nacho conform` and the conformance tests of emu/x86. It must
// not import syscall/js.
package singlestep

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Register numbers, in the order of the MOO REGS chunk.
const (
	RegAX = iota
	RegBX
	RegCX
	RegDX
	RegCS
	RegSS
	RegDS
	RegES
	RegSP
	RegBP
	RegSI
	RegDI
	RegIP
	RegFlags
	NumRegs
)

// RegNames are the registers' names, by number.
var RegNames = [NumRegs]string{"ax", "bx", "cx", "dx", "cs", "ss", "ds", "es", "sp", "bp", "si", "di", "ip", "flags"}

// 32-bit register numbers, in the order of the MOO RG32 chunk (386 suites).
const (
	R32CR0 = iota
	R32CR3
	R32EAX
	R32EBX
	R32ECX
	R32EDX
	R32ESI
	R32EDI
	R32EBP
	R32ESP
	R32CS
	R32DS
	R32ES
	R32FS
	R32GS
	R32SS
	R32EIP
	R32EFlags
	R32DR6
	R32DR7
	NumRegs32
)

// Reg32Names are the 32-bit registers' names, by number.
var Reg32Names = [NumRegs32]string{"cr0", "cr3", "eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp",
	"cs", "ds", "es", "fs", "gs", "ss", "eip", "eflags", "dr6", "dr7"}

// State is a CPU state in a test: the registers present (all of them in
// an initial state, the changed ones in a final state) and memory bytes.
// Suites of 16-bit CPUs use Regs; the 386 suite uses Regs32. Masks, when
// present, say which bits of a register the test defines (RMSK, RM32).
type State struct {
	Regs      [NumRegs]uint16
	Present   uint16 // bit i: Regs[i] given
	Mask      [NumRegs]uint16
	MaskSet   uint16 // bit i: Mask[i] given
	Regs32    [NumRegs32]uint32
	Present32 uint32
	Mask32    [NumRegs32]uint32
	MaskSet32 uint32
	RAM       []Byte
}

// Is32 says whether the state uses the 32-bit register file.
func (s *State) Is32() bool { return s.Present32 != 0 }

// Byte is one memory byte at a physical address.
type Byte struct {
	Addr  uint32
	Value uint8
}

// Exception is what a test says about an exception or interrupt the
// instruction took (MOO EXCP): its number and where FLAGS was pushed.
type Exception struct {
	Number   uint8
	FlagAddr uint32
}

// Test is one test case.
type Test struct {
	Index     int
	Name      string
	Bytes     []byte
	Initial   State
	Final     State
	Exception *Exception
	Hash      string // lower-case hex
}

// ErrFormat is returned (wrapped) for input that is not a test file of a
// known format.
var ErrFormat = errors.New("singlestep: bad test file")

// ReadFile reads a test file: .json, .json.gz, .MOO or .MOO.gz (case does
// not matter).
func ReadFile(path string) ([]Test, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	name := strings.ToLower(path)
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w: %v", path, ErrFormat, err)
		}
		defer zr.Close()
		r = zr
		name = strings.TrimSuffix(name, ".gz")
	}
	var tests []Test
	switch {
	case strings.HasSuffix(name, ".json"):
		tests, err = ReadJSON(r)
	case strings.HasSuffix(name, ".moo"):
		tests, err = ReadMOO(r)
	default:
		return nil, fmt.Errorf("%s: %w: want .json[.gz] or .MOO[.gz]", path, ErrFormat)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return tests, nil
}

// IsTestFile says whether a file name has a test-file extension.
func IsTestFile(name string) bool {
	n := strings.ToLower(name)
	n = strings.TrimSuffix(n, ".gz")
	return (strings.HasSuffix(n, ".json") && filepath.Base(n) != "metadata.json") || strings.HasSuffix(n, ".moo")
}

// OpcodeKey is the opcode a test file covers, from its name: "F6.7" for
// F6.7.json.gz, "00" for 00.MOO.gz.
func OpcodeKey(path string) string {
	b := filepath.Base(path)
	for _, ext := range []string{".gz", ".json", ".moo"} {
		if strings.HasSuffix(strings.ToLower(b), ext) {
			b = b[:len(b)-len(ext)]
		}
	}
	return strings.ToUpper(b)
}

type jsonState struct {
	Regs map[string]uint16 `json:"regs"`
	RAM  [][2]uint32       `json:"ram"`
}

type jsonTest struct {
	Idx       *int      `json:"idx"`
	TestNum   *int      `json:"test_num"`
	Name      string    `json:"name"`
	Bytes     []uint8   `json:"bytes"`
	Initial   jsonState `json:"initial"`
	Final     jsonState `json:"final"`
	Hash      string    `json:"hash"`
	TestHash  string    `json:"test_hash"`
	Exception *struct {
		Number   uint8  `json:"number"`
		FlagAddr uint32 `json:"flag_address"`
	} `json:"exception"`
}

func (s *jsonState) state() (State, error) {
	var st State
	for k, v := range s.Regs {
		i := -1
		for j, n := range RegNames {
			if n == k {
				i = j
			}
		}
		if i < 0 {
			return st, fmt.Errorf("%w: unknown register %q", ErrFormat, k)
		}
		st.Regs[i] = v
		st.Present |= 1 << i
	}
	for _, b := range s.RAM {
		if b[1] > 0xFF {
			return st, fmt.Errorf("%w: RAM byte %d at %#x", ErrFormat, b[1], b[0])
		}
		st.RAM = append(st.RAM, Byte{b[0], uint8(b[1])})
	}
	return st, nil
}

// ReadJSON reads the JSON format: an array of tests. Cycle and queue data
// are skipped.
func ReadJSON(r io.Reader) ([]Test, error) {
	d := json.NewDecoder(r)
	if tok, err := d.Token(); err != nil || tok != json.Delim('[') {
		return nil, fmt.Errorf("%w: not a JSON array", ErrFormat)
	}
	var tests []Test
	for d.More() {
		var jt jsonTest
		if err := d.Decode(&jt); err != nil {
			return nil, fmt.Errorf("%w: test %d: %v", ErrFormat, len(tests), err)
		}
		t := Test{Index: len(tests), Name: jt.Name, Bytes: jt.Bytes, Hash: jt.Hash}
		if jt.Idx != nil {
			t.Index = *jt.Idx
		} else if jt.TestNum != nil {
			t.Index = *jt.TestNum
		}
		if t.Hash == "" {
			t.Hash = jt.TestHash
		}
		var err error
		if t.Initial, err = jt.Initial.state(); err != nil {
			return nil, fmt.Errorf("test %d: %w", t.Index, err)
		}
		if t.Initial.Present != 1<<NumRegs-1 {
			return nil, fmt.Errorf("%w: test %d: initial state lacks registers", ErrFormat, t.Index)
		}
		if t.Final, err = jt.Final.state(); err != nil {
			return nil, fmt.Errorf("test %d: %w", t.Index, err)
		}
		if jt.Exception != nil {
			t.Exception = &Exception{jt.Exception.Number, jt.Exception.FlagAddr}
		}
		tests = append(tests, t)
	}
	return tests, nil
}

// MOO: little-endian chunks of a four-byte type and a four-byte length.
// Unknown chunks are skipped by their length.

type chunk struct {
	typ  string
	data []byte
}

func readChunks(b []byte) ([]chunk, error) {
	var cs []chunk
	for len(b) > 0 {
		if len(b) < 8 {
			return nil, fmt.Errorf("%w: truncated chunk header", ErrFormat)
		}
		n := binary.LittleEndian.Uint32(b[4:])
		if uint64(n) > uint64(len(b)-8) {
			return nil, fmt.Errorf("%w: chunk %q of %d bytes runs past its parent", ErrFormat, b[:4], n)
		}
		cs = append(cs, chunk{string(b[:4]), b[8 : 8+n]})
		b = b[8+n:]
	}
	return cs, nil
}

// ReadMOO reads the binary MOO format (version 1.x).
func ReadMOO(r io.Reader) ([]Test, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	cs, err := readChunks(data)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 || cs[0].typ != "MOO " {
		return nil, fmt.Errorf("%w: no MOO header", ErrFormat)
	}
	if len(cs[0].data) < 1 || cs[0].data[0] != 1 {
		return nil, fmt.Errorf("%w: unsupported MOO major version", ErrFormat)
	}
	var tests []Test
	var top State // file-wide register masks
	for _, c := range cs[1:] {
		switch c.typ {
		case "RMSK", "RM32":
			if err := mooRegs(c.typ, c.data, &top); err != nil {
				return nil, err
			}
			continue
		case "TEST":
		default:
			continue
		}
		t, err := mooTest(c.data)
		if err != nil {
			return nil, fmt.Errorf("test %d: %w", len(tests), err)
		}
		// A test's own masks win over the file's.
		for i := 0; i < NumRegs; i++ {
			if top.MaskSet&(1<<i) != 0 && t.Final.MaskSet&(1<<i) == 0 {
				t.Final.Mask[i] = top.Mask[i]
				t.Final.MaskSet |= 1 << i
			}
		}
		for i := 0; i < NumRegs32; i++ {
			if top.MaskSet32&(1<<i) != 0 && t.Final.MaskSet32&(1<<i) == 0 {
				t.Final.Mask32[i] = top.Mask32[i]
				t.Final.MaskSet32 |= 1 << i
			}
		}
		tests = append(tests, t)
	}
	return tests, nil
}

func mooTest(b []byte) (Test, error) {
	var t Test
	if len(b) < 4 {
		return t, fmt.Errorf("%w: short TEST chunk", ErrFormat)
	}
	t.Index = int(binary.LittleEndian.Uint32(b))
	cs, err := readChunks(b[4:])
	if err != nil {
		return t, err
	}
	for _, c := range cs {
		switch c.typ {
		case "NAME":
			s, err := lenPrefixed(c.data)
			if err != nil {
				return t, err
			}
			t.Name = string(s)
		case "BYTS":
			s, err := lenPrefixed(c.data)
			if err != nil {
				return t, err
			}
			t.Bytes = bytes.Clone(s)
		case "INIT":
			if t.Initial, err = mooState(c.data); err != nil {
				return t, err
			}
		case "FINA":
			if t.Final, err = mooState(c.data); err != nil {
				return t, err
			}
		case "EXCP":
			if len(c.data) < 5 {
				return t, fmt.Errorf("%w: short EXCP", ErrFormat)
			}
			t.Exception = &Exception{c.data[0], binary.LittleEndian.Uint32(c.data[1:])}
		case "HASH":
			t.Hash = hex.EncodeToString(c.data)
		}
	}
	if t.Initial.Present != 1<<NumRegs-1 && t.Initial.Present32 != 1<<NumRegs32-1 {
		return t, fmt.Errorf("%w: initial state lacks registers", ErrFormat)
	}
	return t, nil
}

func lenPrefixed(b []byte) ([]byte, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("%w: short length-prefixed chunk", ErrFormat)
	}
	n := binary.LittleEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-4) {
		return nil, fmt.Errorf("%w: length %d past chunk end", ErrFormat, n)
	}
	return b[4 : 4+n], nil
}

func mooState(b []byte) (State, error) {
	var st State
	cs, err := readChunks(b)
	if err != nil {
		return st, err
	}
	for _, c := range cs {
		switch c.typ {
		case "REGS", "RMSK", "RG32", "RM32":
			if err := mooRegs(c.typ, c.data, &st); err != nil {
				return st, err
			}
		case "RAM ":
			if len(c.data) < 4 {
				return st, fmt.Errorf("%w: short RAM", ErrFormat)
			}
			n := binary.LittleEndian.Uint32(c.data)
			if uint64(n)*5 > uint64(len(c.data)-4) {
				return st, fmt.Errorf("%w: RAM count %d past chunk end", ErrFormat, n)
			}
			for i := uint32(0); i < n; i++ {
				e := c.data[4+5*i:]
				st.RAM = append(st.RAM, Byte{binary.LittleEndian.Uint32(e), e[4]})
			}
		}
	}
	return st, nil
}

// mooRegs reads a REGS, RMSK (16-bit: a uint16 mask then a value per set
// bit) or RG32, RM32 chunk (32-bit: a uint32 mask then the values) into st.
func mooRegs(typ string, d []byte, st *State) error {
	wide := typ == "RG32" || typ == "RM32"
	n, w := NumRegs, 2
	if wide {
		n, w = NumRegs32, 4
	}
	if len(d) < w {
		return fmt.Errorf("%w: short %s", ErrFormat, typ)
	}
	var mask uint32
	if wide {
		mask = binary.LittleEndian.Uint32(d)
	} else {
		mask = uint32(binary.LittleEndian.Uint16(d))
	}
	p := d[w:]
	for i := 0; i < n; i++ {
		if mask&(1<<i) == 0 {
			continue
		}
		if len(p) < w {
			return fmt.Errorf("%w: %s shorter than its mask", ErrFormat, typ)
		}
		switch typ {
		case "REGS":
			st.Regs[i] = binary.LittleEndian.Uint16(p)
		case "RMSK":
			st.Mask[i] = binary.LittleEndian.Uint16(p)
		case "RG32":
			st.Regs32[i] = binary.LittleEndian.Uint32(p)
		case "RM32":
			st.Mask32[i] = binary.LittleEndian.Uint32(p)
		}
		p = p[w:]
	}
	switch typ {
	case "REGS":
		st.Present |= uint16(mask) & (1<<NumRegs - 1)
	case "RMSK":
		st.MaskSet |= uint16(mask) & (1<<NumRegs - 1)
	case "RG32":
		st.Present32 |= mask & (1<<NumRegs32 - 1)
	case "RM32":
		st.MaskSet32 |= mask & (1<<NumRegs32 - 1)
	}
	return nil
}
