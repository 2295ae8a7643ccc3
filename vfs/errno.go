package vfs

import (
	"errors"
	"io/fs"
	"strconv"
)

// Errno is a Unix error number. Its values are Linux's, so the Linux
// personality can hand them to guests unchanged and other personalities
// (DOS) translate from one table.
type Errno uint32

// Error numbers used by the file systems. Values are Linux's.
const (
	EPERM        Errno = 1
	ENOENT       Errno = 2
	EIO          Errno = 5
	EBADF        Errno = 9
	EAGAIN       Errno = 11
	ENOMEM       Errno = 12
	EACCES       Errno = 13
	EBUSY        Errno = 16
	EEXIST       Errno = 17
	EXDEV        Errno = 18
	ENOTDIR      Errno = 20
	EISDIR       Errno = 21
	EINVAL       Errno = 22
	EMFILE       Errno = 24
	EFBIG        Errno = 27
	ENOSPC       Errno = 28
	ESPIPE       Errno = 29
	EROFS        Errno = 30
	ENAMETOOLONG Errno = 36
	ENOSYS       Errno = 38
	ENOTEMPTY    Errno = 39
	ELOOP        Errno = 40
	ENOTSUP      Errno = 95
	ECANCELED    Errno = 125
)

var errnoText = map[Errno]string{
	EPERM:        "operation not permitted",
	ENOENT:       "no such file or directory",
	EIO:          "input/output error",
	EBADF:        "bad file descriptor",
	EAGAIN:       "resource temporarily unavailable",
	ENOMEM:       "cannot allocate memory",
	EACCES:       "permission denied",
	EBUSY:        "device or resource busy",
	EEXIST:       "file exists",
	EXDEV:        "invalid cross-device link",
	ENOTDIR:      "not a directory",
	EISDIR:       "is a directory",
	EINVAL:       "invalid argument",
	EMFILE:       "too many open files",
	EFBIG:        "file too large",
	ENOSPC:       "no space left on device",
	ESPIPE:       "illegal seek",
	EROFS:        "read-only file system",
	ENAMETOOLONG: "file name too long",
	ENOSYS:       "function not implemented",
	ENOTEMPTY:    "directory not empty",
	ELOOP:        "too many levels of symbolic links",
	ENOTSUP:      "operation not supported",
	ECANCELED:    "operation canceled",
}

var errnoName = map[Errno]string{
	EPERM: "EPERM", ENOENT: "ENOENT", EIO: "EIO", EBADF: "EBADF", EAGAIN: "EAGAIN",
	ENOMEM: "ENOMEM", EACCES: "EACCES", EBUSY: "EBUSY", EEXIST: "EEXIST", EXDEV: "EXDEV",
	ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL", EMFILE: "EMFILE", EFBIG: "EFBIG",
	ENOSPC: "ENOSPC", ESPIPE: "ESPIPE", EROFS: "EROFS", ENAMETOOLONG: "ENAMETOOLONG",
	ENOSYS: "ENOSYS", ENOTEMPTY: "ENOTEMPTY", ELOOP: "ELOOP", ENOTSUP: "ENOTSUP",
	ECANCELED: "ECANCELED",
}

// Error returns the Unix text of the error ("no such file or directory").
func (e Errno) Error() string {
	if s, ok := errnoText[e]; ok {
		return s
	}
	return "errno " + strconv.Itoa(int(e))
}

// Name returns the symbolic name ("ENOENT").
func (e Errno) Name() string {
	if s, ok := errnoName[e]; ok {
		return s
	}
	return "E" + strconv.Itoa(int(e))
}

// Is makes errors.Is(err, fs.ErrNotExist) and friends work.
func (e Errno) Is(target error) bool {
	switch target {
	case fs.ErrNotExist:
		return e == ENOENT
	case fs.ErrExist:
		return e == EEXIST || e == ENOTEMPTY
	case fs.ErrPermission:
		return e == EACCES || e == EPERM || e == EROFS
	case fs.ErrInvalid:
		return e == EINVAL
	case fs.ErrClosed:
		return e == EBADF
	case errors.ErrUnsupported:
		return e == ENOSYS || e == ENOTSUP
	}
	return false
}

// ErrnoOf returns the Errno carried by err: an Errno anywhere in its chain,
// else the errno matching a standard io/fs error, else EIO. ErrnoOf(nil) is 0.
func ErrnoOf(err error) Errno {
	if err == nil {
		return 0
	}
	var e Errno
	if errors.As(err, &e) {
		return e
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ENOENT
	case errors.Is(err, fs.ErrExist):
		return EEXIST
	case errors.Is(err, fs.ErrPermission):
		return EACCES
	case errors.Is(err, fs.ErrInvalid):
		return EINVAL
	case errors.Is(err, fs.ErrClosed):
		return EBADF
	case errors.Is(err, errors.ErrUnsupported):
		return ENOTSUP
	}
	return EIO
}

// pathErr wraps err as *fs.PathError{op, path, errno}. An error that already
// is a PathError keeps its cause but takes the caller's op and path, so that
// messages name the path the user typed, not a file system's internal one.
// Causes that carry more than an errno (a corrupt-record report) are kept.
func pathErr(op, path string, err error) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if _, ok := err.(Errno); !ok {
		var e Errno
		if !errors.As(err, &e) {
			err = &wrapped{errno: ErrnoOf(err), cause: err}
		}
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}

// wrapped attaches an errno to an error from below (a store failure) while
// keeping its text and chain.
type wrapped struct {
	errno Errno
	cause error
}

func (w *wrapped) Error() string   { return w.errno.Error() + ": " + w.cause.Error() }
func (w *wrapped) Unwrap() []error { return []error{w.errno, w.cause} }

// WithErrno returns an error that reads "<errno text>: <cause>" and satisfies
// errors.Is for both errno and cause. File systems use it to report, say, a
// corrupt record as EIO with the detail kept.
func WithErrno(errno Errno, cause error) error {
	return &wrapped{errno: errno, cause: cause}
}
