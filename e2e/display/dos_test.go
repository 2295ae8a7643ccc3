//go:build e2e

package display

import (
	"strings"
	"testing"
	"time"

	"github.com/nachoos/nacho/internal/nasmtest"

	"github.com/chromedp/chromedp"

	. "github.com/nachoos/nacho/e2e/e2etest"
)

// red.asm: mode 13h, fill the screen with colour 4, wait for a key, exit 7.
const redASM = `org 100h
	mov ax, 13h
	int 10h
	push 0A000h
	pop es
	xor di, di
	mov cx, 64000
	mov al, 4
	rep stosb
	xor ah, ah
	int 16h
	mov ax, 4C07h
	int 21h
`

func assemble(t *testing.T, src string) []byte {
	t.Helper()
	return nasmtest.Source(t, src)
}

// A DOS program runs in a worker of its own, draws mode 13h into its
// window, takes a key and exits with its code.
func TestDOSWindowFromWorker(t *testing.T) {
	for _, backend := range []string{"canvas2d", "webgpu"} {
		t.Run(backend, func(t *testing.T) {
			prog := assemble(t, redASM)
			srv := StartServe(t)
			ctx := Browser(t)
			WaitBoot(t, ctx, srv.URL+"?display="+backend)
			Eval[bool](t, ctx, `window.nacho.writeFile('/home/RED.COM', new Uint8Array(`+JS(ints(prog))+`)).then(() => true)`)
			Eval[bool](t, ctx, `(() => { window.done = null; window.nacho.run('run /home/RED.COM').then(r => { window.done = r }); return true; })()`)
			Do(t, ctx, 20*time.Second, chromedp.Poll[chromedp.Void](`window.nacho.desktop.windows().length === 1`, chromedp.WithPollingTimeout(20*time.Second)))
			// The guest runs apart from the kernel: ps shows it, and the
			// kernel's own worker stays free to answer.
			if r := Shell(t, ctx, "ps"); !strings.Contains(r.Stdout, "dos /home/RED.COM") {
				t.Fatalf("ps:\n%s", r.Stdout)
			}
			deadline := time.Now().Add(15 * time.Second)
			for {
				img := shot(t, ctx)
				b := img.Bounds()
				r, g, bl, _ := img.At(b.Min.X+b.Dx()/2, b.Min.Y+b.Dy()/2).RGBA()
				if r>>8 == 170 && g>>8 == 0 && bl>>8 == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("window centre is %d,%d,%d, want VGA colour 4 (170,0,0)", r>>8, g>>8, bl>>8)
				}
				time.Sleep(100 * time.Millisecond)
			}
			Type(t, ctx, ".nacho-guest", "x")
			Do(t, ctx, 20*time.Second, chromedp.Poll[chromedp.Void](`window.done !== null`, chromedp.WithPollingTimeout(20*time.Second)))
			if code := Eval[int](t, ctx, `window.done.code`); code != 7 {
				t.Fatalf("exit code %d, want 7 (%s)", code, Eval[string](t, ctx, `window.done.stderr`))
			}
			Do(t, ctx, 10*time.Second, chromedp.Poll[chromedp.Void](`window.nacho.desktop.windows().length === 0`))
		})
	}
}

func ints(b []byte) []int {
	out := make([]int, len(b))
	for i, c := range b {
		out[i] = int(c)
	}
	return out
}
