package dos

import (
	"io/fs"
	"strings"
	"testing"
)

// FreeDOS programs run as a user would, their output compared with what
// DOS prints. The expectations come from each program's documentation (its
// /? text, quoted in the comments) and from what the command must do; the
// exact wording of a message is the program's own and the same on any DOS.

var freedosPrograms = []string{"COMMAND.COM", "SORT.COM", "FIND.COM", "MORE.EXE", "MEM.EXE", "TREE.COM",
	"XCOPY.EXE", "COMP.COM", "ATTRIB.COM", "DELTREE.COM", "MOVE.EXE", "CHOICE.EXE", "EDIT.EXE", "EDIT.HLP"}

const fruit = "banana\r\napple\r\ncherry\r\n"

// freedosRig is a C: drive with the FreeDOS programs in C:\DOS and a few
// files and folders to work on:
//
//	C:\FRUIT.TXT          banana, apple, cherry
//	C:\DOCS\README.TXT
//	C:\DOCS\NOTES\TODO.TXT
//	C:\GAMES\             (empty)
func freedosRig(t *testing.T) *rig {
	t.Helper()
	files := map[string][]byte{}
	for n, b := range freedos(t, freedosPrograms...) {
		files["DOS/"+n] = b
	}
	files["FRUIT.TXT"] = []byte(fruit)
	files["DOCS/README.TXT"] = []byte("Read me first.\r\n")
	files["DOCS/NOTES/TODO.TXT"] = []byte("1. Write tests\r\n2. Run them\r\n")
	r := newRig(t, files)
	if err := r.fs.MkdirAll("/c/GAMES", 0o755); err != nil {
		t.Fatal(err)
	}
	r.cfg.Env = []string{"PATH=C:\\DOS", "COMSPEC=C:\\DOS\\COMMAND.COM"}
	return r
}

// lines splits DOS output into lines without their CR LF (a program
// that prints a line read with its CR gives CR CR LF, which looks the same
// on screen) and without trailing blanks.
func lines(s string) []string {
	s = strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	if s == "" {
		return nil
	}
	out := strings.Split(s, "\n")
	for i, l := range out {
		out[i] = strings.TrimRight(l, " \r")
	}
	return out
}

func wantLines(t *testing.T, what, got string, want ...string) {
	t.Helper()
	g := lines(got)
	if strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got: %q\nwant: %q", what, g, want)
	}
}

func TestFreeDOSSort(t *testing.T) {
	// "SORT [/R] [/+num]": lines in order, CR LF after each.
	r := freedosRig(t).redirect(fruit)
	r.mustRun("DOS/SORT.COM")
	if got := r.stdout.String(); got != "apple\r\nbanana\r\ncherry\r\n" {
		t.Errorf("SORT < FRUIT.TXT wrote %q", got)
	}
	// "/R Reverse order"
	r = freedosRig(t).redirect(fruit)
	r.mustRun("DOS/SORT.COM", "/R")
	wantLines(t, "SORT /R", r.stdout.String(), "cherry", "banana", "apple")
	// "/+num start sorting with column num": by the second letter
	// (b-a-nana, a-p-ple, c-h-erry).
	r = freedosRig(t).redirect(fruit)
	r.mustRun("DOS/SORT.COM", "/+2")
	wantLines(t, "SORT /+2", r.stdout.String(), "banana", "cherry", "apple")
	// A file name argument reads the file (as SORT FRUIT.TXT does on DOS).
	r = freedosRig(t)
	r.mustRun("DOS/SORT.COM", "FRUIT.TXT")
	wantLines(t, "SORT FRUIT.TXT", r.out.String(), "apple", "banana", "cherry")
}

func TestFreeDOSFind(t *testing.T) {
	run := func(args ...string) (int, string) {
		r := freedosRig(t)
		code := r.mustRun("DOS/FIND.COM", args...)
		return code, r.out.String()
	}
	// FIND prints each file's name after a row of dashes, then the lines
	// that contain the string; the exit code says whether any did.
	code, out := run(`"an"`, "FRUIT.TXT")
	wantLines(t, `FIND "an"`, out, "---------------- FRUIT.TXT", "banana")
	if code != 0 {
		t.Errorf("FIND with a match: exit %d, want 0", code)
	}
	code, out = run(`"kiwi"`, "FRUIT.TXT")
	wantLines(t, `FIND "kiwi"`, out, "---------------- FRUIT.TXT")
	if code != 1 {
		t.Errorf("FIND without a match: exit %d, want 1", code)
	}
	// "/C Only count the matching lines"
	_, out = run("/C", `"a"`, "FRUIT.TXT")
	wantLines(t, "FIND /C", out, "---------------- FRUIT.TXT", "2")
	// "/V Print lines that do not contain the string", "/N Show line numbers"
	_, out = run("/N", "/V", `"an"`, "FRUIT.TXT")
	wantLines(t, "FIND /N /V", out, "---------------- FRUIT.TXT", "2:apple", "3:cherry")
	// "/I Ignore case"
	_, out = run("/I", `"CHERRY"`, "FRUIT.TXT")
	wantLines(t, "FIND /I", out, "---------------- FRUIT.TXT", "cherry")
	// From standard input there is no file name to print.
	r := freedosRig(t).redirect(fruit)
	r.mustRun("DOS/FIND.COM", `"e"`)
	wantLines(t, "FIND < FRUIT.TXT", r.stdout.String(), "apple", "cherry")
	// Several files, wildcards through find first/next (each named as
	// the search found it).
	_, out = run(`"e"`, `DOCS\*.TXT`, "FRUIT.TXT")
	wantLines(t, "FIND in two files", out, "---------------- README.TXT", "Read me first.",
		"---------------- FRUIT.TXT", "apple", "cherry")
}

func TestFreeDOSMore(t *testing.T) {
	// MORE shows a screen less one line, then its prompt, and waits:
	// "Space = Next page", "Q q = Quit program".
	var text strings.Builder
	for i := 1; i <= 40; i++ {
		text.WriteString("line " + itoa2(i) + "\r\n")
	}
	r := freedosRig(t)
	r.fs.WriteFile("/c/LONG.TXT", []byte(text.String()), 0o644)
	r.keys(" ")
	r.mustRun("DOS/MORE.EXE", "LONG.TXT")
	out := r.out.String()
	first := strings.Index(out, "-- More --")
	if first < 0 {
		t.Fatalf("no prompt in %q", out)
	}
	page := lines(out[:first])
	if len(page) != 24 || page[0] != "line 1" || page[23] != "line 24" {
		t.Errorf("first page: %d lines %q", len(page), page)
	}
	if !strings.Contains(out, "line 40") {
		t.Errorf("after Space the rest should follow: %q", out)
	}
	// Q quits at the first prompt.
	r = freedosRig(t)
	r.fs.WriteFile("/c/LONG.TXT", []byte(text.String()), 0o644)
	r.keys("q")
	r.mustRun("DOS/MORE.EXE", "LONG.TXT")
	if out := r.out.String(); strings.Contains(out, "line 25") {
		t.Errorf("Q should have stopped after the first page: %q", out)
	}
	// A pipe in: "command | MORE", keys from the keyboard.
	r = freedosRig(t)
	r.cfg.IO.Stdin = strings.NewReader(text.String())
	r.keys(" ")
	r.mustRun("DOS/MORE.EXE")
	if out := r.out.String(); !strings.Contains(out, "line 24") || !strings.Contains(out, "line 40") {
		t.Errorf("MORE < LONG.TXT: %q", out)
	}
}

func itoa2(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return string(rune('0'+i/10)) + string(rune('0'+i%10))
}

func TestFreeDOSTree(t *testing.T) {
	// "TREE [drive:][path] [/F] [/A]": the directory structure; /A draws
	// it in ASCII; /F lists the files too.
	r := freedosRig(t)
	r.mustRun("DOS/TREE.COM", "/A")
	got := lines(r.out.String())
	if len(got) < 3 || got[0] != "Directory PATH listing for Volume NACHO" || !strings.HasPrefix(got[1], "Volume serial number is ") {
		t.Fatalf("TREE header: %q", got)
	}
	wantLines(t, "TREE /A", strings.Join(got[2:], "\n"),
		`C:\`,
		`+--DOCS`,
		`|  \--NOTES`,
		`+--DOS`,
		`\--GAMES`)
	r = freedosRig(t)
	r.mustRun("DOS/TREE.COM", `C:\DOCS`, "/F", "/A")
	got = lines(r.out.String())
	wantLines(t, "TREE DOCS /F /A", strings.Join(got[2:], "\n"),
		`C:\DOCS`,
		`|  README.TXT`,
		`|`,
		`\--NOTES`,
		`      TODO.TXT`)
}

func TestFreeDOSXcopy(t *testing.T) {
	// "/S" copies directories and subdirectories, "/I" takes a missing
	// destination for a directory.
	r := freedosRig(t)
	r.mustRun("DOS/XCOPY.EXE", "DOCS", "BACKUP", "/S", "/I")
	if !strings.Contains(r.out.String(), "2 file(s) copied") {
		t.Errorf("XCOPY output %q", r.out.String())
	}
	if got := r.file("BACKUP/NOTES/TODO.TXT"); got != "1. Write tests\r\n2. Run them\r\n" {
		t.Errorf("copied TODO.TXT holds %q", got)
	}
	if got := r.file("BACKUP/README.TXT"); got != "Read me first.\r\n" {
		t.Errorf("copied README.TXT holds %q", got)
	}
}

func TestFreeDOSComp(t *testing.T) {
	r := freedosRig(t)
	r.fs.WriteFile("/c/SAME.TXT", []byte(fruit), 0o644)
	r.mustRun("DOS/COMP.COM", "FRUIT.TXT", "SAME.TXT")
	wantLines(t, "COMP of equal files", r.out.String(), "Files compare OK.")
	// Differences are listed by offset (hex) with both bytes.
	r = freedosRig(t)
	r.fs.WriteFile("/c/OTHER.TXT", []byte("banana\r\nApple\r\ncherry\r\n"), 0o644)
	r.mustRun("DOS/COMP.COM", "FRUIT.TXT", "OTHER.TXT")
	out := r.out.String()
	if !strings.Contains(out, "0008    61 'a'  41 'A'") || !strings.Contains(out, "1 error(s)") {
		t.Errorf("COMP of different files: %q", out)
	}
}

func TestFreeDOSAttrib(t *testing.T) {
	// "+R Sets the Read-only attribute": the file becomes read-only for DOS
	// and on the VFS; "-R" clears it again.
	r := freedosRig(t)
	r.mustRun("DOS/ATTRIB.COM", "+R", "FRUIT.TXT")
	fi, err := r.fs.Stat("/c/FRUIT.TXT")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o200 != 0 {
		t.Errorf("after ATTRIB +R the file is %v", fi.Mode())
	}
	// COMMAND.COM's DEL is refused, and ATTRIB lists R.
	r.out.Reset()
	r.mustRun("DOS/COMMAND.COM", "/C", "DEL", "FRUIT.TXT")
	if _, err := r.fs.Stat("/c/FRUIT.TXT"); err != nil {
		t.Errorf("DEL removed a read-only file")
	}
	r.out.Reset()
	r.mustRun("DOS/ATTRIB.COM", "FRUIT.TXT")
	if out := r.out.String(); !strings.Contains(out, "R") || !strings.Contains(out, "FRUIT.TXT") {
		t.Errorf("ATTRIB FRUIT.TXT: %q", out)
	}
	r.mustRun("DOS/ATTRIB.COM", "-R", "FRUIT.TXT")
	fi, _ = r.fs.Stat("/c/FRUIT.TXT")
	if fi.Mode().Perm()&0o200 == 0 {
		t.Errorf("after ATTRIB -R the file is %v", fi.Mode())
	}
	// +H hides the file from DIR (the hidden bit lasts as long as the
	// machine: the VFS has no place for it).
	r = freedosRig(t)
	r.keys("DOS\\ATTRIB +H FRUIT.TXT\rDIR /B\rDOS\\ATTRIB -H FRUIT.TXT\rDIR /B FRUIT.TXT\rEXIT\r")
	r.mustRun("DOS/COMMAND.COM")
	out := r.out.String()
	hidden := out[strings.Index(out, "DIR /B"):strings.Index(out, "ATTRIB -H")]
	if strings.Contains(hidden, "FRUIT.TXT\r") || !strings.Contains(hidden, "GAMES") {
		t.Errorf("after ATTRIB +H, DIR /B shows:\n%s", hidden)
	}
	if !strings.Contains(out[strings.Index(out, "ATTRIB -H"):], "FRUIT.TXT") {
		t.Errorf("after ATTRIB -H the file is still hidden:\n%s", out)
	}
}

func TestFreeDOSDeltree(t *testing.T) {
	// "/Y Delete specified items without prompting" (from the root
	// directory it still warns; from C:\DOCS it does not).
	r := freedosRig(t)
	r.cfg.Dir = "/c/DOCS"
	r.mustRun("DOS/DELTREE.COM", "/Y", "NOTES")
	if _, err := r.fs.Stat("/c/DOCS/NOTES"); err == nil {
		t.Errorf("NOTES is still there:\n%s", r.out.String())
	}
	if _, err := r.fs.Stat("/c/DOCS/README.TXT"); err != nil {
		t.Errorf("DELTREE NOTES removed README.TXT")
	}
	// Without /Y it asks, and "n" keeps the tree.
	r = freedosRig(t)
	r.keys("n\r")
	r.mustRun("DOS/DELTREE.COM", "GAMES")
	if _, err := r.fs.Stat("/c/GAMES"); err != nil {
		t.Errorf("GAMES was deleted after answering n:\n%s", r.out.String())
	}
	if !strings.Contains(r.out.String(), "?") {
		t.Errorf("DELTREE did not ask: %q", r.out.String())
	}
}

func TestFreeDOSMove(t *testing.T) {
	// "Moves a file/directory to another location."
	r := freedosRig(t)
	r.mustRun("DOS/MOVE.EXE", "FRUIT.TXT", "GAMES")
	if _, err := r.fs.Stat("/c/FRUIT.TXT"); err == nil {
		t.Errorf("FRUIT.TXT is still in C:\\")
	}
	if got := r.file("GAMES/FRUIT.TXT"); got != fruit {
		t.Errorf("moved file holds %q", got)
	}
	// "You can move directories with this tool"
	r.mustRun("DOS/MOVE.EXE", "DOCS", "GAMES")
	if got := r.file("GAMES/DOCS/NOTES/TODO.TXT"); !strings.HasPrefix(got, "1. Write tests") {
		t.Errorf("moved directory lost TODO.TXT: %q", got)
	}
}

func TestFreeDOSChoice(t *testing.T) {
	// "Waits for the user to press a key, from a list of choices"; the
	// exit code is the position of the key in the list.
	for _, tc := range []struct {
		key  string
		code int
	}{{"y", 1}, {"n", 2}, {"xq\r n", 2}} {
		r := freedosRig(t)
		r.keys(tc.key)
		code := r.mustRun("DOS/CHOICE.EXE", "/C:YN", "Continue")
		if code != tc.code {
			t.Errorf("CHOICE with %q: exit %d, want %d", tc.key, code, tc.code)
		}
		if !strings.HasPrefix(r.out.String(), "Continue[Y,N]?") {
			t.Errorf("CHOICE prompt %q", r.out.String())
		}
	}
	// "/T[:]c,nn - Automatically choose key c after nn seconds": no key
	// in two seconds picks N.
	r := freedosRig(t)
	r.cfg.IO.Keyboard = blockingReader{}
	code := r.mustRun("DOS/CHOICE.EXE", "/C:YN", "/T:N,2", "Wait")
	if code != 2 {
		t.Errorf("CHOICE /T:N,2 exit %d, want 2", code)
	}
}

func TestFreeDOSMem(t *testing.T) {
	r := freedosRig(t)
	r.mustRun("DOS/MEM.EXE")
	out := r.out.String()
	// 640 KiB of conventional memory, used and free adding up, and the
	// largest program as big as the free memory.
	for _, want := range []string{"Conventional          640K", "Total under 1 MB      640K", "Largest executable program size"} {
		if !strings.Contains(out, want) {
			t.Errorf("MEM output lacks %q:\n%s", want, out)
		}
	}
}

// blockingReader never gives a byte (a keyboard nobody touches).
type blockingReader struct{}

func (blockingReader) Read(p []byte) (int, error) { select {} }

var _ fs.FileMode

func TestFreeDOSCommand(t *testing.T) {
	// FreeCOM, interactively: internal commands, and other programs run
	// through EXEC (found on PATH=C:\DOS).
	r := freedosRig(t)
	r.keys("DIR\r" +
		"TYPE FRUIT.TXT\r" +
		"COPY FRUIT.TXT COPY.TXT\r" +
		"MD NEW\r" +
		"CD DOCS\r" +
		"DIR /B\r" +
		"CD ..\r" +
		"SET GREETING=hello\r" +
		"SET\r" +
		"FIND \"an\" COPY.TXT\r" +
		"RD NEW\r" +
		"EXIT\r")
	code := r.mustRun("DOS/COMMAND.COM")
	if code != 0 {
		t.Errorf("exit code %d", code)
	}
	out := r.out.String()
	section := func(cmd string) []string {
		t.Helper()
		i := strings.Index(out, ">"+cmd+"\r\n")
		if i < 0 {
			t.Fatalf("no %q in the session:\n%s", cmd, out)
		}
		rest := out[i+len(cmd)+3:]
		if j := strings.Index(rest, "\r\nC:\\"); j >= 0 {
			rest = rest[:j]
		}
		return lines(rest)
	}
	// DIR: the volume, the folder, one line per entry, the totals.
	dir := section("DIR")
	joined := strings.Join(dir, "\n")
	for _, want := range []string{" Volume in drive C is NACHO", " Directory of C:\\"} {
		if !strings.Contains(joined, want) {
			t.Errorf("DIR lacks %q:\n%s", want, joined)
		}
	}
	entries := map[string]string{}
	for _, l := range dir {
		if f := strings.Fields(l); len(f) >= 3 && (f[1] == "TXT" || f[1] == "<DIR>") {
			entries[f[0]] = f[1] + " " + f[2]
		}
	}
	if entries["FRUIT"] != "TXT 23" || entries["DOCS"] != "<DIR> "+entries["DOCS"][6:] || entries["GAMES"] == "" {
		t.Errorf("DIR entries %q", entries)
	}
	if !strings.Contains(joined, "1 file(s)") || !strings.Contains(joined, "3 dir(s)") {
		t.Errorf("DIR totals:\n%s", joined)
	}
	wantLines(t, "TYPE", strings.Join(section("TYPE FRUIT.TXT"), "\r\n"), "banana", "apple", "cherry")
	if got := r.file("COPY.TXT"); got != fruit {
		t.Errorf("COPY made %q", got)
	}
	wantLines(t, "DIR /B in DOCS", strings.Join(section("DIR /B"), "\r\n"), "NOTES", "README.TXT")
	set := strings.Join(section("SET"), "\n")
	for _, want := range []string{"COMSPEC=C:\\DOS\\COMMAND.COM", "PATH=C:\\DOS", "PROMPT=$P$G", "GREETING=hello"} {
		if !strings.Contains(set, want) {
			t.Errorf("SET lacks %q:\n%s", want, set)
		}
	}
	wantLines(t, "FIND through EXEC", strings.Join(section(`FIND "an" COPY.TXT`), "\r\n"), "---------------- COPY.TXT", "banana")
	if !strings.Contains(out, "C:\\DOCS>DIR /B") {
		t.Errorf("CD DOCS did not change the prompt:\n%s", out)
	}
	if _, err := r.fs.Stat("/c/NEW"); err == nil {
		t.Errorf("RD NEW left the directory")
	}
	// A child's exit code reaches the shell (INT 21h AH=4Dh): ERRORLEVEL.
	r = freedosRig(t)
	r.keys("FIND \"kiwi\" FRUIT.TXT\rIF ERRORLEVEL 1 ECHO no kiwi\rFIND \"an\" FRUIT.TXT\rIF ERRORLEVEL 1 ECHO no banana\rEXIT\r")
	r.mustRun("DOS/COMMAND.COM")
	out = r.out.String()
	if strings.Count(out, "no kiwi") != 2 || strings.Count(out, "no banana") != 1 {
		t.Errorf("ERRORLEVEL after FIND:\n%s", out)
	}
}

func TestFreeDOSEdit(t *testing.T) {
	// EDIT opens a file, takes typing, saves with Ctrl+S and quits with
	// Alt+X (its menus say so: "Save Ctrl+S", "Exit Alt+X"); the shell
	// then sees the new content. Keys come as a terminal sends them.
	r := freedosRig(t)
	r.cfg.IO.Terminal = true
	r.keys("DOS\\EDIT FRUIT.TXT\r" +
		"Hello, EDIT!\r" +
		"\x13" + // Ctrl+S
		"\x1bx" + // Alt+X
		"TYPE FRUIT.TXT\r" +
		"EXIT\r")
	r.mustRun("DOS/COMMAND.COM")
	want := "Hello, EDIT!\r\n" + fruit
	if got := r.file("FRUIT.TXT"); got != want {
		t.Fatalf("after EDIT the file holds %q, want %q", got, want)
	}
	// EDIT drew on the screen, so the terminal shows the screen whole
	// from then on; the shell's TYPE is on it.
	sc := r.m.Screen().Dump()
	typed := sc[strings.LastIndex(sc, "TYPE FRUIT.TXT"):]
	wantLines(t, "TYPE after EDIT", strings.Join(lines(typed)[1:5], "\r\n"), "Hello, EDIT!", "banana", "apple", "cherry")
	if out := r.out.String(); !strings.Contains(out, "\x1b[2J") || !strings.Contains(out, "FreeDOS Edit") {
		t.Errorf("the terminal was not given EDIT's screen: %q", out[:min(len(out), 300)])
	}
}

// TestTerminalScreen: streamed text until a program draws on the screen;
// then the whole screen in ANSI, with its colours, and the terminal left
// usable at the end.
func TestTerminalScreen(t *testing.T) {
	r := newRig(t, map[string][]byte{"HELLO.COM": assemble(t, "hello"), "TEXT.COM": assemble(t, "text")})
	r.cfg.IO.Terminal = true
	r.mustRun("HELLO.COM")
	if out := r.out.String(); out != "Hello, DOS!\r\n" {
		t.Errorf("plain output to a terminal: %q", out)
	}
	r.out.Reset()
	r.run("TEXT.COM")
	out := r.out.String()
	for _, want := range []string{
		"\x1b[0m\x1b[H\x1b[2J",  // the screen taken over
		"\x1b[3;1H",             // row 3 redrawn
		"\x1b[0;93;44mHHH",      // yellow on blue
		"\x1b[0;97;41mDirect",   // white on red, written to B800h
		"\x1b[0m\x1b[?25h\x1b[", // the end: normal colours and the cursor back
	} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, out)
		}
	}
}
