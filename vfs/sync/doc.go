// Package sync is layer 4 of Nacho's storage: synced folders. A folder's
// directory tree and its files' versions (chunk list, size, mode, mtime,
// author device) live in one automerge document per folder (through the
// crdt seam, so the same engine runs natively and in the page); file
// contents are SHA-256 chunks kept by the cloud node's chunk store, and
// only chunks a side lacks travel.
//
// An Engine keeps one Folder (a host directory natively, a VFS directory
// in the page) in step with the room's document on the node: it takes
// local changes in by scanning (size, mtime, then hashes), runs
// automerge's sync protocol with the node (which stores the document for
// backup and restore), and writes what others changed. Concurrent writes
// to one file keep both versions (the loser as a Syncthing-style conflict
// copy), a deletion against a concurrent edit keeps the edit, and a
// rename moves one entry (see model.go for why the document has the shape
// it has). A new device restores a folder from the node alone.
//
// Server is the node's side (nacho serve mounts it under /api/sync/).
//
// This package must not import syscall/js; browser glue belongs to the
// page.
package sync
