package sh_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nachoos/nacho/kernel"
	_ "github.com/nachoos/nacho/kernel/coreutils"
	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

type result struct {
	code           int
	stdout, stderr string
}

func newKernel(t *testing.T) *kernel.Kernel {
	t.Helper()
	v := vfs.New(memfs.New(memfs.Options{}))
	if err := v.MkdirAll("/home", 0o755); err != nil {
		t.Fatal(err)
	}
	return kernel.New(kernel.Config{FS: v})
}

func run(t *testing.T, k *kernel.Kernel, cmd string) result {
	t.Helper()
	var mu sync.Mutex
	var out, errb strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	code, err := k.Run(ctx, kernel.RunOptions{
		Cmd:    cmd,
		Stdout: func(b []byte) { mu.Lock(); out.Write(b); mu.Unlock() },
		Stderr: func(b []byte) { mu.Lock(); errb.Write(b); mu.Unlock() },
	})
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("%s: timed out", cmd)
	}
	return result{code, out.String(), errb.String()}
}

func TestShell(t *testing.T) {
	cases := []struct {
		name, cmd string
		want      result
	}{
		{"echo", "echo hello", result{0, "hello\n", ""}},
		{"quotes", `echo 'a  b' "c  d" e\ f`, result{0, "a  b c  d e f\n", ""}},
		{"vars", `X=world; echo "hello $X" ${X}s '$X'`, result{0, "hello world worlds $X\n", ""}},
		{"splitting", `X="a   b"; echo $X; echo "$X"`, result{0, "a b\na   b\n", ""}},
		{"empty quoted arg", `echo "" x | wc -c`, result{0, "      3\n", ""}},
		{"status", "false; echo $?; true; echo $?", result{0, "1\n0\n", ""}},
		{"and or", "false && echo no || echo yes; true && echo also", result{0, "yes\nalso\n", ""}},
		{"bang", "! false && echo negated", result{0, "negated\n", ""}},
		{"not found", "nosuchcmd arg", result{127, "", "sh: nosuchcmd: command not found\n"}},
		{"ls missing", "ls /nope", result{2, "", "ls: /nope: no such file or directory\n"}},
		{"cat missing", "cat nofile", result{1, "", "cat: nofile: no such file or directory\n"}},
		{"cd missing", "cd /nope", result{1, "", "cd: /nope: no such file or directory\n"}},
		{"redirect", "echo one > f; echo two >> f; cat f", result{0, "one\ntwo\n", ""}},
		{"truncate", "echo long-line > f; echo x > f; cat < f", result{0, "x\n", ""}},
		{"stderr to stdout", "ls /nope 2>&1 | wc -l", result{0, "      1\n", ""}},
		{"stderr to file", "ls /nope 2> err; cat err", result{0, "ls: /nope: no such file or directory\n", ""}},
		{"both to file", "ls /nope &> all; echo out &>> all; wc -l all", result{0, "      2 all\n", ""}},
		{"pipeline", "seq 1 1000 | grep 7 | wc -l", result{0, "    271\n", ""}},
		{"pipeline status", "false | true; echo $?", result{0, "0\n", ""}},
		{"cd pwd", "mkdir -p a/b; cd a/b; pwd; cd ..; pwd; cd; pwd", result{0, "/home/a/b\n/home/a\n/home\n", ""}},
		{"glob", "touch x1 x2 y1 .hidden; echo x*; echo *1; echo 'x*'; echo z*", result{0, "x1 x2\nx1 y1\nx*\nz*\n", ""}},
		{"glob dirs", "mkdir -p d/e; touch d/e/f.txt d/g.txt; echo d/*/*.txt d/*.txt", result{0, "d/e/f.txt d/g.txt\n", ""}},
		{"cp mv rm", "echo data > a; cp a b; mv b c; cat c; rm a c; ls", result{0, "data\n", ""}},
		{"rm dir refused", "mkdir d; rm d", result{1, "", "rm: cannot remove 'd': is a directory\n"}},
		{"rm -r", "mkdir -p d/e; touch d/e/f; rm -r d; ls", result{0, "", ""}},
		{"cp -r", "mkdir -p s/t; echo hi > s/t/f; cp -r s u; cat u/t/f", result{0, "hi\n", ""}},
		{"mkdir exists", "mkdir a; mkdir a", result{1, "", "mkdir: cannot create directory 'a': file exists\n"}},
		{"env prefix", "X=1 env | grep '^X='; echo [$X]", result{0, "X=1\n[]\n", ""}},
		{"export", "export Y=2; env | grep '^Y='", result{0, "Y=2\n", ""}},
		{"tilde", "echo ~ ~/x", result{0, "/home /home/x\n", ""}},
		{"head tail", "seq 10 | head -n 3; seq 10 | tail -2", result{0, "1\n2\n3\n9\n10\n", ""}},
		{"comments", "echo a # b c", result{0, "a\n", ""}},
		{"exit code", "exit 3", result{3, "", ""}},
		{"syntax", "echo 'unterminated", result{2, "", "sh: syntax error: unterminated '\n"}},
		{"run needs runner", "echo x > prog.bin; run prog.bin", result{126, "", "run: prog.bin: no runner for this kind of file\n"}},
		{"exec path", "./nofile", result{127, "", "sh: ./nofile: no such file or directory\n"}},
		{"script", "echo '#!/bin/sh' > s; echo 'echo from script $1' >> s; ./s arg", result{0, "from script arg\n", ""}},
		{"background", "sleep 0.05 & wait; echo after", result{0, "after\n", ""}},
		{"if", "if false; then echo a; elif true; then echo b; else echo c; fi", result{0, "b\n", ""}},
		{"if else", "if test -d /nope; then echo yes; else echo no; fi", result{0, "no\n", ""}},
		{"if status", "if false; then echo x; fi; echo $?", result{0, "0\n", ""}},
		{"for", "for f in c b a; do echo $f; done", result{0, "c\nb\na\n", ""}},
		{"for glob", "touch x1 x2; for f in x*; do echo [$f]; done", result{0, "[x1]\n[x2]\n", ""}},
		{"for params", "echo 'for a; do echo $a; done' > s; sh s p q", result{0, "p\nq\n", ""}},
		{"while counter", "echo x > f; while test -s f; do echo once; echo -n > f; done", result{0, "once\n", ""}},
		{"until", "until test -e done.txt; do touch done.txt; echo made; done", result{0, "made\n", ""}},
		{"break continue", "for i in 1 2 3 4; do if test $i = 2; then continue; fi; if test $i = 4; then break; fi; echo $i; done", result{0, "1\n3\n", ""}},
		{"break 2", "for a in x y; do for b in 1 2; do echo $a$b; break 2; done; done; echo end", result{0, "x1\nend\n", ""}},
		{"nested multi-line", "for a in 1 2\ndo\n  if test $a = 2\n  then echo two\n  fi\ndone", result{0, "two\n", ""}},
		{"loop in pipeline", "for i in 3 1 2; do echo $i; done | sort", result{0, "1\n2\n3\n", ""}},
		{"missing last command", "echo x | nosuch", result{127, "", "sh: nosuch: command not found\n"}},
		{"loop redirected", "for i in 1 2; do echo $i; done > out; cat out", result{0, "1\n2\n", ""}},
		{"group", "{ echo a; echo b; } | wc -l", result{0, "      2\n", ""}},
		{"brackets", "[ 2 -gt 1 ] && [ -n x ] && [ ! -z x ] && echo ok", result{0, "ok\n", ""}},
		{"test errors", "[ 1 -lt ]", result{2, "", "[: unexpected -lt\n"}},
		{"break outside", "break; echo after", result{0, "after\n", "break: only meaningful in a for, while or until loop\n"}},
		{"if incomplete", "if true; then echo x", result{2, "", "sh: syntax error: unexpected end: missing fi\n"}},
		{"sort", "seq 1 12 | sort | head -3; seq 1 12 | sort -n -r | head -2", result{0, "1\n10\n11\n12\n11\n", ""}},
		{"uniq", "for w in a a b a; do echo $w; done | uniq -c", result{0, "2 a\n1 b\n1 a\n", ""}},
		{"command substitution", "x=$(echo hi there); echo [$x] \"[$(echo a; echo b)]\"", result{0, "[hi there] [a\nb]\n", ""}},
		{"substitution splits", "for w in $(echo 'a  b'); do echo $w; done", result{0, "a\nb\n", ""}},
		{"nested substitution", "echo $(echo $(echo deep))", result{0, "deep\n", ""}},
		{"substitution status", "x=$(false); echo $?", result{0, "1\n", ""}},
		{"arithmetic", "n=3; echo $((n * 2 + 1)) $(( (1 + 2) * -3 )) $((7 / 2)) $((7 % 3)) $((1 << 4)) $((2 > 1 && 0 || 1))", result{0, "7 -9 3 1 16 1\n", ""}},
		{"counting loop", "n=0; while [ $n -lt 3 ]; do echo $n; n=$((n + 1)); done", result{0, "0\n1\n2\n", ""}},
		{"division by zero", "echo $((1 / 0)); echo $?; x=$((2 % 0)) || echo failed", result{0, "1\nfailed\n", "sh: 1 / 0: division by zero\nsh: 2 % 0: division by zero\n"}},
		{"unterminated substitution", "echo $(echo", result{2, "", "sh: syntax error: unterminated $(\n"}},
		{"reserved as arg", "echo if then fi done", result{0, "if then fi done\n", ""}},
		{"zip roundtrip", "mkdir -p d/e; echo hi > d/e/f; ln -s f d/e/l; zip a.zip d; rm -r d; unzip a.zip; cat d/e/l; ls d/e", result{0, "hi\nf\nl\n", ""}},
		{"unzip keeps existing files", "echo x > f; zip a.zip f; unzip a.zip", result{1, "", "unzip: a.zip: open /home/f: file exists\n"}},
		{"unzip -o overwrites", "echo x > f; zip a.zip f; echo y > f; unzip -o a.zip; cat f", result{0, "x\n", ""}},
		{"download needs a browser", "touch f; download f", result{1, "", "download: there is no browser to save to here\n"}},
		{"top batch", "top -b -n 1 | head -3 | tail -1", result{0, "  PID S    %CPU     INSN/S      MEM      RSS      TIME  COMMAND\n", ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := newKernel(t)
			if got := run(t, k, c.cmd); got != c.want {
				t.Errorf("%s\n got: %+v\nwant: %+v", c.cmd, got, c.want)
			}
		})
	}
}

func TestInteractiveShellOverTTY(t *testing.T) {
	k := newKernel(t)
	var mu sync.Mutex
	var screen strings.Builder
	tty := k.NewTTY(80, 24, func(b []byte) { mu.Lock(); screen.Write(b); mu.Unlock() })
	p, err := k.Spawn(kernel.SpawnOptions{
		Args: []string{"sh"}, TTY: tty, Cwd: "/home",
		Files: []*kernel.OpenFile{tty.OpenFile(), tty.OpenFile(), tty.OpenFile()},
	})
	if err != nil {
		t.Fatal(err)
	}
	waitFor := func(s string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			ok := strings.Contains(screen.String(), s)
			mu.Unlock()
			if ok {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("screen never showed %q; screen:\n%q", s, screen.String())
	}
	waitFor("$ ")
	// Type with an editing mistake, fixed by moving left and deleting.
	tty.Input([]byte("echo hxello\x1b[D\x1b[D\x1b[D\x1b[D\x7f\r"))
	waitFor("hello\r\n")
	// History: Up recalls the last line.
	tty.Input([]byte("\x1b[A\r"))
	mu.Lock()
	n := strings.Count(screen.String(), "hello\r\n")
	mu.Unlock()
	for i := 0; n < 2 && i < 500; i++ {
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		n = strings.Count(screen.String(), "hello\r\n")
		mu.Unlock()
	}
	if n < 2 {
		t.Fatalf("history recall did not rerun the command: %q", screen.String())
	}
	// ^C interrupts a foreground job, and the shell survives.
	tty.Input([]byte("sleep 100\r"))
	time.Sleep(50 * time.Millisecond)
	tty.Input([]byte{0x03})
	tty.Input([]byte("echo alive\r"))
	waitFor("alive\r\n")
	// Tab completes a command name.
	tty.Input([]byte("ech\t'tab'\r"))
	waitFor("tab\r\n")
	tty.Input([]byte("exit 4\r"))
	select {
	case <-p.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("exit did not end the shell")
	}
	if st := p.Wait(); st != 4 {
		t.Fatalf("status %d", st)
	}
	hist, err := k.FS().ReadFile("/home/.nacho_history")
	if err != nil || !strings.Contains(string(hist), "echo alive\n") {
		t.Fatalf("history file: %q, %v", hist, err)
	}
}
