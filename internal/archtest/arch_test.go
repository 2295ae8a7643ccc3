package archtest

import (
	"bufio"
	"encoding/json"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// corePackages must run natively and in the browser alike, so none of them
// may import syscall/js, directly or through a dependency. (Patterns as
// `go list` takes them.)
var corePackages = []string{
	"./kernel/...",
	"./emu/...",
	"./jit/...",
	"./vfs",
	"./vfs/memfs",
	"./vfs/store",
	"./fabrik",
	"./perf/...",
}

func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("project root not found from %s", dir)
	}
	return dir
}

type listed struct {
	ImportPath string
	Imports    []string
	Standard   bool
	DepOnly    bool
	Error      *struct{ Err string }
}

// The standard library reaches syscall/js itself on js/wasm (os, time);
// what matters is whether a package of ours, or a third-party one that a
// core package pulls in, imports it.
func TestCoreDoesNotImportSyscallJS(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not available to list packages")
	}
	dir := root(t)
	var patterns []string
	for _, p := range corePackages {
		base := strings.TrimSuffix(p, "/...")
		if _, err := os.Stat(filepath.Join(dir, base)); err == nil {
			patterns = append(patterns, p)
		}
	}
	cmd := exec.Command("go", append([]string{"list", "-deps", "-e", "-json=ImportPath,Imports,Standard,DepOnly,Error"}, patterns...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]*listed{}
	var roots []string
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		p := new(listed)
		if err := dec.Decode(p); err != nil {
			t.Fatal(err)
		}
		if p.Error != nil && !strings.Contains(p.Error.Err, "build constraints exclude all Go files") {
			t.Errorf("%s: %s", p.ImportPath, p.Error.Err)
		}
		pkgs[p.ImportPath] = p
		if !p.DepOnly && p.Error == nil {
			roots = append(roots, p.ImportPath)
		}
	}
	if len(roots) == 0 {
		t.Fatal("no core package was listed")
	}
	// Walk each core package's non-standard dependencies looking for a
	// direct import of syscall/js, and report the chain that leads there.
	for _, r := range roots {
		seen := map[string]bool{}
		var walk func(path string, chain []string) []string
		walk = func(path string, chain []string) []string {
			if seen[path] {
				return nil
			}
			seen[path] = true
			p := pkgs[path]
			if p == nil || p.Standard {
				return nil
			}
			chain = append(chain, path)
			for _, imp := range p.Imports {
				if imp == "syscall/js" {
					return chain
				}
			}
			for _, imp := range p.Imports {
				if c := walk(imp, chain); c != nil {
					return c
				}
			}
			return nil
		}
		if chain := walk(r, nil); chain != nil {
			t.Errorf("%s reaches syscall/js: %s -> syscall/js; browser glue belongs in *_js.go files of leaf packages", r, strings.Join(chain, " -> "))
		}
	}
}

// Every file that imports syscall/js says so in its name or build line, so
// that its native twin is easy to find and the native build never sees it.
func TestBrowserFilesAreTagged(t *testing.T) {
	dir := root(t)
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", "testdata", ".git", "tools", "dist":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		usesJS := false
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "syscall/js" {
				usesJS = true
			}
		}
		if !usesJS {
			return nil
		}
		if !hasJSBuildLine(t, path) {
			rel, _ := filepath.Rel(dir, path)
			t.Errorf("%s imports syscall/js but has no //go:build line requiring js && wasm", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func hasJSBuildLine(t *testing.T, path string) bool {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "package ") {
			return false
		}
		if strings.HasPrefix(line, "//go:build ") {
			expr := strings.TrimPrefix(line, "//go:build ")
			return strings.Contains(expr, "js") && strings.Contains(expr, "wasm") && !strings.Contains(expr, "!js")
		}
	}
	return false
}
