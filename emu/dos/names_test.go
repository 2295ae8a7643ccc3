package dos

import (
	"encoding/binary"
	"strings"
	"testing"
)

func TestShortNames(t *testing.T) {
	for _, tc := range []struct {
		host, short string
		ok          bool
	}{
		{"readme.txt", "README.TXT", true},
		{"README.TXT", "README.TXT", true},
		{"a", "A", true},
		{"Makefile", "MAKEFILE", true},
		{"long name.txt", "", false},
		{"archive.tar.gz", "", false},
		{".hidden", "", false},
		{"toolongname.c", "", false},
		{"über.txt", "\x9aBER.TXT", true}, // ü is 81h in code page 437; its capital Ü is 9Ah
		{"日本.txt", "", false},
	} {
		got, ok := shortName(tc.host)
		if ok != tc.ok || got != tc.short {
			t.Errorf("shortName(%q) = %q %v, want %q %v", tc.host, got, ok, tc.short, tc.ok)
		}
	}
	taken := map[string]bool{}
	alias := func(h string) string {
		a := aliasName(h, func(s string) bool { return taken[s] })
		taken[a] = true
		return a
	}
	for _, tc := range [][2]string{
		{"long name.txt", "LONGNA~1.TXT"},
		{"longname.text", "LONGNA~1.TEX"},
		{"long name two.txt", "LONGNA~2.TXT"},
		{"archive.tar.gz", "ARCHIV~1.GZ"},
		{".hidden", "HIDDEN~1"},
		{"日本.txt", "__~1.TXT"},
	} {
		if got := alias(tc[0]); got != tc[1] {
			t.Errorf("alias of %q = %q, want %q", tc[0], got, tc[1])
		}
	}
	if f := toFCB("*.T?T"); string(f[:]) != "????????T?T" {
		t.Errorf("toFCB = %q", f)
	}
	if !toFCB("*.*").match(toFCB("README.TXT")) || toFCB("*").match(toFCB("README.TXT")) || !toFCB("*").match(toFCB("MAKEFILE")) {
		t.Errorf("FCB matching: *.* matches all, * only names without an extension")
	}
}

// TestHostNames: files with long or lower-case names in the VFS are found
// by their DOS names, listed with aliases, and what DOS creates keeps the
// name DOS gave it.
func TestHostNames(t *testing.T) {
	r := freedosRig(t)
	r.fs.WriteFile("/c/notes.txt", []byte("lower case\r\n"), 0o644)
	r.fs.WriteFile("/c/Meeting Notes.text", []byte("long name\r\n"), 0o644)
	r.keys("TYPE NOTES.TXT\rTYPE notes.txt\rDIR /B *.TEX\rTYPE MEETIN~1.TEX\rCOPY NOTES.TXT NEW.TXT\rEXIT\r")
	r.mustRun("DOS/COMMAND.COM")
	out := r.out.String()
	if strings.Count(out, "lower case") != 2 {
		t.Errorf("NOTES.TXT not found by either case:\n%s", out)
	}
	if !strings.Contains(out, "MEETIN~1.TEX") || !strings.Contains(out, "long name") {
		t.Errorf("the long name's alias:\n%s", out)
	}
	if got := r.file("NEW.TXT"); got != "lower case\r\n" {
		t.Errorf("NEW.TXT holds %q", got)
	}
}

func TestUnknownFunction(t *testing.T) {
	r := runAsm(t, "unknown", nil)
	n := 0
	for _, l := range r.logs {
		if strings.Contains(l, "AH=DFh") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("logged %d times, want once: %q", n, r.logs)
	}
}

// TestBatch: a .BAT file runs through COMSPEC (COMMAND.COM /C).
func TestBatch(t *testing.T) {
	r := freedosRig(t)
	r.fs.WriteFile("/c/HELLO.BAT", []byte("@ECHO OFF\r\nECHO batch says hi\r\nDOS\\FIND \"an\" FRUIT.TXT\r\n"), 0o644)
	r.mustRun("HELLO.BAT")
	wantLines(t, "HELLO.BAT", strings.TrimLeft(r.out.String(), "\r\n"), "batch says hi", "---------------- FRUIT.TXT", "banana")
}

// TestMZRelocation: an .EXE whose code loads its data segment through a
// relocation, with its own stack.
func TestMZRelocation(t *testing.T) {
	code := []byte{
		0xB8, 0x02, 0x00, // mov ax, seg data: paragraph 2 of the image, relocated
		0x8E, 0xD8, // mov ds, ax
		0xBA, 0x00, 0x00, // mov dx, 0
		0xB4, 0x09, // mov ah, 9
		0xCD, 0x21, // int 21h
		0x8C, 0xD0, // mov ax, ss
		0xB4, 0x4C, // mov ah, 4Ch (the exit code is the low byte of SS)
		0xCD, 0x21, // int 21h
	}
	image := make([]byte, 32)
	copy(image, code)
	image = append(image, "relocated$"...)
	exe := mz(len(image)+64, 1)
	hdr := len(exe) - (len(image) + 64)
	copy(exe[hdr:], image)
	binary.LittleEndian.PutUint16(exe[28:], 1) // the relocation: 0000:0001, the immediate
	binary.LittleEndian.PutUint16(exe[30:], 0)
	binary.LittleEndian.PutUint16(exe[0x0E:], 4)    // SS: 4 paragraphs into the image
	binary.LittleEndian.PutUint16(exe[0x10:], 0x40) // SP
	r := newRig(t, map[string][]byte{"R.EXE": exe})
	code2 := r.mustRun("R.EXE")
	if r.out.String() != "relocated" {
		t.Errorf("output %q", r.out.String())
	}
	// The image loads at the PSP + 10h; SS is 4 paragraphs into it.
	var psp uint16
	r.m.walk(false, func(b mcb) bool {
		if b.owner == b.seg+1 {
			psp = b.seg + 1
		}
		return true
	})
	if want := uint8(psp + 0x10 + 4); uint8(code2) != want {
		t.Errorf("exit code (low byte of SS) %02X, want %02X", code2, want)
	}
}

func TestBatchWithoutShell(t *testing.T) {
	r := newRig(t, map[string][]byte{"X.BAT": []byte("@ECHO hi\r\n")})
	_, err := r.run("X.BAT")
	if err == nil || !strings.Contains(err.Error(), "command interpreter") {
		t.Fatalf("error %v", err)
	}
}
