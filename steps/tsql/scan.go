package tsql

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// This file is a small T-SQL lexer. It knows just enough of the language to
// tell where a quoted name or literal starts and ends, which is what Render,
// Guarded and the export checks need, and what the fuzz tests use to prove
// that no name escapes its quoting.

type tokKind int

const (
	tokSpace   tokKind = iota // white space
	tokComment                // -- line or /* block */ comment
	tokString                 // '...' or N'...'; Value is the decoded text
	tokIdent                  // [bracketed] or "double quoted" identifier; Value is the name
	tokWord                   // keyword or plain identifier (letters, digits, _ @ # $)
	tokNumber                 // number or 0x binary
	tokPunct                  // any other single character
)

type token struct {
	Kind  tokKind
	Text  string // the token exactly as written
	Value string // decoded value for strings and quoted identifiers
	Pos   int    // byte offset in the input
}

// scan splits text into tokens. It fails only on an unterminated literal,
// quoted identifier or block comment.
func scan(text string) ([]token, error) {
	var out []token
	i := 0
	for i < len(text) {
		start := i
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v':
			for i < len(text) && strings.IndexByte(" \t\r\n\f\v", text[i]) >= 0 {
				i++
			}
			out = append(out, token{Kind: tokSpace, Text: text[start:i], Pos: start})
		case c == '-' && i+1 < len(text) && text[i+1] == '-':
			end := strings.IndexAny(text[i:], "\r\n")
			if end < 0 {
				i = len(text)
			} else {
				i += end
			}
			out = append(out, token{Kind: tokComment, Text: text[start:i], Pos: start})
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			// T-SQL block comments nest.
			depth := 0
			for i < len(text) {
				if strings.HasPrefix(text[i:], "/*") {
					depth++
					i += 2
				} else if strings.HasPrefix(text[i:], "*/") {
					depth--
					i += 2
					if depth == 0 {
						break
					}
				} else {
					i++
				}
			}
			if depth != 0 {
				return nil, fmt.Errorf("unterminated comment starting at offset %d", start)
			}
			out = append(out, token{Kind: tokComment, Text: text[start:i], Pos: start})
		case c == '\'' || ((c == 'N' || c == 'n') && i+1 < len(text) && text[i+1] == '\''):
			if c != '\'' {
				i++
			}
			v, n, err := delimited(text[i:], '\'', '\'')
			if err != nil {
				return nil, fmt.Errorf("string literal starting at offset %d: %w", start, err)
			}
			i += n
			out = append(out, token{Kind: tokString, Text: text[start:i], Value: v, Pos: start})
		case c == '[':
			v, n, err := delimited(text[i:], '[', ']')
			if err != nil {
				return nil, fmt.Errorf("bracketed name starting at offset %d: %w", start, err)
			}
			i += n
			out = append(out, token{Kind: tokIdent, Text: text[start:i], Value: v, Pos: start})
		case c == '"':
			v, n, err := delimited(text[i:], '"', '"')
			if err != nil {
				return nil, fmt.Errorf("quoted name starting at offset %d: %w", start, err)
			}
			i += n
			out = append(out, token{Kind: tokIdent, Text: text[start:i], Value: v, Pos: start})
		case c >= '0' && c <= '9':
			for i < len(text) && (isWordByte(text[i])) {
				i++
			}
			out = append(out, token{Kind: tokNumber, Text: text[start:i], Pos: start})
		case isWordByte(c) || c >= utf8.RuneSelf:
			for i < len(text) && (isWordByte(text[i]) || text[i] >= utf8.RuneSelf) {
				i++
			}
			out = append(out, token{Kind: tokWord, Text: text[start:i], Value: text[start:i], Pos: start})
		default:
			i++
			out = append(out, token{Kind: tokPunct, Text: text[start:i], Pos: start})
		}
	}
	return out, nil
}

// delimited reads a token that opens with open and closes with close, where
// a doubled close stands for one close character inside. It returns the
// decoded value and the number of bytes consumed.
func delimited(s string, open, close byte) (string, int, error) {
	if s == "" || s[0] != open {
		return "", 0, fmt.Errorf("expected %q", open)
	}
	var b strings.Builder
	i := 1
	for i < len(s) {
		if s[i] == close {
			if i+1 < len(s) && s[i+1] == close {
				b.WriteByte(close)
				i += 2
				continue
			}
			return b.String(), i + 1, nil
		}
		b.WriteByte(s[i])
		i++
	}
	return "", 0, fmt.Errorf("no closing %q", close)
}

func isWordByte(c byte) bool {
	return c == '_' || c == '@' || c == '#' || c == '$' ||
		(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}
