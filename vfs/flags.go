package vfs

// Open flags. They mean what os.O_* mean; the values are Linux's so the
// Linux personality can pass a guest's flags through.
const (
	O_RDONLY    = 0x0
	O_WRONLY    = 0x1
	O_RDWR      = 0x2
	O_ACCMODE   = 0x3
	O_CREATE    = 0x40
	O_EXCL      = 0x80
	O_TRUNC     = 0x200
	O_APPEND    = 0x400
	O_SYNC      = 0x101000
	O_DIRECTORY = 0x10000
	O_NOFOLLOW  = 0x20000
)

// Limits on names, as on Linux.
const (
	NameMax    = 255  // bytes in one path component
	PathMax    = 4096 // bytes in a whole path
	SymlinkMax = 40   // symbolic links followed while resolving one path
)

func readable(flag int) bool { return flag&O_ACCMODE != O_WRONLY }
func writable(flag int) bool { return flag&O_ACCMODE != O_RDONLY }
