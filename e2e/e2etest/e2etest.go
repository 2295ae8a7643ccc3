//go:build !js

// Package e2etest starts the real pieces end-to-end tests drive: a `nacho
// serve` process on a free loopback port and headless Chromium (through
// chromedp). Tests that use it carry the e2e build tag and run with
// `make test-e2e`, which builds bin/nacho first and names it in NACHO_BIN.
package e2etest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// Bin is the nacho binary under test: $NACHO_BIN, else bin/nacho above the
// test's directory. A test fails (not skips) when it is missing: make
// test-e2e always builds it.
func Bin(t testing.TB) string {
	t.Helper()
	if b := os.Getenv("NACHO_BIN"); b != "" {
		return b
	}
	dir, _ := os.Getwd()
	for d := dir; d != "/" && d != "."; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			b := filepath.Join(d, "bin", "nacho")
			if _, err := os.Stat(b); err != nil {
				t.Fatalf("no nacho binary at %s: run `make build` (or `make test-e2e`)", b)
			}
			return b
		}
	}
	t.Fatal("cannot find the project root")
	return ""
}

// FreeAddr returns a free loopback address.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Server is a running `nacho serve`.
type Server struct {
	URL  string // http://127.0.0.1:PORT/
	Addr string
	Data string
	cmd  *exec.Cmd
	log  *syncBuffer

	stopOnce sync.Once
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// StartServe starts `nacho serve` with a fresh data directory and waits
// until the page answers. It is stopped when the test ends.
func StartServe(t testing.TB, extraArgs ...string) *Server {
	t.Helper()
	s := &Server{Addr: FreeAddr(t), Data: t.TempDir(), log: &syncBuffer{}}
	s.URL = "http://" + s.Addr + "/"
	args := append([]string{"serve", "--addr", s.Addr, "--data", s.Data}, extraArgs...)
	s.cmd = exec.Command(Bin(t), args...)
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.URL)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		if s.cmd.ProcessState != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nacho serve did not answer on %s; its log:\n%s", s.Addr, s.log)
	return nil
}

// Stop ends the server and waits for it.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			s.cmd.Process.Kill()
			<-done
		}
	})
}

// Log is what the server printed.
func (s *Server) Log() string { return s.log.String() }

// Browser starts headless Chromium with a fresh profile and returns a
// context for its first tab. It is closed when the test ends. extra
// options come after the defaults, so they can override them.
func Browser(t testing.TB, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := append([]chromedp.ExecAllocatorOption{},
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// WebGPU on SwiftShader, and the compositor on SwiftShader too, so
		// that WebGPU canvases can be presented without a GPU.
		chromedp.Flag("enable-unsafe-webgpu", true),
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("use-vulkan", "swiftshader"),
		chromedp.Flag("enable-features", "Vulkan"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 800),
	)
	opts = append(opts, extra...)
	if p := os.Getenv("NACHO_CHROMIUM"); p != "" {
		opts = append(opts, chromedp.ExecPath(p))
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	keepConsole(t, ctx)
	return ctx
}

// keepConsole collects the tab's console (the page's and its workers'
// log lines, uncaught exceptions) and prints it when the test fails.
func keepConsole(t testing.TB, ctx context.Context) {
	var buf syncBuffer
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			fmt.Fprintf(&buf, "%s %s\n", m.Time.Format("15:04:05.000"), m)
		}
	}()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("browser console:\n%s", buf.String())
		}
	})
}

// Tab opens another tab in the same browser (same profile).
func Tab(t testing.TB, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	keepConsole(t, ctx)
	return ctx
}

// Do runs chromedp actions with a timeout, failing the test on error.
func Do(t testing.TB, ctx context.Context, timeout time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := chromedp.Do(c, actions...); err != nil {
		t.Fatalf("%v", err)
	}
}

// Eval evaluates a JavaScript expression, awaiting a promise, and decodes
// its value.
func Eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// EvalErr is Eval that returns the error (a rejected promise, say).
func EvalErr[T any](ctx context.Context, expr string) (T, error) {
	c, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	return chromedp.Run(c, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// WaitBoot navigates to url and waits until window.nacho is ready; it
// returns how long that took.
func WaitBoot(t testing.TB, ctx context.Context, url string) time.Duration {
	t.Helper()
	start := time.Now()
	Do(t, ctx, 60*time.Second,
		chromedp.Navigate(url),
		chromedp.Poll[chromedp.Void](`window.nacho && typeof window.nacho.run === 'function'`, chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(60*time.Second)),
	)
	return time.Since(start)
}

// RunResult is what NachoOS.run resolves with.
type RunResult struct {
	Code   int    `json:"code"`
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
}

// Shell runs a command line through window.nacho.run (or another NachoOS
// expression).
func Shell(t testing.TB, ctx context.Context, cmd string) RunResult {
	t.Helper()
	return Eval[RunResult](t, ctx, fmt.Sprintf(`window.nacho.run(%s)`, JS(cmd)))
}

// JS quotes a value as a JavaScript literal.
func JS(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// Type focuses the element matched by the CSS selector and types text as
// key presses, one keyDown (carrying the character) and keyUp per
// character, as a person at a keyboard would. "\r" is Enter, "\t" Tab,
// "\x7f" Backspace.
func Type(t testing.TB, ctx context.Context, selector, text string) {
	t.Helper()
	Eval[bool](t, ctx, fmt.Sprintf(`(() => { const e = document.querySelector(%s); if (!e) return false; e.focus(); return true; })()`, JS(selector)))
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for _, r := range text {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Text: string(r), Key: string(r), Code: keyCode(r)}
		switch r {
		case '\r', '\n':
			down = input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Text: "\r", Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13}
		case '\t':
			down = input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: "Tab", Code: "Tab", WindowsVirtualKeyCode: 9}
		case 0x7f:
			down = input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeRawKeyDown, Key: "Backspace", Code: "Backspace", WindowsVirtualKeyCode: 8}
		}
		if _, err := chromedp.Call(c, input.DispatchKeyEvent, down); err != nil {
			t.Fatalf("typing: %v", err)
		}
		up := down
		up.Type, up.Text = input.DispatchKeyEventTypeKeyUp, ""
		if _, err := chromedp.Call(c, input.DispatchKeyEvent, up); err != nil {
			t.Fatalf("typing: %v", err)
		}
	}
}

// keyCode is the DOM code of the key that types r on a US keyboard.
func keyCode(r rune) string {
	switch {
	case r >= 'a' && r <= 'z':
		return "Key" + string(r-'a'+'A')
	case r >= 'A' && r <= 'Z':
		return "Key" + string(r)
	case r >= '0' && r <= '9':
		return "Digit" + string(r)
	}
	codes := map[rune]string{' ': "Space", '.': "Period", ',': "Comma", '/': "Slash", '-': "Minus", '=': "Equal",
		';': "Semicolon", '\'': "Quote", '[': "BracketLeft", ']': "BracketRight", '\\': "Backslash", '`': "Backquote"}
	return codes[r]
}
