// Package vfsutil holds helpers over a vfs.VFS for the file manager, the
// shell and the embed API: export a file or folder as a .zip, import a
// .zip or any io/fs tree (dropped files) into a folder.
//
// Imports treat their input as untrusted: names are checked component by
// component (no "..", absolute paths, NUL or over-long names), nothing is
// written outside the target folder, and size and count limits stop zip
// bombs. It must not import syscall/js.
package vfsutil

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/nachoos/nacho/vfs"
)

// ExportZip writes the file or directory at name, and everything below it,
// to w as a zip archive. Entry names are relative to name's parent, so
// exporting /home/user/docs gives docs/..., and symbolic links are stored
// as links (Unix mode bits), not followed.
func ExportZip(v *vfs.VFS, name string, w io.Writer) error {
	return ExportZipMany(v, []string{name}, w)
}

// ExportZipMany is ExportZip of several files or folders into one archive,
// each under its own name.
func ExportZipMany(v *vfs.VFS, names []string, w io.Writer) error {
	zw := zip.NewWriter(w)
	for _, name := range names {
		fi, err := v.Lstat(name)
		if err != nil {
			return err
		}
		base := fi.Name()
		if base == "/" {
			base = ""
		}
		if err := addZip(v, zw, name, base, fi); err != nil {
			return err
		}
	}
	return zw.Close()
}

func addZip(v *vfs.VFS, zw *zip.Writer, full, rel string, fi fs.FileInfo) error {
	if rel != "" {
		h, err := zip.FileInfoHeader(fi)
		if err != nil {
			return err
		}
		h.Name = rel
		if fi.IsDir() {
			h.Name += "/"
		}
		if fi.Mode().IsRegular() {
			h.Method = zip.Deflate
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := v.Readlink(full)
			if err != nil {
				return err
			}
			if _, err := io.WriteString(w, target); err != nil {
				return err
			}
		case fi.Mode().IsRegular():
			f, err := v.Open(full, vfs.O_RDONLY, 0)
			if err != nil {
				return err
			}
			_, err = io.Copy(w, f)
			f.Close()
			if err != nil {
				return err
			}
		}
	}
	if !fi.IsDir() {
		return nil
	}
	ents, err := v.ReadDir(full)
	if err != nil {
		return err
	}
	for _, e := range ents {
		info, err := e.Info()
		if err != nil {
			return err
		}
		child := strings.TrimSuffix(full, "/") + "/" + e.Name()
		if err := addZip(v, zw, child, path.Join(rel, e.Name()), info); err != nil {
			return err
		}
	}
	return nil
}

// ImportOptions limit an import.
type ImportOptions struct {
	MaxFiles int   // entries; default 100,000
	MaxBytes int64 // bytes of content written; default 4 GiB
	// Overwrite replaces existing files; otherwise an existing file is
	// EEXIST and the import stops.
	Overwrite bool
}

func (o *ImportOptions) defaults() {
	if o.MaxFiles == 0 {
		o.MaxFiles = 100_000
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = 4 << 30
	}
}

// ErrTooBig is returned when an import passes its limits.
var ErrTooBig = vfs.WithErrno(vfs.EFBIG, errors.New("import is over its size or file-count limit"))

// importErr reports a failed import as *fs.PathError naming the entry.
func importErr(name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return err
	}
	return &fs.PathError{Op: "import", Path: name, Err: err}
}

// cleanRel checks an archive entry name and returns it as a clean relative
// path, or an error naming why it is refused.
func cleanRel(name string) (string, error) {
	name = strings.ReplaceAll(name, "\\", "/")
	name = strings.TrimSuffix(name, "/")
	if name == "" || strings.HasPrefix(name, "/") {
		return "", importErr(name, vfs.EINVAL)
	}
	parts := strings.Split(name, "/")
	for _, p := range parts {
		if err := vfs.ValidName(p); err != nil {
			return "", importErr(name, err)
		}
	}
	return strings.Join(parts, "/"), nil
}

// ImportZip extracts the archive in r into the existing directory dir.
// Entries with bad names fail the import before anything is written.
// Links are recreated only when their target stays inside dir.
func ImportZip(v *vfs.VFS, dir string, r io.ReaderAt, size int64, opts ImportOptions) error {
	opts.defaults()
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return importErr(dir, vfs.WithErrno(vfs.EINVAL, err))
	}
	if len(zr.File) > opts.MaxFiles {
		return importErr(dir, ErrTooBig)
	}
	rels := make([]string, len(zr.File))
	for i, f := range zr.File {
		if rels[i], err = cleanRel(f.Name); err != nil {
			return err
		}
	}
	if fi, err := v.Stat(dir); err != nil {
		return err
	} else if !fi.IsDir() {
		return &fs.PathError{Op: "import", Path: dir, Err: vfs.ENOTDIR}
	}
	var written int64
	for i, f := range zr.File {
		dst := strings.TrimSuffix(dir, "/") + "/" + rels[i]
		mode := f.Mode()
		parent, _ := vfs.Split(vfs.Clean(dst))
		if err := v.MkdirAll(parent, 0o755); err != nil {
			return err
		}
		switch {
		case mode.IsDir():
			if err := v.MkdirAll(dst, mode.Perm()|0o700); err != nil {
				return err
			}
		case mode&fs.ModeSymlink != 0:
			rc, err := f.Open()
			if err != nil {
				return importErr(rels[i], vfs.WithErrno(vfs.EINVAL, err))
			}
			target, err := io.ReadAll(io.LimitReader(rc, vfs.PathMax+1))
			rc.Close()
			if err != nil || len(target) == 0 || len(target) > vfs.PathMax {
				return importErr(rels[i], vfs.WithErrno(vfs.EINVAL, errors.New("bad link target")))
			}
			// A link may not lead out of the imported tree.
			t := string(target)
			if strings.HasPrefix(t, "/") || strings.HasPrefix(path.Join(path.Dir(rels[i]), t), "..") {
				return importErr(rels[i], vfs.WithErrno(vfs.EINVAL, fmt.Errorf("link to %q leaves the folder", t)))
			}
			if opts.Overwrite {
				v.Remove(dst)
			}
			if err := v.Symlink(t, dst); err != nil {
				return err
			}
		default:
			if written+int64(f.UncompressedSize64) > opts.MaxBytes {
				return importErr(rels[i], ErrTooBig)
			}
			rc, err := f.Open()
			if err != nil {
				return importErr(rels[i], vfs.WithErrno(vfs.EINVAL, err))
			}
			n, err := writeFrom(v, dst, rc, mode.Perm()|0o600, opts, opts.MaxBytes-written)
			rc.Close()
			written += n
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// writeFrom copies r into a new file at dst, at most limit bytes.
func writeFrom(v *vfs.VFS, dst string, r io.Reader, perm fs.FileMode, opts ImportOptions, limit int64) (int64, error) {
	flag := vfs.O_WRONLY | vfs.O_CREATE | vfs.O_TRUNC
	if !opts.Overwrite {
		flag |= vfs.O_EXCL
	}
	f, err := v.Open(dst, flag, perm)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, io.LimitReader(r, limit+1))
	if err == nil && n > limit {
		err = ErrTooBig
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, importErr(dst, err)
	}
	return n, nil
}

// ImportFS copies the tree src (dropped files, os.DirFS, a zip.Reader) into
// the existing directory dir, with the same checks as ImportZip.
func ImportFS(v *vfs.VFS, dir string, src fs.FS, opts ImportOptions) error {
	opts.defaults()
	var written int64
	files := 0
	return fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		if files++; files > opts.MaxFiles {
			return importErr(p, ErrTooBig)
		}
		rel, err := cleanRel(p)
		if err != nil {
			return err
		}
		dst := strings.TrimSuffix(dir, "/") + "/" + rel
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return v.MkdirAll(dst, info.Mode().Perm()|0o700)
		case info.Mode().IsRegular():
			f, err := src.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			n, err := writeFrom(v, dst, f, info.Mode().Perm()|0o600, opts, opts.MaxBytes-written)
			written += n
			return err
		}
		return nil // links and devices are skipped
	})
}
