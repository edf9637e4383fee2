package ui

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/lipgloss/v2"

	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// sqlKind is what a token of T-SQL is, which decides its colour.
type sqlKind uint8

const (
	sqlPlain sqlKind = iota // spaces, punctuation, operators, plain names
	sqlKeyword
	sqlFunction
	sqlType
	sqlString   // 'text', N'text', with '' inside
	sqlName     // [name] with ]] inside, "name" with "" inside
	sqlNumber   // 42, 1.5e3, .5, 0x3082
	sqlComment  // -- to the end of the line, /* nested */
	sqlVariable // $(SQLCMD_VAR), @local, @@ROWCOUNT
)

// sqlToken is one token: its kind and its exact text. The tokens of a text,
// joined, are the text.
type sqlToken struct {
	kind sqlKind
	text string
}

// highlightTSQL colours T-SQL with st's styles. The text is never changed,
// only coloured: strip the colours and the statement is what it was. A nil
// st gives the text unchanged. Our own lexer replaces chroma's, whose
// registries cost start-up time in every command (issue 11); it also knows
// what chroma's T-SQL lexer does not: N'...' strings, ]] inside [names],
// nested comments and sqlcmd's $(VAR).
func highlightTSQL(text string, st *styles.SQL) string {
	if st == nil {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) * 2)
	for _, t := range lexTSQL(text) {
		writeStyled(&b, t.text, sqlStyle(st, t.kind))
	}
	return b.String()
}

// sqlStyle is the style of a kind, nil for plain tokens.
func sqlStyle(st *styles.SQL, k sqlKind) *lipgloss.Style {
	switch k {
	case sqlKeyword:
		return &st.Keyword
	case sqlFunction:
		return &st.Function
	case sqlType:
		return &st.Type
	case sqlString:
		return &st.String
	case sqlName:
		return &st.Name
	case sqlNumber:
		return &st.Number
	case sqlComment:
		return &st.Comment
	case sqlVariable:
		return &st.Variable
	}
	return nil
}

// writeStyled writes s in style, one line at a time: a style spanning a
// line break would make lipgloss pad the lines to one width, and a
// terminal line must close its own colours.
func writeStyled(b *strings.Builder, s string, style *lipgloss.Style) {
	if style == nil {
		b.WriteString(s)
		return
	}
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			b.WriteString(style.Render(s))
			return
		}
		if i > 0 {
			b.WriteString(style.Render(s[:i]))
		}
		b.WriteByte(s[i])
		s = s[i+1:]
	}
}

// lexTSQL splits T-SQL into tokens. It never fails: whatever it does not
// know is plain, and an unterminated string, name or comment runs to the
// end of the text, as SQL Server would read it.
func lexTSQL(s string) []sqlToken {
	var out []sqlToken
	plain := -1 // where the run of plain tokens being gathered starts
	for i := 0; i < len(s); {
		k, n := sqlKindAt(s[i:])
		if k == sqlPlain {
			if plain < 0 {
				plain = i
			}
			i += n
			continue
		}
		if plain >= 0 {
			out = append(out, sqlToken{sqlPlain, s[plain:i]})
			plain = -1
		}
		if k == sqlString {
			out = appendString(out, s[i:i+n])
		} else {
			out = append(out, sqlToken{k, s[i : i+n]})
		}
		i += n
	}
	if plain >= 0 {
		out = append(out, sqlToken{sqlPlain, s[plain:]})
	}
	return out
}

// sqlKindAt reads the token at the start of s: its kind and its length in
// bytes (at least 1).
func sqlKindAt(s string) (sqlKind, int) {
	c := s[0]
	switch {
	case strings.HasPrefix(s, "--"):
		if i := strings.IndexAny(s, "\r\n"); i >= 0 {
			return sqlComment, i
		}
		return sqlComment, len(s)
	case strings.HasPrefix(s, "/*"):
		return sqlComment, blockComment(s)
	case c == '\'':
		return sqlString, delimited(s, '\'')
	case (c == 'N' || c == 'n') && len(s) > 1 && s[1] == '\'':
		return sqlString, 1 + delimited(s[1:], '\'')
	case c == '[':
		return sqlName, delimited(s, ']')
	case c == '"':
		return sqlName, delimited(s, '"')
	case strings.HasPrefix(s, "$("):
		if n := sqlcmdVar(s); n > 0 {
			return sqlVariable, n
		}
	case c == '@':
		n := 1
		if len(s) > 1 && s[1] == '@' {
			n = 2
		}
		if w := wordLen(s[n:]); w > 0 {
			return sqlVariable, n + w
		}
	case c == '0' && len(s) > 1 && (s[1] == 'x' || s[1] == 'X'):
		n := 2
		for n < len(s) && isHex(s[n]) {
			n++
		}
		return sqlNumber, n
	case isDigit(c) || c == '.' && len(s) > 1 && isDigit(s[1]):
		return sqlNumber, numberLen(s)
	}
	if n := wordLen(s); n > 0 {
		return wordKind(s[:n]), n
	}
	_, n := utf8.DecodeRuneInString(s)
	return sqlPlain, n
}

// appendString appends a string literal, its sqlcmd $(VAR)s apart: sqlcmd
// replaces them inside strings too, and they are what the DBA fills in.
func appendString(out []sqlToken, s string) []sqlToken {
	start := 0 // the string's text not yet appended
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '$' || s[i+1] != '(' {
			continue
		}
		n := sqlcmdVar(s[i:])
		if n == 0 {
			continue // "$(" that is not a variable: part of the string
		}
		if i > start {
			out = append(out, sqlToken{sqlString, s[start:i]})
		}
		out = append(out, sqlToken{sqlVariable, s[i : i+n]})
		start = i + n
		i = start - 1
	}
	if start < len(s) {
		out = append(out, sqlToken{sqlString, s[start:]})
	}
	return out
}

// delimited is the length of the token s starts with, opened by s[0] and
// closed by closer, where a doubled closer (” or ]] or "") stands for
// itself. Unterminated, it runs to the end.
func delimited(s string, closer byte) int {
	for i := 1; i < len(s); i++ {
		if s[i] != closer {
			continue
		}
		if i+1 < len(s) && s[i+1] == closer {
			i++
			continue
		}
		return i + 1
	}
	return len(s)
}

// blockComment is the length of the /* */ comment s starts with. T-SQL's
// block comments nest: /* a /* b */ c */ is one comment.
func blockComment(s string) int {
	depth := 0
	for i := 0; i+1 < len(s); i++ {
		switch {
		case s[i] == '/' && s[i+1] == '*':
			depth++
			i++
		case s[i] == '*' && s[i+1] == '/':
			depth--
			i++
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(s)
}

// sqlcmdVar is the length of the $(NAME) s starts with, 0 if it is not one.
func sqlcmdVar(s string) int {
	n := wordLen(s[2:])
	if n == 0 || 2+n >= len(s) || s[2+n] != ')' {
		return 0
	}
	return 2 + n + 1
}

// numberLen is the length of the number s starts with: digits, an optional
// fraction, an optional exponent.
func numberLen(s string) int {
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	if n < len(s) && s[n] == '.' {
		n++
		for n < len(s) && isDigit(s[n]) {
			n++
		}
	}
	if n < len(s) && (s[n] == 'e' || s[n] == 'E') {
		e := n + 1
		if e < len(s) && (s[e] == '+' || s[e] == '-') {
			e++
		}
		if e < len(s) && isDigit(s[e]) {
			for e < len(s) && isDigit(s[e]) {
				e++
			}
			n = e
		}
	}
	return n
}

// wordLen is the length of the regular identifier or keyword s starts
// with: a letter, _ or # then letters, digits, _, @, $ or #. 0 if none.
func wordLen(s string) int {
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		ok := unicode.IsLetter(r) || r == '_' || r == '#'
		if n > 0 {
			ok = ok || unicode.IsDigit(r) || r == '@' || r == '$'
		}
		if !ok {
			break
		}
		n += size
	}
	return n
}

// wordKind says whether a word is a keyword, a function, a type or a name.
func wordKind(w string) sqlKind {
	u := strings.ToUpper(w)
	switch {
	case isIn(sqlKeywords, u):
		return sqlKeyword
	case isIn(sqlFunctions, u):
		return sqlFunction
	case isIn(sqlTypes, u):
		return sqlType
	}
	return sqlPlain
}

func isIn(sorted []string, w string) bool {
	_, ok := slices.BinarySearch(sorted, w)
	return ok
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
