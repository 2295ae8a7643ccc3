//go:build !js

package filestore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nachoos/nacho/vfs/store"
	"github.com/nachoos/nacho/vfs/store/storetest"
)

var bg = context.Background()

func TestConformance(t *testing.T) {
	dirs := map[store.Store]string{}
	open := func(t *testing.T, dir string, opts Options) store.Store {
		s, err := Open(dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		dirs[s] = dir
		return s
	}
	storetest.Run(t, storetest.Config{
		New: func(t *testing.T) store.Store { return open(t, t.TempDir(), Options{}) },
		NewQuota: func(t *testing.T, quota int64) store.Store {
			return open(t, t.TempDir(), Options{Quota: quota})
		},
		Reopen: func(t *testing.T, s store.Store) store.Store {
			s.Close()
			return open(t, dirs[s], Options{})
		},
	})
}

func mustOpen(t testing.TB, dir string, opts Options) *Store {
	t.Helper()
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func contents(t testing.TB, s store.Store) map[string]string {
	t.Helper()
	m := map[string]string{}
	if err := s.Scan(bg, "", func(k string, v []byte) error { m[k] = string(v); return nil }); err != nil {
		t.Fatal(err)
	}
	return m
}

// history writes a sequence of transactions and returns the log after each
// and the content after each.
func history(t *testing.T, dir string) (logs [][]byte, states []map[string]string) {
	s := mustOpen(t, dir, Options{NoSync: true})
	defer s.Close()
	snap := func() {
		data, err := os.ReadFile(filepath.Join(dir, logName(s.gen)))
		if err != nil {
			t.Fatal(err)
		}
		logs = append(logs, data)
		states = append(states, contents(t, s))
	}
	snap()
	steps := []func(tx store.Tx){
		func(tx store.Tx) { tx.Put("a", []byte("1")) },
		func(tx store.Tx) { tx.Put("b", bytes.Repeat([]byte("b"), 300)); tx.Put("c", []byte("c")) },
		func(tx store.Tx) { tx.Delete("a"); tx.Put("c", []byte("c2")) },
		func(tx store.Tx) { tx.Put("MAGIC", []byte("NCHL inside a value NCHL")) },
		func(tx store.Tx) { tx.Put("a", nil); tx.Delete("b") },
	}
	for _, step := range steps {
		if err := s.Txn(bg, func(tx store.Tx) error { step(tx); return nil }); err != nil {
			t.Fatal(err)
		}
		snap()
	}
	return logs, states
}

// TestTornTail cuts the log at every byte and checks that the store opens
// to the state after the last whole transaction: a crash mid-commit loses
// that commit and nothing else.
func TestTornTail(t *testing.T) {
	logs, states := history(t, t.TempDir())
	full := logs[len(logs)-1]
	for cut := 0; cut <= len(full); cut++ {
		want := 0
		for i, l := range logs {
			if len(l) <= cut {
				want = i
			}
		}
		for _, garbage := range [][]byte{nil, {0, 0, 0, 0, 0, 0, 0, 0}, []byte("\xffNCHL\x05\x00\x00\x00junk")} {
			dir := t.TempDir()
			data := append(append([]byte{}, full[:cut]...), garbage...)
			if err := os.WriteFile(filepath.Join(dir, logName(0)), data, 0o644); err != nil {
				t.Fatal(err)
			}
			s := mustOpen(t, dir, Options{NoSync: true})
			if got := contents(t, s); !reflect.DeepEqual(got, states[want]) {
				t.Fatalf("cut at %d (+%d garbage): state %v, want %v (after txn %d)", cut, len(garbage), got, states[want], want)
			}
			if p := s.Problems(); len(p) != 0 {
				t.Fatalf("cut at %d: a torn tail reported as damage: %v", cut, p)
			}
			// The store takes new writes after the cut and keeps them.
			if err := s.Put(bg, "after", []byte("x")); err != nil {
				t.Fatal(err)
			}
			s.Close()
			s = mustOpen(t, dir, Options{NoSync: true})
			if got := contents(t, s); got["after"] != "x" || len(got) != len(states[want])+1 {
				t.Fatalf("cut at %d: after reopen %v", cut, got)
			}
			s.Close()
		}
	}
}

// TestDamage flips bytes inside the log: the damaged transaction is
// reported and skipped, every other key stays readable.
func TestDamage(t *testing.T) {
	logs, states := history(t, t.TempDir())
	full := logs[len(logs)-1]
	// Damage each byte of the second transaction's frame (b and c).
	start, end := len(logs[1]), len(logs[2])
	for i := start; i < end; i++ {
		dir := t.TempDir()
		data := append([]byte{}, full...)
		data[i] ^= 0x55
		os.WriteFile(filepath.Join(dir, logName(0)), data, 0o644)
		s := mustOpen(t, dir, Options{NoSync: true})
		got := contents(t, s)
		if len(s.Problems()) == 0 {
			t.Fatalf("byte %d damaged: no problem reported", i)
		}
		if !strings.Contains(s.Problems()[0], "damaged") {
			t.Fatalf("problem text %q", s.Problems()[0])
		}
		// Writes of other transactions survive: "MAGIC" and "a" (final
		// state), c from the third transaction.
		final := states[len(states)-1]
		for _, k := range []string{"MAGIC", "a", "c"} {
			if got[k] != final[k] {
				t.Fatalf("byte %d damaged: %s = %q, want %q", i, k, got[k], final[k])
			}
		}
		s.Close()
	}
}

// faultLayer fails every operation from step crashAt on, as if the machine
// stopped there; the write at the crash step lands half.
type faultLayer struct {
	osLayer
	step, crashAt int
}

var errCrash = errors.New("injected crash")

func (l *faultLayer) tick() error {
	l.step++
	if l.crashAt > 0 && l.step >= l.crashAt {
		return errCrash
	}
	return nil
}

func (l *faultLayer) OpenFile(name string, flag int) (file, error) {
	if err := l.tick(); err != nil {
		return nil, err
	}
	f, err := l.osLayer.OpenFile(name, flag)
	if err != nil {
		return nil, err
	}
	return &faultFile{file: f, l: l}, nil
}

func (l *faultLayer) Rename(o, n string) error {
	if err := l.tick(); err != nil {
		return err
	}
	return l.osLayer.Rename(o, n)
}

func (l *faultLayer) Remove(name string) error {
	if err := l.tick(); err != nil {
		return err
	}
	return l.osLayer.Remove(name)
}

func (l *faultLayer) SyncDir(dir string) error {
	if err := l.tick(); err != nil {
		return err
	}
	return l.osLayer.SyncDir(dir)
}

type faultFile struct {
	file
	l *faultLayer
}

func (f *faultFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.l.tick(); err != nil {
		n, _ := f.file.WriteAt(p[:len(p)/2], off)
		return n, err
	}
	return f.file.WriteAt(p, off)
}

func (f *faultFile) Sync() error {
	if err := f.l.tick(); err != nil {
		return err
	}
	return f.file.Sync()
}

func (f *faultFile) Truncate(size int64) error {
	if err := f.l.tick(); err != nil {
		return err
	}
	return f.file.Truncate(size)
}

// TestCrashEveryStep runs a workload with compactions and crashes it at
// every file operation in turn. After each crash the store reopens to the
// state before or after the transaction that was running, never between.
func TestCrashEveryStep(t *testing.T) {
	workload := func(s *Store, record func()) error {
		for i := range 12 {
			err := s.Txn(bg, func(tx store.Tx) error {
				tx.Put(fmt.Sprintf("k%d", i%4), bytes.Repeat([]byte{byte('a' + i)}, 600))
				tx.Put("count", []byte(fmt.Sprint(i)))
				if i%5 == 4 {
					tx.Delete("k0")
				}
				return nil
			})
			if err != nil {
				return err
			}
			record()
		}
		return nil
	}
	// Reference run: the states a crash may leave.
	ref := mustOpen(t, t.TempDir(), Options{CompactMin: 1500})
	valid := []map[string]string{contents(t, ref)}
	if err := workload(ref, func() { valid = append(valid, contents(t, ref)) }); err != nil {
		t.Fatal(err)
	}
	ref.Close()
	total := 0
	for crashAt := 1; ; crashAt++ {
		dir := t.TempDir()
		l := &faultLayer{crashAt: crashAt}
		s, err := Open(dir, Options{CompactMin: 1500, layer: l})
		committed := 0
		if err == nil {
			err = workload(s, func() { committed++ })
			s.mu.Lock()
			s.f.Close()
			s.unlock()
			s.mu.Unlock()
		}
		if err == nil {
			total = crashAt
			break
		}
		if !errors.Is(err, errCrash) {
			t.Fatalf("crash at step %d: unexpected error %v", crashAt, err)
		}
		r := mustOpen(t, dir, Options{CompactMin: 1500})
		got := contents(t, r)
		if !reflect.DeepEqual(got, valid[committed]) && (committed+1 >= len(valid) || !reflect.DeepEqual(got, valid[committed+1])) {
			t.Fatalf("crash at step %d after %d commits: state %v, want %v", crashAt, committed, got, valid[committed])
		}
		r.Close()
	}
	if total < 30 {
		t.Fatalf("workload took only %d steps; compaction never ran?", total)
	}
}

func TestCompactionShrinksLog(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{CompactMin: 64 << 10, NoSync: true})
	for i := range 200 {
		if err := s.Put(bg, "k", bytes.Repeat([]byte{byte(i)}, 4096)); err != nil {
			t.Fatal(err)
		}
	}
	if s.gen == 0 {
		t.Fatal("no compaction after 800 KiB of overwrites")
	}
	names, _ := os.ReadDir(dir)
	if len(names) != 2 { // LOCK and one log
		t.Fatalf("files after compaction: %v", names)
	}
	s.Close()
	s = mustOpen(t, dir, Options{})
	defer s.Close()
	v, err := s.Get(bg, "k")
	if err != nil || !bytes.Equal(v, bytes.Repeat([]byte{199}, 4096)) {
		t.Fatalf("after compaction and reopen: %v", err)
	}
}

func TestLocked(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, Options{})
	if _, err := Open(dir, Options{}); err == nil {
		t.Fatal("a second Open of the same directory succeeded")
	}
	s.Close()
	mustOpen(t, dir, Options{}).Close()
}

func FuzzDecodePayload(f *testing.F) {
	frame, _ := encodeFrame([]store.Op{{Key: "a", Value: []byte("v")}, {Key: "b", Delete: true}})
	f.Add(frame[headerLen:])
	f.Add([]byte{})
	f.Add([]byte{1, 1, 1, 'k', 200})
	f.Fuzz(func(t *testing.T, p []byte) {
		ops, err := decodePayload(p)
		if err != nil {
			return
		}
		// Whatever decodes re-encodes to a payload that decodes the same
		// (varints may have been written longer than needed).
		var plain []store.Op
		for _, op := range ops {
			plain = append(plain, op.Op)
		}
		again, _ := encodeFrame(plain)
		ops2, err := decodePayload(again[headerLen:])
		if err != nil || len(ops2) != len(ops) {
			t.Fatalf("re-encoded payload does not decode: %v", err)
		}
		for i := range ops {
			if ops[i].Key != ops2[i].Key || ops[i].Delete != ops2[i].Delete || !bytes.Equal(ops[i].Value, ops2[i].Value) {
				t.Fatalf("op %d differs after re-encoding", i)
			}
		}
	})
}
