package detail

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// WrapSQL wraps T-SQL to lines of at most w cells without ever breaking a
// token: lines break only where the statement already has a space, so that
// copying the lines from the terminal gives the same statement. A token
// longer than a line (a FROM BINARY literal, a long N'...' subject) is
// continued with T-SQL's line continuation, a backslash before the line
// break, which SQL Server removes from binary and character constants.
func WrapSQL(text string, w int) string {
	if w < 8 {
		return text
	}
	var out []string
	for _, line := range strings.Split(text, "\n") {
		out = append(out, wrapLine(line, w)...)
	}
	return strings.Join(out, "\n")
}

// wrapLine wraps one line of T-SQL.
func wrapLine(line string, w int) []string {
	if ansi.StringWidth(line) <= w {
		return []string{line}
	}
	indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
	cont := indent + "    " // continuation lines, as a formatter would
	var out []string
	cur := ""
	for _, tok := range tokens(strings.TrimLeft(line, " ")) {
		prefix := indent
		if len(out) > 0 {
			prefix = cont
		}
		switch {
		case cur == "" && ansi.StringWidth(prefix+tok) <= w:
			cur = prefix + tok
		case cur != "" && ansi.StringWidth(cur+" "+tok) <= w:
			cur += " " + tok
		default:
			if cur != "" {
				out = append(out, cur)
				cur = ""
				prefix = cont
			}
			if ansi.StringWidth(prefix+tok) <= w {
				cur = prefix + tok
				continue
			}
			// One token longer than a line: continue the constant.
			parts := splitConstant(tok, w-ansi.StringWidth(prefix), w)
			if len(parts) == 1 {
				out = append(out, prefix+tok) // an identifier: left whole
				continue
			}
			out = append(out, prefix+parts[0])
			out = append(out, parts[1:len(parts)-1]...)
			cur = parts[len(parts)-1]
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// tokens splits a line at the spaces that separate tokens, keeping spaces
// inside [identifiers] and 'string literals' (with their doubled-quote
// escapes) in their token.
func tokens(s string) []string {
	var out []string
	var b strings.Builder
	var closer byte // ']' or '\'' while inside a delimited token
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case closer != 0:
			b.WriteByte(c)
			if c == closer {
				if i+1 < len(s) && s[i+1] == closer { // ]] or '' escape
					b.WriteByte(s[i+1])
					i++
				} else {
					closer = 0
				}
			}
		case c == '[':
			closer = ']'
			b.WriteByte(c)
		case c == '\'':
			closer = '\''
			b.WriteByte(c)
		case c == ' ':
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		default:
			b.WriteByte(c)
		}
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// splitConstant cuts a binary (0x...) or character ('...', N'...')
// constant too long for a line into pieces: the first fits first cells, the
// others w; every piece but the last ends with the line continuation `\`,
// and continuation pieces start in column 0 (spaces there would become part
// of the constant). Cuts fall strictly inside the constant's body. Any other
// token is returned whole: an identifier has no continuation.
func splitConstant(tok string, first, w int) []string {
	lo, hi := constantBody(tok)
	if lo < 0 {
		return []string{tok}
	}
	rs := []rune(tok)
	var out []string
	start, room := 0, max(4, first)
	for {
		// Take runes while they fit, keeping one cell for the backslash.
		end, width := start, 0
		for end < len(rs) && width+ansi.StringWidth(string(rs[end])) <= room-1 {
			width += ansi.StringWidth(string(rs[end]))
			end++
		}
		if ansi.StringWidth(string(rs[start:])) <= room || end >= hi || end <= lo {
			out = append(out, string(rs[start:]))
			return out
		}
		out = append(out, string(rs[start:end])+`\`)
		start, room = end, max(4, w)
	}
}

// constantBody is the rune range [lo, hi) inside which a constant may be
// continued, or -1 when tok is not a constant.
func constantBody(tok string) (int, int) {
	rs := []rune(tok)
	switch {
	case len(rs) > 2 && (rs[0] == '0') && (rs[1] == 'x' || rs[1] == 'X'):
		end := 2
		for end < len(rs) && strings.ContainsRune("0123456789abcdefABCDEF", rs[end]) {
			end++
		}
		return 2, end
	case len(rs) > 2 && rs[0] == '\'':
		return 1, len([]rune(tok[:strings.LastIndex(tok, "'")]))
	case len(rs) > 3 && (rs[0] == 'N' || rs[0] == 'n') && rs[1] == '\'':
		return 2, len([]rune(tok[:strings.LastIndex(tok, "'")]))
	}
	return -1, -1
}
