//go:build js && wasm

package idb_test

import (
	"fmt"
	"syscall/js"
	"testing"

	"github.com/nachoos/nacho/vfs/idb"
	"github.com/nachoos/nacho/vfs/store"
)

// rawPuts is the reference: 2000 puts of 1 KiB in one strict transaction,
// written directly in JavaScript.
const rawPuts = `(async (name, round) => {
  const db = await new Promise((res, rej) => {
    const r = indexedDB.open(name, 1);
    r.onupgradeneeded = () => r.result.createObjectStore("kv");
    r.onsuccess = () => res(r.result);
    r.onerror = () => rej(r.error);
  });
  const v = new Uint8Array(1024), enc = new TextEncoder();
  const tx = db.transaction("kv", "readwrite", {durability: "strict"});
  const os = tx.objectStore("kv");
  for (let i = 0; i < 2000; i++) os.put(v, enc.encode("k/" + round + "/" + i));
  await new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
  db.close();
})`

// BenchmarkTxn2000Puts compares one Txn of 2000 puts through the store with
// the same transaction written in JavaScript, in the same browser and run:
// the difference is our per-call overhead.
func BenchmarkTxn2000Puts(b *testing.B) {
	b.Run("raw-js", func(b *testing.B) {
		name := namespace(b)
		fn := js.Global().Call("eval", rawPuts)
		b.SetBytes(2000 * 1024)
		for i := range b.N {
			done := make(chan error, 1)
			then := js.FuncOf(func(js.Value, []js.Value) any { done <- nil; return nil })
			fail := js.FuncOf(func(_ js.Value, a []js.Value) any { done <- fmt.Errorf("%v", a[0]); return nil })
			fn.Invoke(idb.DBName(name), i).Call("then", then, fail)
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			then.Release()
			fail.Release()
		}
	})
	b.Run("store", func(b *testing.B) {
		s := open(b, namespace(b))
		defer s.Close()
		v := make([]byte, 1024)
		b.SetBytes(2000 * 1024)
		for i := range b.N {
			err := s.Txn(bg, func(tx store.Tx) error {
				for j := range 2000 {
					tx.Put(fmt.Sprintf("k/%d/%d", i, j), v)
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
