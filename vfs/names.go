package vfs

import "strings"

// ValidName reports whether name can be one component of a path: not empty,
// not "." or "..", no '/' or NUL, at most NameMax bytes. It returns EINVAL or
// ENAMETOOLONG otherwise. File systems call it on every name they store, and
// importers on every name they are handed.
func ValidName(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return EINVAL
	case strings.ContainsAny(name, "/\x00"):
		return EINVAL
	case len(name) > NameMax:
		return ENAMETOOLONG
	}
	return nil
}

// checkPath validates a whole path given to the VFS.
func checkPath(name string) error {
	if strings.IndexByte(name, 0) >= 0 {
		return EINVAL
	}
	if len(name) > PathMax {
		return ENAMETOOLONG
	}
	return nil
}

// Clean returns the lexically shortest absolute form of name: it is what the
// VFS does to a path that contains no symbolic links. Relative names are
// taken from "/".
func Clean(name string) string {
	comps := make([]string, 0, 8)
	for _, c := range strings.Split(name, "/") {
		switch c {
		case "", ".":
		case "..":
			if len(comps) > 0 {
				comps = comps[:len(comps)-1]
			}
		default:
			comps = append(comps, c)
		}
	}
	return "/" + strings.Join(comps, "/")
}

// Split returns the directory and last component of a clean absolute path.
func Split(name string) (dir, base string) {
	i := strings.LastIndexByte(name, '/')
	if i <= 0 {
		return "/", name[i+1:]
	}
	return name[:i], name[i+1:]
}

// Join joins a clean relative path inside a file system with one more
// component ("." is the root).
func Join(dir, name string) string {
	if dir == "." || dir == "" {
		return name
	}
	return dir + "/" + name
}
