package sh

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// arith evaluates $((expression)): 64-bit integers, variables by name (or
// $name), and C's operators — unary + - ! ~, * / %, + -, << >>, < <= > >=,
// == !=, &, ^, |, &&, ||, and parentheses.
func (s *Shell) arith(src string) (int64, error) {
	a := &arithParser{s: s, src: src}
	v, err := a.expr(0)
	if err != nil {
		return 0, err
	}
	a.space()
	if a.pos < len(a.src) {
		return 0, fmt.Errorf("unexpected %q", a.src[a.pos:])
	}
	return v, nil
}

type arithParser struct {
	s   *Shell
	src string
	pos int
}

var errDivZero = errors.New("division by zero")

// binary operators by precedence (higher binds tighter).
var arithOps = []struct {
	op   string
	prec int
}{
	{"||", 1}, {"&&", 2}, {"|", 3}, {"^", 4}, {"&", 5},
	{"==", 6}, {"!=", 6}, {"<=", 7}, {">=", 7}, {"<<", 8}, {">>", 8},
	{"<", 7}, {">", 7}, {"+", 9}, {"-", 9}, {"*", 10}, {"/", 10}, {"%", 10},
}

func (a *arithParser) space() {
	for a.pos < len(a.src) && (a.src[a.pos] == ' ' || a.src[a.pos] == '\t' || a.src[a.pos] == '\n') {
		a.pos++
	}
}

func (a *arithParser) binop() (string, int) {
	a.space()
	rest := a.src[a.pos:]
	for _, o := range arithOps {
		if strings.HasPrefix(rest, o.op) {
			// "<" must not be the start of "<<" or "<=", nor "&" of "&&".
			if len(o.op) == 1 && len(rest) > 1 && strings.ContainsRune("<>&|=", rune(rest[1])) && (rest[1] == rest[0] || rest[1] == '=') {
				continue
			}
			return o.op, o.prec
		}
	}
	return "", 0
}

func (a *arithParser) expr(minPrec int) (int64, error) {
	x, err := a.unary()
	if err != nil {
		return 0, err
	}
	for {
		op, prec := a.binop()
		if prec == 0 || prec <= minPrec {
			return x, nil
		}
		a.pos += len(op)
		y, err := a.expr(prec)
		if err != nil {
			return 0, err
		}
		switch op {
		case "||":
			x = b2i(x != 0 || y != 0)
		case "&&":
			x = b2i(x != 0 && y != 0)
		case "|":
			x |= y
		case "^":
			x ^= y
		case "&":
			x &= y
		case "==":
			x = b2i(x == y)
		case "!=":
			x = b2i(x != y)
		case "<":
			x = b2i(x < y)
		case "<=":
			x = b2i(x <= y)
		case ">":
			x = b2i(x > y)
		case ">=":
			x = b2i(x >= y)
		case "<<":
			x <<= uint64(y & 63)
		case ">>":
			x >>= uint64(y & 63)
		case "+":
			x += y
		case "-":
			x -= y
		case "*":
			x *= y
		case "/", "%":
			if y == 0 {
				return 0, errDivZero
			}
			if op == "/" {
				x /= y
			} else {
				x %= y
			}
		}
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (a *arithParser) unary() (int64, error) {
	a.space()
	if a.pos >= len(a.src) {
		return 0, errors.New("missing operand")
	}
	switch c := a.src[a.pos]; {
	case c == '-' || c == '+' || c == '!' || c == '~':
		a.pos++
		v, err := a.unary()
		switch c {
		case '-':
			v = -v
		case '!':
			v = b2i(v == 0)
		case '~':
			v = ^v
		}
		return v, err
	case c == '(':
		a.pos++
		v, err := a.expr(0)
		if err != nil {
			return 0, err
		}
		a.space()
		if a.pos >= len(a.src) || a.src[a.pos] != ')' {
			return 0, errors.New("missing )")
		}
		a.pos++
		return v, nil
	case c >= '0' && c <= '9':
		start := a.pos
		for a.pos < len(a.src) && (isAlnum(a.src[a.pos])) {
			a.pos++
		}
		v, err := strconv.ParseInt(a.src[start:a.pos], 0, 64)
		if err != nil {
			return 0, fmt.Errorf("bad number %q", a.src[start:a.pos])
		}
		return v, nil
	case c == '$' || c == '_' || isLetter(c):
		if c == '$' {
			a.pos++
		}
		start := a.pos
		for a.pos < len(a.src) && (isAlnum(a.src[a.pos]) || a.src[a.pos] == '_') {
			a.pos++
		}
		name := a.src[start:a.pos]
		if name == "" && a.pos < len(a.src) && isSpecialParam(a.src[a.pos:a.pos+1]) {
			name = a.src[a.pos : a.pos+1]
			a.pos++
		}
		val, _ := a.s.lookupVar(name)
		val = strings.TrimSpace(val)
		if val == "" {
			return 0, nil
		}
		v, err := strconv.ParseInt(val, 0, 64)
		if err != nil {
			return 0, fmt.Errorf("%s=%q is not a number", name, val)
		}
		return v, nil
	}
	return 0, fmt.Errorf("unexpected %q", a.src[a.pos:])
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool  { return isLetter(c) || c >= '0' && c <= '9' }
