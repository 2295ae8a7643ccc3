//go:build !unix

package dos

import "time"

// cpuTime is not known here (the page measures it from outside).
func cpuTime() time.Duration { return 0 }
