package ui

import (
	"embed"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters"
)

// chromaData holds the only lexer and styles ui uses (monokai for dark
// backgrounds, github for light ones). Importing chroma's lexers and styles
// packages instead parses every lexer and style they embed at program
// start: 11.8 of 14.2 ms of start-up and 4.7 MB, in every command, status
// and apply included. See chromadata/README.
//
//go:embed chromadata/transact-sql.xml chromadata/monokai.xml chromadata/github.xml
var chromaData embed.FS

// tsqlLexer loads the T-SQL lexer on first use, once; nil if it does not load.
var tsqlLexer = sync.OnceValue(func() chroma.Lexer {
	lexer, err := chroma.NewXMLLexer(chromaData, "chromadata/transact-sql.xml")
	if err != nil {
		return nil
	}
	return chroma.Coalesce(lexer)
})

// chromaStyles load each style on first use, once.
var chromaStyles = map[string]func() *chroma.Style{
	"monokai": sync.OnceValue(func() *chroma.Style { return loadStyle("chromadata/monokai.xml") }),
	"github":  sync.OnceValue(func() *chroma.Style { return loadStyle("chromadata/github.xml") }),
}

func loadStyle(path string) *chroma.Style {
	f, err := chromaData.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	style, err := chroma.NewXMLStyle(f)
	if err != nil {
		return nil
	}
	return style
}

// highlightTSQL colours text with chroma's Transact-SQL lexer for a 256-colour
// terminal, in the chroma style named (monokai for dark backgrounds, github
// for light ones). On any failure, or another style name, it returns the
// text unchanged: highlighting is a nicety, the statement itself must
// always show.
func highlightTSQL(text, style string) string {
	lexer := tsqlLexer()
	load := chromaStyles[style]
	if lexer == nil || load == nil || load() == nil {
		return text
	}
	it, err := lexer.Tokenise(nil, text)
	if err != nil {
		return text
	}
	var b strings.Builder
	if err := formatters.TTY256.Format(&b, load(), it); err != nil {
		return text
	}
	return strings.TrimRight(b.String(), "\n")
}
