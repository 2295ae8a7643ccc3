package sync

import (
	"fmt"
	"testing"
	"time"

	"github.com/nachoos/nacho/vfs/sync/crdt"
)

func tenThousand(b *testing.B) crdt.Doc {
	d, err := crdt.New(crdt.Options{})
	if err != nil {
		b.Skip(err)
	}
	w := docWriter{d}
	for i := range 10000 {
		id := fmt.Sprintf("e%05d", i)
		if err := w.putVersion(id, fmt.Sprintf("dir%03d/f%03d.txt", i/100, i%100), KindFile, "v"+id, ver("dev", int64(i), id), nil); err != nil {
			b.Fatal(err)
		}
	}
	d.Commit("", time.Time{})
	return d
}

// BenchmarkReadTree10k: reading and resolving a folder of 10,000 files.
func BenchmarkReadTree10k(b *testing.B) {
	d := tenThousand(b)
	defer d.Close()
	b.ResetTimer()
	for range b.N {
		t, _, err := readTree(d)
		if err != nil {
			b.Fatal(err)
		}
		Resolve(t)
	}
}

func BenchmarkSave10k(b *testing.B) {
	d := tenThousand(b)
	defer d.Close()
	b.ResetTimer()
	for range b.N {
		d.Save()
	}
}
