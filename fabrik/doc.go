// Package fabrik is the core of Nacho's peer-to-peer layer: content ids,
// manifests (a file or folder as an ordered list of chunk hashes plus
// metadata), the chunk exchange protocol spoken over a Transport, the fetch
// scheduler that pulls a manifest's chunks from several sources at once, and
// the HTTP client of the cloud node's chunk store.
//
// Everything here is transport-agnostic: a Transport is any reliable,
// ordered message channel. fabrik/rtc provides one over WebRTC data channels
// (pion, native and js), Pipe provides an in-memory one for tests, and
// fabrik/room ties rooms, signaling and links together.
//
// This package must not import syscall/js, pion or any other WebRTC or
// browser code, so that it builds and is tested the same everywhere.
package fabrik
