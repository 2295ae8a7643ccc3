//go:build e2e

// Package vfs tests the page's files end to end: persistence across
// reloads, reloads in the middle of writes, namespaces, import and export.
package vfs

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	. "github.com/nachoos/nacho/e2e/e2etest"
)

// A reload in the middle of a large write leaves the old content or the
// new, never a mix; and files written before stay intact.
func TestReloadMidWriteTearsNothing(t *testing.T) {
	srv := StartServe(t)
	ctx := Browser(t)
	WaitBoot(t, ctx, srv.URL)
	Eval[bool](t, ctx, `(async () => {
		await window.nacho.writeFile('/home/keep.bin', new Uint8Array(1 << 20).fill(3));
		await window.nacho.writeFile('/home/big.bin', new Uint8Array(8 << 20).fill(1));
		await window.nacho.sync();
		return true;
	})()`)
	for i, delay := range []int{0, 30, 80, 150, 300} {
		// Overwrite big.bin with another byte, then reload after delay ms.
		Eval[bool](t, ctx, `(() => { window.nacho.writeFile('/home/big.bin', new Uint8Array(16 << 20).fill(2)); return true; })()`)
		time.Sleep(time.Duration(delay) * time.Millisecond)
		WaitBoot(t, ctx, srv.URL)
		got := Eval[[]float64](t, ctx, `(async () => {
			const d = await window.nacho.readFile('/home/big.bin');
			const first = d[0];
			return [d.length, first, d.every(x => x === first) ? 1 : 0];
		})()`)
		whole := got[2] == 1 && ((got[0] == 8<<20 && got[1] == 1) || (got[0] == 16<<20 && got[1] == 2))
		if !whole {
			t.Fatalf("reload %d after %d ms: big.bin is %v (length, first byte, uniform) — torn", i, delay, got)
		}
		keep := Eval[[]float64](t, ctx, `window.nacho.readFile('/home/keep.bin').then(d => [d.length, d.every(x => x === 3) ? 1 : 0])`)
		if keep[0] != 1<<20 || keep[1] != 1 {
			t.Fatalf("reload %d: an untouched file changed: %v", i, keep)
		}
		// Put it back to the old content for the next round.
		Eval[bool](t, ctx, `window.nacho.writeFile('/home/big.bin', new Uint8Array(8 << 20).fill(1)).then(() => window.nacho.sync()).then(() => true)`)
	}
}

// Two embeds choosing different persistence namespaces do not see each
// other's files; the same namespace sees them after a reload.
func TestPersistNamespaces(t *testing.T) {
	srv := StartServe(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ns := r.URL.Query().Get("ns")
		w.Write([]byte(`<!doctype html><div id="n" style="width:600px;height:300px"></div><script src="` + srv.URL + `nacho.js"></script>
<script>Nacho.boot(document.getElementById('n'), {persist: '` + ns + `'}).then(os => { window.os = os }, e => { window.err = String(e) })</script>`))
	}))
	defer page.Close()
	ctx := Browser(t)
	open := func(ns string) {
		t.Helper()
		Do(t, ctx, 60*time.Second, chromedp.Navigate(page.URL+"/?ns="+ns),
			chromedp.Poll[chromedp.Void](`!!(window.os || window.err)`, chromedp.WithPollingTimeout(60*time.Second)))
		if e := Eval[string](t, ctx, `String(window.err || '')`); e != "" {
			t.Fatalf("boot %s: %s", ns, e)
		}
	}
	open("alpha")
	Eval[bool](t, ctx, `window.os.writeFile('/home/secret.txt', 'alpha only').then(() => window.os.sync()).then(() => true)`)
	open("beta")
	if r := Eval[RunResult](t, ctx, `window.os.run('cat /home/secret.txt')`); r.Code == 0 {
		t.Fatalf("namespace beta sees alpha's file: %+v", r)
	}
	open("alpha")
	if r := Eval[RunResult](t, ctx, `window.os.run('cat /home/secret.txt')`); r.Stdout != "alpha only" {
		t.Fatalf("namespace alpha lost its file after a reload: %+v", r)
	}
}

// Files dropped on the file manager land in its folder; a folder exported
// from it arrives as a .zip that unpacks to the same files.
func TestFileManagerImportExport(t *testing.T) {
	srv := StartServe(t)
	ctx := Browser(t)
	WaitBoot(t, ctx, srv.URL)
	Shell(t, ctx, "mkdir -p /home/inbox")
	Eval[bool](t, ctx, `(() => { window.nacho.desktop.openFiles('/home/inbox'); return true; })()`)
	Do(t, ctx, 10*time.Second, chromedp.Poll[chromedp.Void](`document.querySelector('.nacho-fm-path') && document.querySelector('.nacho-fm-path').value === '/home/inbox'`))
	// Drop two files, as the browser would hand them over.
	Eval[bool](t, ctx, `(() => {
		const dt = new DataTransfer();
		dt.items.add(new File(['first file\n'], 'one.txt'));
		dt.items.add(new File([new Uint8Array(300000).fill(9)], 'two.bin'));
		const body = document.querySelector('.nacho-files');
		body.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
		return true;
	})()`)
	Do(t, ctx, 20*time.Second, chromedp.Poll[chromedp.Void](`document.querySelectorAll('.nacho-fm-row').length === 2`, chromedp.WithPollingTimeout(20*time.Second)))
	if r := Shell(t, ctx, "cat /home/inbox/one.txt; wc -c /home/inbox/two.bin"); r.Stdout != "first file\n 300000 /home/inbox/two.bin\n" {
		t.Fatalf("dropped files in the VFS: %+v", r)
	}
	// Export the folder: capture the download the page offers.
	Eval[bool](t, ctx, `(() => {
		window.__downloads = [];
		HTMLAnchorElement.prototype.click = function () { window.__downloads.push({name: this.download, href: this.href}); };
		return true;
	})()`)
	if r := Shell(t, ctx, "download /home/inbox"); r.Code != 0 {
		t.Fatalf("download: %+v", r)
	}
	Do(t, ctx, 10*time.Second, chromedp.Poll[chromedp.Void](`window.__downloads.length === 1`))
	name := Eval[string](t, ctx, `window.__downloads[0].name`)
	if name != "inbox.zip" {
		t.Fatalf("download named %q", name)
	}
	// Put the zip back through the API and unpack it elsewhere.
	r := Eval[RunResult](t, ctx, `(async () => {
		const b = new Uint8Array(await (await fetch(window.__downloads[0].href)).arrayBuffer());
		await window.nacho.writeFile('/home/back.zip', b);
		return window.nacho.run('mkdir /home/out && unzip -d /home/out /home/back.zip && cat /home/out/inbox/one.txt && wc -c /home/out/inbox/two.bin');
	})()`)
	if r.Code != 0 || r.Stdout != "first file\n 300000 /home/out/inbox/two.bin\n" {
		t.Fatalf("exported zip unpacked: %+v", r)
	}
}

// sync returns once data is committed; df shows the mounts.
func TestSyncAndDf(t *testing.T) {
	srv := StartServe(t)
	ctx := Browser(t)
	WaitBoot(t, ctx, srv.URL)
	if r := Shell(t, ctx, "echo durable > /home/d.txt && sync && df"); r.Code != 0 || !strings.Contains(r.Stdout, "chunkfs") || !strings.Contains(r.Stdout, "/tmp") {
		t.Fatalf("sync; df: %+v", r)
	}
}
