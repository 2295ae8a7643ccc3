package crdt_test

import (
	"testing"

	"github.com/nachoos/nacho/vfs/sync/crdt"
	"github.com/nachoos/nacho/vfs/sync/crdt/crdttest"
)

// TestConformance runs the seam's suite on this build's implementation:
// automerge-go natively, @automerge/automerge in the browser.
func TestConformance(t *testing.T) {
	if _, err := crdt.New(crdt.Options{}); err != nil {
		t.Skipf("no automerge in this build: %v", err)
	}
	t.Logf("implementation: %s", crdt.Implementation())
	crdttest.Run(t, crdttest.Impl{New: crdt.New, Load: crdt.Load})
}
