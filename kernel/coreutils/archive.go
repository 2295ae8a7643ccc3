package coreutils

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/vfs"
)

func init() {
	prog("zip", "pack files and folders into a .zip: zip ARCHIVE.zip PATH...", zipCmd)
	prog("unzip", "unpack a .zip: unzip ARCHIVE.zip [-d DIR]", unzipCmd)
	prog("download", "save a file to this computer (a folder as .zip): download PATH", download)
}

// WriteZip writes the file or folder at root (absolute) as a zip archive.
// Entry names are relative to root's parent, so a folder unpacks into a
// folder of the same name. Symbolic links are stored as links.
func WriteZip(w io.Writer, v *vfs.VFS, roots ...string) error {
	zw := zip.NewWriter(w)
	for _, root := range roots {
		base := path.Dir(root)
		err := walk(v, root, func(name string, fi fs.FileInfo) error {
			rel := strings.TrimPrefix(strings.TrimPrefix(name, base), "/")
			hdr := &zip.FileHeader{Name: rel, Method: zip.Deflate, Modified: fi.ModTime()}
			hdr.SetMode(fi.Mode())
			if fi.IsDir() {
				hdr.Name += "/"
				hdr.Method = zip.Store
				_, err := zw.CreateHeader(hdr)
				return err
			}
			out, err := zw.CreateHeader(hdr)
			if err != nil {
				return err
			}
			if fi.Mode()&fs.ModeSymlink != 0 {
				t, err := v.Readlink(name)
				if err != nil {
					return err
				}
				_, err = io.WriteString(out, t)
				return err
			}
			f, err := v.Open(name, vfs.O_RDONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(out, f)
			return err
		})
		if err != nil {
			return err
		}
	}
	return zw.Close()
}

// walk visits name and, for a folder, everything below it, parents first.
func walk(v *vfs.VFS, name string, fn func(name string, fi fs.FileInfo) error) error {
	fi, err := v.Lstat(name)
	if err != nil {
		return err
	}
	if err := fn(name, fi); err != nil {
		return err
	}
	if !fi.IsDir() {
		return nil
	}
	ents, err := v.ReadDir(name)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if err := walk(v, path.Join(name, e.Name()), fn); err != nil {
			return err
		}
	}
	return nil
}

// ExtractZip unpacks the archive read from r (of the given size) into dir.
// Names that would land outside dir are refused.
func ExtractZip(r io.ReaderAt, size int64, v *vfs.VFS, dir string) (int, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return 0, fmt.Errorf("not a zip archive: %w", err)
	}
	n := 0
	for _, f := range zr.File {
		// Cleaned as an absolute path first, a name cannot climb out of
		// dir ("../../x" becomes "/x").
		dst := path.Join(dir, path.Clean("/"+strings.ReplaceAll(f.Name, "\\", "/")))
		mode := f.Mode()
		switch {
		case mode.IsDir():
			if err := v.MkdirAll(dst, 0o755); err != nil {
				return n, err
			}
			continue
		case mode&fs.ModeSymlink != 0:
			rc, err := f.Open()
			if err != nil {
				return n, err
			}
			t, err := io.ReadAll(io.LimitReader(rc, 4096))
			rc.Close()
			if err != nil {
				return n, err
			}
			v.MkdirAll(path.Dir(dst), 0o755)
			if err := v.Symlink(string(t), dst); err != nil && !errors.Is(err, fs.ErrExist) {
				return n, err
			}
			n++
			continue
		}
		if err := v.MkdirAll(path.Dir(dst), 0o755); err != nil {
			return n, err
		}
		rc, err := f.Open()
		if err != nil {
			return n, err
		}
		out, err := v.Open(dst, vfs.O_WRONLY|vfs.O_CREATE|vfs.O_TRUNC, mode.Perm()|0o200)
		if err != nil {
			rc.Close()
			return n, err
		}
		_, err = io.Copy(out, rc)
		rc.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return n, fmt.Errorf("%s: %w", f.Name, err)
		}
		if !f.Modified.IsZero() {
			v.Chtimes(dst, f.Modified, f.Modified)
		}
		n++
	}
	return n, nil
}

func zipCmd(p *kernel.Process) int {
	args := p.Args()[1:]
	if len(args) < 2 {
		fmt.Fprintln(p.Stderr(), "usage: zip ARCHIVE.zip PATH...")
		return 2
	}
	v := p.Kernel().FS()
	roots := make([]string, 0, len(args)-1)
	for _, a := range args[1:] {
		if _, err := v.Lstat(p.Abs(a)); err != nil {
			warn(p, a, err)
			return 1
		}
		roots = append(roots, p.Abs(a))
	}
	out, err := v.Open(p.Abs(args[0]), vfs.O_WRONLY|vfs.O_CREATE|vfs.O_TRUNC, 0o644)
	if err != nil {
		warn(p, args[0], err)
		return 1
	}
	err = WriteZip(out, v, roots...)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(p.Stderr(), "zip: %s\n", errText(err))
		return 1
	}
	return 0
}

func unzipCmd(p *kernel.Process) int {
	f, ok := parseFlags(p, p.Args()[1:], "", "d")
	if !ok {
		return 2
	}
	if len(f.args) != 1 {
		fmt.Fprintln(p.Stderr(), "usage: unzip ARCHIVE.zip [-d DIR]")
		return 2
	}
	dir := p.Cwd()
	if d, ok := f.values['d']; ok {
		dir = p.Abs(d)
	}
	v := p.Kernel().FS()
	zf, err := v.Open(p.Abs(f.args[0]), vfs.O_RDONLY, 0)
	if err != nil {
		warn(p, f.args[0], err)
		return 1
	}
	defer zf.Close()
	fi, err := zf.Stat()
	if err != nil {
		warn(p, f.args[0], err)
		return 1
	}
	n, err := ExtractZip(zf, fi.Size(), v, dir)
	if err != nil {
		fmt.Fprintf(p.Stderr(), "unzip: %s\n", errText(err))
		return 1
	}
	fmt.Fprintf(p.Stdout(), "%d files unpacked into %s\n", n, dir)
	return 0
}

func download(p *kernel.Process) int {
	args := p.Args()[1:]
	if len(args) != 1 {
		fmt.Fprintln(p.Stderr(), "usage: download PATH")
		return 2
	}
	host := p.Kernel().Host()
	if host == nil {
		fmt.Fprintln(p.Stderr(), "download: there is no browser to save to here")
		return 1
	}
	name := p.Abs(args[0])
	v := p.Kernel().FS()
	fi, err := v.Stat(name)
	if err != nil {
		warn(p, args[0], err)
		return 1
	}
	var data []byte
	fname := path.Base(name)
	if fi.IsDir() {
		var b bytes.Buffer
		if err := WriteZip(&b, v, name); err != nil {
			fmt.Fprintf(p.Stderr(), "download: %s\n", errText(err))
			return 1
		}
		data = b.Bytes()
		if fname == "/" {
			fname = "nacho"
		}
		fname += ".zip"
	} else if data, err = v.ReadFile(name); err != nil {
		warn(p, args[0], err)
		return 1
	}
	if err := host.Download(fname, data); err != nil {
		fmt.Fprintf(p.Stderr(), "download: %v\n", err)
		return 1
	}
	fmt.Fprintf(p.Stdout(), "%s (%s) offered for download\n", fname, humanSize(int64(len(data))))
	return 0
}
