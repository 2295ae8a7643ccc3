#!/bin/bash
# Rewrites the cross-implementation golden files of vfs/sync/crdt: the
# native ones with automerge-go, the js ones with @automerge/automerge
# under node (the package itself, not Nacho's Go binding of it), each
# reply answering the other side's first sync message. Run it only when the
# golden content or the pinned versions change; the files are committed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/sync-automerge.sh"
dir=$root/vfs/sync/crdt/testdata/golden
(cd "$root" && go test -count=1 ./vfs/sync/crdt -run TestMakeNativeGolden -golden >/dev/null)
node - "$root/vfs/sync/crdt/amjs" "$dir" <<'JS'
const fs = require("fs"), path = require("path");
const [amjs, dir] = process.argv.slice(2);
const src = fs.readFileSync(path.join(amjs, "automerge.js"), "utf8");
const mod = new WebAssembly.Module(fs.readFileSync(path.join(amjs, "automerge.wasm")));
const L = new Function("__nachoWasmModule", "var window = {};\n" + src + "\nreturn window;")(mod).AutomergeLow;
const d = L.create({ actor: "0c0c0c0c0c0c0c0c" });
const chunks = new Uint8Array(32).map((_, i) => i);
const files = d.putObject("_root", "files", {});
const f1 = d.putObject(files, "f1", {});
d.put(f1, "path", "docs/a.txt", "str"); d.put(f1, "size", 1234, "int"); d.put(f1, "mode", 420, "uint");
d.put(f1, "chunks", chunks, "bytes"); d.put(f1, "deleted", false, "boolean"); d.put(f1, "mtime", 1.5, "f64");
d.put(f1, "who", null, "null");
const f2 = d.putObject(files, "f2", {});
d.put(f2, "path", "docs/ünïcødé ✓.txt", "str"); d.put(f2, "size", -9007199254740991, "int");
d.put(f2, "mode", 9007199254740991, "uint"); d.put(f2, "chunks", new Uint8Array(0), "bytes");
d.put(f2, "deleted", true, "boolean"); d.put(f2, "mtime", -0.25, "f64"); d.put(f2, "who", "device-b", "str");
const l = d.putObject("_root", "list", []);
d.insert(l, 0, "x", "str"); d.insert(l, 1, 2, "int");
const m = d.insertObject(l, 2, {}); d.put(m, "k", "v", "str");
d.commit("golden", 1700000000000);
fs.writeFileSync(path.join(dir, "js.automerge"), d.save());
const e = L.create({ actor: "0d0d0d0d0d0d0d0d" });
fs.writeFileSync(path.join(dir, "js-empty-first.syncmsg"), e.generateSyncMessage(L.initSyncState()));
const s = L.initSyncState();
d.generateSyncMessage(s);
d.receiveSyncMessage(s, fs.readFileSync(path.join(dir, "native-empty-first.syncmsg")));
fs.writeFileSync(path.join(dir, "js-reply.syncmsg"), d.generateSyncMessage(s));
JS
(cd "$root" && go test -count=1 ./vfs/sync/crdt -run TestMakeNativeGolden -golden >/dev/null)
ls -l "$dir"
