package sh

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/nachoos/nacho/kernel"
)

// field is one argument being built: its text and, for pathname
// expansion, which bytes came from unquoted text (so a quoted * stays a *).
type field struct {
	text   strings.Builder
	meta   []bool // per byte: may act as a glob metacharacter
	hasAny bool   // the field exists even if empty (quoted "")
}

func (f *field) add(s string, meta bool) {
	f.text.WriteString(s)
	for range len(s) {
		f.meta = append(f.meta, meta)
	}
	f.hasAny = true
}

// expandWord expands one word into fields: variables, ~, field splitting of
// unquoted expansions.
func (s *Shell) expandWord(w word) []*field {
	var fields []*field
	cur := &field{}
	for _, part := range w {
		switch part.kind {
		case partLit:
			cur.add(part.text, !part.quoted)
			if part.quoted {
				cur.hasAny = true
			}
		case partTilde:
			home := s.p.Getenv("HOME")
			if home == "" {
				home = "/"
			}
			cur.add(home, false)
		case partVar, partCmd, partArith:
			var val string
			switch part.kind {
			case partVar:
				val, _ = s.lookupVar(part.text)
			case partCmd:
				val = s.substitute(part.text)
			case partArith:
				n, err := s.arith(part.text)
				if err != nil {
					fmt.Fprintf(s.p.Stderr(), "sh: %s: %v\n", strings.TrimSpace(part.text), err)
					s.expandFailed = true
				}
				val = strconv.FormatInt(n, 10)
			}
			if part.quoted {
				cur.add(val, false)
				cur.hasAny = true
				continue
			}
			// Unquoted: split on blanks.
			words := strings.Fields(val)
			if len(words) == 0 {
				continue
			}
			if val[0] == ' ' || val[0] == '\t' || val[0] == '\n' {
				if cur.hasAny {
					fields = append(fields, cur)
				}
				cur = &field{}
			}
			for i, wd := range words {
				if i > 0 {
					fields = append(fields, cur)
					cur = &field{}
				}
				cur.add(wd, false)
			}
			if last := val[len(val)-1]; last == ' ' || last == '\t' || last == '\n' {
				fields = append(fields, cur)
				cur = &field{}
			}
		}
	}
	if cur.hasAny {
		fields = append(fields, cur)
	}
	return fields
}

// expandArgs expands words into arguments, with pathname expansion.
// A failed arithmetic expansion fails the whole command.
func (s *Shell) expandArgs(ws []word) ([]string, bool) {
	s.expandFailed = false
	var out []string
	for _, w := range ws {
		for _, f := range s.expandWord(w) {
			text := f.text.String()
			if hasMeta(text, f.meta) {
				if matches := s.glob(text, f.meta); len(matches) > 0 {
					out = append(out, matches...)
					continue
				}
			}
			out = append(out, text)
		}
	}
	return out, !s.expandFailed
}

// expandOne expands a word that must give exactly one field (a
// redirection target).
func (s *Shell) expandOne(w word) (string, bool) {
	fields := s.expandWord(w)
	if len(fields) != 1 {
		return "", false
	}
	text := fields[0].text.String()
	if hasMeta(text, fields[0].meta) {
		if m := s.glob(text, fields[0].meta); len(m) == 1 {
			return m[0], true
		} else if len(m) > 1 {
			return "", false
		}
	}
	return text, true
}

// expandAssign expands NAME=value (no splitting, no globbing).
func (s *Shell) expandAssign(w word) (name, value string, ok bool) {
	var b strings.Builder
	s.expandFailed = false
	for _, f := range s.expandWord(w) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.text.String())
	}
	if s.expandFailed {
		return "", "", false
	}
	name, value, ok = strings.Cut(b.String(), "=")
	if !ok || !validName(name) {
		fmt.Fprintf(s.p.Stderr(), "sh: %s: bad assignment\n", b.String())
		return "", "", false
	}
	return name, value, true
}

func hasMeta(text string, meta []bool) bool {
	for i := 0; i < len(text); i++ {
		if meta[i] && (text[i] == '*' || text[i] == '?' || text[i] == '[') {
			return true
		}
	}
	return false
}

// glob expands a pattern against the file system; unquoted metacharacters
// are live, quoted ones are escaped. Names starting with "." match only a
// pattern component that starts with ".".
func (s *Shell) glob(pattern string, meta []bool) []string {
	// Escape quoted metacharacters so path.Match treats them literally.
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if !meta[i] && (c == '*' || c == '?' || c == '[' || c == '\\') {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	pat := b.String()
	abs := strings.HasPrefix(pat, "/")
	comps := strings.Split(strings.Trim(pat, "/"), "/")
	bases := []string{""}
	if abs {
		bases = []string{"/"}
	}
	for _, comp := range comps {
		var next []string
		if comp == "" {
			continue
		}
		if !strings.ContainsAny(comp, "*?[") {
			lit := unescape(comp)
			for _, base := range bases {
				next = append(next, joinRel(base, lit))
			}
			bases = next
			continue
		}
		for _, base := range bases {
			dir := base
			if dir == "" {
				dir = "."
			}
			entries, err := s.k.FS().ReadDir(s.p.Abs(dir))
			if err != nil {
				continue
			}
			for _, e := range entries {
				name := e.Name()
				if strings.HasPrefix(name, ".") && !strings.HasPrefix(comp, ".") {
					continue
				}
				if ok, err := path.Match(comp, name); err == nil && ok {
					next = append(next, joinRel(base, name))
				}
			}
		}
		bases = next
	}
	var out []string
	for _, m := range bases {
		if _, err := s.k.FS().Lstat(s.p.Abs(m)); err == nil {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

func joinRel(base, name string) string {
	switch base {
	case "":
		return name
	case "/":
		return "/" + name
	}
	return base + "/" + name
}

func unescape(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// substitute runs a command line in a subshell and returns what it printed,
// without trailing newlines: $(command).
func (s *Shell) substitute(src string) string {
	var mu sync.Mutex
	var out []byte
	w := kernel.NewOpenFile(kernel.NewWriterFile(func(b []byte) {
		mu.Lock()
		out = append(out, b...)
		mu.Unlock()
	}))
	errf := s.p.File(2)
	if errf != nil {
		errf.Ref()
	}
	in := s.p.File(0)
	if in != nil {
		in.Ref()
	}
	p, err := s.k.Spawn(kernel.SpawnOptions{
		Args:   []string{"sh"},
		Main:   func(p *kernel.Process) int { c := s.fork(p); c.run(src); return c.exitStatus() },
		Files:  []*kernel.OpenFile{in, w, errf},
		TTY:    s.tty,
		PGID:   s.p.PGID(),
		Parent: s.p,
	})
	w.Close()
	if in != nil {
		in.Close()
	}
	if errf != nil {
		errf.Close()
	}
	if err != nil {
		fmt.Fprintf(s.p.Stderr(), "sh: %v\n", err)
		s.status, s.substStatus = 126, 126
		return ""
	}
	s.status = p.Wait()
	s.substStatus = s.status
	mu.Lock()
	defer mu.Unlock()
	return strings.TrimRight(string(out), "\n")
}
