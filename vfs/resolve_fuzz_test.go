package vfs_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

// fuzzTree builds a tree with links, loops and a mount for FuzzResolve.
func fuzzTree(t testing.TB) *vfs.VFS {
	v := vfs.New(memfs.New(memfs.Options{}))
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(v.MkdirAll("/a/b/c", 0o755))
	must(v.MkdirAll("/tmp", 0o755))
	must(v.Mount("/tmp", memfs.New(memfs.Options{}), vfs.MountOptions{}))
	must(v.MkdirAll("/tmp/x/y", 0o755))
	must(v.WriteFile("/a/b/f", []byte("f"), 0o644))
	must(v.WriteFile("/tmp/x/g", []byte("g"), 0o644))
	must(v.Symlink("/a/b", "/lb"))
	must(v.Symlink("../..", "/a/b/c/up"))
	must(v.Symlink("/tmp/x", "/a/tx"))
	must(v.Symlink("loop", "/loop"))
	must(v.Symlink("/nowhere", "/dangling"))
	must(v.Symlink("f", "/a/b/lf"))
	return v
}

// FuzzResolve feeds arbitrary paths to the resolver. Invariants: no panic;
// every error is an *fs.PathError carrying an Errno; a path without links
// that resolves names what its lexical Clean names; a successful Stat agrees with Lstat of
// a fully resolved path.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		"/", "", ".", "..", "/a/b/f", "a/b/../b/f", "/lb/f", "/lb/../b/f", "/a/b/c/up/b/f",
		"/a/tx/g", "/a/tx/../x/g", "/tmp/../a", "/loop", "/loop/x", "/dangling", "/dangling/x",
		"/a/b/f/", "/a/b/f/x", "//a//b//", "/a/b/lf", "/a/b/c/up/up/up", "/a\x00b",
		strings.Repeat("/a/b/c/up", 30), strings.Repeat("x", 300), "/tmp/x/y/../../x/g",
	} {
		f.Add(s)
	}
	v := fuzzTree(f)
	f.Fuzz(func(t *testing.T, name string) {
		fi, err := v.Stat(name)
		checkErr(t, "stat", name, err)
		_, lerr := v.Lstat(name)
		checkErr(t, "lstat", name, lerr)
		if file, err := v.Open(name, vfs.O_RDONLY, 0); err == nil {
			file.Close()
		} else {
			checkErr(t, "open", name, err)
		}
		if !strings.ContainsRune(name, 0) && len(name) <= vfs.PathMax && !mayHitLink(name) {
			cfi, cerr := v.Stat(vfs.Clean(name))
			// POSIX needs every component before ".." to exist, so only
			// success carries over to the lexical form.
			if err == nil && cerr != nil {
				t.Fatalf("Stat(%q) works but Stat(Clean) fails: %v", name, cerr)
			}
			if err == nil && cerr == nil && fi.Sys().(*vfs.Attr).Ino != cfi.Sys().(*vfs.Attr).Ino && !crossesMount(name) {
				t.Fatalf("Stat(%q) and Stat(%q) differ", name, vfs.Clean(name))
			}
		}
	})
}

// mayHitLink reports whether a component of name is one of the tree's links,
// where lexical cleaning and resolution legitimately differ.
func mayHitLink(name string) bool {
	for _, c := range strings.Split(name, "/") {
		switch c {
		case "lb", "up", "tx", "loop", "dangling", "lf":
			return true
		}
	}
	return false
}

func crossesMount(name string) bool { return strings.Contains(name, "tmp") }

func checkErr(t *testing.T, op, name string, err error) {
	if err == nil {
		return
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		t.Fatalf("%s(%q): %v (%T) is not a PathError", op, name, err, err)
	}
	var e vfs.Errno
	if !errors.As(err, &e) {
		t.Fatalf("%s(%q): %v carries no Errno", op, name, err)
	}
	if pe.Path != name {
		t.Fatalf("%s(%q): error names %q", op, name, pe.Path)
	}
}
