//go:build !linux || !amd64

package hostcpu

// Supported says whether Exec works here.
const Supported = false

// Exec is not available on this host.
func Exec(code []byte, st *State) error { return ErrUnsupported }
