package tiered_test

import (
	"context"
	"errors"
	"io/fs"
	"testing"

	"github.com/nachoos/nacho/vfs/tiered"
	"github.com/nachoos/nacho/vfs/vfstest"
)

var bg = context.Background()

// checkTiers: "/" persists across reopen, "/tmp" does not, another
// namespace sees none of it.
func checkTiers(t *testing.T, s *tiered.System, reopen, other func() *tiered.System) {
	v := s.VFS
	vfstest.OK(t, v.MkdirAll("/home/user", 0o755))
	vfstest.OK(t, v.WriteFile("/home/user/save.dat", []byte("level 3"), 0o644))
	vfstest.OK(t, v.WriteFile("/tmp/scratch", []byte("gone after reload"), 0o644))
	if s.Blobs != nil {
		vfstest.OK(t, s.Blobs.Put(bg, "bundle", []byte("blob")))
	}
	u, err := v.Usage()
	vfstest.OK(t, err)
	if len(u.Mounts) != 2 || u.Mounts[0].Type != "chunkfs" || !u.Mounts[0].Durable || u.Mounts[1].Path != "/tmp" {
		t.Fatalf("usage %+v", u)
	}
	vfstest.OK(t, s.Close())

	r := reopen()
	vfstest.Content(t, r.VFS, "/home/user/save.dat", []byte("level 3"))
	if _, err := r.VFS.Stat("/tmp/scratch"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("/tmp survived a reopen: %v", err)
	}
	if r.Blobs != nil {
		b, err := r.Blobs.Get(bg, "bundle")
		if err != nil || string(b) != "blob" {
			t.Fatalf("blob after reopen: %q, %v", b, err)
		}
	}
	if p := r.Problems(); len(p) > 0 {
		t.Fatalf("problems: %v", p)
	}
	vfstest.OK(t, r.Close())

	o := other()
	defer o.Close()
	if _, err := o.VFS.Stat("/home/user/save.dat"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("another namespace sees the file: %v", err)
	}
}
