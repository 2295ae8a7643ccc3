package dos

import "fmt"

// INT 21h as a table: for each function its name, its handler, how much
// of it is there, and what differs from MS-DOS 5. Handlers live in files
// named by area: console.go, files.go/handles.go, dirs.go, fcb.go,
// memory.go, process.go, misc.go.

// Support says how completely a function is emulated.
type Support uint8

const (
	// Supported: what MS-DOS 5 does, as far as a program can tell.
	Supported Support = iota
	// Partial: the common uses work; the note says what does not.
	Partial
	// Stub: answers with fixed, plausible values (no printer, no
	// network) so programs go on.
	Stub
	// Unsupported: fails with "invalid function" (carry set, AX=1).
	Unsupported
)

var supportNames = [...]string{"supported", "partial", "stub", "unsupported"}

func (s Support) String() string { return supportNames[s] }

// Function describes one INT 21h function.
type Function struct {
	AH      uint8
	Name    string
	Support Support
	Note    string
	handler func(m *Machine)
}

func fn(ah uint8, name string, h func(*Machine), s Support, note string) Function {
	return Function{AH: ah, Name: name, Support: s, Note: note, handler: h}
}

// int21Table is the DOS API.
var int21Table [256]Function

func init() {
	for _, f := range []Function{
		fn(0x00, "terminate program", (*Machine).int20, Supported, ""),
		fn(0x01, "read character with echo", (*Machine).dosReadEcho, Supported, "standard input; Ctrl-C checked"),
		fn(0x02, "write character", (*Machine).dosWriteChar, Supported, "standard output"),
		fn(0x03, "auxiliary input", (*Machine).dosAuxIn, Stub, "no serial device: end of file"),
		fn(0x04, "auxiliary output", func(*Machine) {}, Stub, "no serial device: discarded"),
		fn(0x05, "printer output", func(*Machine) {}, Stub, "no printer: discarded"),
		fn(0x06, "direct console I/O", (*Machine).dosDirectIO, Supported, "an empty poll counts toward idle detection"),
		fn(0x07, "direct character input", (*Machine).dosDirectIn, Supported, ""),
		fn(0x08, "character input without echo", (*Machine).dosReadNoEcho, Supported, ""),
		fn(0x09, "write $-terminated string", (*Machine).dosWriteString, Supported, ""),
		fn(0x0A, "buffered keyboard input", (*Machine).dosBufferedInput, Supported, "editing: backspace, Escape, F3"),
		fn(0x0B, "check input status", (*Machine).dosInputStatus, Supported, "an empty poll counts toward idle detection"),
		fn(0x0C, "flush buffer and read", (*Machine).dosFlushAndRead, Supported, ""),
		fn(0x0D, "disk reset", (*Machine).dosDiskReset, Supported, "syncs the file systems"),
		fn(0x0E, "select drive", (*Machine).dosSelectDrive, Supported, "reports 26 logical drives (LASTDRIVE=Z)"),
		fn(0x0F, "open file (FCB)", (*Machine).fcbOpen, Supported, ""),
		fn(0x10, "close file (FCB)", (*Machine).fcbClose, Supported, ""),
		fn(0x11, "find first (FCB)", (*Machine).fcbFindFirst, Supported, "extended FCBs for attributes"),
		fn(0x12, "find next (FCB)", (*Machine).fcbFindNext, Supported, ""),
		fn(0x13, "delete file (FCB)", (*Machine).fcbDelete, Supported, "wildcards allowed"),
		fn(0x14, "sequential read (FCB)", (*Machine).fcbSeqRead, Supported, ""),
		fn(0x15, "sequential write (FCB)", (*Machine).fcbSeqWrite, Supported, ""),
		fn(0x16, "create file (FCB)", (*Machine).fcbCreate, Supported, ""),
		fn(0x17, "rename file (FCB)", (*Machine).fcbRename, Partial, "wildcards in the new name keep the old characters; one file at a time"),
		fn(0x18, "null function (CP/M)", (*Machine).dosNull, Stub, ""),
		fn(0x19, "get current drive", (*Machine).dosGetDrive, Supported, ""),
		fn(0x1A, "set disk transfer address", (*Machine).dosSetDTA, Supported, ""),
		fn(0x1B, "allocation information (default drive)", (*Machine).dosAllocInfo, Stub, "a 32 KiB-cluster, 2 GiB drive"),
		fn(0x1C, "allocation information (drive DL)", (*Machine).dosAllocInfo, Stub, "as 1Bh"),
		fn(0x1D, "null function (CP/M)", (*Machine).dosNull, Stub, ""),
		fn(0x1E, "null function (CP/M)", (*Machine).dosNull, Stub, ""),
		fn(0x1F, "get default drive parameter block", (*Machine).dosGetDPB, Stub, "a DPB describing a FAT16 drive"),
		fn(0x20, "null function (CP/M)", (*Machine).dosNull, Stub, ""),
		fn(0x21, "random read (FCB)", (*Machine).fcbRandomRead, Supported, ""),
		fn(0x22, "random write (FCB)", (*Machine).fcbRandomWrite, Supported, ""),
		fn(0x23, "get file size (FCB)", (*Machine).fcbFileSize, Supported, ""),
		fn(0x24, "set random record (FCB)", (*Machine).fcbSetRandom, Supported, ""),
		fn(0x25, "set interrupt vector", (*Machine).dosSetVector, Supported, ""),
		fn(0x26, "create new PSP", (*Machine).dosCreatePSP, Supported, ""),
		fn(0x27, "random block read (FCB)", (*Machine).fcbBlockRead, Supported, ""),
		fn(0x28, "random block write (FCB)", (*Machine).fcbBlockWrite, Supported, ""),
		fn(0x29, "parse file name into FCB", (*Machine).fcbParse, Supported, ""),
		fn(0x2A, "get date", (*Machine).dosGetDate, Supported, "the host's local date"),
		fn(0x2B, "set date", (*Machine).dosSetDate, Supported, "moves this machine's clock, not the host's"),
		fn(0x2C, "get time", (*Machine).dosGetTime, Supported, "the host's local time, in hundredths"),
		fn(0x2D, "set time", (*Machine).dosSetTime, Supported, "moves this machine's clock, not the host's"),
		fn(0x2E, "set verify flag", (*Machine).dosSetVerify, Supported, ""),
		fn(0x2F, "get disk transfer address", (*Machine).dosGetDTA, Supported, ""),
		fn(0x30, "get DOS version", (*Machine).dosVersion, Supported, "5.00, OEM FFh"),
		fn(0x31, "terminate and stay resident", (*Machine).dosTSR, Supported, ""),
		fn(0x32, "get drive parameter block", (*Machine).dosGetDPB, Stub, "as 1Fh"),
		fn(0x33, "Ctrl-Break flag, boot drive, true version", (*Machine).dosBreakFlag, Supported, ""),
		fn(0x34, "get InDOS flag address", (*Machine).dosInDOS, Supported, ""),
		fn(0x35, "get interrupt vector", (*Machine).dosGetVector, Supported, ""),
		fn(0x36, "get free disk space", (*Machine).dosFreeSpace, Partial, "from the file system's quota when it has one, else 1 GiB free of 2 GiB"),
		fn(0x37, "get/set switch character", (*Machine).dosSwitchChar, Supported, ""),
		fn(0x38, "get/set country information", (*Machine).dosCountry, Partial, "United States only"),
		fn(0x39, "create directory", (*Machine).dosMkdir, Supported, ""),
		fn(0x3A, "remove directory", (*Machine).dosRmdir, Supported, ""),
		fn(0x3B, "set current directory", (*Machine).dosChdir, Supported, ""),
		fn(0x3C, "create or truncate file", (*Machine).dosCreate, Supported, "hidden and system bits are kept for this run only"),
		fn(0x3D, "open file", (*Machine).dosOpen, Supported, "sharing modes are accepted and not enforced"),
		fn(0x3E, "close file", (*Machine).dosClose, Supported, ""),
		fn(0x3F, "read from file or device", (*Machine).dosRead, Supported, ""),
		fn(0x40, "write to file or device", (*Machine).dosWrite, Supported, "a count of zero sets the file's size"),
		fn(0x41, "delete file", (*Machine).dosDelete, Supported, ""),
		fn(0x42, "move file pointer", (*Machine).dosSeek, Supported, ""),
		fn(0x43, "get/set file attributes", (*Machine).dosAttrib, Supported, "read-only is the file's write permission; hidden, system and archive last for this run"),
		fn(0x44, "IOCTL", (*Machine).dosIOCTL, Partial, "device information, status, removable/remote queries, media ID; no device control channels"),
		fn(0x45, "duplicate handle", (*Machine).dosDup, Supported, ""),
		fn(0x46, "force duplicate handle", (*Machine).dosDup2, Supported, ""),
		fn(0x47, "get current directory", (*Machine).dosGetCwd, Supported, ""),
		fn(0x48, "allocate memory", (*Machine).dosAlloc, Supported, ""),
		fn(0x49, "free memory", (*Machine).dosFree, Supported, ""),
		fn(0x4A, "resize memory block", (*Machine).dosResize, Supported, ""),
		fn(0x4B, "load and execute program (EXEC)", (*Machine).dosExec, Supported, "AL=00h, 01h, 03h; .BAT files are run through COMSPEC"),
		fn(0x4C, "terminate with return code", (*Machine).dosExit, Supported, ""),
		fn(0x4D, "get return code", (*Machine).dosRetCode, Supported, ""),
		fn(0x4E, "find first file", (*Machine).dosFindFirst, Supported, "the search state is kept in the DTA, as DOS does"),
		fn(0x4F, "find next file", (*Machine).dosFindNext, Supported, ""),
		fn(0x50, "set current PSP", (*Machine).dosSetPSP, Supported, ""),
		fn(0x51, "get current PSP", (*Machine).dosGetPSP, Supported, ""),
		fn(0x52, "get List of Lists", (*Machine).dosListOfLists, Partial, "first MCB, CDS, NUL device; the SFT chain is empty"),
		fn(0x53, "translate BPB to DPB", (*Machine).dosNull, Stub, ""),
		fn(0x54, "get verify flag", (*Machine).dosGetVerify, Supported, ""),
		fn(0x55, "create child PSP", (*Machine).dosChildPSP, Supported, ""),
		fn(0x56, "rename file", (*Machine).dosRename, Supported, "moves between directories of one drive"),
		fn(0x57, "get/set file date and time", (*Machine).dosFileTime, Supported, ""),
		fn(0x58, "allocation strategy, UMB link", (*Machine).dosStrategy, Partial, "strategies are recorded; there are no UMBs"),
		fn(0x59, "get extended error", (*Machine).dosExtError, Supported, ""),
		fn(0x5A, "create temporary file", (*Machine).dosTempFile, Supported, ""),
		fn(0x5B, "create new file", (*Machine).dosCreateNew, Supported, ""),
		fn(0x5C, "lock/unlock file region", (*Machine).dosLock, Stub, "always granted: no other DOS shares the files"),
		fn(0x5D, "network/server functions", nil, Unsupported, "no network"),
		fn(0x5E, "network machine name, printer setup", (*Machine).dosNetwork, Stub, "no network: error 1"),
		fn(0x5F, "network redirection", (*Machine).dosNetwork, Stub, "no network: error 1"),
		fn(0x60, "canonical path name (TRUENAME)", (*Machine).dosTrueName, Supported, ""),
		fn(0x61, "unused", (*Machine).dosNull, Stub, ""),
		fn(0x62, "get PSP address", (*Machine).dosGetPSP, Supported, ""),
		fn(0x63, "DBCS lead byte table", (*Machine).dosDBCS, Stub, "an empty table"),
		fn(0x65, "get extended country information", (*Machine).dosExtCountry, Partial, "United States, code page 437: information, upper-case tables and functions"),
		fn(0x66, "get/set global code page", (*Machine).dosCodePage, Stub, "437"),
		fn(0x67, "set handle count", (*Machine).dosHandleCount, Supported, ""),
		fn(0x68, "commit file", (*Machine).dosCommit, Supported, ""),
		fn(0x69, "get/set disk serial number", (*Machine).dosSerial, Supported, "setting it lasts for this run"),
		fn(0x6A, "commit file", (*Machine).dosCommit, Supported, ""),
		fn(0x6C, "extended open/create", (*Machine).dosExtOpen, Supported, ""),
		fn(0x71, "long file name functions", (*Machine).dosNoLFN, Unsupported, "answers AX=7100h, carry set, as DOS without LFN support"),
		fn(0x73, "FAT32 functions", (*Machine).dosNoLFN, Unsupported, "answers AX=7300h, carry set"),
	} {
		int21Table[f.AH] = f
	}
}

// Functions lists the INT 21h table, by function number.
func Functions() []Function {
	var out []Function
	for _, f := range int21Table {
		if f.Name != "" {
			out = append(out, f)
		}
	}
	return out
}

// int21 is the DOS API.
func (m *Machine) int21() {
	ah := m.ah()
	f := &int21Table[ah]
	if m.cfg.Trace != nil {
		m.tracef("INT 21h AH=%02Xh %s AX=%04X BX=%04X CX=%04X DX=%04X DS=%04X ES=%04X", ah, f.Name, m.ax(), m.bx(), m.cx(), m.dx(), m.ds(), m.es())
	}
	if f.handler == nil {
		m.unsupported21(fmt.Sprintf("AH=%02Xh", ah), f.Name)
		return
	}
	f.handler(m)
}

// unsupported21 logs an unknown function once and fails it with
// "invalid function".
func (m *Machine) unsupported21(what, name string) {
	msg := "INT 21h " + what + " is not supported"
	if name != "" {
		msg = "INT 21h " + what + " (" + name + ") is not supported"
	}
	m.logOnce(msg)
	m.fail(errInvalidFunction)
}
