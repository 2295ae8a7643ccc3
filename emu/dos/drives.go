package dos

import (
	"fmt"
	"hash/crc32"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/nachoos/nacho/vfs"
)

// drive is a DOS drive: a VFS directory and a current directory on it.
type drive struct {
	letter   byte
	root     string   // VFS path
	cwd      []string // current directory, DOS components from the root
	label    string
	readOnly bool
	serial   uint32
}

func (d *drive) cwdPath() string {
	return string(d.letter) + ":\\" + strings.Join(d.cwd, "\\")
}

func (m *Machine) addDrive(dc Drive) error {
	l := upper(dc.Letter)
	if l < 'A' || l > 'Z' {
		return fmt.Errorf("dos: drive letter %q", dc.Letter)
	}
	root := path.Clean("/" + dc.Root)
	fi, err := m.fsys.Stat(root)
	if err != nil {
		return fmt.Errorf("dos: drive %c: %w", l, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("dos: drive %c: %s is not a directory", l, root)
	}
	label := dc.Label
	if label == "" {
		label = "NACHO"
	}
	m.dos.drives[l-'A'] = &drive{
		letter: l, root: root, label: strings.ToUpper(label), readOnly: dc.ReadOnly,
		serial: crc32.ChecksumIEEE([]byte(root)),
	}
	if m.dos.drive < 0 || m.dos.drive > int(l-'A') && l >= 'C' {
		m.dos.drive = int(l - 'A')
	}
	return nil
}

// dosPath is a parsed DOS path: a drive and components from its root.
type dosPath struct {
	drive int
	comps []string
}

func (p dosPath) String() string {
	return string(rune('A'+p.drive)) + ":\\" + strings.Join(p.comps, "\\")
}

// parsePath parses a DOS path (code page 437 bytes) against the current
// drive and directory. With wild, the last component may hold * and ?.
func (m *Machine) parsePath(raw []byte, wild bool) (dosPath, error) {
	p := dosPath{drive: m.dos.drive}
	if len(raw) >= 2 && raw[1] == ':' {
		l := upper(raw[0])
		if l < 'A' || l > 'Z' {
			return p, dosErr(errBadDrive)
		}
		p.drive = int(l - 'A')
		raw = raw[2:]
	}
	dr := m.dos.drives[p.drive]
	if dr == nil {
		return p, dosErr(errBadDrive)
	}
	if len(raw) == 0 || (raw[0] != '\\' && raw[0] != '/') {
		p.comps = append(p.comps, dr.cwd...)
	}
	parts := splitPath(raw)
	for i, c := range parts {
		last := i == len(parts)-1
		switch string(c) {
		case "", ".":
			continue
		case "..":
			if len(p.comps) == 0 {
				return p, dosErr(errPathNotFound)
			}
			p.comps = p.comps[:len(p.comps)-1]
			continue
		}
		n, ok := normComponent(c, wild && last)
		if !ok {
			if last {
				return p, dosErr(errFileNotFound)
			}
			return p, dosErr(errPathNotFound)
		}
		p.comps = append(p.comps, n)
	}
	return p, nil
}

func splitPath(raw []byte) [][]byte {
	var parts [][]byte
	start := 0
	for i := 0; i <= len(raw); i++ {
		if i == len(raw) || raw[i] == '\\' || raw[i] == '/' {
			parts = append(parts, raw[start:i])
			start = i + 1
		}
	}
	return parts
}

// dirOf walks comps (directories) from a drive's root and returns the VFS
// path they name.
func (m *Machine) dirOf(dr *drive, comps []string) (string, error) {
	p := dr.root
	for _, c := range comps {
		l, err := m.listDir(p)
		if err != nil {
			return "", dosErr(errPathNotFound)
		}
		i, ok := l.byShort[c]
		if !ok || !l.entries[i].info.IsDir() {
			return "", dosErr(errPathNotFound)
		}
		p = vfs.Join(strings.TrimSuffix(p, "/"), l.entries[i].host)
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
	}
	return p, nil
}

func joinVFS(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// target is what a DOS path names.
type target struct {
	drive  *drive
	dir    string    // VFS path of the directory that holds it
	name   string    // its DOS name (last component)
	ent    *dirEntry // nil if it does not exist
	device string    // set when the name is a character device
	path   dosPath
}

// vfsPath is the VFS path of the target (existing, or to be created with
// the DOS name).
func (t *target) vfsPath() string {
	if t.ent != nil {
		return joinVFS(t.dir, t.ent.host)
	}
	return joinVFS(t.dir, fromCP437([]byte(t.name)))
}

// isRoot says the path names a drive's root directory.
func (t *target) isRoot() bool { return len(t.path.comps) == 0 }

// resolve finds what a DOS path names. The directory part must exist
// (error 3 otherwise); the last component need not.
func (m *Machine) resolve(raw []byte) (*target, error) {
	p, err := m.parsePath(raw, false)
	if err != nil {
		if err == dosErr(errBadDrive) {
			return nil, dosErr(errPathNotFound)
		}
		return nil, err
	}
	return m.resolvePath(p)
}

func (m *Machine) resolvePath(p dosPath) (*target, error) {
	dr := m.dos.drives[p.drive]
	if dr == nil {
		return nil, dosErr(errPathNotFound)
	}
	t := &target{drive: dr, path: p}
	if len(p.comps) == 0 {
		t.dir = dr.root
		return t, nil
	}
	dir, err := m.dirOf(dr, p.comps[:len(p.comps)-1])
	if err != nil {
		return nil, err
	}
	t.dir = dir
	t.name = p.comps[len(p.comps)-1]
	if dev := deviceName(t.name); dev != "" {
		t.device = dev
		return t, nil
	}
	l, err := m.listDir(dir)
	if err != nil {
		return nil, dosErr(errPathNotFound)
	}
	if i, ok := l.byShort[t.name]; ok {
		e := l.entries[i]
		t.ent = &e
	}
	return t, nil
}

// attributes DOS shows for an entry: read-only from the write permission,
// directory, and the hidden/system/archive bits DOS was told to keep.
func (m *Machine) attrOf(vpath string, info fs.FileInfo, host string) uint8 {
	var a uint8
	if info.IsDir() {
		a |= attrDir
	} else {
		a |= attrArchive
	}
	if info.Mode().Perm()&0o200 == 0 {
		a |= attrReadOnly
	}
	if strings.HasPrefix(host, ".") {
		a |= attrHidden
	}
	if extra, ok := m.dos.attrs[vpath]; ok {
		a = a&^(attrHidden|attrSystem|attrArchive) | extra
	}
	return a
}

// File attribute bits.
const (
	attrReadOnly = 0x01
	attrHidden   = 0x02
	attrSystem   = 0x04
	attrVolume   = 0x08
	attrDir      = 0x10
	attrArchive  = 0x20
)

// dosTime encodes a time as DOS's packed time and date words.
func dosTime(t time.Time) (tm, date uint16) {
	lt := t.Local()
	y := lt.Year()
	if y < 1980 {
		return 0, 0x21 // 1980-01-01
	}
	if y > 2107 {
		y = 2107
	}
	tm = uint16(lt.Hour())<<11 | uint16(lt.Minute())<<5 | uint16(lt.Second()/2)
	date = uint16(y-1980)<<9 | uint16(lt.Month())<<5 | uint16(lt.Day())
	return tm, date
}
