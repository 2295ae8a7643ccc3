//go:build e2e

package sync

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	. "github.com/nachoos/nacho/e2e/e2etest"
)

func waitShell(t *testing.T, ctx context.Context, cmd, want string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var r RunResult
	for time.Now().Before(deadline) {
		r = Shell(t, ctx, cmd)
		if strings.Contains(r.Stdout, want) {
			return r.Stdout
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("%s never showed %q; last: %+v", cmd, want, r)
	return ""
}

// Two browser profiles sync a folder through the node: files made on each
// side reach the other, an edit travels, both report "synced"; a third,
// fresh profile restores the folder from the node alone.
func TestBrowsersSyncAFolder(t *testing.T) {
	srv := StartServe(t)
	a, b := Browser(t), Browser(t)
	WaitBoot(t, a, srv.URL)
	WaitBoot(t, b, srv.URL)
	for _, ctx := range []context.Context{a, b} {
		if r := Shell(t, ctx, "sync add /home/docs team -s pw"); r.Code != 0 {
			t.Fatalf("sync add: %+v", r)
		}
	}
	Shell(t, a, "echo from a > /home/docs/a.txt; mkdir -p /home/docs/sub; echo deep > /home/docs/sub/d.txt")
	Shell(t, b, "echo from b > /home/docs/b.txt")
	waitShell(t, b, "cat /home/docs/a.txt /home/docs/sub/d.txt", "from a\ndeep\n")
	waitShell(t, a, "cat /home/docs/b.txt", "from b\n")
	Shell(t, b, "echo edited >> /home/docs/a.txt")
	waitShell(t, a, "cat /home/docs/a.txt", "from a\nedited\n")
	waitShell(t, a, "sync status", "/home/docs (room team): synced")
	// Each file durable here (L) and on the node (C).
	waitShell(t, a, "sync status -v | grep -c '^  LC '", "3\n")
	if d := Eval[string](t, a, `window.nacho.syncStatus().then(s => s[0].files['sub/d.txt'])`); d != "LC" {
		t.Fatalf("syncStatus sub/d.txt: %q", d)
	}
	// The file manager shows it too.
	Eval[bool](t, a, `(() => { window.nacho.desktop.openFiles('/home/docs'); return true; })()`)
	Do(t, a, 20*time.Second, chromedp.Poll[chromedp.Void](`(document.querySelector('.nacho-fm-status') || {}).textContent.includes('synced folder (room team): synced')`, chromedp.WithPollingTimeout(20*time.Second)))
	// A fresh device restores from the node alone (the others stop first).
	Shell(t, a, "sync rm /home/docs")
	Shell(t, b, "sync rm /home/docs")
	c := Browser(t)
	WaitBoot(t, c, srv.URL)
	Shell(t, c, "sync add /home/docs team -s pw")
	waitShell(t, c, "cat /home/docs/a.txt /home/docs/b.txt /home/docs/sub/d.txt", "from a\nedited\nfrom b\ndeep\n")
	// After a reload the folder is synced again without asking.
	WaitBoot(t, c, srv.URL)
	waitShell(t, c, "ps", "syncd /home/docs")
}
