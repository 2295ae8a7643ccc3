package kernel

import "errors"

// Errors of kernel objects. They read like their Unix counterparts.
var (
	ErrInterrupted = errors.New("interrupted system call")
	ErrBrokenPipe  = errors.New("broken pipe")
	ErrBadFD       = errors.New("bad file descriptor")
	ErrHangup      = errors.New("terminal hung up")
	ErrNotTTY      = errors.New("inappropriate ioctl for device")
)
