package coreutils

import (
	"bytes"
	"fmt"
	"path"

	"github.com/nachoos/nacho/kernel"
	"github.com/nachoos/nacho/vfs"
	"github.com/nachoos/nacho/vfs/vfsutil"
)

func init() {
	prog("zip", "pack files and folders into a .zip: zip ARCHIVE.zip PATH...", zipCmd)
	prog("unzip", "unpack a .zip: unzip [-o] [-d DIR] ARCHIVE.zip (-o: overwrite)", unzipCmd)
	prog("download", "save a file to this computer (a folder as .zip): download PATH", download)
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
	err = vfsutil.ExportZipMany(v, roots, out)
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
	f, ok := parseFlags(p, p.Args()[1:], "o", "d")
	if !ok {
		return 2
	}
	if len(f.args) != 1 {
		fmt.Fprintln(p.Stderr(), "usage: unzip [-o] [-d DIR] ARCHIVE.zip")
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
	if err := vfsutil.ImportZip(v, dir, zf, fi.Size(), vfsutil.ImportOptions{Overwrite: f.set['o']}); err != nil {
		fmt.Fprintf(p.Stderr(), "unzip: %s: %v\n", f.args[0], err)
		return 1
	}
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
		if err := vfsutil.ExportZip(v, name, &b); err != nil {
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
