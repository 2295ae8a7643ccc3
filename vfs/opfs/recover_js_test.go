//go:build js && wasm

package opfs

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"testing"

	"github.com/nachoos/nacho/vfs/store"
)

// TestRecover leaves the debris of transactions stopped at each point and
// checks that reopening gives all of the transaction or none of it.
func TestRecover(t *testing.T) {
	ctx := context.Background()
	for stage := range 4 {
		ns := fmt.Sprintf("test-recover-%d", rand.Int63())
		t.Cleanup(func() { Delete(ctx, ns) })
		s, err := OpenStore(ctx, ns)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Put(ctx, "a", []byte("old a")); err != nil {
			t.Fatal(err)
		}
		if err := s.Put(ctx, "gone", []byte("g")); err != nil {
			t.Fatal(err)
		}
		// A transaction: a := "new a", b := "new b", delete gone.
		j := &journal{dels: []string{encodeName("gone")}}
		for _, kv := range [][2]string{{"a", "new a"}, {"b", "new b"}} {
			tmp := s.tempName()
			if err := s.writeName(ctx, tmp, []byte(kv[1])); err != nil {
				t.Fatal(err)
			}
			j.puts = append(j.puts, [2]string{tmp, encodeName(kv[0])})
		}
		committed := stage >= 1
		if committed {
			s.writeName(ctx, journalName, j.encode())
		}
		if stage >= 2 { // crashed after the first move
			s.moveName(ctx, j.puts[0][0], j.puts[0][1])
		}
		if stage >= 3 { // crashed after all moves, before the deletes
			s.moveName(ctx, j.puts[1][0], j.puts[1][1])
		}
		s.Close()
		r, err := OpenStore(ctx, ns)
		if err != nil {
			t.Fatalf("stage %d: reopen: %v", stage, err)
		}
		want := map[string]string{"a": "old a", "gone": "g"}
		if committed {
			want = map[string]string{"a": "new a", "b": "new b"}
		}
		got := map[string]string{}
		r.Scan(ctx, "", func(k string, v []byte) error { got[k] = string(v); return nil })
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("stage %d: got %v, want %v", stage, got, want)
		}
		names, _ := r.names(ctx)
		for _, n := range names {
			if _, ok := decodeName(n); !ok {
				t.Fatalf("stage %d: debris %q left", stage, n)
			}
		}
		if _, err := r.Get(ctx, "gone"); committed && !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("stage %d: gone = %v", stage, err)
		}
		r.Close()
	}
}
