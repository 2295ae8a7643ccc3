package coreutils

import (
	"archive/zip"
	"bytes"
	"testing"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/memfs"
)

// A hostile archive cannot write outside the folder it is unpacked into.
func TestExtractZipStaysInside(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"../../escape.txt", "/abs.txt", "ok/../../up.txt", "fine/x.txt"} {
		w, _ := zw.Create(name)
		w.Write([]byte(name))
	}
	zw.Close()
	v := vfs.New(memfs.New(memfs.Options{}))
	v.MkdirAll("/home/in", 0o755)
	n, err := ExtractZip(bytes.NewReader(b.Bytes()), int64(b.Len()), v, "/home/in")
	if err != nil || n != 4 {
		t.Fatalf("extract: %d, %v", n, err)
	}
	for _, want := range []string{"/home/in/escape.txt", "/home/in/abs.txt", "/home/in/up.txt", "/home/in/fine/x.txt"} {
		if _, err := v.Stat(want); err != nil {
			t.Errorf("%s: %v", want, err)
		}
	}
	ents, _ := v.ReadDir("/home")
	if len(ents) != 1 {
		t.Errorf("something was written beside the target folder: %v", ents)
	}
	if _, err := v.Stat("/escape.txt"); err == nil {
		t.Error("an entry escaped to /")
	}
}

func TestExtractZipRejectsGarbage(t *testing.T) {
	v := vfs.New(memfs.New(memfs.Options{}))
	if _, err := ExtractZip(bytes.NewReader([]byte("PK\x03\x04 not really")), 16, v, "/"); err == nil {
		t.Fatal("garbage accepted as a zip")
	}
}
