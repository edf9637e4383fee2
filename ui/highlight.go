package ui

import (
	"strings"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// highlightTSQL colours text with chroma's Transact-SQL lexer for a 256-colour
// terminal, in the chroma style named (one for light, one for dark
// backgrounds). On any failure it returns the text unchanged: highlighting
// is a nicety, the statement itself must always show.
func highlightTSQL(text, style string) string {
	lexer := lexers.Get("tsql")
	if lexer == nil {
		return text
	}
	lexer = chroma.Coalesce(lexer)
	it, err := lexer.Tokenise(nil, text)
	if err != nil {
		return text
	}
	var b strings.Builder
	if err := formatters.TTY256.Format(&b, styles.Get(style), it); err != nil {
		return text
	}
	return strings.TrimRight(b.String(), "\n")
}
