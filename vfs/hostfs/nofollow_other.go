//go:build !unix && !js

package hostfs

// oNoFollow: no such flag here; Open checks for a link with Lstat first.
const oNoFollow = 0
