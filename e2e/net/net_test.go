//go:build e2e

// Package net tests the page's network module end to end: the peer
// program in two browser pages, and a page with the native nacho peer.
package net

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	. "github.com/nachoos/nacho/e2e/e2etest"
)

func waitID(t *testing.T, ctx context.Context, path string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		r := Shell(t, ctx, "cat "+path)
		if id := strings.TrimSpace(r.Stdout); len(id) == 64 {
			return id
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no id in %s; peer said: %+v", path, Shell(t, ctx, "cat /tmp/share.err"))
	return ""
}

// One page shares a folder; another page (its own browser profile) fetches
// it through the room; then the native nacho peer fetches it too.
func TestPeerBetweenPagesAndNative(t *testing.T) {
	srv := StartServe(t)
	a, b := Browser(t), Browser(t)
	WaitBoot(t, a, srv.URL)
	WaitBoot(t, b, srv.URL)
	Eval[bool](t, a, `(async () => {
		const u = new Uint8Array(2500000); for (let i = 0; i < u.length; i++) u[i] = (i * 31 + 7) & 255;
		await window.nacho.writeFile('/home/pics/a.bin', u);
		await window.nacho.writeFile('/home/pics/readme.txt', 'shared from page A\n');
		window.nacho.run('peer share /home/pics --room e2e --secret s3 > /tmp/share.id 2> /tmp/share.err');
		return true;
	})()`)
	id := waitID(t, a, "/tmp/share.id")

	r := Eval[RunResult](t, b, `window.nacho.run('peer fetch `+id+` -o /home/got --room e2e --secret s3')`)
	if r.Code != 0 || !strings.Contains(r.Stdout, "every chunk verified") {
		t.Fatalf("page B fetch: %+v", r)
	}
	check := Eval[[]float64](t, b, `(async () => {
		const d = await window.nacho.readFile('/home/got/a.bin');
		let bad = 0; for (let i = 0; i < d.length; i++) if (d[i] !== ((i * 31 + 7) & 255)) bad++;
		return [d.length, bad];
	})()`)
	if check[0] != 2500000 || check[1] != 0 {
		t.Fatalf("fetched a.bin: %v (length, bytes wrong)", check)
	}
	if r := Shell(t, b, "cat /home/got/readme.txt"); r.Stdout != "shared from page A\n" {
		t.Fatalf("readme: %+v", r)
	}
	// The native peer fetches the same share from the page.
	out := filepath.Join(t.TempDir(), "native")
	cmd := exec.Command(Bin(t), "peer", "fetch", id, "--server", strings.TrimSuffix(srv.URL, "/"), "--room", "e2e", "--secret", "s3", "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("native fetch: %v\n%s", err, msg)
	}
	if b, err := os.ReadFile(filepath.Join(out, "readme.txt")); err != nil || string(b) != "shared from page A\n" {
		t.Fatalf("native got %q %v", b, err)
	}
	// ps shows the sharer; kill stops it.
	ps := Shell(t, a, "ps")
	var pid string
	for _, l := range strings.Split(ps.Stdout, "\n") {
		if strings.Contains(l, "peer share") {
			pid = strings.Fields(l)[0]
		}
	}
	if pid == "" {
		t.Fatalf("ps does not show the sharer:\n%s", ps.Stdout)
	}
	if r := Shell(t, a, "kill "+pid); r.Code != 0 {
		t.Fatalf("kill: %+v", r)
	}
}

// A fetch that cannot complete says so, and exits non-zero.
func TestPeerFetchUnknownID(t *testing.T) {
	srv := StartServe(t)
	ctx := Browser(t)
	WaitBoot(t, ctx, srv.URL)
	r := Shell(t, ctx, "peer fetch "+strings.Repeat("ab", 32)+" --room nobody --secret x --wait 3")
	if r.Code == 0 || r.Stderr == "" {
		t.Fatalf("fetch of an unknown id: %+v", r)
	}
	t.Logf("said: %s", strings.TrimSpace(r.Stderr))
}

// The embed API's channels: two pages join a room and exchange messages on
// a reliable and an unordered channel; the membership is a process.
func TestEmbedChannels(t *testing.T) {
	srv := StartServe(t)
	a, b := Browser(t), Browser(t)
	WaitBoot(t, a, srv.URL)
	WaitBoot(t, b, srv.URL)
	setup := `(async () => {
		const room = await window.nacho.join({room: 'game', secret: 'pw'});
		window.got = [];
		for (const [name, unordered] of [['chat', false], ['pos', true]]) {
			const ch = await room.channel(name, {unordered});
			ch.on('message', (d, from) => window.got.push(name + ':' + new TextDecoder().decode(d)));
			window[name] = ch;
		}
		window.room = room;
		return room.id.length > 0;
	})()`
	if !Eval[bool](t, a, setup) || !Eval[bool](t, b, setup) {
		t.Fatal("join failed")
	}
	Do(t, a, 30*time.Second, chromedp.Poll[chromedp.Void](`window.room.members().length === 1`, chromedp.WithPollingTimeout(30*time.Second)))
	deadline := time.Now().Add(30 * time.Second)
	for {
		Eval[bool](t, a, `(() => { window.chat.send('hello'); window.pos.send(new Uint8Array([52, 50])); return true; })()`)
		got := Eval[[]string](t, b, `window.got`)
		if len(got) >= 2 && contains(got, "chat:hello") && contains(got, "pos:42") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("b got %v", got)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if r := Shell(t, a, "ps"); !strings.Contains(r.Stdout, "room game") || strings.Contains(r.Stdout, "pw") {
		t.Fatalf("ps should show the membership but not its secret:\n%s", r.Stdout)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
