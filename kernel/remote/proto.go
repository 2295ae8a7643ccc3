package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"sync"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/vfs"
)

// Conn carries whole messages between the two ends. Send may be called
// from several goroutines; Recv from one. Recv returns an error once the
// other end is gone.
type Conn interface {
	Send(msg []byte) error
	Recv() ([]byte, error)
	Close() error
}

// Message kinds.
const (
	kindRequest = 1 + iota
	kindReply
	kindEvent
	kindCancel
)

// Operations. Requests go from the guest to the host.
const (
	opOpen = 1 + iota
	opLstat
	opReadDir
	opMkdir
	opRemove
	opRename
	opSymlink
	opReadlink
	opSetAttr
	opSync
	opStatfs
	opHRead
	opHWrite
	opHAppend
	opHTruncate
	opHStat
	opHReadDir
	opHSync
	opHClose
	opFdRead
	opFdWrite
	opTermMode
	opTermSetMode
	opTermSize
	opWriteFile
	opHasDisplay
	opFdKind
	opMax
)

// Events. evStats, evExit and evWin{Open,Change,Close} go from the guest
// to the host; evSignal, evWinInput and evWinScale the other way.
const (
	evStats = 1 + iota
	evExit
	evSignal
	evWinOpen
	evWinChange
	evWinClose
	evWinInput
	evWinScale
)

// Error codes in replies.
const (
	codeOK = iota
	codeEOF
	codeInterrupted
	codeBrokenPipe
	codeBadFD
	codeHangup
	codeNoMemory
	codeNotTTY
	codeOther
	codeErrno = 100 // + vfs.Errno
)

func errCode(err error) (uint64, string) {
	switch {
	case err == nil:
		return codeOK, ""
	case errors.Is(err, io.EOF):
		return codeEOF, ""
	case errors.Is(err, kernel.ErrInterrupted), errors.Is(err, context.Canceled):
		return codeInterrupted, ""
	case errors.Is(err, kernel.ErrBrokenPipe):
		return codeBrokenPipe, ""
	case errors.Is(err, kernel.ErrBadFD):
		return codeBadFD, ""
	case errors.Is(err, kernel.ErrHangup):
		return codeHangup, ""
	case errors.Is(err, kernel.ErrNoMemory):
		return codeNoMemory, err.Error()
	case errors.Is(err, kernel.ErrNotTTY):
		return codeNotTTY, ""
	}
	var e vfs.Errno
	if errors.As(err, &e) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrExist) ||
		errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrInvalid) || errors.Is(err, fs.ErrClosed) {
		return codeErrno + uint64(vfs.ErrnoOf(err)), ""
	}
	return codeOther, err.Error()
}

func codeErr(code uint64, msg string) error {
	switch code {
	case codeOK:
		return nil
	case codeEOF:
		return io.EOF
	case codeInterrupted:
		return kernel.ErrInterrupted
	case codeBrokenPipe:
		return kernel.ErrBrokenPipe
	case codeBadFD:
		return kernel.ErrBadFD
	case codeHangup:
		return kernel.ErrHangup
	case codeNoMemory:
		return fmt.Errorf("%w: %s", kernel.ErrNoMemory, msg)
	case codeNotTTY:
		return kernel.ErrNotTTY
	}
	if code >= codeErrno && code < codeErrno+4096 {
		return vfs.Errno(code - codeErrno)
	}
	if msg == "" {
		msg = "error " + strconv.FormatUint(code, 10)
	}
	return errors.New(msg)
}

// header starts a message.
func header(kind uint8, id uint64, op uint8) *encoder {
	e := &encoder{b: make([]byte, 0, 64)}
	e.u8(kind)
	e.uvar(id)
	e.u8(op)
	return e
}

// parsed is a message's header and the decoder positioned at its fields.
type parsed struct {
	kind uint8
	id   uint64
	op   uint8
	d    *decoder
}

func parse(msg []byte) (parsed, error) {
	if len(msg) > MaxMessage {
		return parsed{}, fmt.Errorf("%w: %d bytes", errMalformed, len(msg))
	}
	d := &decoder{b: msg}
	p := parsed{kind: d.u8(), id: d.uvar(), op: d.u8(), d: d}
	if d.err != nil {
		return parsed{}, d.err
	}
	if p.kind < kindRequest || p.kind > kindCancel {
		return parsed{}, fmt.Errorf("%w: kind %d", errMalformed, p.kind)
	}
	return p, nil
}

// sendLock serialises Send for Conns that need it.
type lockedConn struct {
	mu sync.Mutex
	Conn
}

func (c *lockedConn) Send(msg []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.Send(msg)
}
