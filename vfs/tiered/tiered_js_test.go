//go:build js && wasm

package tiered_test

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/nachoos/nacho/vfs/idb"
	"github.com/nachoos/nacho/vfs/opfs"
	"github.com/nachoos/nacho/vfs/tiered"
	"github.com/nachoos/nacho/vfs/vfstest"
)

func TestOpenBrowser(t *testing.T) {
	ns, other := fmt.Sprintf("t%d", rand.Int63()), fmt.Sprintf("t%d", rand.Int63())
	t.Cleanup(func() {
		for _, n := range []string{ns, other} {
			idb.Delete(bg, n)
			opfs.Delete(bg, n)
		}
	})
	open := func(n string) func() *tiered.System {
		return func() *tiered.System {
			s, err := tiered.Open(bg, tiered.Options{Namespace: n})
			vfstest.OK(t, err)
			return s
		}
	}
	s := open(ns)()
	if s.Blobs == nil {
		t.Fatalf("no OPFS blob store: %v", s.Notes)
	}
	if fi, err := s.Root.Statfs(); err != nil || fi.Quota <= 0 {
		t.Fatalf("no quota from the storage estimate: %+v %v", fi, err)
	}
	checkTiers(t, s, open(ns), open(other))
}
