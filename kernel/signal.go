package kernel

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Signal is a POSIX-style signal number.
type Signal int

// The signals the kernel knows, with Linux numbers.
const (
	SIGHUP   Signal = 1
	SIGINT   Signal = 2
	SIGQUIT  Signal = 3
	SIGKILL  Signal = 9
	SIGPIPE  Signal = 13
	SIGTERM  Signal = 15
	SIGCHLD  Signal = 17
	SIGCONT  Signal = 18
	SIGSTOP  Signal = 19
	SIGWINCH Signal = 28
)

var signalNames = map[Signal]string{
	SIGHUP: "HUP", SIGINT: "INT", SIGQUIT: "QUIT", SIGKILL: "KILL", SIGPIPE: "PIPE",
	SIGTERM: "TERM", SIGCHLD: "CHLD", SIGCONT: "CONT", SIGSTOP: "STOP", SIGWINCH: "WINCH",
}

func (s Signal) String() string {
	if n, ok := signalNames[s]; ok {
		return "SIG" + n
	}
	return "signal " + strconv.Itoa(int(s))
}

// terminates reports whether the default action of s ends the process.
func (s Signal) terminates() bool {
	switch s {
	case SIGCHLD, SIGCONT, SIGWINCH, SIGSTOP:
		return false
	}
	return true
}

// ParseSignal accepts "9", "KILL", "SIGKILL" (any case).
func ParseSignal(s string) (Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 || n > 64 {
			return 0, fmt.Errorf("%s: invalid signal specification", s)
		}
		return Signal(n), nil
	}
	name := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	for sig, n := range signalNames {
		if n == name {
			return sig, nil
		}
	}
	return 0, fmt.Errorf("%s: invalid signal specification", s)
}

// ErrNoSuchProcess is returned for a pid that names no live process.
var ErrNoSuchProcess = errors.New("no such process")
