package sh

import (
	"fmt"
	"strconv"
	"strings"
)

// The grammar is the useful core of the POSIX shell's:
//
//	list     = andor { (";" | "&" | newline) andor } [";" | "&"]
//	andor    = pipeline { ("&&" | "||") pipeline }
//	pipeline = ["!"] command { "|" command }
//	command  = { assignment } { word | redirection } | compound { redirection }
//	compound = "if" list "then" list { "elif" list "then" list } [ "else" list ] "fi"
//	         | ("while" | "until") list "do" list "done"
//	         | "for" NAME [ "in" { word } ] (";" | newline) "do" list "done"
//	         | "{" list "}"
//	redir    = [fd] (">" | ">>" | "<" | ">&" | "<&" | "&>" | "&>>") word
//
// Words may be quoted with '...' (literal), "..." ($ expansions and \
// escapes of $ ` " \ newline) or escaped with \. Expansions: $NAME, ${NAME},
// $?, $$, $#, $0..$9, leading ~, and pathname patterns (* ? [...]) in
// unquoted parts.

type partKind int

const (
	partLit   partKind = iota // literal text
	partVar                   // $NAME
	partTilde                 // leading ~ or ~/
	partCmd                   // $(command): its output
	partArith                 // $((expression)): its value
)

type wordPart struct {
	kind   partKind
	text   string // literal text or variable name
	quoted bool   // inside quotes: no field splitting, no globbing
}

type word []wordPart

type redir struct {
	fd     int    // descriptor redirected
	op     string // ">", ">>", "<", ">&", "<&"
	target word
}

type command struct {
	assigns  []word // NAME=value words, before the command name
	args     []word
	redirs   []redir
	compound any // *ifClause, *loopClause, *forClause or *groupClause; nil for a simple command
}

type ifClause struct {
	conds, bodies [][]listItem // if/elif conditions and their bodies
	els           []listItem   // nil without else
}

type loopClause struct {
	until      bool
	cond, body []listItem
}

type forClause struct {
	name  string
	words []word
	hasIn bool // without "in", the loop runs over the positional parameters
	body  []listItem
}

type groupClause struct{ body []listItem }

// reserved are the words that open or close compound commands when they
// stand where a command starts.
var reserved = map[string]bool{
	"if": true, "then": true, "elif": true, "else": true, "fi": true,
	"while": true, "until": true, "do": true, "done": true, "for": true, "in": true,
	"{": true, "}": true,
}

type pipeline struct {
	bang bool
	cmds []*command
}

type andOr struct {
	pipes []*pipeline
	ops   []string // "&&" or "||" between pipes
}

type listItem struct {
	ao    *andOr
	async bool // ended by &
}

// syntaxError is a parse failure; incomplete is set when more input (an
// unclosed quote, a trailing | or &&) would complete it.
type syntaxError struct {
	msg        string
	incomplete bool
}

func (e *syntaxError) Error() string { return "syntax error: " + e.msg }

type parser struct {
	src string
	pos int
	err error // a failure found inside a word (an unterminated $()
}

// matchParen returns the index of the ) that closes the ( at s[open],
// skipping quoted text and nested parentheses, or -1.
func matchParen(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return -1
			}
			i += j + 1
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// parse parses a whole command line (which may hold several lines).
func parse(src string) ([]listItem, error) {
	p := &parser{src: src}
	items, err := p.list(nil)
	if err != nil {
		return nil, err
	}
	p.skipBlanks(true)
	if !p.eof() {
		if w := p.peekWord(); w != "" {
			return nil, &syntaxError{msg: "unexpected " + w}
		}
		return nil, &syntaxError{msg: fmt.Sprintf("unexpected %q", p.peek())}
	}
	return items, nil
}

// list parses and-or lists separated by ; & or newlines, up to the end of
// input or a reserved word in stop standing where a command would start.
func (p *parser) list(stop map[string]bool) ([]listItem, error) {
	var items []listItem
	for {
		p.skipBlanks(true)
		if p.eof() {
			return items, nil
		}
		if w := p.peekWord(); stop[w] {
			return items, nil
		}
		ao, err := p.andOr()
		if err != nil {
			return nil, err
		}
		item := listItem{ao: ao}
		p.skipBlanks(false)
		switch {
		case p.eof():
		case p.peekOp("&&"), p.peekOp("||"):
			return nil, &syntaxError{msg: "unexpected " + p.src[p.pos:p.pos+2]}
		case p.peek() == '&':
			p.pos++
			item.async = true
		case p.peek() == ';' || p.peek() == '\n':
			p.pos++
		default:
			return nil, &syntaxError{msg: fmt.Sprintf("unexpected %q", p.peek())}
		}
		items = append(items, item)
	}
}

// peekWord returns the plain word at the cursor (after blanks) without
// consuming it, or "" when what follows is not a plain word.
func (p *parser) peekWord() string {
	save := p.pos
	p.skipBlanks(false)
	start := p.pos
	for !p.eof() {
		c := p.peek()
		if c == ' ' || c == '\t' || isOpChar(c) {
			break
		}
		if c == '\'' || c == '"' || c == '\\' || c == '$' || c == '(' || c == ')' {
			p.pos = save
			return ""
		}
		p.pos++
	}
	w := p.src[start:p.pos]
	p.pos = save
	return w
}

// expect consumes the reserved word w, which must come next.
func (p *parser) expect(w string) error {
	p.skipBlanks(true)
	if p.eof() {
		return &syntaxError{msg: "unexpected end: missing " + w, incomplete: true}
	}
	if got := p.peekWord(); got != w {
		if got == "" {
			got = string(p.peek())
		}
		return &syntaxError{msg: fmt.Sprintf("unexpected %s where %s was expected", got, w)}
	}
	p.skipBlanks(false)
	p.pos += len(w)
	return nil
}

func stopAt(words ...string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words {
		m[w] = true
	}
	return m
}

// compound parses the compound command that starts with reserved word w.
func (p *parser) compound(w string) (any, error) {
	if err := p.expect(w); err != nil {
		return nil, err
	}
	switch w {
	case "if":
		c := &ifClause{}
		for {
			cond, err := p.list(stopAt("then"))
			if err != nil {
				return nil, err
			}
			if err := p.expect("then"); err != nil {
				return nil, err
			}
			body, err := p.list(stopAt("elif", "else", "fi"))
			if err != nil {
				return nil, err
			}
			c.conds, c.bodies = append(c.conds, cond), append(c.bodies, body)
			p.skipBlanks(true)
			switch p.peekWord() {
			case "elif":
				p.expect("elif")
				continue
			case "else":
				p.expect("else")
				els, err := p.list(stopAt("fi"))
				if err != nil {
					return nil, err
				}
				c.els = append([]listItem{}, els...)
			}
			return c, p.expect("fi")
		}
	case "while", "until":
		c := &loopClause{until: w == "until"}
		var err error
		if c.cond, err = p.list(stopAt("do")); err != nil {
			return nil, err
		}
		if err := p.expect("do"); err != nil {
			return nil, err
		}
		if c.body, err = p.list(stopAt("done")); err != nil {
			return nil, err
		}
		return c, p.expect("done")
	case "for":
		c := &forClause{}
		p.skipBlanks(false)
		c.name = p.peekWord()
		if !validName(c.name) {
			if p.eof() {
				return nil, &syntaxError{msg: "unexpected end: missing the loop's variable", incomplete: true}
			}
			return nil, &syntaxError{msg: fmt.Sprintf("%q is not a valid loop variable", c.name)}
		}
		p.pos += len(c.name)
		p.skipBlanks(false)
		if p.peekWord() == "in" {
			p.expect("in")
			c.hasIn = true
			for {
				p.skipBlanks(false)
				if p.eof() {
					return nil, &syntaxError{msg: "unexpected end: missing do", incomplete: true}
				}
				if ch := p.peek(); ch == ';' || ch == '\n' {
					p.pos++
					break
				}
				if isOpChar(p.peek()) {
					return nil, &syntaxError{msg: fmt.Sprintf("unexpected %q in the loop's words", p.peek())}
				}
				w, err := p.word()
				if err != nil {
					return nil, err
				}
				c.words = append(c.words, w)
			}
		} else if !p.eof() && (p.peek() == ';' || p.peek() == '\n') {
			p.pos++
		}
		if err := p.expect("do"); err != nil {
			return nil, err
		}
		var err error
		if c.body, err = p.list(stopAt("done")); err != nil {
			return nil, err
		}
		return c, p.expect("done")
	case "{":
		body, err := p.list(stopAt("}"))
		if err != nil {
			return nil, err
		}
		return &groupClause{body: body}, p.expect("}")
	}
	return nil, &syntaxError{msg: "unexpected " + w}
}

func (p *parser) eof() bool  { return p.pos >= len(p.src) }
func (p *parser) peek() byte { return p.src[p.pos] }
func (p *parser) peekOp(op string) bool {
	return strings.HasPrefix(p.src[p.pos:], op)
}

// skipBlanks skips spaces, tabs, comments and, when newlines is set, newlines.
func (p *parser) skipBlanks(newlines bool) {
	for !p.eof() {
		c := p.peek()
		switch {
		case c == ' ' || c == '\t':
			p.pos++
		case c == '\\' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '\n':
			p.pos += 2
		case c == '\n' && newlines:
			p.pos++
		case c == '#':
			for !p.eof() && p.peek() != '\n' {
				p.pos++
			}
		default:
			return
		}
	}
}

func (p *parser) andOr() (*andOr, error) {
	ao := &andOr{}
	for {
		pl, err := p.pipeline()
		if err != nil {
			return nil, err
		}
		ao.pipes = append(ao.pipes, pl)
		p.skipBlanks(false)
		if p.eof() || !(p.peekOp("&&") || p.peekOp("||")) {
			return ao, nil
		}
		ao.ops = append(ao.ops, p.src[p.pos:p.pos+2])
		p.pos += 2
		p.skipBlanks(true)
		if p.eof() {
			return nil, &syntaxError{msg: "unexpected end after " + ao.ops[len(ao.ops)-1], incomplete: true}
		}
	}
}

func (p *parser) pipeline() (*pipeline, error) {
	pl := &pipeline{}
	p.skipBlanks(false)
	if !p.eof() && p.peek() == '!' && (p.pos+1 == len(p.src) || p.src[p.pos+1] == ' ') {
		pl.bang = true
		p.pos++
	}
	for {
		c, err := p.command()
		if err != nil {
			return nil, err
		}
		pl.cmds = append(pl.cmds, c)
		p.skipBlanks(false)
		if p.eof() || p.peek() != '|' || p.peekOp("||") {
			return pl, nil
		}
		p.pos++
		p.skipBlanks(true)
		if p.eof() {
			return nil, &syntaxError{msg: "unexpected end after |", incomplete: true}
		}
	}
}

func isOpChar(c byte) bool {
	return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '\n'
}

func (p *parser) command() (*command, error) {
	c := &command{}
	switch w := p.peekWord(); w {
	case "if", "while", "until", "for", "{":
		comp, err := p.compound(w)
		if err != nil {
			return nil, err
		}
		c.compound = comp
		// Only redirections may follow a compound command.
		for {
			p.skipBlanks(false)
			r, ok, err := p.redirection()
			if err != nil {
				return nil, err
			}
			if !ok {
				return c, nil
			}
			c.redirs = append(c.redirs, r)
		}
	case "then", "elif", "else", "fi", "do", "done", "}":
		return nil, &syntaxError{msg: "unexpected " + w}
	}
	for {
		p.skipBlanks(false)
		if p.eof() {
			break
		}
		ch := p.peek()
		// redirections: [n]op word
		if r, ok, err := p.redirection(); err != nil {
			return nil, err
		} else if ok {
			c.redirs = append(c.redirs, r)
			continue
		}
		if isOpChar(ch) || ch == ')' || ch == '(' {
			if ch == '(' || ch == ')' {
				return nil, &syntaxError{msg: fmt.Sprintf("unexpected %q (subshells are not supported)", ch)}
			}
			break
		}
		w, err := p.word()
		if err != nil {
			return nil, err
		}
		if len(c.args) == 0 && isAssignment(w) {
			c.assigns = append(c.assigns, w)
		} else {
			c.args = append(c.args, w)
		}
	}
	if len(c.args) == 0 && len(c.assigns) == 0 && len(c.redirs) == 0 {
		if p.eof() {
			return nil, &syntaxError{msg: "missing command", incomplete: true}
		}
		return nil, &syntaxError{msg: fmt.Sprintf("unexpected %q", p.peek())}
	}
	return c, nil
}

// redirection parses one redirection at the cursor, if there is one.
func (p *parser) redirection() (redir, bool, error) {
	start := p.pos
	fd := -1
	i := p.pos
	for i < len(p.src) && p.src[i] >= '0' && p.src[i] <= '9' {
		i++
	}
	if i > p.pos && i < len(p.src) && (p.src[i] == '<' || p.src[i] == '>') {
		n, err := strconv.Atoi(p.src[p.pos:i])
		if err != nil || n > 9 {
			return redir{}, false, &syntaxError{msg: "bad file descriptor " + p.src[p.pos:i]}
		}
		fd = n
		p.pos = i
	}
	var op string
	switch {
	case p.peekOp("&>>"):
		op = "&>>"
	case p.peekOp("&>"):
		op = "&>"
	case p.peekOp(">>"):
		op = ">>"
	case p.peekOp(">&"):
		op = ">&"
	case p.peekOp("<&"):
		op = "<&"
	case p.peekOp(">|"):
		op = ">|"
	case !p.eof() && p.peek() == '>':
		op = ">"
	case !p.eof() && p.peek() == '<':
		op = "<"
	default:
		p.pos = start
		return redir{}, false, nil
	}
	p.pos += len(op)
	if op == ">|" {
		op = ">"
	}
	p.skipBlanks(false)
	if p.eof() || isOpChar(p.peek()) {
		return redir{}, false, &syntaxError{msg: "missing file name after " + op, incomplete: p.eof()}
	}
	w, err := p.word()
	if err != nil {
		return redir{}, false, err
	}
	if fd < 0 {
		fd = 1
		if op == "<" || op == "<&" {
			fd = 0
		}
	}
	return redir{fd: fd, op: op, target: w}, true, nil
}

func isAssignment(w word) bool {
	if len(w) == 0 || w[0].kind != partLit || w[0].quoted {
		return false
	}
	eq := strings.IndexByte(w[0].text, '=')
	return eq > 0 && validName(w[0].text[:eq])
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// word reads one word up to a blank or an operator.
func (p *parser) word() (word, error) {
	var w word
	var lit strings.Builder
	flush := func(quoted bool) {
		if lit.Len() > 0 {
			w = append(w, wordPart{kind: partLit, text: lit.String(), quoted: quoted})
			lit.Reset()
		}
	}
	if !p.eof() && p.peek() == '~' {
		end := p.pos + 1
		for end < len(p.src) && p.src[end] != '/' && !isOpChar(p.src[end]) && p.src[end] != ' ' && p.src[end] != '\t' {
			end++
		}
		if end == p.pos+1 { // only a bare ~ (not ~user) is expanded
			w = append(w, wordPart{kind: partTilde})
			p.pos++
		}
	}
	for !p.eof() {
		c := p.peek()
		switch {
		case c == ' ' || c == '\t' || isOpChar(c):
			flush(false)
			return w, nil
		case c == '\\':
			p.pos++
			if p.eof() {
				return nil, &syntaxError{msg: "unexpected end after \\", incomplete: true}
			}
			if p.peek() != '\n' {
				flush(false)
				lit.WriteByte(p.peek())
				flush(true)
			}
			p.pos++
		case c == '\'':
			flush(false)
			end := strings.IndexByte(p.src[p.pos+1:], '\'')
			if end < 0 {
				return nil, &syntaxError{msg: "unterminated '", incomplete: true}
			}
			w = append(w, wordPart{kind: partLit, text: p.src[p.pos+1 : p.pos+1+end], quoted: true})
			p.pos += end + 2
		case c == '"':
			flush(false)
			p.pos++
			parts, err := p.doubleQuoted()
			if err != nil {
				return nil, err
			}
			w = append(w, parts...)
		case c == '$':
			flush(false)
			part, ok := p.dollar(false)
			if p.err != nil {
				return nil, p.err
			}
			if !ok {
				lit.WriteByte('$')
				p.pos++
				continue
			}
			w = append(w, part)
		default:
			lit.WriteByte(c)
			p.pos++
		}
	}
	flush(false)
	return w, nil
}

func (p *parser) doubleQuoted() (word, error) {
	var w word
	var lit strings.Builder
	// An empty "" is still a (quoted, empty) part, so "" gives an argument.
	w = append(w, wordPart{kind: partLit, quoted: true})
	for {
		if p.eof() {
			return nil, &syntaxError{msg: "unterminated \"", incomplete: true}
		}
		c := p.peek()
		switch c {
		case '"':
			p.pos++
			if lit.Len() > 0 {
				w = append(w, wordPart{kind: partLit, text: lit.String(), quoted: true})
			}
			return w, nil
		case '\\':
			if p.pos+1 < len(p.src) && strings.IndexByte("$`\"\\\n", p.src[p.pos+1]) >= 0 {
				if p.src[p.pos+1] != '\n' {
					lit.WriteByte(p.src[p.pos+1])
				}
				p.pos += 2
				continue
			}
			lit.WriteByte(c)
			p.pos++
		case '$':
			part, ok := p.dollar(true)
			if p.err != nil {
				return nil, p.err
			}
			if !ok {
				lit.WriteByte('$')
				p.pos++
				continue
			}
			if lit.Len() > 0 {
				w = append(w, wordPart{kind: partLit, text: lit.String(), quoted: true})
				lit.Reset()
			}
			w = append(w, part)
		default:
			lit.WriteByte(c)
			p.pos++
		}
	}
}

// dollar parses $NAME, ${NAME}, a special parameter, $(command) or
// $((expression)) at the cursor. An unterminated $( is reported through
// p.err, as incomplete input.
func (p *parser) dollar(quoted bool) (wordPart, bool) {
	rest := p.src[p.pos+1:]
	if rest == "" {
		return wordPart{}, false
	}
	if strings.HasPrefix(rest, "((") {
		if end := matchParen(rest, 1); end > 0 && end+1 < len(rest) && rest[end+1] == ')' {
			p.pos += end + 3
			return wordPart{kind: partArith, text: rest[2:end], quoted: quoted}, true
		}
	}
	if rest[0] == '(' {
		end := matchParen(rest, 0)
		if end < 0 {
			p.err = &syntaxError{msg: "unterminated $(", incomplete: true}
			p.pos = len(p.src)
			return wordPart{}, true
		}
		p.pos += end + 2
		return wordPart{kind: partCmd, text: rest[1:end], quoted: quoted}, true
	}
	switch c := rest[0]; {
	case c == '{':
		end := strings.IndexByte(rest, '}')
		if end < 0 || !(validName(rest[1:end]) || isSpecialParam(rest[1:end])) {
			return wordPart{}, false
		}
		p.pos += end + 2
		return wordPart{kind: partVar, text: rest[1:end], quoted: quoted}, true
	case isSpecialParam(rest[:1]):
		p.pos += 2
		return wordPart{kind: partVar, text: rest[:1], quoted: quoted}, true
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		n := 1
		for n < len(rest) && validName(rest[:n+1]) {
			n++
		}
		p.pos += n + 1
		return wordPart{kind: partVar, text: rest[:n], quoted: quoted}, true
	}
	return wordPart{}, false
}

func isSpecialParam(s string) bool {
	return len(s) == 1 && strings.IndexByte("?$#!0123456789@*", s[0]) >= 0
}
