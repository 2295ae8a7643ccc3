//go:build !(js && wasm)

package gpu

// Display is only available in the browser (GOOS=js GOARCH=wasm), where
// Open and NewPresenter draw on canvases; natively Open says so.
type Display struct{}

// Open returns ErrUnsupported: there is no canvas outside a browser. Use
// surface.Render or Reference to draw surfaces natively.
func Open(Options) (*Display, error) { return nil, ErrUnsupported }

// Backend is empty: nothing draws natively.
func (d *Display) Backend() string { return "" }

// Describe says that nothing draws natively.
func (d *Display) Describe() string { return "no display (native build)" }

// FallbackReason is ErrUnsupported.
func (d *Display) FallbackReason() error { return ErrUnsupported }

// Close does nothing.
func (d *Display) Close() error { return nil }
