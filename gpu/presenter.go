package gpu

import (
	"errors"
	"image"
	"image/color"
	"time"

	"github.com/nachoos/nacho/gpu/surface"
)

// Backend names, as Presenter.Backend and Display.Backend report them.
const (
	WebGPU   = "webgpu"
	Canvas2D = "canvas2d"
)

var (
	// ErrUnsupported is returned where there is no browser to draw in.
	ErrUnsupported = errors.New("gpu: presenting needs a browser (GOOS=js GOARCH=wasm)")
	// ErrNoWebGPU is returned when WebGPU was required but the browser
	// has no WebGPU, no adapter, or no device.
	ErrNoWebGPU = errors.New("gpu: WebGPU is not available")
	// ErrDeviceLost is returned by Present once the GPU device is lost
	// (driver reset, GPU process crash). The window needs a new canvas
	// and presenter.
	ErrDeviceLost = errors.New("gpu: the GPU device was lost")
	// ErrClosed is returned by a closed presenter.
	ErrClosed = errors.New("gpu: presenter closed")
)

// Options configure a Display.
type Options struct {
	// Backend forces a backend (WebGPU or Canvas2D). Empty picks WebGPU
	// and falls back to Canvas2D when it is missing.
	Backend string
	// PowerPreference is passed to requestAdapter: "low-power",
	// "high-performance" or empty.
	PowerPreference string
	// Clock returns the time since the display started; it sets the
	// phase of the text cursor and of blinking characters
	// (surface.PhaseAt). Nil uses a monotonic clock started by Open.
	Clock func() time.Duration
}

// Presenter draws one surface at a time onto one canvas.
type Presenter interface {
	// Present shows s: it uploads what s's damage says changed since the
	// last Present (everything when s is a different surface or its size
	// changed) and redraws when anything changed, including the blink
	// phase of a text grid. It consumes s's damage and never blocks. When
	// the GPU is still busy with earlier frames (MaxFramesInFlight), it
	// draws nothing and leaves s's damage for a later call: presenting
	// faster than the GPU draws only adds latency.
	Present(s surface.Surface) error
	// Resize sets the canvas's size in pixels and the integer scale of
	// the surface on it; scale 0 picks the largest that fits (at least
	// 1). The surface is centred, the border black, and what does not
	// fit is cut off at the right and bottom (see Fit).
	Resize(width, height, scale int) error
	// Backend is WebGPU or Canvas2D.
	Backend() string
	// Snapshot returns the canvas's pixels as last presented. It waits
	// for the GPU, so it must not be called from a JavaScript callback;
	// it is for tests and screenshots, not for every frame.
	Snapshot() (*image.RGBA, error)
	// Stats counts what Present did, for the performance controller.
	Stats() Stats
	// Close releases the presenter's GPU resources. The canvas keeps its
	// last frame.
	Close() error
}

// MaxFramesInFlight is how many submitted frames the WebGPU presenter lets
// the GPU have unfinished before Present skips drawing.
const MaxFramesInFlight = 2

// Stats are a presenter's counters since it was made.
type Stats struct {
	// Frames is how many times Present drew.
	Frames uint64
	// Unchanged is how many times Present had nothing new to draw.
	Unchanged uint64
	// Deferred is how many times Present left a frame for later because
	// the GPU was busy.
	Deferred uint64
	// UploadedBytes is how many bytes of surface content and palette
	// were sent to the GPU or the canvas.
	UploadedBytes uint64
}

// Placement is where a surface lands on a canvas: its top-left pixel and
// integer scale.
type Placement struct {
	X, Y  int
	Scale int
}

// Fit places a w x h surface on a canvasW x canvasH canvas at the given
// integer scale (0: the largest that fits, at least 1), centred; when it
// does not fit, it is anchored at the top-left and the rest is cut off.
func Fit(canvasW, canvasH, w, h, scale int) Placement {
	if scale <= 0 {
		scale = max(1, min(canvasW/max(w, 1), canvasH/max(h, 1)))
	}
	return Placement{
		X:     max(0, (canvasW-w*scale)/2),
		Y:     max(0, (canvasH-h*scale)/2),
		Scale: scale,
	}
}

// Border is the colour of the canvas outside the surface.
var Border = color.RGBA{0, 0, 0, 255}

// Reference returns what a presenter shows for s on a canvasW x canvasH
// canvas at the given scale and blink phase: surface.Render's pixels,
// scaled by pixel replication and placed by Fit, on Border.
func Reference(s surface.Surface, ph surface.Phase, canvasW, canvasH, scale int) *image.RGBA {
	w, h := s.Size()
	src := image.NewRGBA(image.Rect(0, 0, w, h))
	surface.Render(src, s, ph)
	pl := Fit(canvasW, canvasH, w, h, scale)
	dst := image.NewRGBA(image.Rect(0, 0, canvasW, canvasH))
	for y := 0; y < canvasH; y++ {
		for x := 0; x < canvasW; x++ {
			c := Border
			sx, sy := x-pl.X, y-pl.Y
			if sx >= 0 && sy >= 0 && sx < w*pl.Scale && sy < h*pl.Scale {
				c = src.RGBAAt(sx/pl.Scale, sy/pl.Scale)
			}
			dst.SetRGBA(x, y, c)
		}
	}
	return dst
}
