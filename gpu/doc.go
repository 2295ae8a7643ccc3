// Package gpu presents surfaces (gpu/surface) on canvases: the display
// presenter of the kernel's display server. Each window's guest surface is
// drawn onto an OffscreenCanvas that the page transferred to the kernel's
// worker, by one of two backends chosen at run time:
//
//   - WebGPU: indexed framebuffers are uploaded as r8uint textures and
//     turned into colours through a 256x1 palette texture in a fragment
//     shader; text grids upload their cells as an rg8uint texture and are
//     drawn from a glyph atlas texture, with blinking and the cursor in the
//     shader; RGBA framebuffers are uploaded as they are. Every fragment
//     reads its texel with textureLoad at an integer coordinate, so
//     integer scaling is nearest-neighbour by construction.
//   - Canvas2D, when WebGPU or an adapter is missing: surface.RenderRows
//     draws the changed rows on the CPU into an ImageData, and drawImage
//     scales it with smoothing off.
//
// Both upload only what the surface's damage says changed, and both show
// exactly what Reference computes, which the browser tests check pixel for
// pixel.
//
// Use (in the kernel worker, from a goroutine — opening a display awaits
// promises, which must not happen inside a JavaScript callback):
//
//	d, err := gpu.Open(gpu.Options{})          // one per kernel: one GPU device
//	p, err := d.NewPresenter(offscreenCanvas)   // one per window
//	p.Resize(640, 400, 0)                       // canvas pixels; 0 = largest integer scale that fits
//	p.Present(grid)                             // every frame, or when damaged or blinking
//	d.Backend()                                 // "webgpu" or "canvas2d", for the page to show
//
// Present never blocks and may be called from a requestAnimationFrame
// callback. The types without build tags (Presenter, Options, Fit,
// Reference) compile everywhere; Open and NewPresenter need js/wasm and
// return ErrUnsupported elsewhere. The kernel must not import this package
// (it reaches syscall/js); it imports gpu/surface and takes a Presenter
// through an interface of its own.
package gpu
