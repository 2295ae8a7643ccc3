//go:build e2e

// Package dos tests DOS programs in the page end to end: a program opens a
// window of its own, takes keys typed into it, and its screen (a text
// grid or a mode 13h framebuffer) is drawn pixel for pixel as the CPU
// reference renderer draws the screen it must show.
package dos

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nachoos/nacho/internal/nasmtest"

	"github.com/chromedp/chromedp"

	. "github.com/nachoos/nacho/e2e/e2etest"
	"github.com/nachoos/nacho/gpu/surface"
)

func assemble(t *testing.T, src string) []byte {
	t.Helper()
	return nasmtest.Source(t, src)
}

// runPrefix goes before the run command (environment assignments).
var runPrefix = os.Getenv("DOS_E2E_PREFIX")

func ints(b []byte) []int {
	out := make([]int, len(b))
	for i, c := range b {
		out[i] = int(c)
	}
	return out
}

// start boots the page, writes the program to /home and runs it; it
// returns once its window is open.
func start(t *testing.T, backend, name string, prog []byte) context.Context {
	t.Helper()
	srv := StartServe(t)
	ctx := Browser(t)
	WaitBoot(t, ctx, srv.URL+"?display="+backend)
	Eval[bool](t, ctx, `window.nacho.writeFile('/home/`+name+`', new Uint8Array(`+JS(ints(prog))+`)).then(() => true)`)
	Eval[bool](t, ctx, `(() => { window.done = null; window.nacho.run(`+JS(runPrefix)+` + 'run /home/`+name+`').then(r => { window.done = r }); return true; })()`)
	Do(t, ctx, 30*time.Second, chromedp.Poll[chromedp.Void](`window.nacho.desktop.windows().length === 1`, chromedp.WithPollingTimeout(30*time.Second)))
	return ctx
}

// finish presses a key in the window and checks the exit code.
func finish(t *testing.T, ctx context.Context, want int) {
	t.Helper()
	Type(t, ctx, ".nacho-guest", "x")
	Do(t, ctx, 20*time.Second, chromedp.Poll[chromedp.Void](`window.done !== null`, chromedp.WithPollingTimeout(20*time.Second)))
	if code := Eval[int](t, ctx, `window.done.code`); code != want {
		t.Fatalf("exit code %d, want %d (stderr %q)", code, want, Eval[string](t, ctx, `window.done.stderr`))
	}
	Do(t, ctx, 10*time.Second, chromedp.Poll[chromedp.Void](`window.nacho.desktop.windows().length === 0`))
}

// shot is the guest canvas as the page shows it.
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
	x, y := int(r[0]), int(r[1])
	return img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(x, y, x+int(r[2]), y+int(r[3])))
}

// matches polls the window until it shows want, pixel for pixel, at the
// integer scale the page chose, and reports the last difference
// otherwise. The window's rounded corners (4x4 pixels each) are chrome.
func matches(t *testing.T, ctx context.Context, want *image.RGBA) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var msg string
	for {
		img := shot(t, ctx)
		b := img.Bounds()
		wb := want.Bounds()
		msg = ""
		scale := b.Dx() / wb.Dx()
		corner := func(x, y int) bool {
			return (x < 4 || x >= b.Dx()-4) && (y < 4 || y >= b.Dy()-4)
		}
		if scale < 1 || b.Dx() != wb.Dx()*scale || b.Dy() != wb.Dy()*scale {
			msg = fmt.Sprintf("canvas is %dx%d, want a whole multiple of %dx%d", b.Dx(), b.Dy(), wb.Dx(), wb.Dy())
		} else {
			bad := 0
			for y := 0; y < b.Dy() && bad < 1; y++ {
				for x := 0; x < b.Dx(); x++ {
					if corner(x, y) {
						continue
					}
					r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
					w := want.RGBAAt(x/scale, y/scale)
					if uint8(r>>8) != w.R || uint8(g>>8) != w.G || uint8(bl>>8) != w.B {
						msg = fmt.Sprintf("pixel (%d,%d) is %d,%d,%d, want %d,%d,%d", x, y, r>>8, g>>8, bl>>8, w.R, w.G, w.B)
						bad++
						break
					}
				}
			}
		}
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			if d := os.Getenv("DOS_E2E_SHOTS"); d != "" {
				f, _ := os.Create(filepath.Join(d, t.Name()[strings.LastIndexByte(t.Name(), '/')+1:]+".png"))
				png.Encode(f, img)
				f.Close()
			}
			// What the page and the kernel say, to tell a program that did
			// not run from a picture that was not shown.
			t.Logf("page: %s", Eval[string](t, ctx, `JSON.stringify({windows: window.nacho.desktop.windows(), canvases: Array.from(document.querySelectorAll('.nacho-guest')).map(c => [c.style.width, c.style.height, c.isConnected])})`))
			t.Logf("ps:\n%s", Shell(t, ctx, "ps").Stdout)
			t.Fatal(msg)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// greet.asm: a text-mode program that asks for a name (INT 21h AH=0Ah,
// echoed through the BIOS) and greets it, with the cursor hidden so the
// screen does not blink.
const greetASM = `org 100h
	mov ax, 3
	int 10h
	mov ah, 1
	mov cx, 2000h
	int 10h
	mov ah, 9
	mov dx, prompt
	int 21h
	mov ah, 0Ah
	mov dx, buf
	int 21h
	mov ah, 9
	mov dx, hello
	int 21h
	mov si, buf + 2
	xor cx, cx
	mov cl, [buf + 1]
	jcxz .e
.p:	lodsb
	mov dl, al
	mov ah, 2
	int 21h
	loop .p
.e:	mov dl, '!'
	mov ah, 2
	int 21h
	xor ah, ah
	int 16h
	mov ax, 4C03h
	int 21h
prompt	db "Name? $"
hello	db 13, 10, "Hello, $"
buf	db 20, 0
	times 22 db 0
`

// TestTextWindow: type into a DOS program's window and read its screen.
func TestTextWindow(t *testing.T) {
	for _, backend := range []string{"canvas2d", "webgpu"} {
		t.Run(backend, func(t *testing.T) {
			ctx := start(t, backend, "GREET.COM", assemble(t, greetASM))
			Type(t, ctx, ".nacho-guest", "Nacho\r")
			g := surface.NewTextGrid(80, 25)
			g.Print(0, 0, []byte("Name? Nacho"), 0x07)
			g.Print(0, 1, []byte("Hello, Nacho!"), 0x07)
			g.SetCursor(surface.Cursor{Visible: false})
			want := image.NewRGBA(image.Rect(0, 0, 640, 400))
			surface.Render(want, g, surface.Phase{})
			matches(t, ctx, want)
			finish(t, ctx, 3)
		})
	}
}

// mode13.asm: every DAC entry set to a colour of its own, the screen
// filled with a pattern that uses them all, then a key ends it.
const mode13ASM = `org 100h
	mov ax, 13h
	int 10h
	mov dx, 3C8h
	xor al, al
	out dx, al
	inc dx
	xor bx, bx
.pal:	mov al, bl		; red: i/4
	shr al, 2
	out dx, al
	mov al, bl		; green: (255 - i)/4
	not al
	shr al, 2
	out dx, al
	mov al, bl		; blue: (i*7) mod 64
	mov ah, 7
	mul ah
	and al, 63
	out dx, al
	inc bl
	jnz .pal
	push 0A000h
	pop es
	xor di, di
	xor dx, dx		; y
.row:	xor cx, cx		; x
.col:	mov ax, cx
	add ax, dx
	add ax, dx
	stosb			; pixel (x, y) = x + 2y
	inc cx
	cmp cx, 320
	jb .col
	inc dx
	cmp dx, 200
	jb .row
	xor ah, ah
	int 16h
	mov ax, 4C00h
	int 21h
`

// TestMode13Window: a mode 13h frame with a program-set palette, drawn at
// twice its size, compared pixel for pixel.
func TestMode13Window(t *testing.T) {
	for _, backend := range []string{"canvas2d", "webgpu"} {
		t.Run(backend, func(t *testing.T) {
			ctx := start(t, backend, "MODE13.COM", assemble(t, mode13ASM))
			f := surface.NewIndexed(320, 200)
			for i := 0; i < 256; i++ {
				f.SetDAC(byte(i), uint8(i>>2), uint8((^i&0xFF)>>2), uint8(i*7&63))
			}
			pix := make([]byte, 320*200)
			for y := 0; y < 200; y++ {
				for x := 0; x < 320; x++ {
					pix[y*320+x] = byte(x + 2*y)
				}
			}
			f.Update(pix)
			want := image.NewRGBA(image.Rect(0, 0, 320, 200))
			surface.Render(want, f, surface.Phase{})
			if c := want.RGBAAt(1, 0); c != (color.RGBA{surface.DAC6(0), surface.DAC6(63), surface.DAC6(7), 255}) {
				t.Fatalf("reference colour of index 1: %v", c)
			}
			matches(t, ctx, want)
			finish(t, ctx, 0)
		})
	}
}
