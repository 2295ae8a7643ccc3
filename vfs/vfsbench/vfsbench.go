// Package vfsbench holds the file system benchmarks every back end runs:
// sequential write and read of 1 MiB and 64 MiB files (MB/s), creating
// 1,000 files of 1 KiB (files/s) and listing a 10,000-entry directory. Each
// write benchmark ends with Sync, so it measures durable throughput.
//
// It must not import syscall/js or os, so it runs in the browser.
package vfsbench

import (
	"fmt"
	"io"
	"math/rand"
	"testing"

	"github.com/nachoos/nacho/vfs"
)

// Run runs the benchmarks on file systems made by newFS.
func Run(b *testing.B, newFS func(b *testing.B) vfs.Filesystem) {
	for _, size := range []int{1 << 20, 64 << 20} {
		name := fmt.Sprintf("%dMiB", size>>20)
		b.Run("SeqWrite/"+name, func(b *testing.B) { seqWrite(b, vfs.New(newFS(b)), size) })
		b.Run("SeqRead/"+name, func(b *testing.B) { seqRead(b, vfs.New(newFS(b)), size) })
	}
	b.Run("Create1000x1KiB", func(b *testing.B) { createSmall(b, vfs.New(newFS(b))) })
	b.Run("List10000", func(b *testing.B) { list(b, vfs.New(newFS(b))) })
}

const ioSize = 64 << 10

func data(n int) []byte {
	p := make([]byte, n)
	rand.New(rand.NewSource(int64(n))).Read(p)
	return p
}

func check(b *testing.B, err error) {
	if err != nil {
		b.Fatal(err)
	}
}

func writeFile(b *testing.B, v *vfs.VFS, name string, p []byte) {
	f, err := v.Open(name, vfs.O_WRONLY|vfs.O_CREATE|vfs.O_TRUNC, 0o644)
	check(b, err)
	for off := 0; off < len(p); off += ioSize {
		_, err := f.Write(p[off:min(off+ioSize, len(p))])
		check(b, err)
	}
	check(b, f.Close())
}

func seqWrite(b *testing.B, v *vfs.VFS, size int) {
	// Fresh content each round, so deduplication does not flatter.
	bufs := [][]byte{data(size), data(size + 1)[:size]}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := range b.N {
		writeFile(b, v, "/f", bufs[i%2])
		check(b, v.Sync())
	}
}

func seqRead(b *testing.B, v *vfs.VFS, size int) {
	writeFile(b, v, "/f", data(size))
	check(b, v.Sync())
	buf := make([]byte, ioSize)
	b.SetBytes(int64(size))
	b.ResetTimer()
	for range b.N {
		f, err := v.Open("/f", vfs.O_RDONLY, 0)
		check(b, err)
		n := 0
		for {
			m, err := f.Read(buf)
			n += m
			if err == io.EOF {
				break
			}
			check(b, err)
		}
		f.Close()
		if n != size {
			b.Fatalf("read %d bytes, want %d", n, size)
		}
	}
}

func createSmall(b *testing.B, v *vfs.VFS) {
	p := data(1024)
	b.ResetTimer()
	for i := range b.N {
		dir := fmt.Sprintf("/d%d", i)
		check(b, v.Mkdir(dir, 0o755))
		for j := range 1000 {
			p[0], p[1] = byte(j), byte(j>>8) // distinct content
			check(b, v.WriteFile(fmt.Sprintf("%s/f%04d", dir, j), p, 0o644))
		}
		check(b, v.Sync())
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "files/s")
}

func list(b *testing.B, v *vfs.VFS) {
	check(b, v.Mkdir("/big", 0o755))
	for j := range 10000 {
		check(b, v.WriteFile(fmt.Sprintf("/big/entry-%05d", j), nil, 0o644))
	}
	check(b, v.Sync())
	b.ResetTimer()
	for range b.N {
		ents, err := v.ReadDir("/big")
		check(b, err)
		if len(ents) != 10000 {
			b.Fatalf("%d entries", len(ents))
		}
	}
}
