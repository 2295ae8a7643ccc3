//go:build e2e

// Package display tests program windows end to end: the kernel's display
// server, the presenter (WebGPU and Canvas2D) drawing into the page, input
// routed back, and closing a window ending its process.
package display

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	. "github.com/nachoos/nacho/e2e/e2etest"
	"github.com/nachoos/nacho/kernel/coreutils"
)

func TestTestCardWindow(t *testing.T) {
	for _, backend := range []string{"canvas2d", "webgpu"} {
		t.Run(backend, func(t *testing.T) { testCard(t, Browser(t), backend, backend) })
	}
	// Where WebGPU has an adapter but cannot present on a canvas (here the
	// compositor has no GPU at all), windows fall back to Canvas2D.
	t.Run("webgpu-lost", func(t *testing.T) {
		testCard(t, Browser(t, chromedp.DisableGPU, chromedp.Flag("use-angle", ""), chromedp.Flag("use-vulkan", ""), chromedp.Flag("enable-features", "")), "webgpu", "canvas2d")
	})
}

func testCard(t *testing.T, ctx context.Context, backend, want string) {
	srv := StartServe(t)
	WaitBoot(t, ctx, srv.URL+"?display="+backend)
	Do(t, ctx, 30*time.Second, chromedp.Poll[chromedp.Void](`window.nacho.display && window.nacho.display.backend`, chromedp.WithPollingTimeout(30*time.Second)))
	if backend != want {
		Eval[bool](t, ctx, `(() => { window.nacho.run('testcard'); return true; })()`)
		Do(t, ctx, 30*time.Second, chromedp.Poll[chromedp.Void](`window.nacho.display.backend === `+JS(want), chromedp.WithPollingTimeout(30*time.Second)))
		t.Logf("fell back: %s", Eval[string](t, ctx, `window.nacho.display.describe`))
		Eval[bool](t, ctx, `(() => { document.querySelector('[data-guest] .nacho-close').click(); return true; })()`)
		Do(t, ctx, 10*time.Second, chromedp.Poll[chromedp.Void](`window.nacho.desktop.windows().length === 0`))
	}
	if got := Eval[string](t, ctx, `window.nacho.display.backend`); got != want {
		t.Fatalf("display backend %q (%s), want %s", got, Eval[string](t, ctx, `window.nacho.display.describe`), want)
	}
	Eval[bool](t, ctx, `(() => { window.nacho.run('testcard'); return true; })()`)
	Do(t, ctx, 20*time.Second, chromedp.Poll[chromedp.Void](`window.nacho.desktop.windows().length === 1 && window.nacho.desktop.windows()[0].scale === 2`, chromedp.WithPollingTimeout(20*time.Second)))
	time.Sleep(500 * time.Millisecond) // a few frames

	// Every palette entry drawn where the test card puts it, at 2x.
	img := shot(t, ctx)
	bad := 0
	for i := 0; i < 256; i++ {
		x := (32 + (i%16)*16 + 8) * 2
		y := (20 + (i/16)*10 + 5) * 2
		want := coreutils.TestCardColor(i)
		r, g, b, _ := img.At(img.Bounds().Min.X+x, img.Bounds().Min.Y+y).RGBA()
		if uint8(r>>8) != want.R || uint8(g>>8) != want.G || uint8(b>>8) != want.B {
			if bad < 5 {
				t.Errorf("palette entry %d at (%d,%d): got %d,%d,%d want %d,%d,%d", i, x, y, r>>8, g>>8, b>>8, want.R, want.G, want.B)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Fatalf("%d of 256 palette cells wrong", bad)
	}
	// Keys reach the program: switch it to text mode and read its screen.
	Eval[bool](t, ctx, `(() => { document.querySelector('.nacho-guest').focus(); return true; })()`)
	Type(t, ctx, ".nacho-guest", "t")
	id := Eval[int](t, ctx, `window.nacho.desktop.windows()[0].id`)
	deadline := time.Now().Add(10 * time.Second)
	var text string
	for time.Now().Before(deadline) {
		text = Eval[string](t, ctx, fmt.Sprintf(`window.nacho._call('win-text', {win: %d})`, id))
		if strings.Contains(text, "key KeyT (t)") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(text, "Nacho test card") || !strings.Contains(text, "key KeyT (t)") {
		t.Fatalf("text window shows:\n%s", text)
	}
	// The text mode is drawn too: the window's size follows the surface.
	Do(t, ctx, 10*time.Second, chromedp.Poll[chromedp.Void](`window.nacho.desktop.windows()[0].width >= 640`))
	// Closing the window ends the program.
	if r := Shell(t, ctx, "ps"); !strings.Contains(r.Stdout, "testcard") {
		t.Fatalf("testcard not running: %s", r.Stdout)
	}
	Do(t, ctx, 10*time.Second, chromedp.Click(`[data-guest] .nacho-close`))
	deadline = time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && strings.Contains(Shell(t, ctx, "ps").Stdout, "testcard") {
		time.Sleep(50 * time.Millisecond)
	}
	if r := Shell(t, ctx, "ps"); strings.Contains(r.Stdout, "testcard") {
		t.Fatalf("closing the window left the program running:\n%s", r.Stdout)
	}
}

func shot(t *testing.T, ctx context.Context) image.Image {
	t.Helper()
	r := Eval[[]float64](t, ctx, `(() => { const r = document.querySelector('.nacho-guest').getBoundingClientRect(); return [r.left, r.top, r.width, r.height, devicePixelRatio]; })()`)
	b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r[4] != 1 {
		t.Fatalf("device pixel ratio %v; the test expects 1", r[4])
	}
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		t.Fatal("screenshot cannot be cropped")
	}
	x, y := int(r[0]), int(r[1])
	return sub.SubImage(image.Rect(x, y, x+int(r[2]), y+int(r[3])))
}
