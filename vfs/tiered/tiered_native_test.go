//go:build !js

package tiered_test

import (
	"testing"

	"github.com/nachoos/nacho/vfs/tiered"
	"github.com/nachoos/nacho/vfs/vfstest"
)

func TestOpenDir(t *testing.T) {
	dir := t.TempDir()
	s, err := tiered.Open(bg, tiered.Options{Dir: dir, Namespace: "game"})
	vfstest.OK(t, err)
	checkTiers(t, s, func() *tiered.System {
		r, err := tiered.Open(bg, tiered.Options{Dir: dir, Namespace: "game"})
		vfstest.OK(t, err)
		return r
	}, func() *tiered.System {
		r, err := tiered.Open(bg, tiered.Options{Dir: dir, Namespace: "other"})
		vfstest.OK(t, err)
		return r
	})
	if _, err := tiered.Open(bg, tiered.Options{}); err == nil {
		t.Fatal("Open without Dir worked natively")
	}
	if _, err := tiered.Open(bg, tiered.Options{Dir: dir, Namespace: "a/b"}); err == nil {
		t.Fatal("namespace with a slash accepted")
	}
}
