package dos

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/nachoos/nacho/vfs"
)

// DOS's own data lives in low memory at segment 60h, where programs that
// look (MEM, debuggers, utilities that walk the MCB chain or the device
// list) find the structures real DOS keeps: the List of Lists, the NUL
// device, the current directory structures, the InDOS flag. The first
// memory control block follows it.
const (
	dosSeg      = 0x0060
	dosCritErr  = 0x010 // byte: critical error flag; InDOS follows
	dosInDOS    = 0x011
	dosLoL      = 0x030 // List of Lists (INT 21h AH=52h)
	dosSFT      = 0x0A0 // first system file table block (a header only)
	dosCDS      = 0x200 // current directory structures, 26 of 58h bytes
	cdsSize     = 0x58
	dosDPB      = 0xB00
	rootPSPSeg  = 0x0114 // the shell that is parent of the first program
	rootEnvSeg  = 0x0124
	rootEnvSize = 0x200
	firstMCB    = 0x0160
	memTop      = 0xA000 // 640 KiB
)

// DOS error codes.
const (
	errInvalidFunction = 1
	errFileNotFound    = 2
	errPathNotFound    = 3
	errTooManyFiles    = 4
	errAccessDenied    = 5
	errInvalidHandle   = 6
	errMCBDestroyed    = 7
	errNoMemory        = 8
	errBadMCB          = 9
	errBadEnvironment  = 10
	errBadFormat       = 11
	errBadAccess       = 12
	errBadData         = 13
	errBadDrive        = 15
	errCurrentDir      = 16
	errNotSameDevice   = 17
	errNoMoreFiles     = 18
	errWriteProtect    = 19
	errGeneralFailure  = 31
	errSharing         = 32
	errFileExists      = 80
	errCannotMake      = 82
)

type dosState struct {
	psp      uint16 // current program's PSP
	dtaSeg   uint16
	dtaOff   uint16
	drive    int // current drive, 0 = A:
	drives   [26]*drive
	sft      []*openFile
	lastErr  uint16
	errClass uint8
	errLocus uint8
	verify   bool
	breakOn  bool
	breakHit bool
	switchar byte
	strategy uint16
	retCode  uint16 // AH: how the last child ended, AL: its code
	// clockOffset moves the guest's clock from the host's (DOS and BIOS
	// calls that set the date or time).
	clockOffset time.Duration
	after23     uint16 // ROM offset the Ctrl-C handler returns to
	progs       []*program
	attrs       map[string]uint8 // hidden, system, archive bits by VFS path
	finds       []string         // directories of find first/next searches, by id
	findIDs     map[string]int
	dirs        map[string]*dirListing
	pendingScan uint8 // the scan code of an extended key, for the next read
	line        lineEdit
	template    []byte // the last line typed (F3)
	redirLine   []byte
	break23     breakState
	tempSeq     uint32
}

// program is one program in the EXEC chain.
type program struct {
	psp    uint16
	name   string // DOS path
	parent regs   // the parent's registers at EXEC
	// The parent's stack and the return address live in the PSPs, as in
	// DOS; the parent's DTA and how its EXEC call arrived are kept here.
	dta   [2]uint16
	frame dispatch
	first bool
}

func (d *dosState) depth() int { return len(d.progs) }

func (d *dosState) progName() string {
	if len(d.progs) == 0 {
		return ""
	}
	n := d.progs[len(d.progs)-1].name
	if i := strings.LastIndexByte(n, '\\'); i >= 0 {
		n = n[i+1:]
	}
	return n
}

// initDOS sets up DOS's data, the drives and the first memory arena.
func (m *Machine) initDOS() error {
	d := &m.dos
	d.switchar = '/'
	d.breakOn = false
	d.attrs = map[string]uint8{}
	d.findIDs = map[string]int{}
	d.dirs = map[string]*dirListing{}
	d.drive = -1
	for _, dc := range m.cfg.Drives {
		if err := m.addDrive(dc); err != nil {
			return err
		}
	}
	// The List of Lists and what it points to.
	lol := uint16(dosLoL)
	m.ww(dosSeg, lol-2, firstMCB)
	m.setFarPtr(dosSeg, lol+0x00, dosSeg, dosDPB)
	m.setFarPtr(dosSeg, lol+0x04, dosSeg, dosSFT)
	m.setFarPtr(dosSeg, lol+0x08, 0xFFFF, 0xFFFF)
	m.setFarPtr(dosSeg, lol+0x0C, 0xFFFF, 0xFFFF)
	m.ww(dosSeg, lol+0x10, 512)
	m.setFarPtr(dosSeg, lol+0x16, dosSeg, dosCDS)
	m.setFarPtr(dosSeg, lol+0x1A, 0xFFFF, 0xFFFF)
	m.wb(dosSeg, lol+0x20, uint8(m.countDrives()))
	m.wb(dosSeg, lol+0x21, 26) // LASTDRIVE=Z
	// The NUL device header ends the device chain.
	nul := lol + 0x22
	m.setFarPtr(dosSeg, nul, 0xFFFF, 0xFFFF)
	m.ww(dosSeg, nul+4, 0x8004)
	m.write(dosSeg, nul+10, []byte("NUL     "))
	m.wb(dosSeg, lol+0x63, 0)
	m.ww(dosSeg, lol+0x66, 0xFFFF) // no upper memory blocks
	// An empty system file table block: programs that walk it find the
	// end at once (the open files are the emulator's).
	m.setFarPtr(dosSeg, dosSFT, 0xFFFF, 0xFFFF)
	m.ww(dosSeg, dosSFT+4, 0)
	m.writeCDS()
	// The memory arena: one free block up to 640 KiB.
	m.writeMCB(firstMCB, 'Z', 0, memTop-firstMCB-1, "")
	// The root shell's PSP and environment.
	m.buildPSP(rootPSPSeg, rootPSPSeg, memTop, rootEnvSeg)
	m.filll(linear(rootEnvSeg, 0), 0, rootEnvSize)
	d.psp = rootPSPSeg
	d.dtaSeg, d.dtaOff = rootPSPSeg, 0x80
	m.wb(dosSeg, dosInDOS, 0)
	m.initSFT()
	return nil
}

func (m *Machine) countDrives() int {
	n := 0
	for _, dr := range m.dos.drives {
		if dr != nil {
			n++
		}
	}
	return max(n, 3)
}

// writeCDS writes the current directory structure of every drive.
func (m *Machine) writeCDS() {
	for i := 0; i < 26; i++ {
		off := uint16(dosCDS + i*cdsSize)
		rec := make([]byte, cdsSize)
		if dr := m.dos.drives[i]; dr != nil {
			p := dr.cwdPath()
			copy(rec, p)
			put16(rec[0x43:], 0x4000) // physical drive
			put16(rec[0x45:], dosDPB)
			put16(rec[0x47:], dosSeg)
			put16(rec[0x4F:], 2)
		}
		m.write(dosSeg, off, rec)
	}
}

// ok clears the carry flag (success).
func (m *Machine) ok() { m.setCF(false) }

// fail returns DOS error code e: carry set, AX the code.
func (m *Machine) fail(e uint16) {
	m.setCF(true)
	m.setAX(e)
	m.dos.lastErr = e
	switch e {
	case errFileNotFound, errPathNotFound, errNoMoreFiles:
		m.dos.errClass, m.dos.errLocus = 8, 2
	case errAccessDenied, errWriteProtect, errSharing:
		m.dos.errClass, m.dos.errLocus = 3, 2
	case errNoMemory, errMCBDestroyed, errBadMCB:
		m.dos.errClass, m.dos.errLocus = 1, 5
	default:
		m.dos.errClass, m.dos.errLocus = 7, 1
	}
}

// errCode maps a VFS error to a DOS error code; notFound is what a
// missing file means in this call (2 or 3).
func errCode(err error, notFound uint16) uint16 {
	if de, ok := err.(dosErr); ok {
		return uint16(de)
	}
	switch vfs.ErrnoOf(err) {
	case vfs.ENOENT:
		return notFound
	case vfs.ENOTDIR:
		return errPathNotFound
	case vfs.EACCES, vfs.EPERM, vfs.EISDIR, vfs.ENOTEMPTY, vfs.EBUSY:
		return errAccessDenied
	case vfs.EROFS:
		return errWriteProtect
	case vfs.EEXIST:
		return errFileExists
	case vfs.EMFILE:
		return errTooManyFiles
	case vfs.EBADF:
		return errInvalidHandle
	case vfs.EXDEV:
		return errNotSameDevice
	case vfs.ENAMETOOLONG, vfs.EINVAL:
		return errPathNotFound
	}
	return errGeneralFailure
}

// dosErr is a DOS error code used as a Go error inside the DOS code.
type dosErr uint16

func (e dosErr) Error() string { return fmt.Sprintf("DOS error %d", uint16(e)) }

// dirListing is a directory as DOS sees it: every entry with its 8.3
// name, made once and kept briefly (and dropped when DOS changes it).
type dirListing struct {
	at      time.Time
	entries []dirEntry
	byShort map[string]int
}

type dirEntry struct {
	host  string // name in the VFS
	short string // 8.3 name, upper case ("NAME.EXT")
	info  fs.FileInfo
}

const listingTTL = time.Second

// listDir lists a VFS directory with DOS names.
func (m *Machine) listDir(path string) (*dirListing, error) {
	if l, ok := m.dos.dirs[path]; ok && m.now().Sub(l.at) < listingTTL {
		return l, nil
	}
	ents, err := m.fsys.ReadDir(path)
	if err != nil {
		return nil, err
	}
	l := &dirListing{at: m.now(), byShort: map[string]int{}}
	// Names that already are 8.3 keep them; the others get aliases
	// (LONGNA~1.TXT) in name order after them, so a name never changes
	// because another file was added.
	var long []fs.DirEntry
	for _, e := range ents {
		info, err := e.Info()
		if err != nil {
			continue
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			if fi, err := m.fsys.Stat(vfs.Join(strings.TrimSuffix(path, "/"), e.Name())); err == nil {
				info = fi
			}
		}
		if s, ok := shortName(e.Name()); ok {
			if _, dup := l.byShort[s]; !dup {
				l.byShort[s] = len(l.entries)
				l.entries = append(l.entries, dirEntry{host: e.Name(), short: s, info: info})
				continue
			}
		}
		long = append(long, e)
	}
	for _, e := range long {
		info, err := e.Info()
		if err != nil {
			continue
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			if fi, err := m.fsys.Stat(vfs.Join(strings.TrimSuffix(path, "/"), e.Name())); err == nil {
				info = fi
			}
		}
		s := aliasName(e.Name(), func(s string) bool { _, dup := l.byShort[s]; return dup })
		if s == "" {
			continue
		}
		l.byShort[s] = len(l.entries)
		l.entries = append(l.entries, dirEntry{host: e.Name(), short: s, info: info})
	}
	sort.SliceStable(l.entries, func(i, j int) bool { return l.entries[i].host < l.entries[j].host })
	for i, e := range l.entries {
		l.byShort[e.short] = i
	}
	m.dos.dirs[path] = l
	return l, nil
}

// changed drops what DOS remembers of a directory after it changed it.
func (m *Machine) changed(dirPath string) { delete(m.dos.dirs, dirPath) }
