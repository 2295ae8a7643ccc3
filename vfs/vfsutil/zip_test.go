package vfsutil_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
	"github.com/nachoos/nacho/vfs/vfstest"
	"github.com/nachoos/nacho/vfs/vfsutil"
)

func newVFS(t testing.TB) *vfs.VFS {
	return vfs.New(memfs.New(memfs.Options{}))
}

func TestZipRoundTrip(t *testing.T) {
	v := newVFS(t)
	vfstest.OK(t, v.MkdirAll("/home/docs/sub/empty", 0o755))
	vfstest.OK(t, v.WriteFile("/home/docs/a.txt", []byte("alpha"), 0o644))
	big := bytes.Repeat([]byte("compressible "), 100000)
	vfstest.OK(t, v.WriteFile("/home/docs/sub/big.txt", big, 0o600))
	vfstest.OK(t, v.Symlink("../a.txt", "/home/docs/sub/link"))
	var buf bytes.Buffer
	vfstest.OK(t, vfsutil.ExportZip(v, "/home/docs", &buf))
	if buf.Len() > len(big)/10 {
		t.Errorf("zip of %d compressible bytes is %d bytes", len(big), buf.Len())
	}
	w := newVFS(t)
	vfstest.OK(t, w.Mkdir("/in", 0o755))
	vfstest.OK(t, vfsutil.ImportZip(w, "/in", bytes.NewReader(buf.Bytes()), int64(buf.Len()), vfsutil.ImportOptions{}))
	vfstest.Content(t, w, "/in/docs/a.txt", []byte("alpha"))
	vfstest.Content(t, w, "/in/docs/sub/big.txt", big)
	vfstest.Content(t, w, "/in/docs/sub/link", []byte("alpha"))
	fi, err := w.Stat("/in/docs/sub/big.txt")
	vfstest.OK(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if fi, err := w.Stat("/in/docs/sub/empty"); err != nil || !fi.IsDir() {
		t.Errorf("empty dir: %v", err)
	}
	// Importing again without Overwrite refuses; with it, works.
	err = vfsutil.ImportZip(w, "/in", bytes.NewReader(buf.Bytes()), int64(buf.Len()), vfsutil.ImportOptions{})
	vfstest.Errno(t, err, vfs.EEXIST)
	vfstest.OK(t, vfsutil.ImportZip(w, "/in", bytes.NewReader(buf.Bytes()), int64(buf.Len()), vfsutil.ImportOptions{Overwrite: true}))
	// A single file exports as one entry.
	buf.Reset()
	vfstest.OK(t, vfsutil.ExportZip(v, "/home/docs/a.txt", &buf))
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	vfstest.OK(t, err)
	if len(zr.File) != 1 || zr.File[0].Name != "a.txt" {
		t.Fatalf("single-file zip: %v", zr.File)
	}
}

func zipOf(t testing.TB, entries map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(data))
	}
	zw.Close()
	return buf.Bytes()
}

func TestImportRefusesBadNames(t *testing.T) {
	for _, name := range []string{"../evil", "a/../../evil", "/abs", "a/\x00b", strings.Repeat("n", 256), "a//b/./c"} {
		v := newVFS(t)
		vfstest.OK(t, v.Mkdir("/in", 0o755))
		data := zipOf(t, map[string]string{"ok.txt": "fine", name: "bad"})
		err := vfsutil.ImportZip(v, "/in", bytes.NewReader(data), int64(len(data)), vfsutil.ImportOptions{})
		if err == nil {
			t.Fatalf("entry %q accepted", name)
		}
		if e := vfs.ErrnoOf(err); e != vfs.EINVAL && e != vfs.ENAMETOOLONG {
			t.Fatalf("entry %q: %v (%s)", name, err, e.Name())
		}
		// Nothing was written, not even the good entry.
		ents, _ := v.ReadDir("/in")
		root, _ := v.ReadDir("/")
		if len(ents) != 0 || len(root) != 1 {
			t.Fatalf("entry %q: files written: %v %v", name, ents, root)
		}
	}
}

func TestImportLimits(t *testing.T) {
	v := newVFS(t)
	vfstest.OK(t, v.Mkdir("/in", 0o755))
	data := zipOf(t, map[string]string{"a": strings.Repeat("x", 1000), "b": "y"})
	err := vfsutil.ImportZip(v, "/in", bytes.NewReader(data), int64(len(data)), vfsutil.ImportOptions{MaxBytes: 500})
	if !errors.Is(err, vfsutil.ErrTooBig) {
		t.Fatalf("MaxBytes: %v", err)
	}
	err = vfsutil.ImportZip(v, "/in", bytes.NewReader(data), int64(len(data)), vfsutil.ImportOptions{MaxFiles: 1})
	if !errors.Is(err, vfsutil.ErrTooBig) {
		t.Fatalf("MaxFiles: %v", err)
	}
	err = vfsutil.ImportZip(v, "/in", bytes.NewReader([]byte("not a zip")), 9, vfsutil.ImportOptions{})
	vfstest.Errno(t, err, vfs.EINVAL)
}

func TestImportFS(t *testing.T) {
	v := newVFS(t)
	vfstest.OK(t, v.Mkdir("/drop", 0o755))
	src := fstest.MapFS{
		"game/GAME.EXE":       {Data: []byte("MZ"), Mode: 0o755},
		"game/data/LEVEL.DAT": {Data: []byte("lvl")},
	}
	vfstest.OK(t, vfsutil.ImportFS(v, "/drop", src, vfsutil.ImportOptions{}))
	vfstest.Content(t, v, "/drop/game/GAME.EXE", []byte("MZ"))
	vfstest.Content(t, v, "/drop/game/data/LEVEL.DAT", []byte("lvl"))
	fi, _ := v.Stat("/drop/game/GAME.EXE")
	if fi.Mode().Perm() != 0o755 {
		t.Errorf("mode %v", fi.Mode())
	}
	_, err := v.Stat("/drop/nothing")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
}

// FuzzImportZip: any bytes as a zip never panic and never write outside the
// target folder.
func FuzzImportZip(f *testing.F) {
	f.Add(zipOf(f, map[string]string{"a/b.txt": "x", "c": "y"}))
	f.Add(zipOf(f, map[string]string{"../x": "y"}))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := newVFS(t)
		if err := v.Mkdir("/in", 0o755); err != nil {
			t.Fatal(err)
		}
		vfsutil.ImportZip(v, "/in", bytes.NewReader(data), int64(len(data)), vfsutil.ImportOptions{MaxBytes: 1 << 20, MaxFiles: 100})
		root, _ := v.ReadDir("/")
		if len(root) != 1 || root[0].Name() != "in" {
			t.Fatalf("import wrote outside /in: %v", root)
		}
	})
}
