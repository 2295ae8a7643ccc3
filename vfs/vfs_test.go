package vfs_test

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
	"github.com/nachoos/nacho/vfs/vfstest"
)

func newVFS(t *testing.T) *vfs.VFS {
	v := vfs.New(memfs.New(memfs.Options{}))
	vfstest.OK(t, v.MkdirAll("/tmp", 0o755))
	vfstest.OK(t, v.MkdirAll("/mnt/ro", 0o755))
	vfstest.OK(t, v.Mount("/tmp", memfs.New(memfs.Options{Quota: 1 << 20}), vfs.MountOptions{}))
	ro := memfs.New(memfs.Options{})
	rov := vfs.New(ro)
	vfstest.OK(t, rov.WriteFile("/readme", []byte("read me"), 0o644))
	vfstest.OK(t, v.Mount("/mnt/ro", ro, vfs.MountOptions{ReadOnly: true}))
	return v
}

func TestMounts(t *testing.T) {
	v := newVFS(t)
	vfstest.OK(t, v.WriteFile("/tmp/x", []byte("in tmp"), 0o644))
	vfstest.OK(t, v.WriteFile("/root-file", []byte("in root"), 0o644))
	// The file lives in the mounted file system, not in the directory below.
	if got := v.MountFS("/tmp"); got == nil {
		t.Fatal("no file system at /tmp")
	}
	sub := vfs.New(v.MountFS("/tmp"))
	vfstest.Content(t, sub, "/x", []byte("in tmp"))
	// ".." from a mount root goes to the parent file system.
	vfstest.Content(t, v, "/tmp/../root-file", []byte("in root"))
	// Rename across mounts is EXDEV.
	vfstest.Errno(t, v.Rename("/tmp/x", "/x"), vfs.EXDEV)
	// A mount root can be neither removed nor renamed.
	vfstest.Errno(t, v.Remove("/tmp"), vfs.EBUSY)
	vfstest.Errno(t, v.Rename("/tmp", "/tmp2"), vfs.EBUSY)
	// Mounting twice, on a file, on nothing.
	vfstest.Errno(t, v.Mount("/tmp", memfs.New(memfs.Options{}), vfs.MountOptions{}), vfs.EBUSY)
	vfstest.Errno(t, v.Mount("/root-file", memfs.New(memfs.Options{}), vfs.MountOptions{}), vfs.ENOTDIR)
	vfstest.Errno(t, v.Mount("/nope", memfs.New(memfs.Options{}), vfs.MountOptions{}), vfs.ENOENT)
	// Symlinks across mounts resolve.
	vfstest.OK(t, v.Symlink("/tmp", "/t"))
	vfstest.Content(t, v, "/t/x", []byte("in tmp"))
	vfstest.OK(t, v.Symlink("../root-file", "/tmp/up"))
	vfstest.Content(t, v, "/tmp/up", []byte("in root"))
	// Usage lists each mount.
	u, err := v.Usage()
	vfstest.OK(t, err)
	var paths []string
	for _, m := range u.Mounts {
		paths = append(paths, m.Path)
	}
	if strings.Join(paths, " ") != "/ /mnt/ro /tmp" {
		t.Fatalf("usage mounts %v", paths)
	}
	if u.Mounts[2].Quota != 1<<20 || u.Mounts[2].Used != int64(6+len("../root-file")) || u.Mounts[2].Type != "memfs" {
		t.Fatalf("usage of /tmp %+v", u.Mounts[2])
	}
	if got := strings.Join(v.Mounts(), " "); got != "/ /mnt/ro /tmp" {
		t.Fatalf("Mounts() = %s", got)
	}
}

func TestUnmount(t *testing.T) {
	v := newVFS(t)
	f, err := v.Create("/tmp/open")
	vfstest.OK(t, err)
	vfstest.Errno(t, v.Unmount("/tmp"), vfs.EBUSY)
	vfstest.OK(t, f.Close())
	vfstest.OK(t, v.Unmount("/tmp"))
	_, err = v.Stat("/tmp/open")
	vfstest.Errno(t, err, vfs.ENOENT)
	vfstest.Errno(t, v.Unmount("/tmp"), vfs.EINVAL)
	vfstest.Errno(t, v.Unmount("/"), vfs.EINVAL)
	vfstest.Errno(t, v.Unmount("/mnt"), vfs.EINVAL)
	vfstest.OK(t, v.Mount("/mnt", memfs.New(memfs.Options{}), vfs.MountOptions{}))
}

func TestReadOnlyMount(t *testing.T) {
	v := newVFS(t)
	vfstest.Content(t, v, "/mnt/ro/readme", []byte("read me"))
	_, err := v.Open("/mnt/ro/readme", vfs.O_RDWR, 0)
	vfstest.Errno(t, err, vfs.EROFS)
	_, err = v.Create("/mnt/ro/new")
	vfstest.Errno(t, err, vfs.EROFS)
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("EROFS is not fs.ErrPermission")
	}
	vfstest.Errno(t, v.WriteFile("/mnt/ro/readme", nil, 0o644), vfs.EROFS)
	vfstest.Errno(t, v.Mkdir("/mnt/ro/d", 0o755), vfs.EROFS)
	vfstest.Errno(t, v.Remove("/mnt/ro/readme"), vfs.EROFS)
	vfstest.Errno(t, v.Chmod("/mnt/ro/readme", 0o600), vfs.EROFS)
	vfstest.Errno(t, v.Truncate("/mnt/ro/readme", 0), vfs.EROFS)
	vfstest.Errno(t, v.Symlink("x", "/mnt/ro/l"), vfs.EROFS)
	// O_CREATE of an existing file without write access is allowed.
	f, err := v.Open("/mnt/ro/readme", vfs.O_RDONLY|vfs.O_CREATE, 0o644)
	vfstest.OK(t, err)
	f.Close()
	vfstest.Content(t, v, "/mnt/ro/readme", []byte("read me"))
}

func TestErrno(t *testing.T) {
	cases := []struct {
		e      vfs.Errno
		target error
	}{
		{vfs.ENOENT, fs.ErrNotExist},
		{vfs.EEXIST, fs.ErrExist},
		{vfs.ENOTEMPTY, fs.ErrExist},
		{vfs.EACCES, fs.ErrPermission},
		{vfs.EPERM, fs.ErrPermission},
		{vfs.EINVAL, fs.ErrInvalid},
		{vfs.EBADF, fs.ErrClosed},
		{vfs.ENOSYS, errors.ErrUnsupported},
	}
	for _, c := range cases {
		if !errors.Is(c.e, c.target) {
			t.Errorf("errors.Is(%s, %v) = false", c.e.Name(), c.target)
		}
		if got := vfs.ErrnoOf(c.target); c.e != vfs.ENOTEMPTY && c.e != vfs.EPERM && c.e != vfs.ENOSYS && got != c.e {
			t.Errorf("ErrnoOf(%v) = %s, want %s", c.target, got.Name(), c.e.Name())
		}
	}
	if errors.Is(vfs.ENOENT, fs.ErrExist) {
		t.Error("ENOENT is fs.ErrExist")
	}
	if vfs.ENOSPC.Error() != "no space left on device" || vfs.Errno(999).Error() != "errno 999" {
		t.Error("errno text")
	}
	if vfs.ErrnoOf(nil) != 0 || vfs.ErrnoOf(errors.New("x")) != vfs.EIO {
		t.Error("ErrnoOf of nil or a plain error")
	}
	cause := errors.New("record i/7: checksum mismatch")
	err := vfs.WithErrno(vfs.EIO, cause)
	if !errors.Is(err, vfs.EIO) || !errors.Is(err, cause) || vfs.ErrnoOf(err) != vfs.EIO {
		t.Errorf("WithErrno chain broken: %v", err)
	}
	if err.Error() != "input/output error: record i/7: checksum mismatch" {
		t.Errorf("WithErrno text %q", err)
	}
}

func TestValidName(t *testing.T) {
	for name, want := range map[string]error{
		"ok": nil, "a b": nil, "": vfs.EINVAL, ".": vfs.EINVAL, "..": vfs.EINVAL, "a/b": vfs.EINVAL,
		"a\x00": vfs.EINVAL, strings.Repeat("x", 255): nil, strings.Repeat("x", 256): vfs.ENAMETOOLONG,
	} {
		if got := vfs.ValidName(name); got != want {
			t.Errorf("ValidName(%.20q) = %v, want %v", name, got, want)
		}
	}
	for in, want := range map[string]string{
		"": "/", "/": "/", "a/b": "/a/b", "/a/../..": "/", "//a//./b/": "/a/b", "/a/b/..": "/a",
	} {
		if got := vfs.Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNoSyscallJS keeps browser glue out of the core packages: built for
// js/wasm, none of our packages they depend on may import syscall/js (the
// standard library's own use of it does not count).
func TestNoSyscallJS(t *testing.T) {
	for _, pkg := range []string{".", "./memfs", "./internal/tree", "./vfstest", "./chunkfs", "./store", "./store/storetest", "./vfsutil", "./vfsbench"} {
		cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}:{{join .Imports \",\"}}{{end}}", pkg)
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Skipf("go list: %v\n%s", err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			name, imports, _ := strings.Cut(line, ":")
			for _, imp := range strings.Split(imports, ",") {
				if imp == "syscall/js" {
					t.Errorf("%s depends on %s, which imports syscall/js", pkg, name)
				}
			}
		}
	}
}
