//go:build e2e

// Package boot tests the page end to end: the real `nacho serve`, driven
// in headless Chromium.
package boot

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	. "github.com/nachoos/nacho/e2e/e2etest"
)

// terminalText is what the first terminal shows.
const terminalText = `window.nacho.desktop.terminals()[0].text()`

func waitTerminal(t *testing.T, ctx context.Context, want string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var text string
	for time.Now().Before(deadline) {
		text = Eval[string](t, ctx, terminalText)
		if strings.Contains(text, want) {
			return text
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the terminal never showed %q; it shows:\n%s", want, text)
	return ""
}

// Boot to the prompt, type a command with real key events and read its
// output off the terminal.
func TestBootTypeAndRead(t *testing.T) {
	srv := StartServe(t)
	ctx := Browser(t)
	var times []time.Duration
	for i := 0; i < 5; i++ {
		times = append(times, WaitBoot(t, ctx, srv.URL))
		waitTerminal(t, ctx, "$ ")
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	t.Logf("navigation to shell prompt: median %v (min %v, max %v) over 5 loads", times[2], times[0], times[4])

	Type(t, ctx, ".xterm-helper-textarea", "echo 'typed by keys'\r")
	text := waitTerminal(t, ctx, "\ntyped by keys\n")
	if !strings.Contains(text, "$ echo 'typed by keys'") {
		t.Errorf("the typed command was not echoed at the prompt:\n%s", text)
	}
	// An unknown command and a missing file read like a Unix shell's.
	Type(t, ctx, ".xterm-helper-textarea", "nosuch; ls /nope\r")
	waitTerminal(t, ctx, "sh: nosuch: command not found\nls: /nope: no such file or directory\n")
}

func TestScriptingAPI(t *testing.T) {
	srv := StartServe(t)
	ctx := Browser(t)
	WaitBoot(t, ctx, srv.URL)
	r := Shell(t, ctx, "echo hello; ls /nope")
	if r.Code != 2 || r.Stdout != "hello\n" || r.Stderr != "ls: /nope: no such file or directory\n" {
		t.Fatalf("run: %+v", r)
	}
	// writeFile/readFile reach the kernel's files, bytes intact.
	got := Eval[[]int](t, ctx, `(async () => {
		const u = new Uint8Array(70000); for (let i = 0; i < u.length; i++) u[i] = (i * 7 + 3) & 255;
		await window.nacho.writeFile('/home/deep/dir/bin.dat', u);
		const back = await window.nacho.readFile('/home/deep/dir/bin.dat');
		let bad = 0; for (let i = 0; i < u.length; i++) if (back[i] !== u[i]) bad++;
		return [back.length, bad];
	})()`)
	if got[0] != 70000 || got[1] != 0 {
		t.Fatalf("readFile after writeFile: length %d, %d bytes differ", got[0], got[1])
	}
	if r := Shell(t, ctx, "wc -c /home/deep/dir/bin.dat"); r.Stdout != "  70000 /home/deep/dir/bin.dat\n" {
		t.Fatalf("the shell sees %q", r.Stdout)
	}
	code := Eval[string](t, ctx, `window.nacho.readFile('/nope').then(() => 'resolved', e => e.code + ': ' + e.message)`)
	if code != "ENOENT: open /nope: no such file or directory" {
		t.Fatalf("readFile of a missing file: %s", code)
	}
	// stdout events stream what run() commands print; exit events report ends.
	ev := Eval[string](t, ctx, `(async () => {
		let out = '', exits = [];
		const off1 = window.nacho.on('stdout', s => { out += s; });
		const off2 = window.nacho.on('exit', e => exits.push(e.name + ':' + e.code));
		await window.nacho.run('echo streamed; false');
		off1(); off2();
		return out + '|' + exits.includes('false:1');
	})()`)
	if ev != "streamed\n|true" {
		t.Fatalf("events: %q", ev)
	}
	// stdin reaches the command.
	if r := Eval[RunResult](t, ctx, `window.nacho.run('wc -l', {stdin: 'a\nb\nc\n'})`); r.Stdout != "      3\n" {
		t.Fatalf("stdin: %+v", r)
	}
}

// A page on another origin embeds Nacho with one script tag.
func TestEmbedFromAnotherOrigin(t *testing.T) {
	srv := StartServe(t)
	embed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><html><body><div id="n" style="width:800px;height:500px"></div>
<script src="%snacho.js"></script>
<script>Nacho.boot(document.getElementById('n'), {persist: 'embedtest', files: {'/home/given.txt': 'from boot options'}})
  .then(os => { window.os = os }, e => { window.embedError = String(e) });</script></body></html>`, srv.URL)
	}))
	defer embed.Close()
	ctx := Browser(t)
	Do(t, ctx, 60*time.Second,
		chromedp.Navigate(embed.URL),
		chromedp.Poll[chromedp.Void](`!!(window.os || window.embedError)`, chromedp.WithPollingTimeout(60*time.Second)),
	)
	if e := Eval[string](t, ctx, `String(window.embedError || '')`); e != "" {
		t.Fatalf("embed did not boot: %s", e)
	}
	r := Eval[RunResult](t, ctx, `window.os.run('echo embedded; cat /home/given.txt')`)
	if r.Stdout != "embedded\nfrom boot options" {
		t.Fatalf("embedded run: %+v", r)
	}
	if origin := Eval[string](t, ctx, `location.origin`); strings.Contains(srv.URL, origin) {
		t.Fatalf("the embedding page is not on another origin: %s", origin)
	}
	// The embed draws one terminal, and stop() removes it.
	n := Eval[int](t, ctx, `document.querySelectorAll('#n .xterm').length`)
	if n != 1 {
		t.Fatalf("%d terminals in the embed, want 1", n)
	}
	Eval[bool](t, ctx, `window.os.stop().then(() => true)`)
	if n := Eval[int](t, ctx, `document.querySelectorAll('#n .xterm').length`); n != 0 {
		t.Fatalf("stop() left %d terminals", n)
	}
	if e := Eval[string](t, ctx, `window.os.run('echo x').then(() => 'ran', e => e.message)`); e != "Nacho has stopped" {
		t.Fatalf("run after stop: %s", e)
	}
}

// After one visit the page boots with the server gone, from the service
// worker's cache; a new build would replace it when online.
func TestOfflineBoot(t *testing.T) {
	srv := StartServe(t)
	ctx := Browser(t)
	WaitBoot(t, ctx, srv.URL)
	Do(t, ctx, 30*time.Second, chromedp.Poll[chromedp.Void](
		`navigator.serviceWorker.ready.then(r => !!r.active)`, chromedp.WithPollingTimeout(30*time.Second)))
	WaitBoot(t, ctx, srv.URL) // now controlled by the worker
	if !Eval[bool](t, ctx, `!!navigator.serviceWorker.controller`) {
		t.Fatal("no service worker controls the page after a reload")
	}
	srv.Stop()
	WaitBoot(t, ctx, srv.URL)
	if r := Shell(t, ctx, "echo offline"); r.Stdout != "offline\n" {
		t.Fatalf("offline run: %+v", r)
	}
}

// A kernel that fails to load shows a readable error in the page, not a
// blank screen, and Nacho.boot rejects.
func TestBrokenKernelShowsError(t *testing.T) {
	srv := StartServe(t)
	ctx := Browser(t)
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*kernel-*.wasm"}}}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
				RequestID: ev.RequestID, ResponseCode: 200, Body: []byte("not wasm at all"),
				ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/wasm"}},
			})
		}
	}()
	Do(t, ctx, 30*time.Second,
		chromedp.Navigate(srv.URL),
		chromedp.Poll[chromedp.Void](`document.body.innerText.includes('could not start')`, chromedp.WithPollingTimeout(30*time.Second)),
	)
	text := Eval[string](t, ctx, `document.body.innerText`)
	if !strings.Contains(text, "The kernel (kernel.wasm) could not be loaded") {
		t.Fatalf("page text: %s", text)
	}
	if Eval[bool](t, ctx, `!!window.nacho`) {
		t.Fatal("window.nacho set although boot failed")
	}
}

// A second tab of the same origin boots, but with temporary files: only
// one tab owns the persistent ones, so two never corrupt each other.
func TestSecondTab(t *testing.T) {
	srv := StartServe(t)
	first := Browser(t)
	WaitBoot(t, first, srv.URL)
	second := Tab(t, first)
	WaitBoot(t, second, srv.URL)
	if !Eval[bool](t, first, `window.nacho.exclusive`) {
		t.Fatal("the first tab does not own the files")
	}
	if Eval[bool](t, second, `window.nacho.exclusive`) {
		t.Fatal("the second tab also claims the files")
	}
	if s := Eval[string](t, second, `document.querySelector('.nacho-status').textContent`); !strings.Contains(s, "another tab") {
		t.Fatalf("the second tab does not say why its files are temporary: %q", s)
	}
	if r := Shell(t, second, "echo works"); r.Stdout != "works\n" {
		t.Fatalf("second tab run: %+v", r)
	}
}

// Windows open, minimise, restore and close; closing a terminal window
// ends its shell.
func TestWindowManager(t *testing.T) {
	srv := StartServe(t)
	ctx := Browser(t)
	WaitBoot(t, ctx, srv.URL)
	waitTerminal(t, ctx, "$ ")
	shells := func() int {
		r := Shell(t, ctx, "ps")
		return strings.Count(r.Stdout, "sh -l")
	}
	if n := shells(); n != 1 {
		t.Fatalf("%d login shells at boot", n)
	}
	Do(t, ctx, 10*time.Second,
		chromedp.Click(".nacho-start"),
		chromedp.Click(".nacho-menuitem"), // Terminal
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('.nacho-window').length === 2`),
	)
	deadline := time.Now().Add(10 * time.Second)
	for shells() != 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := shells(); n != 2 {
		t.Fatalf("%d login shells with two terminals", n)
	}
	// Minimise the focused (second) window, restore it from the taskbar.
	Do(t, ctx, 10*time.Second, chromedp.Click(".nacho-window.nacho-focused .nacho-min"))
	if v := Eval[int](t, ctx, `[...document.querySelectorAll('.nacho-window')].filter(w => w.style.display !== 'none').length`); v != 1 {
		t.Fatalf("%d windows visible after minimise", v)
	}
	Do(t, ctx, 10*time.Second, chromedp.Click(".nacho-task-min"))
	if v := Eval[int](t, ctx, `[...document.querySelectorAll('.nacho-window')].filter(w => w.style.display !== 'none').length`); v != 2 {
		t.Fatalf("%d windows visible after restore", v)
	}
	// Moving by the title bar changes the window's position.
	before := Eval[string](t, ctx, `document.querySelector('.nacho-window.nacho-focused').style.left`)
	Eval[bool](t, ctx, `(() => {
		const bar = document.querySelector('.nacho-window.nacho-focused .nacho-title');
		const r = bar.getBoundingClientRect();
		const opt = (x, y) => ({bubbles: true, pointerId: 1, clientX: x, clientY: y, button: 0, isPrimary: true});
		bar.parentElement.dispatchEvent(new PointerEvent('pointerdown', opt(r.left + 5, r.top + 5)));
		bar.parentElement.dispatchEvent(new PointerEvent('pointermove', opt(r.left + 105, r.top + 45)));
		bar.parentElement.dispatchEvent(new PointerEvent('pointerup', opt(r.left + 105, r.top + 45)));
		return true;
	})()`)
	after := Eval[string](t, ctx, `document.querySelector('.nacho-window.nacho-focused').style.left`)
	if before == after {
		t.Errorf("dragging the title bar did not move the window (left stays %s)", before)
	}
	// Close the focused window: its shell ends.
	Do(t, ctx, 10*time.Second, chromedp.Click(".nacho-window.nacho-focused .nacho-close"))
	deadline = time.Now().Add(10 * time.Second)
	for shells() != 1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := shells(); n != 1 {
		t.Fatalf("%d login shells after closing a terminal window", n)
	}
	// Typing exit in the last terminal ends its shell and closes its window.
	Type(t, ctx, ".xterm-helper-textarea", "exit\r")
	Do(t, ctx, 10*time.Second, chromedp.Poll[chromedp.Void](`document.querySelectorAll('.nacho-window').length === 0`))
}
