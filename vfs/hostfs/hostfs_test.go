//go:build !js

package hostfs_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/hostfs"
	"github.com/nachoos/nacho/vfs/vfstest"
)

func newFS(t *testing.T, dir string) vfs.Filesystem {
	t.Helper()
	f, err := hostfs.New(dir, hostfs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestConformance(t *testing.T) {
	vfstest.Run(t, vfstest.Config{
		New: func(t *testing.T) vfs.Filesystem { return newFS(t, t.TempDir()) },
		Reopen: func(t *testing.T, fsys vfs.Filesystem) vfs.Filesystem {
			dir := fsys.(*hostfs.FS).Dir()
			fsys.Close()
			return newFS(t, dir)
		},
	})
}

// TestConfined: host symbolic links that point out of the directory are
// seen as links (the VFS resolves them inside its own namespace), and
// nothing outside can be opened through the file system itself.
func TestConfined(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("s"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "abs")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../"+filepath.Base(outside)+"/secret", filepath.Join(dir, "rel")); err != nil {
		t.Fatal(err)
	}
	fsys := newFS(t, dir)
	for _, name := range []string{"abs", "rel"} {
		if _, err := fsys.Open(name, vfs.OpenOptions{Flag: vfs.O_RDONLY}); vfs.ErrnoOf(err) != vfs.EINVAL {
			t.Errorf("Open(%s) = %v, want EINVAL (a link is the VFS's to follow)", name, err)
		}
	}
	v := vfs.New(fsys)
	if _, err := v.ReadFile("/rel"); err == nil {
		t.Errorf("reading through a link that leaves the directory worked")
	}
	// The absolute target names a path in the VFS's namespace, where it
	// does not exist.
	if _, err := v.ReadFile("/abs"); vfs.ErrnoOf(err) != vfs.ENOENT {
		t.Errorf("ReadFile(/abs) = %v, want ENOENT", err)
	}
}

func TestNotADirectory(t *testing.T) {
	f := filepath.Join(t.TempDir(), "f")
	os.WriteFile(f, nil, 0o644)
	if _, err := hostfs.New(f, hostfs.Options{}); vfs.ErrnoOf(err) != vfs.ENOTDIR {
		t.Fatalf("New(file) = %v, want ENOTDIR", err)
	}
	if _, err := hostfs.New(filepath.Join(t.TempDir(), "missing"), hostfs.Options{}); vfs.ErrnoOf(err) != vfs.ENOENT {
		t.Fatalf("New(missing) = %v, want ENOENT", err)
	}
	d := filepath.Join(t.TempDir(), "made", "here")
	if _, err := hostfs.New(d, hostfs.Options{Create: true}); err != nil {
		t.Fatalf("New with Create: %v", err)
	}
}
