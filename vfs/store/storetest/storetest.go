// Package storetest is the conformance suite of the store.Store seam. Every
// back end runs it: memory and the file store natively, IndexedDB and OPFS
// in Chromium.
//
// It must not import syscall/js or os, so it runs in the browser.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"strings"
	"sync"
	"testing"

	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/store"
)

// Config describes the store under test.
type Config struct {
	// New returns a fresh, empty store; the suite closes it.
	New func(t *testing.T) store.Store
	// NewQuota, if set, returns a fresh store that holds at most about quota
	// bytes of keys and values.
	NewQuota func(t *testing.T, quota int64) store.Store
	// Reopen, if set, closes s and opens the same storage again.
	Reopen func(t *testing.T, s store.Store) store.Store
	// BigValue is the size of the largest value tested (default 4 MiB).
	BigValue int
}

// Run runs the suite.
func Run(t *testing.T, c Config) {
	if c.BigValue == 0 {
		c.BigValue = 4 << 20
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, c Config, s store.Store)
	}{
		{"GetPutDelete", testGetPutDelete},
		{"Values", testValues},
		{"Keys", testKeys},
		{"ListScan", testListScan},
		{"Txn", testTxn},
		{"TxnAbort", testTxnAbort},
		{"TxnLarge", testTxnLarge},
		{"TxnSerializable", testSerializable},
		{"Canceled", testCanceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := c.New(t)
			defer s.Close()
			tc.fn(t, c, s)
		})
	}
	t.Run("Closed", func(t *testing.T) {
		s := c.New(t)
		ok(t, s.Put(context.Background(), "k", []byte("v")))
		ok(t, s.Close())
		if _, err := s.Get(context.Background(), "k"); !errors.Is(err, store.ErrClosed) {
			t.Fatalf("Get after Close: %v, want ErrClosed", err)
		}
		if err := s.Put(context.Background(), "k", nil); !errors.Is(err, store.ErrClosed) {
			t.Fatalf("Put after Close: %v, want ErrClosed", err)
		}
	})
	if c.NewQuota != nil {
		t.Run("Quota", func(t *testing.T) { testQuota(t, c) })
	}
	if c.Reopen != nil {
		t.Run("Reopen", func(t *testing.T) { testReopen(t, c) })
	}
}

var bg = context.Background()

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func get(t testing.TB, s store.Store, key string, want []byte) {
	t.Helper()
	got, err := s.Get(bg, key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Get(%q) = %d bytes %q..., want %d bytes %q...", key, len(got), trim(got), len(want), trim(want))
	}
}

func missing(t testing.TB, s store.Store, key string) {
	t.Helper()
	_, err := s.Get(bg, key)
	if !errors.Is(err, store.ErrNotFound) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Get(%q) = %v, want ErrNotFound", key, err)
	}
}

func trim(b []byte) []byte {
	if len(b) > 16 {
		return b[:16]
	}
	return b
}

// Rand returns n deterministic pseudo-random bytes.
func Rand(seed int64, n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func testGetPutDelete(t *testing.T, c Config, s store.Store) {
	missing(t, s, "a")
	ok(t, s.Put(bg, "a", []byte("1")))
	get(t, s, "a", []byte("1"))
	ok(t, s.Put(bg, "a", []byte("22")))
	get(t, s, "a", []byte("22"))
	ok(t, s.Delete(bg, "a"))
	missing(t, s, "a")
	ok(t, s.Delete(bg, "a"))
	ok(t, s.Delete(bg, "never"))
}

func testValues(t *testing.T, c Config, s store.Store) {
	ok(t, s.Put(bg, "empty", nil))
	get(t, s, "empty", nil)
	bin := []byte{0, 1, 2, 0, 255, 254, 0}
	ok(t, s.Put(bg, "bin", bin))
	get(t, s, "bin", bin)
	big := Rand(1, c.BigValue+13)
	ok(t, s.Put(bg, "big", big))
	get(t, s, "big", big)
	// The returned slice belongs to the caller.
	v, err := s.Get(bg, "bin")
	ok(t, err)
	v[0] = 99
	get(t, s, "bin", bin)
}

func testKeys(t *testing.T, c Config, s store.Store) {
	keys := []string{
		"plain", "with/slash", "with space", "percent%20", "UPPER", "upper", "ünïcödé",
		"dot.", ".", "..", "c/" + strings.Repeat("ab", 32), strings.Repeat("k", store.MaxKeyLen),
		"tab\tnewline\n", "back\\slash", "colon:star*q?", "\x01\x7f\xff",
	}
	for i, k := range keys {
		ok(t, s.Put(bg, k, []byte(fmt.Sprint(i))))
	}
	for i, k := range keys {
		get(t, s, k, []byte(fmt.Sprint(i)))
	}
	got, err := s.List(bg, "")
	ok(t, err)
	if len(got) != len(keys) {
		t.Fatalf("List(\"\") = %d keys, want %d: %q", len(got), len(keys), got)
	}
	for _, bad := range []string{"", "nul\x00", strings.Repeat("k", store.MaxKeyLen+1)} {
		if err := s.Put(bg, bad, nil); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("Put(%.10q) = %v, want ErrInvalidKey", bad, err)
		}
	}
	// A bad key fails its whole transaction.
	err = s.Txn(bg, func(tx store.Tx) error {
		tx.Put("good", nil)
		tx.Put("", nil)
		return nil
	})
	if !errors.Is(err, store.ErrInvalidKey) || !errors.Is(err, vfs.EINVAL) {
		t.Fatalf("Txn with bad key = %v", err)
	}
	missing(t, s, "good")
}

func testListScan(t *testing.T, c Config, s store.Store) {
	for _, k := range []string{"i/3", "i/1", "i/2", "c/x", "i", "j/1", "i/10"} {
		ok(t, s.Put(bg, k, []byte("v"+k)))
	}
	got, err := s.List(bg, "i/")
	ok(t, err)
	if strings.Join(got, " ") != "i/1 i/10 i/2 i/3" {
		t.Fatalf("List(i/) = %q", got)
	}
	got, err = s.List(bg, "zzz")
	ok(t, err)
	if len(got) != 0 {
		t.Fatalf("List(zzz) = %q", got)
	}
	var seen []string
	ok(t, s.Scan(bg, "i", func(k string, v []byte) error {
		if string(v) != "v"+k {
			t.Errorf("Scan value of %q = %q", k, v)
		}
		seen = append(seen, k)
		return nil
	}))
	if strings.Join(seen, " ") != "i i/1 i/10 i/2 i/3" {
		t.Fatalf("Scan(i) keys %q", seen)
	}
	stop := errors.New("stop")
	n := 0
	err = s.Scan(bg, "", func(string, []byte) error { n++; return stop })
	if err != stop || n != 1 {
		t.Fatalf("Scan stop: %v after %d", err, n)
	}
}

func testTxn(t *testing.T, c Config, s store.Store) {
	ok(t, s.Put(bg, "keep", []byte("k")))
	ok(t, s.Put(bg, "gone", []byte("g")))
	ok(t, s.Txn(bg, func(tx store.Tx) error {
		v, err := tx.Get("keep")
		if err != nil || string(v) != "k" {
			return fmt.Errorf("tx.Get(keep) = %q, %v", v, err)
		}
		tx.Put("new", []byte("n1"))
		tx.Put("new", []byte("n2"))
		if v, err := tx.Get("new"); err != nil || string(v) != "n2" {
			return fmt.Errorf("tx does not see its own write: %q, %v", v, err)
		}
		tx.Delete("gone")
		if _, err := tx.Get("gone"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("tx sees a deleted key: %v", err)
		}
		tx.Put("tmp", []byte("t"))
		tx.Delete("tmp")
		tx.Delete("never")
		return nil
	}))
	get(t, s, "keep", []byte("k"))
	get(t, s, "new", []byte("n2"))
	missing(t, s, "gone")
	missing(t, s, "tmp")
	ok(t, s.Txn(bg, func(store.Tx) error { return nil }))
}

func testTxnAbort(t *testing.T, c Config, s store.Store) {
	ok(t, s.Put(bg, "a", []byte("old")))
	boom := errors.New("boom")
	err := s.Txn(bg, func(tx store.Tx) error {
		tx.Put("a", []byte("new"))
		tx.Put("b", []byte("new"))
		return boom
	})
	if err != boom {
		t.Fatalf("Txn = %v, want the fn's error", err)
	}
	get(t, s, "a", []byte("old"))
	missing(t, s, "b")
}

func testTxnLarge(t *testing.T, c Config, s store.Store) {
	const n = 1000
	ok(t, s.Txn(bg, func(tx store.Tx) error {
		for i := range n {
			tx.Put(fmt.Sprintf("k/%04d", i), Rand(int64(i), 1000))
		}
		tx.Put("big", Rand(-1, c.BigValue))
		return nil
	}))
	keys, err := s.List(bg, "k/")
	ok(t, err)
	if len(keys) != n {
		t.Fatalf("%d keys after a %d-key Txn", len(keys), n)
	}
	get(t, s, "k/0777", Rand(777, 1000))
	get(t, s, "big", Rand(-1, c.BigValue))
	ok(t, s.Txn(bg, func(tx store.Tx) error {
		for i := range n {
			tx.Delete(fmt.Sprintf("k/%04d", i))
		}
		return nil
	}))
	keys, err = s.List(bg, "k/")
	ok(t, err)
	if len(keys) != 0 {
		t.Fatalf("%d keys left after deleting all", len(keys))
	}
}

func testSerializable(t *testing.T, c Config, s store.Store) {
	ok(t, s.Put(bg, "counter", []byte("0")))
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				err := s.Txn(bg, func(tx store.Tx) error {
					v, err := tx.Get("counter")
					if err != nil {
						return err
					}
					var n int
					fmt.Sscan(string(v), &n)
					tx.Put("counter", []byte(fmt.Sprint(n+1)))
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	get(t, s, "counter", []byte(fmt.Sprint(workers*each)))
}

func testCanceled(t *testing.T, c Config, s store.Store) {
	ctx, cancel := context.WithCancel(bg)
	cancel()
	if err := s.Put(ctx, "x", []byte("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with canceled context = %v", err)
	}
	missing(t, s, "x")
}

func testQuota(t *testing.T, c Config) {
	s := c.NewQuota(t, 1<<20)
	defer s.Close()
	keep := Rand(2, 512<<10)
	ok(t, s.Put(bg, "keep", keep))
	err := s.Put(bg, "big", Rand(3, 768<<10))
	if !errors.Is(err, store.ErrNoSpace) || !errors.Is(err, vfs.ENOSPC) {
		t.Fatalf("Put over quota = %v, want ErrNoSpace", err)
	}
	err = s.Txn(bg, func(tx store.Tx) error {
		tx.Put("a", Rand(4, 300<<10))
		tx.Put("b", Rand(5, 300<<10))
		return nil
	})
	if !errors.Is(err, store.ErrNoSpace) {
		t.Fatalf("Txn over quota = %v, want ErrNoSpace", err)
	}
	get(t, s, "keep", keep)
	missing(t, s, "big")
	missing(t, s, "a")
	// Deleting makes room.
	ok(t, s.Delete(bg, "keep"))
	ok(t, s.Put(bg, "big", Rand(3, 768<<10)))
	if sz, isSizer := s.(store.Sizer); isSizer {
		used, quota, err := sz.Size(bg)
		ok(t, err)
		if quota != 1<<20 || used < 768<<10 || used > 1<<20 {
			t.Fatalf("Size = %d of %d", used, quota)
		}
	}
}

func testReopen(t *testing.T, c Config) {
	s := c.New(t)
	big := Rand(6, c.BigValue)
	ok(t, s.Put(bg, "a", []byte("A")))
	ok(t, s.Put(bg, "big", big))
	ok(t, s.Put(bg, "gone", []byte("G")))
	ok(t, s.Txn(bg, func(tx store.Tx) error {
		tx.Delete("gone")
		tx.Put("b", []byte("B"))
		return nil
	}))
	s = c.Reopen(t, s)
	get(t, s, "a", []byte("A"))
	get(t, s, "b", []byte("B"))
	get(t, s, "big", big)
	missing(t, s, "gone")
	ok(t, s.Put(bg, "c", []byte("C")))
	s = c.Reopen(t, s)
	defer s.Close()
	get(t, s, "c", []byte("C"))
	keys, err := s.List(bg, "")
	ok(t, err)
	if strings.Join(keys, " ") != "a b big c" {
		t.Fatalf("keys after reopen %q", keys)
	}
}
