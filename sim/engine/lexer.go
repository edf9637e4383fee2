package engine

import (
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind classifies a lexical token.
type tokKind int

const (
	tkEOF    tokKind = iota
	tkIdent          // plain identifier or keyword
	tkQIdent         // [bracketed] or "double-quoted" identifier
	tkString         // '...' or N'...'
	tkNumber         // 123, 1.5
	tkBinary         // 0x0A1B
	tkVar            // @name
	tkSysVar         // @@name
	tkOp             // punctuation and operators
)

// token is one lexical unit of a batch. Text is the decoded value (brackets,
// quotes and ” escapes removed); Raw is the source text, used in syntax
// error messages the way SQL Server quotes the offending token.
type token struct {
	Kind tokKind
	Text string
	Raw  string
	Bin  []byte
	Line int
	Pos  int
}

// is reports whether t is the keyword kw (case-insensitive; plain identifiers only).
func (t token) is(kw string) bool {
	return t.Kind == tkIdent && strings.EqualFold(t.Text, kw)
}

// isOp reports whether t is the operator op.
func (t token) isOp(op string) bool { return t.Kind == tkOp && t.Text == op }

// lexError is a batch-level lexical error (unclosed quote or comment).
type lexError struct{ msg Message }

// lex splits a batch into tokens. Comments (-- and nested /* */) are dropped.
// GO is not T-SQL (it is a client-side separator) and is lexed as an ordinary
// identifier, so a batch containing it fails to parse as on a real server.
func lex(src string) ([]token, *lexError) {
	// Sized once instead of grown by copying (a batch is lexed on every
	// request): about a token per space or newline, and one before and one
	// after each punctuation mark, in T-SQL as written.
	est := strings.Count(src, " ") + strings.Count(src, "\n") + 16
	for _, p := range []string{",", ".", ";", "(", ")"} {
		est += 2 * strings.Count(src, p)
	}
	toks := make([]token, 0, est)
	line := 1
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			depth := 0
			startLine := line
			for {
				if i >= len(src) {
					return nil, &lexError{errf(113, startLine, "Missing end comment mark '*/'.")}
				}
				if src[i] == '/' && i+1 < len(src) && src[i+1] == '*' {
					depth++
					i += 2
					continue
				}
				if src[i] == '*' && i+1 < len(src) && src[i+1] == '/' {
					depth--
					i += 2
					if depth == 0 {
						break
					}
					continue
				}
				if src[i] == '\n' {
					line++
				}
				i++
			}
		case c == '\'' || ((c == 'N' || c == 'n') && i+1 < len(src) && src[i+1] == '\''):
			start, startLine := i, line
			if c != '\'' {
				i++
			}
			text, next, nl, err := lexQuoted(src, i+1, '\'', startLine)
			if err != nil {
				return nil, err
			}
			i, line = next, line+nl
			toks = append(toks, token{Kind: tkString, Text: text, Raw: src[start:i], Line: startLine, Pos: start})
		case c == '[' || c == '"':
			closing := byte(']')
			if c == '"' {
				closing = '"'
			}
			start, startLine := i, line
			text, next, nl, err := lexQuoted(src, i+1, closing, startLine)
			if err != nil {
				return nil, err
			}
			i, line = next, line+nl
			toks = append(toks, token{Kind: tkQIdent, Text: text, Raw: src[start:i], Line: startLine, Pos: start})
		case c == '0' && i+1 < len(src) && (src[i+1] == 'x' || src[i+1] == 'X'):
			start := i
			i += 2
			for i < len(src) && isHex(src[i]) {
				i++
			}
			digits := src[start+2 : i]
			if len(digits)%2 == 1 {
				digits = "0" + digits // SQL Server pads an odd-length literal on the left
			}
			b, _ := hex.DecodeString(digits)
			if b == nil {
				b = []byte{}
			}
			toks = append(toks, token{Kind: tkBinary, Text: src[start:i], Raw: src[start:i], Bin: b, Line: line, Pos: start})
		case c >= '0' && c <= '9' || (c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9'):
			start := i
			for i < len(src) && (src[i] >= '0' && src[i] <= '9' || src[i] == '.') {
				i++
			}
			if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
				j := i + 1
				if j < len(src) && (src[j] == '+' || src[j] == '-') {
					j++
				}
				if j < len(src) && src[j] >= '0' && src[j] <= '9' {
					i = j
					for i < len(src) && src[i] >= '0' && src[i] <= '9' {
						i++
					}
				}
			}
			toks = append(toks, token{Kind: tkNumber, Text: src[start:i], Raw: src[start:i], Line: line, Pos: start})
		case c == '@':
			start := i
			kind := tkVar
			i++
			if i < len(src) && src[i] == '@' {
				kind = tkSysVar
				i++
			}
			i = identEnd(src, i)
			toks = append(toks, token{Kind: kind, Text: src[start:i], Raw: src[start:i], Line: line, Pos: start})
		default:
			r, n := utf8.DecodeRuneInString(src[i:])
			if isIdentStart(r) {
				start := i
				i = identEnd(src, i+n)
				toks = append(toks, token{Kind: tkIdent, Text: src[start:i], Raw: src[start:i], Line: line, Pos: start})
				continue
			}
			start := i
			// One character (possibly multi-byte or invalid UTF-8) or a
			// two-character operator.
			op := src[i : i+n]
			if i+1 < len(src) {
				switch two := src[i : i+2]; two {
				case "<>", "!=", "<=", ">=", "!<", "!>", "::":
					op = two
				}
			}
			i += len(op)
			toks = append(toks, token{Kind: tkOp, Text: op, Raw: src[start:i], Line: line, Pos: start})
		}
	}
	toks = append(toks, token{Kind: tkEOF, Line: line, Pos: len(src)})
	for _, t := range toks {
		if t.Kind != tkIdent && t.Kind != tkQIdent && t.Kind != tkVar {
			continue
		}
		if len(t.Text) <= 128 || utf8.RuneCountInString(t.Text) <= 128 {
			continue
		}
		if r := []rune(t.Text); len(r) > 128 {
			return nil, &lexError{errf(103, t.Line, "The identifier that starts with '%s' is too long. Maximum length is 128.", string(r[:128]))}
		}
	}
	return toks, nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isIdentStart(r rune) bool {
	return r == '_' || r == '#' || unicode.IsLetter(r)
}

func isIdentRune(r rune) bool {
	return r == '_' || r == '#' || r == '$' || r == '@' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isReserved reports whether t is a reserved keyword (never for [quoted]
// names). A reserved word in the wrong place yields error 156 instead of 102,
// as on SQL Server. A switch rather than a map keeps the table immutable.
func isReserved(t token) bool {
	if t.Kind != tkIdent {
		return false
	}
	// Upper-case ASCII in a stack buffer: the parser asks this of nearly
	// every identifier. Other text goes through strings.ToUpper, which maps
	// e.g. U+0131 (dotless i) to I, as before.
	var buf [17]byte // len("CURRENT_TIMESTAMP")
	word := t.Text
	ascii := true
	for i := 0; i < len(word); i++ {
		if word[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		if len(word) > len(buf) {
			return false
		}
		for i := 0; i < len(word); i++ {
			c := word[i]
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			buf[i] = c
		}
		return reservedUpper(string(buf[:len(word)]))
	}
	return reservedUpper(strings.ToUpper(word))
}

// reservedUpper is isReserved for an upper-case word.
func reservedUpper(w string) bool {
	switch w {
	case "ADD", "ALL", "ALTER", "AND", "ANY", "AS", "ASC", "AUTHORIZATION", "BACKUP", "BEGIN",
		"BETWEEN", "BY", "CASE", "CHECK", "CLOSE", "COMMIT", "CONVERT", "CREATE", "CROSS",
		"CURRENT_TIMESTAMP", "CURRENT_USER", "DATABASE", "DECLARE", "DEFAULT", "DELETE", "DENY",
		"DESC", "DISTINCT", "DROP", "ELSE", "END", "EXEC", "EXECUTE", "EXISTS", "FILE", "FOR",
		"FROM", "FULL", "GRANT", "GROUP", "HAVING", "IF", "IN", "INNER", "INSERT", "INTO", "IS",
		"JOIN", "KEY", "LEFT", "LIKE", "NOT", "NULL", "OF", "OFF", "ON", "OPEN", "OR", "ORDER", "OUTER",
		"PRINT", "PROC", "PROCEDURE", "REVOKE", "RIGHT", "ROLLBACK", "SELECT", "SESSION_USER",
		"SET", "SYSTEM_USER", "TABLE", "THEN", "TO", "TOP", "TRAN", "TRANSACTION", "UNION",
		"UPDATE", "USE", "USER", "VALUES", "WHEN", "WHERE", "WHILE", "WITH":
		return true
	}
	return false
}

// lexQuoted reads a quoted run starting just after its opening quote at
// src[i]: a string literal ('...') or a delimited identifier ([...] or
// "..."). SQL Server escapes the closing character by doubling it, the same
// rule for all three, so one loop serves them. It returns the unescaped
// text, the index just past the closing quote and the newlines crossed; an
// unterminated run is error 105, reported at startLine where it began.
func lexQuoted(src string, i int, closing byte, startLine int) (text string, next, newlines int, err *lexError) {
	// Most runs hold no doubled quote: their text is a slice of src.
	if j := strings.IndexByte(src[i:], closing); j >= 0 && (i+j+1 >= len(src) || src[i+j+1] != closing) {
		return src[i : i+j], i + j + 1, strings.Count(src[i:i+j], "\n"), nil
	}
	var b strings.Builder
	for i < len(src) {
		if src[i] == closing {
			if i+1 < len(src) && src[i+1] == closing {
				b.WriteByte(closing)
				i += 2
				continue
			}
			return b.String(), i + 1, newlines, nil
		}
		if src[i] == '\n' {
			newlines++
		}
		b.WriteByte(src[i])
		i++
	}
	return "", i, newlines, &lexError{errf(105, startLine, "Unclosed quotation mark after the character string '%s'.", b.String())}
}

// identEnd returns the index just past the identifier characters starting
// at src[i]: the rest of a name, or of an @variable or @@function, which
// SQL Server spells with the same characters.
func identEnd(src string, i int) int {
	for i < len(src) {
		if c := src[i]; c < utf8.RuneSelf {
			if c == '_' || c == '#' || c == '$' || c == '@' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
				i++
				continue
			}
			break
		}
		r, n := utf8.DecodeRuneInString(src[i:])
		if !isIdentRune(r) {
			break
		}
		i += n
	}
	return i
}
