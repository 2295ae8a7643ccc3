//go:build js && wasm

package opfs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"testing"

	"github.com/nachoos/nacho/vfs/opfs"
	"github.com/nachoos/nacho/vfs/store"
	"github.com/nachoos/nacho/vfs/store/storetest"
)

var bg = context.Background()

func namespace(t testing.TB) string {
	ns := fmt.Sprintf("test-%d", rand.Int63())
	t.Cleanup(func() { opfs.Delete(bg, ns) })
	return ns
}

func open(t testing.TB, ns string) *opfs.Store {
	t.Helper()
	s, err := opfs.OpenStore(bg, ns)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	names := map[store.Store]string{}
	storetest.Run(t, storetest.Config{
		BigValue: 1 << 20,
		New: func(t *testing.T) store.Store {
			ns := namespace(t)
			s := open(t, ns)
			names[s] = ns
			return s
		},
		Reopen: func(t *testing.T, s store.Store) store.Store {
			s.Close()
			r := open(t, names[s])
			names[r] = names[s]
			return r
		},
	})
}

func TestStreamedBlob(t *testing.T) {
	s := open(t, namespace(t))
	defer s.Close()
	data := storetest.Rand(1, 3<<20+5)
	w, err := s.Create(bg, "disk.img")
	if err != nil {
		t.Fatal(err)
	}
	for off := 0; off < len(data); off += 1 << 20 {
		if _, err := w.Write(data[off:min(off+1<<20, len(data))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := s.Open(bg, "disk.img")
	if err != nil {
		t.Fatal(err)
	}
	if b.Size() != int64(len(data)) {
		t.Fatalf("size %d", b.Size())
	}
	p := make([]byte, 4096)
	for _, off := range []int64{0, 1 << 20, int64(len(data)) - 4096} {
		if _, err := b.ReadAt(p, off); err != nil && err != io.EOF {
			t.Fatal(err)
		}
		if !bytes.Equal(p, data[off:off+4096]) {
			t.Fatalf("ReadAt(%d) differs", off)
		}
	}
	n, err := b.ReadAt(p, int64(len(data))-100)
	if n != 100 || err != io.EOF {
		t.Fatalf("short read at end = %d, %v", n, err)
	}
	got, err := io.ReadAll(io.NewSectionReader(b, 0, b.Size()))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("whole read: %v", err)
	}
}

func TestLocked(t *testing.T) {
	ns := namespace(t)
	s := open(t, ns)
	if _, err := opfs.Open(bg, ns); !errors.Is(err, opfs.ErrLocked) {
		t.Fatalf("second Open = %v", err)
	}
	s.Close()
}
