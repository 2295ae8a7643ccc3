package dos

import (
	"strings"
	"testing"
	"time"
)

// The nasm programs in testdata exercise INT 21h by group; each checks
// DOS's documented results itself and ends with "<group> OK" (or prints
// FAIL and exits 1).

func runAsm(t *testing.T, name string, files map[string][]byte) *rig {
	t.Helper()
	if files == nil {
		files = map[string][]byte{}
	}
	files[strings.ToUpper(name)+".COM"] = assemble(t, name)
	r := newRig(t, files)
	code := r.mustRun(strings.ToUpper(name) + ".COM")
	if code != 0 || !strings.Contains(r.out.String(), name+" OK") {
		t.Fatalf("%s: exit %d\n%s\nlog: %q", name, code, r.out.String(), r.logs)
	}
	return r
}

func TestInt21Files(t *testing.T) {
	r := runAsm(t, "files", nil)
	out := r.out.String()
	for _, want := range []string{"read: written\r\n", "dup2: itt\r\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The temporary file's name was appended to the path, and it is gone.
	i := strings.Index(out, "temp: C:\\")
	if i < 0 || len(out) < i+len("temp: C:\\")+8 {
		t.Fatalf("temp file name: %q", out)
	}
	ents, _ := r.fs.ReadDir("/c")
	for _, e := range ents {
		if e.Name() != "FILES.COM" && e.Name() != "MISSING.TXT" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestInt21Dirs(t *testing.T) {
	r := runAsm(t, "dirs", nil)
	out := r.out.String()
	for _, want := range []string{
		"cwd: WORK\r\n",
		"found: A.TXT size 0003\r\nfound: B.TXT size 0003\r\n",
		"first: .\r\n",
		"truename: C:\\WORK\\A.TXT\r\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "C.DAT") {
		t.Errorf("*.TXT found C.DAT:\n%s", out)
	}
	if _, err := r.fs.Stat("/c/WORK"); err == nil {
		t.Errorf("WORK is still there")
	}
}

func TestInt21Memory(t *testing.T) { runAsm(t, "memory", nil) }

func TestInt21Process(t *testing.T) {
	files := map[string][]byte{
		"CHILD.COM":   assemble(t, "child"),
		"TSR.COM":     assemble(t, "tsr"),
		"OVL.BIN":     assemble(t, "ovl"),
		"PROCESS.COM": assemble(t, "process"),
	}
	r := newRig(t, files)
	code := r.mustRun("PROCESS.COM", "hello", "world")
	out := r.out.String()
	if code != 0 || !strings.Contains(out, "process OK") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{
		"tail:[ hello world]\r\n",
		"name: C:\\PROCESS.COM\r\n",
		"child tail:[ arg1]\r\n",
		"child name: C:\\CHILD.COM\r\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestInt21Console(t *testing.T) {
	r := newRig(t, map[string][]byte{"CONSOLE.COM": assemble(t, "console")})
	r.cfg.IO.Terminal = true
	r.keys("xywzhello\rq\x1bOP")
	code := r.mustRun("CONSOLE.COM")
	out := r.out.String()
	if code != 0 || !strings.Contains(out, "console OK") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// 08h does not echo x, 01h echoes y; 0Ah echoes the line.
	wantLines(t, "console", out, "Hello, console.", "y", ">xywz", "hello", "line:hello:0005", "q", "console OK")
}

func TestInt21Misc(t *testing.T) {
	r := runAsm(t, "misc", nil)
	if !strings.Contains(r.out.String(), "fcb:[FOO     T??]") {
		t.Errorf("parse: %q", r.out.String())
	}
}

func TestInt21FCB(t *testing.T) {
	r := runAsm(t, "fcb", nil)
	out := r.out.String()
	for _, want := range []string{"rec:first record... \r\n", "rec:second record.. \r\n", "found:[RECORDS DAT]"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := r.fs.Stat("/c/RENAMED.DAT"); err == nil {
		t.Errorf("RENAMED.DAT was not deleted")
	}
}

// TestInt21Coverage: every function the DOS API must answer has a handler
// in the table, with a name and a support level.
func TestInt21Coverage(t *testing.T) {
	want := []uint8{0x01, 0x02, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, // console
		0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x21, 0x22, 0x23, 0x24, 0x27, 0x28, 0x29, // FCBs
		0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x56, 0x57, 0x5A, 0x5B, 0x68, // handles
		0x39, 0x3A, 0x3B, 0x47, 0x1A, 0x2F, 0x4E, 0x4F, 0x0E, 0x19, 0x36, // directories, search, drives
		0x2A, 0x2B, 0x2C, 0x2D, 0x48, 0x49, 0x4A, 0x58, 0x4B, 0x4C, 0x4D, 0x31, 0x25, 0x35, 0x30, 0x60}
	for _, ah := range want {
		f := int21Table[ah]
		if f.handler == nil || f.Name == "" || f.Support == Unsupported {
			t.Errorf("INT 21h AH=%02Xh: %+v", ah, f)
		}
	}
	if n := len(Functions()); n < 100 {
		t.Errorf("the table lists %d functions", n)
	}
}

func TestCtrlBreakInWindow(t *testing.T) {
	// A program that never looks at the console: the first Ctrl-Break is
	// DOS's (nobody takes it), the second ends the program.
	r := newRig(t, map[string][]byte{"L.COM": assemble(t, "faults", "LOOP")})
	w := newFakeWindow()
	r.cfg.IO.Window = w
	go func() {
		time.Sleep(200 * time.Millisecond)
		w.send("{Ctrl+Pause}")
		time.Sleep(200 * time.Millisecond)
		w.send("{Ctrl+Pause}")
	}()
	code := r.mustRun("L.COM")
	if code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
}
