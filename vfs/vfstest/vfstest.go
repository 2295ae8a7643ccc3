// Package vfstest is the conformance suite for vfs.Filesystem
// implementations: POSIX-shaped tests of open flags, offsets, rename,
// unlink while open, append, truncate, symbolic links, permissions, name
// limits and errors, run through a vfs.VFS. Every file system runs it
// (memfs, chunkfs over each store).
//
// It must not import syscall/js or a concrete file system.
package vfstest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nachoos/nacho/vfs"
)

// Config describes the file system under test.
type Config struct {
	// New returns a fresh, empty file system.
	New func(t *testing.T) vfs.Filesystem
	// NewQuota, if set, returns a fresh file system that holds at most quota
	// bytes of file content.
	NewQuota func(t *testing.T, quota int64) vfs.Filesystem
	// Reopen, if set, closes fsys and opens the same storage again; the
	// persistence tests run only then.
	Reopen func(t *testing.T, fsys vfs.Filesystem) vfs.Filesystem
}

// Run runs the suite.
func Run(t *testing.T, c Config) {
	tests := []struct {
		name string
		fn   func(t *testing.T, v *vfs.VFS)
	}{
		{"CreateReadWrite", testCreateReadWrite},
		{"OpenFlags", testOpenFlags},
		{"OffsetsAndSeek", testOffsets},
		{"SparseAndLarge", testSparseAndLarge},
		{"TruncateThenRead", testTruncate},
		{"Directories", testDirectories},
		{"ReadDirPaging", testReadDirPaging},
		{"Rename", testRename},
		{"RenameOverOpenFile", testRenameOverOpen},
		{"UnlinkWhileOpen", testUnlinkWhileOpen},
		{"AppendTwoDescriptors", testAppendTwo},
		{"Symlinks", testSymlinks},
		{"Permissions", testPermissions},
		{"Times", testTimes},
		{"BadNames", testBadNames},
		{"ErrorText", testErrorText},
		{"WriteFile", testWriteFile},
		{"RemoveAll", testRemoveAll},
		{"IOFS", testIOFS},
		{"Closed", testClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, vfs.New(c.New(t)))
		})
	}
	if c.NewQuota != nil {
		t.Run("QuotaENOSPC", func(t *testing.T) { testQuota(t, c) })
	}
	if c.Reopen != nil {
		t.Run("Persistence", func(t *testing.T) { testPersistence(t, c) })
	}
}

// Errno fails t unless err carries want.
func Errno(t testing.TB, err error, want vfs.Errno) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", want.Name())
	}
	if got := vfs.ErrnoOf(err); got != want {
		t.Fatalf("got %v (%s), want %s", err, got.Name(), want.Name())
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not an *fs.PathError", err, err)
	}
}

// OK fails t if err is not nil.
func OK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Content fails t unless the file name holds want.
func Content(t testing.TB, v *vfs.VFS, name string, want []byte) {
	t.Helper()
	got, err := v.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s holds %d bytes %q..., want %d bytes %q...", name, len(got), head(got), len(want), head(want))
	}
}

func head(b []byte) []byte {
	if len(b) > 32 {
		return b[:32]
	}
	return b
}

func write(t testing.TB, v *vfs.VFS, name, data string) {
	t.Helper()
	OK(t, v.WriteFile(name, []byte(data), 0o644))
}

func randBytes(seed int64, n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func testCreateReadWrite(t *testing.T, v *vfs.VFS) {
	f, err := v.Open("/a.txt", vfs.O_RDWR|vfs.O_CREATE, 0o644)
	OK(t, err)
	if n, err := f.Write([]byte("hello, world")); n != 12 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	fi, err := f.Stat()
	OK(t, err)
	if fi.Size() != 12 || fi.Name() != "a.txt" || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o644 {
		t.Fatalf("Stat = %s size %d mode %v", fi.Name(), fi.Size(), fi.Mode())
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if n, err := f.Read(buf); n != 5 || err != nil || string(buf) != "hello" {
		t.Fatalf("Read = %d %v %q", n, err, buf)
	}
	rest, err := io.ReadAll(f)
	OK(t, err)
	if string(rest) != ", world" {
		t.Fatalf("rest = %q", rest)
	}
	if n, err := f.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("Read at end = %d, %v; want 0, EOF", n, err)
	}
	OK(t, f.Close())
	Content(t, v, "/a.txt", []byte("hello, world"))
	fi, err = v.Stat("/a.txt")
	OK(t, err)
	if a, ok := fi.Sys().(*vfs.Attr); !ok || a.Ino == 0 {
		t.Errorf("Sys() = %#v, want *vfs.Attr with an inode number", fi.Sys())
	}
	fi, err = v.Stat("/")
	OK(t, err)
	if !fi.IsDir() {
		t.Fatalf("/ is not a directory: %v", fi.Mode())
	}
}

func testOpenFlags(t *testing.T, v *vfs.VFS) {
	write(t, v, "/f", "0123456789")
	OK(t, v.Mkdir("/d", 0o755))

	_, err := v.Open("/missing", vfs.O_RDONLY, 0)
	Errno(t, err, vfs.ENOENT)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is(%v, fs.ErrNotExist) = false", err)
	}
	_, err = v.Open("/f", vfs.O_RDWR|vfs.O_CREATE|vfs.O_EXCL, 0o644)
	Errno(t, err, vfs.EEXIST)
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("errors.Is(%v, fs.ErrExist) = false", err)
	}
	_, err = v.Open("/d", vfs.O_WRONLY, 0)
	Errno(t, err, vfs.EISDIR)
	_, err = v.Open("/f", vfs.O_RDONLY|vfs.O_DIRECTORY, 0)
	Errno(t, err, vfs.ENOTDIR)
	_, err = v.Open("/f/x", vfs.O_RDONLY, 0)
	Errno(t, err, vfs.ENOTDIR)
	_, err = v.Open("/nodir/x", vfs.O_RDWR|vfs.O_CREATE, 0o644)
	Errno(t, err, vfs.ENOENT)
	_, err = v.Open("/f/", vfs.O_RDONLY, 0)
	Errno(t, err, vfs.ENOTDIR)

	// Read-only and write-only descriptors.
	f, err := v.Open("/f", vfs.O_RDONLY, 0)
	OK(t, err)
	_, err = f.Write([]byte("x"))
	Errno(t, err, vfs.EBADF)
	OK(t, f.Close())
	f, err = v.Open("/f", vfs.O_WRONLY, 0)
	OK(t, err)
	_, err = f.Read(make([]byte, 1))
	Errno(t, err, vfs.EBADF)
	_, err = f.Write([]byte("ab"))
	OK(t, err)
	OK(t, f.Close())
	Content(t, v, "/f", []byte("ab23456789"))

	// O_TRUNC.
	f, err = v.Open("/f", vfs.O_WRONLY|vfs.O_TRUNC, 0)
	OK(t, err)
	OK(t, f.Close())
	Content(t, v, "/f", nil)

	// O_EXCL creates.
	f, err = v.Open("/new", vfs.O_WRONLY|vfs.O_CREATE|vfs.O_EXCL, 0o600)
	OK(t, err)
	OK(t, f.Close())
	fi, err := v.Stat("/new")
	OK(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode())
	}
	// Directories open read-only and list.
	d, err := v.Open("/d", vfs.O_RDONLY, 0)
	OK(t, err)
	_, err = d.Read(make([]byte, 1))
	Errno(t, err, vfs.EISDIR)
	OK(t, d.Close())
}

func testOffsets(t *testing.T, v *vfs.VFS) {
	f, err := v.Create("/f")
	OK(t, err)
	defer f.Close()
	_, err = f.Write([]byte("abcdefghij"))
	OK(t, err)
	// pwrite/pread do not move the offset.
	_, err = f.WriteAt([]byte("XY"), 2)
	OK(t, err)
	buf := make([]byte, 4)
	n, err := f.ReadAt(buf, 1)
	OK(t, err)
	if string(buf[:n]) != "bXYe" {
		t.Fatalf("ReadAt = %q", buf[:n])
	}
	if off, _ := f.Seek(0, io.SeekCurrent); off != 10 {
		t.Fatalf("offset after pread/pwrite = %d, want 10", off)
	}
	// Short pread at end returns EOF.
	n, err = f.ReadAt(buf, 8)
	if n != 2 || err != io.EOF {
		t.Fatalf("ReadAt at end = %d, %v; want 2, EOF", n, err)
	}
	if off, err := f.Seek(-3, io.SeekEnd); off != 7 || err != nil {
		t.Fatalf("Seek end-3 = %d, %v", off, err)
	}
	n, _ = f.Read(buf)
	if string(buf[:n]) != "hij" {
		t.Fatalf("read after seek = %q", buf[:n])
	}
	if off, err := f.Seek(-2, io.SeekCurrent); off != 8 || err != nil {
		t.Fatalf("Seek cur-2 = %d, %v", off, err)
	}
	_, err = f.Seek(-1, io.SeekStart)
	Errno(t, err, vfs.EINVAL)
	_, err = f.ReadAt(buf, -1)
	Errno(t, err, vfs.EINVAL)
	// Seeking past the end and writing leaves a hole of zeros.
	_, err = f.Seek(15, io.SeekStart)
	OK(t, err)
	_, err = f.Write([]byte("Z"))
	OK(t, err)
	Content(t, v, "/f", []byte("abXYefghij\x00\x00\x00\x00\x00Z"))
}

func testSparseAndLarge(t *testing.T, v *vfs.VFS) {
	// Odd-sized writes crossing every internal boundary.
	data := randBytes(1, 3<<20+12345)
	f, err := v.Create("/big")
	OK(t, err)
	for off := 0; off < len(data); {
		n := min(len(data)-off, 1+off%77777)
		if _, err := f.Write(data[off : off+n]); err != nil {
			t.Fatal(err)
		}
		off += n
	}
	OK(t, f.Close())
	Content(t, v, "/big", data)
	// Overwrite a range in the middle through pwrite.
	f, err = v.Open("/big", vfs.O_RDWR, 0)
	OK(t, err)
	patch := randBytes(2, 200000)
	_, err = f.WriteAt(patch, 1<<20-100)
	OK(t, err)
	OK(t, f.Close())
	copy(data[1<<20-100:], patch)
	Content(t, v, "/big", data)

	// A sparse file.
	f, err = v.Create("/sparse")
	OK(t, err)
	_, err = f.WriteAt([]byte("end"), 5<<20)
	OK(t, err)
	OK(t, f.Close())
	got, err := v.ReadFile("/sparse")
	OK(t, err)
	if len(got) != 5<<20+3 || string(got[5<<20:]) != "end" || bytes.Count(got[:5<<20], []byte{0}) != 5<<20 {
		t.Fatalf("sparse file wrong: len %d", len(got))
	}
}

func testTruncate(t *testing.T, v *vfs.VFS) {
	data := randBytes(3, 300000)
	OK(t, v.WriteFile("/f", data, 0o644))
	OK(t, v.Truncate("/f", 100000))
	Content(t, v, "/f", data[:100000])
	// Growing reads zeros, not the old bytes.
	OK(t, v.Truncate("/f", 200000))
	want := append(append([]byte{}, data[:100000]...), make([]byte, 100000)...)
	Content(t, v, "/f", want)
	// Through a descriptor, then read from the same descriptor.
	f, err := v.Open("/f", vfs.O_RDWR, 0)
	OK(t, err)
	OK(t, f.Truncate(10))
	buf := make([]byte, 100)
	n, err := f.ReadAt(buf, 0)
	if n != 10 || err != io.EOF || !bytes.Equal(buf[:10], data[:10]) {
		t.Fatalf("ReadAt after truncate = %d, %v", n, err)
	}
	fi, err := f.Stat()
	OK(t, err)
	if fi.Size() != 10 {
		t.Fatalf("size after truncate = %d", fi.Size())
	}
	OK(t, f.Close())
	ro, err := v.Open("/f", vfs.O_RDONLY, 0)
	OK(t, err)
	if err := ro.Truncate(0); err == nil {
		t.Fatal("Truncate through a read-only descriptor succeeded")
	}
	ro.Close()
	OK(t, v.Mkdir("/d", 0o755))
	Errno(t, v.Truncate("/d", 0), vfs.EISDIR)
	Errno(t, v.Truncate("/f", -1), vfs.EINVAL)
	Errno(t, v.Truncate("/nope", 0), vfs.ENOENT)
}

func testDirectories(t *testing.T, v *vfs.VFS) {
	OK(t, v.Mkdir("/a", 0o755))
	Errno(t, v.Mkdir("/a", 0o755), vfs.EEXIST)
	Errno(t, v.Mkdir("/", 0o755), vfs.EEXIST)
	Errno(t, v.Mkdir("/x/y", 0o755), vfs.ENOENT)
	write(t, v, "/file", "x")
	Errno(t, v.Mkdir("/file/y", 0o755), vfs.ENOTDIR)
	Errno(t, v.Mkdir("/file", 0o755), vfs.EEXIST)
	OK(t, v.MkdirAll("/a/b/c/d", 0o755))
	OK(t, v.MkdirAll("/a/b/c/d", 0o755))
	Errno(t, v.MkdirAll("/file/z", 0o755), vfs.ENOTDIR)
	write(t, v, "/a/b/c/d/f", "x")
	Errno(t, v.Remove("/a/b/c/d"), vfs.ENOTEMPTY)
	OK(t, v.Remove("/a/b/c/d/f"))
	OK(t, v.Remove("/a/b/c/d"))
	Errno(t, v.Remove("/a/b/c/d"), vfs.ENOENT)
	Errno(t, v.Remove("/file/"), vfs.ENOTDIR)
	OK(t, v.Remove("/file"))
	ents, err := v.ReadDir("/a/b")
	OK(t, err)
	if len(ents) != 1 || ents[0].Name() != "c" || !ents[0].IsDir() {
		t.Fatalf("ReadDir = %v", ents)
	}
	_, err = v.ReadDir("/a/b/nope")
	Errno(t, err, vfs.ENOENT)
	write(t, v, "/a/f", "")
	_, err = v.ReadDir("/a/f")
	Errno(t, err, vfs.ENOTDIR)
	// Sorted listing.
	names := []string{"zeta", "alpha", "Mid", "beta", "_x", "10", "9"}
	for _, n := range names {
		write(t, v, "/a/b/"+n, n)
	}
	ents, err = v.ReadDir("/a/b")
	OK(t, err)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	want := "10 9 Mid _x alpha beta c zeta"
	if strings.Join(got, " ") != want {
		t.Fatalf("ReadDir order = %v, want %s", got, want)
	}
	info, err := ents[0].Info()
	OK(t, err)
	if info.Size() != 2 {
		t.Errorf("entry 10 size %d, want 2", info.Size())
	}
	// "." and ".." resolve.
	Content(t, v, "/a/b/./c/../zeta", []byte("zeta"))
	Content(t, v, "/../../a/b/zeta", []byte("zeta"))
}

func testReadDirPaging(t *testing.T, v *vfs.VFS) {
	OK(t, v.Mkdir("/d", 0o755))
	for i := range 25 {
		write(t, v, fmt.Sprintf("/d/f%02d", i), "")
	}
	d, err := v.Open("/d", vfs.O_RDONLY, 0)
	OK(t, err)
	defer d.Close()
	var all []string
	for {
		ents, err := d.ReadDir(7)
		for _, e := range ents {
			all = append(all, e.Name())
		}
		if err == io.EOF {
			break
		}
		OK(t, err)
		if len(ents) == 0 {
			t.Fatal("ReadDir(7) returned nothing and no EOF")
		}
	}
	if len(all) != 25 || all[0] != "f00" || all[24] != "f24" {
		t.Fatalf("paged listing = %v", all)
	}
	ents, err := d.ReadDir(-1)
	if len(ents) != 0 || err != nil {
		t.Fatalf("ReadDir(-1) at end = %v, %v", ents, err)
	}
	_, err = d.Seek(0, io.SeekStart)
	OK(t, err)
	ents, err = d.ReadDir(-1)
	if len(ents) != 25 || err != nil {
		t.Fatalf("ReadDir(-1) after rewind = %d, %v", len(ents), err)
	}
}

func testRename(t *testing.T, v *vfs.VFS) {
	write(t, v, "/a", "A")
	write(t, v, "/b", "B")
	OK(t, v.Rename("/a", "/b"))
	Content(t, v, "/b", []byte("A"))
	_, err := v.Stat("/a")
	Errno(t, err, vfs.ENOENT)
	OK(t, v.Rename("/b", "/b"))
	Content(t, v, "/b", []byte("A"))
	Errno(t, v.Rename("/nope", "/x"), vfs.ENOENT)

	OK(t, v.MkdirAll("/d1/sub", 0o755))
	OK(t, v.Mkdir("/d2", 0o755))
	write(t, v, "/d1/sub/f", "f")
	Errno(t, v.Rename("/d1", "/d1/sub/x"), vfs.EINVAL)
	OK(t, v.Rename("/d1", "/d1"))
	Errno(t, v.Rename("/b", "/d2"), vfs.EISDIR)
	Errno(t, v.Rename("/d2", "/b"), vfs.ENOTDIR)
	// A directory replaces an empty one, not a full one.
	OK(t, v.Rename("/d1", "/d2"))
	Content(t, v, "/d2/sub/f", []byte("f"))
	OK(t, v.Mkdir("/d3", 0o755))
	Errno(t, v.Rename("/d3", "/d2"), vfs.ENOTEMPTY)
	// Moving between directories keeps content.
	OK(t, v.Rename("/d2/sub/f", "/d3/g"))
	Content(t, v, "/d3/g", []byte("f"))
	write(t, v, "/d3/h", "h")
	Errno(t, v.RenameWith("/d3/g", "/d3/h", vfs.RenameOptions{NoReplace: true}), vfs.EEXIST)
	Content(t, v, "/d3/h", []byte("h"))
	Errno(t, v.Rename("/", "/x"), vfs.EBUSY)
}

func testRenameOverOpen(t *testing.T, v *vfs.VFS) {
	write(t, v, "/target", "old content")
	write(t, v, "/new", "new content")
	old, err := v.Open("/target", vfs.O_RDWR, 0)
	OK(t, err)
	defer old.Close()
	OK(t, v.Rename("/new", "/target"))
	// The open descriptor still reads and writes the replaced file.
	got, err := io.ReadAll(old)
	OK(t, err)
	if string(got) != "old content" {
		t.Fatalf("open descriptor reads %q after rename over it", got)
	}
	_, err = old.WriteAt([]byte("OLD"), 0)
	OK(t, err)
	Content(t, v, "/target", []byte("new content"))
	fi, err := old.Stat()
	OK(t, err)
	if fi.Size() != 11 {
		t.Fatalf("replaced file size %d", fi.Size())
	}
	// And the source's descriptor follows the file to its new name.
	write(t, v, "/src", "moving")
	src, err := v.Open("/src", vfs.O_RDWR, 0)
	OK(t, err)
	OK(t, v.Rename("/src", "/dst"))
	_, err = src.WriteAt([]byte("M"), 0)
	OK(t, err)
	OK(t, src.Close())
	Content(t, v, "/dst", []byte("Moving"))
}

func testUnlinkWhileOpen(t *testing.T, v *vfs.VFS) {
	data := randBytes(4, 100000)
	OK(t, v.WriteFile("/f", data, 0o644))
	f, err := v.Open("/f", vfs.O_RDWR, 0)
	OK(t, err)
	OK(t, v.Remove("/f"))
	_, err = v.Stat("/f")
	Errno(t, err, vfs.ENOENT)
	got, err := io.ReadAll(f)
	OK(t, err)
	if !bytes.Equal(got, data) {
		t.Fatal("unlinked open file lost its content")
	}
	_, err = f.Write([]byte("more"))
	OK(t, err)
	fi, err := f.Stat()
	OK(t, err)
	if fi.Size() != 100004 {
		t.Fatalf("size %d", fi.Size())
	}
	if a, ok := fi.Sys().(*vfs.Attr); ok && a.Nlink != 0 {
		t.Errorf("nlink of unlinked file = %d", a.Nlink)
	}
	// A new file of the same name is a different file.
	write(t, v, "/f", "fresh")
	OK(t, f.Close())
	Content(t, v, "/f", []byte("fresh"))
}

func testAppendTwo(t *testing.T, v *vfs.VFS) {
	write(t, v, "/log", "start\n")
	a, err := v.Open("/log", vfs.O_WRONLY|vfs.O_APPEND, 0)
	OK(t, err)
	b, err := v.Open("/log", vfs.O_WRONLY|vfs.O_APPEND, 0)
	OK(t, err)
	var want strings.Builder
	want.WriteString("start\n")
	for i := range 20 {
		f, who := a, "a"
		if i%3 == 1 {
			f, who = b, "b"
		}
		line := fmt.Sprintf("%s%d\n", who, i)
		_, err := f.Write([]byte(line))
		OK(t, err)
		want.WriteString(line)
	}
	// The offset of an appender is the end after its write (b wrote last).
	off, err := b.Seek(0, io.SeekCurrent)
	OK(t, err)
	if off != int64(want.Len()) {
		t.Errorf("append offset %d, want %d", off, want.Len())
	}
	_, err = a.WriteAt([]byte("x"), 0)
	Errno(t, err, vfs.EINVAL)
	OK(t, a.Close())
	OK(t, b.Close())
	Content(t, v, "/log", []byte(want.String()))
}

func testSymlinks(t *testing.T, v *vfs.VFS) {
	OK(t, v.MkdirAll("/real/dir", 0o755))
	write(t, v, "/real/dir/f", "F")
	OK(t, v.Symlink("/real/dir", "/abs"))
	OK(t, v.Symlink("real/dir", "/rel"))
	OK(t, v.Symlink("../dir/f", "/real/dir/up"))
	Content(t, v, "/abs/f", []byte("F"))
	Content(t, v, "/rel/f", []byte("F"))
	Content(t, v, "/abs/up", []byte("F"))
	// ".." after a link is the parent of the link's target.
	Content(t, v, "/abs/../dir/f", []byte("F"))
	if _, err := v.Stat("/abs/../dir"); err != nil {
		t.Fatal(err)
	}
	target, err := v.Readlink("/rel")
	OK(t, err)
	if target != "real/dir" {
		t.Fatalf("Readlink = %q", target)
	}
	_, err = v.Readlink("/real")
	Errno(t, err, vfs.EINVAL)
	fi, err := v.Lstat("/abs")
	OK(t, err)
	if fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("Lstat mode %v", fi.Mode())
	}
	fi, err = v.Stat("/abs")
	OK(t, err)
	if !fi.IsDir() {
		t.Fatalf("Stat through link mode %v", fi.Mode())
	}
	// Dangling links: Stat fails, Lstat works, O_CREATE makes the target.
	OK(t, v.Symlink("/real/made", "/dangling"))
	_, err = v.Stat("/dangling")
	Errno(t, err, vfs.ENOENT)
	_, err = v.Lstat("/dangling")
	OK(t, err)
	f, err := v.Open("/dangling", vfs.O_WRONLY|vfs.O_CREATE, 0o644)
	OK(t, err)
	f.Write([]byte("made"))
	OK(t, f.Close())
	Content(t, v, "/real/made", []byte("made"))
	// O_EXCL does not follow; O_NOFOLLOW refuses.
	_, err = v.Open("/dangling", vfs.O_WRONLY|vfs.O_CREATE|vfs.O_EXCL, 0o644)
	Errno(t, err, vfs.EEXIST)
	_, err = v.Open("/abs", vfs.O_RDONLY|vfs.O_NOFOLLOW, 0)
	Errno(t, err, vfs.ELOOP)
	// Loops.
	OK(t, v.Symlink("/loop2", "/loop1"))
	OK(t, v.Symlink("/loop1", "/loop2"))
	_, err = v.Stat("/loop1")
	Errno(t, err, vfs.ELOOP)
	_, err = v.Open("/loop1/x", vfs.O_RDONLY, 0)
	Errno(t, err, vfs.ELOOP)
	// Link to a file used as a directory.
	OK(t, v.Symlink("/real/dir/f", "/tofile"))
	_, err = v.Stat("/tofile/x")
	Errno(t, err, vfs.ENOTDIR)
	// Removing a link leaves the target; a link exists for Symlink/Mkdir.
	Errno(t, v.Symlink("/x", "/abs"), vfs.EEXIST)
	Errno(t, v.Mkdir("/abs", 0o755), vfs.EEXIST)
	OK(t, v.Remove("/abs"))
	Content(t, v, "/real/dir/f", []byte("F"))
	// Renaming a link moves the link.
	OK(t, v.Rename("/rel", "/rel2"))
	Content(t, v, "/rel2/f", []byte("F"))
	Errno(t, v.Symlink("", "/empty"), vfs.ENOENT)
	// A trailing slash follows the link.
	fi, err = v.Lstat("/rel2/")
	OK(t, err)
	if !fi.IsDir() {
		t.Fatalf("Lstat with trailing slash = %v", fi.Mode())
	}
}

func testPermissions(t *testing.T, v *vfs.VFS) {
	write(t, v, "/f", "data")
	OK(t, v.Chmod("/f", 0o444))
	fi, err := v.Stat("/f")
	OK(t, err)
	if fi.Mode() != 0o444 {
		t.Fatalf("mode %v after chmod 444", fi.Mode())
	}
	_, err = v.Open("/f", vfs.O_WRONLY, 0)
	Errno(t, err, vfs.EACCES)
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("errors.Is(%v, fs.ErrPermission) = false", err)
	}
	Errno(t, v.WriteFile("/f", []byte("x"), 0o644), vfs.EACCES)
	Content(t, v, "/f", []byte("data"))
	OK(t, v.Chmod("/f", 0o200))
	_, err = v.Open("/f", vfs.O_RDONLY, 0)
	Errno(t, err, vfs.EACCES)
	OK(t, v.Chmod("/f", 0o644))
	OK(t, v.Mkdir("/ro", 0o755))
	OK(t, v.Chmod("/ro", 0o555))
	_, err = v.Create("/ro/x")
	Errno(t, err, vfs.EACCES)
	Errno(t, v.Mkdir("/ro/x", 0o755), vfs.EACCES)
	OK(t, v.Chmod("/ro", 0o755))
	write(t, v, "/ro/x", "")
	OK(t, v.Chmod("/ro", 0o555))
	Errno(t, v.Remove("/ro/x"), vfs.EACCES)
	OK(t, v.Chmod("/ro", 0o755))
	Errno(t, v.Chmod("/nope", 0o644), vfs.ENOENT)
	// A file created 0444 can still be written through the creating descriptor.
	f, err := v.Open("/created", vfs.O_WRONLY|vfs.O_CREATE, 0o444)
	OK(t, err)
	_, err = f.Write([]byte("ok"))
	OK(t, err)
	OK(t, f.Close())
	Content(t, v, "/created", []byte("ok"))
}

func testTimes(t *testing.T, v *vfs.VFS) {
	write(t, v, "/f", "x")
	mt := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	at := time.Date(2002, 2, 3, 4, 5, 6, 0, time.UTC)
	OK(t, v.Chtimes("/f", at, mt))
	fi, err := v.Stat("/f")
	OK(t, err)
	if !fi.ModTime().Equal(mt) {
		t.Fatalf("mtime %v, want %v", fi.ModTime(), mt)
	}
	if a, ok := fi.Sys().(*vfs.Attr); ok && !a.Atime.Equal(at) {
		t.Fatalf("atime %v, want %v", a.Atime, at)
	}
	before := time.Now().Add(-time.Second)
	f, err := v.Open("/f", vfs.O_WRONLY, 0)
	OK(t, err)
	f.Write([]byte("y"))
	f.Close()
	fi, err = v.Stat("/f")
	OK(t, err)
	if fi.ModTime().Before(before) {
		t.Fatalf("mtime %v not updated by a write", fi.ModTime())
	}
	Errno(t, v.Chtimes("/nope", at, mt), vfs.ENOENT)
}

func testBadNames(t *testing.T, v *vfs.VFS) {
	long := strings.Repeat("n", vfs.NameMax+1)
	_, err := v.Create("/" + long)
	Errno(t, err, vfs.ENAMETOOLONG)
	Errno(t, v.Mkdir("/"+long, 0o755), vfs.ENAMETOOLONG)
	_, err = v.Stat("/" + long + "/x")
	Errno(t, err, vfs.ENAMETOOLONG)
	write(t, v, "/"+strings.Repeat("n", vfs.NameMax), "ok")
	_, err = v.Create("/a\x00b")
	Errno(t, err, vfs.EINVAL)
	Errno(t, v.Mkdir("/a\x00", 0o755), vfs.EINVAL)
	_, err = v.Stat("/" + strings.Repeat("a/", vfs.PathMax/2+1))
	Errno(t, err, vfs.ENAMETOOLONG)
	Errno(t, v.Symlink("a\x00b", "/l"), vfs.EINVAL)
	// Nothing of those was created.
	ents, err := v.ReadDir("/")
	OK(t, err)
	if len(ents) != 1 {
		t.Fatalf("root holds %d entries after bad names, want 1", len(ents))
	}
}

func testErrorText(t *testing.T, v *vfs.VFS) {
	_, err := v.Open("/nope", vfs.O_RDONLY, 0)
	if err == nil || err.Error() != "open /nope: no such file or directory" {
		t.Fatalf("error text %q", err)
	}
	OK(t, v.Mkdir("/d", 0o755))
	write(t, v, "/d/f", "")
	err = v.Remove("/d")
	if err == nil || err.Error() != "remove /d: directory not empty" {
		t.Fatalf("error text %q", err)
	}
}

func testWriteFile(t *testing.T, v *vfs.VFS) {
	OK(t, v.WriteFile("/f", []byte("first version, long"), 0o600))
	OK(t, v.WriteFile("/f", []byte("second"), 0o644))
	Content(t, v, "/f", []byte("second"))
	fi, err := v.Stat("/f")
	OK(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("WriteFile changed the mode of an existing file to %v", fi.Mode())
	}
	OK(t, v.Mkdir("/d", 0o755))
	Errno(t, v.WriteFile("/d", []byte("x"), 0o644), vfs.EISDIR)
	Errno(t, v.WriteFile("/nodir/f", []byte("x"), 0o644), vfs.ENOENT)
	// An open reader of the old content sees old or new, whole.
	r, err := v.Open("/f", vfs.O_RDONLY, 0)
	OK(t, err)
	OK(t, v.WriteFile("/f", []byte("third!"), 0o644))
	got, _ := io.ReadAll(r)
	r.Close()
	if s := string(got); s != "second" && s != "third!" {
		t.Fatalf("reader saw %q", s)
	}
	OK(t, v.WriteFile("/empty", nil, 0o644))
	Content(t, v, "/empty", nil)
}

func testRemoveAll(t *testing.T, v *vfs.VFS) {
	OK(t, v.MkdirAll("/t/a/b", 0o755))
	write(t, v, "/t/a/b/f", "x")
	write(t, v, "/t/g", "y")
	OK(t, v.Symlink("/keep", "/t/link"))
	OK(t, v.Mkdir("/keep", 0o755))
	write(t, v, "/keep/k", "k")
	OK(t, v.RemoveAll("/t"))
	_, err := v.Stat("/t")
	Errno(t, err, vfs.ENOENT)
	Content(t, v, "/keep/k", []byte("k"))
	OK(t, v.RemoveAll("/t"))
}

func testIOFS(t *testing.T, v *vfs.VFS) {
	OK(t, v.MkdirAll("/root/sub/deeper", 0o755))
	write(t, v, "/root/a.txt", "a")
	write(t, v, "/root/sub/b.txt", "bb")
	write(t, v, "/root/sub/deeper/c.txt", "ccc")
	fsys := v.FS("/root")
	OK(t, fstest.TestFS(fsys, "a.txt", "sub/b.txt", "sub/deeper/c.txt"))
	data, err := fs.ReadFile(fsys, "sub/b.txt")
	OK(t, err)
	if string(data) != "bb" {
		t.Fatalf("fs.ReadFile = %q", data)
	}
	_, err = fs.ReadFile(fsys, "../root/a.txt")
	if !errors.Is(err, fs.ErrInvalid) {
		t.Fatalf("invalid io/fs path: %v", err)
	}
	_, err = fs.Stat(fsys, "missing")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing: %v", err)
	}
}

func testClosed(t *testing.T, v *vfs.VFS) {
	f, err := v.Create("/f")
	OK(t, err)
	OK(t, f.Close())
	Errno(t, f.Close(), vfs.EBADF)
	if err := f.Close(); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("second Close: %v is not fs.ErrClosed", err)
	}
	_, err = f.Write([]byte("x"))
	Errno(t, err, vfs.EBADF)
	_, err = f.Read(make([]byte, 1))
	Errno(t, err, vfs.EBADF)
	_, err = f.Stat()
	Errno(t, err, vfs.EBADF)
}

func testQuota(t *testing.T, c Config) {
	const quota = 1 << 20
	v := vfs.New(c.NewQuota(t, quota))
	keep := randBytes(5, 600<<10)
	OK(t, v.WriteFile("/keep", keep, 0o644))
	OK(t, v.Sync())
	err := v.WriteFile("/big", randBytes(6, 600<<10), 0o644)
	Errno(t, err, vfs.ENOSPC)
	if !strings.Contains(err.Error(), "no space left on device") {
		t.Errorf("ENOSPC text %q", err)
	}
	Content(t, v, "/keep", keep)
	// Writing through a descriptor stops at the quota, and what was
	// written stays readable.
	f, err := v.Create("/grow")
	OK(t, err)
	var werr error
	chunk := randBytes(7, 64<<10)
	for range 20 {
		if _, werr = f.Write(chunk); werr != nil {
			break
		}
	}
	Errno(t, werr, vfs.ENOSPC)
	f.Close()
	Content(t, v, "/keep", keep)
	// Freeing space makes room again.
	OK(t, v.Remove("/grow"))
	OK(t, v.WriteFile("/small", chunk, 0o644))
	OK(t, v.Sync())
	Content(t, v, "/small", chunk)
	u, err := v.Usage()
	OK(t, err)
	if len(u.Mounts) != 1 || u.Mounts[0].Quota != quota || u.Mounts[0].Used <= 0 || u.Mounts[0].Used > quota {
		t.Fatalf("usage %+v", u)
	}
}

func testPersistence(t *testing.T, c Config) {
	fsys := c.New(t)
	v := vfs.New(fsys)
	big := randBytes(8, 2<<20+7)
	OK(t, v.MkdirAll("/home/user/docs", 0o755))
	OK(t, v.WriteFile("/home/user/docs/big.bin", big, 0o600))
	OK(t, v.WriteFile("/home/user/note.txt", []byte("note"), 0o644))
	OK(t, v.Symlink("docs/big.bin", "/home/user/link"))
	mt := time.Date(2010, 1, 2, 3, 4, 5, 6000, time.UTC)
	OK(t, v.Chtimes("/home/user/note.txt", mt, mt))
	OK(t, v.WriteFile("/gone", []byte("gone"), 0o644))
	OK(t, v.Remove("/gone"))
	OK(t, v.Rename("/home/user/note.txt", "/home/user/renamed.txt"))
	OK(t, v.Sync())

	v = vfs.New(c.Reopen(t, fsys))
	Content(t, v, "/home/user/docs/big.bin", big)
	Content(t, v, "/home/user/link", big)
	Content(t, v, "/home/user/renamed.txt", []byte("note"))
	fi, err := v.Stat("/home/user/renamed.txt")
	OK(t, err)
	if !fi.ModTime().Equal(mt) {
		t.Errorf("mtime %v after reopen, want %v", fi.ModTime(), mt)
	}
	fi, err = v.Stat("/home/user/docs/big.bin")
	OK(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v after reopen", fi.Mode())
	}
	for _, gone := range []string{"/gone", "/home/user/note.txt"} {
		_, err := v.Stat(gone)
		Errno(t, err, vfs.ENOENT)
	}
	// A file written and closed is there after reopening even without Sync
	// once the file system is closed cleanly.
	OK(t, v.WriteFile("/home/user/after", []byte("after"), 0o644))
	f, err := v.Open("/home/user/docs/big.bin", vfs.O_RDWR, 0)
	OK(t, err)
	_, err = f.WriteAt([]byte("PATCH"), 1<<20)
	OK(t, err)
	OK(t, f.Close())
	copy(big[1<<20:], "PATCH")
	v = vfs.New(c.Reopen(t, v.MountFS("/")))
	Content(t, v, "/home/user/after", []byte("after"))
	Content(t, v, "/home/user/docs/big.bin", big)
}
