package ui

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// tok is a token in the tables below: kind and text.
func tok(k sqlKind, s string) sqlToken { return sqlToken{k, s} }

// TestLexTSQL: every kind of token, and hostile names and strings that must
// stay one token whatever they contain.
func TestLexTSQL(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []sqlToken
	}{
		{"CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(MASTER_KEY_PASSWORD_HOST_A)';", []sqlToken{
			tok(sqlKeyword, "CREATE"), tok(sqlPlain, " "), tok(sqlKeyword, "MASTER"), tok(sqlPlain, " "), tok(sqlKeyword, "KEY"),
			tok(sqlPlain, " "), tok(sqlKeyword, "ENCRYPTION"), tok(sqlPlain, " "), tok(sqlKeyword, "BY"), tok(sqlPlain, " "),
			tok(sqlKeyword, "PASSWORD"), tok(sqlPlain, " = "), tok(sqlString, "N'"), tok(sqlVariable, "$(MASTER_KEY_PASSWORD_HOST_A)"),
			tok(sqlString, "'"), tok(sqlPlain, ";"),
		}},
		// ]] inside a name, and what would be a comment, a string or a
		// variable outside it.
		{"[a]]b -- 'x' $(V) /*]", []sqlToken{tok(sqlName, "[a]]b -- 'x' $(V) /*]")}},
		{"DROP LOGIN [x]]];", []sqlToken{tok(sqlKeyword, "DROP"), tok(sqlPlain, " "), tok(sqlKeyword, "LOGIN"), tok(sqlPlain, " "), tok(sqlName, "[x]]]"), tok(sqlPlain, ";")}},
		// '' inside a string, and a comment and a name inside it.
		{"n'it''s -- [not] /* a comment'+1", []sqlToken{tok(sqlString, "n'it''s -- [not] /* a comment'"), tok(sqlPlain, "+"), tok(sqlNumber, "1")}},
		{"'a''''b'", []sqlToken{tok(sqlString, "'a''''b'")}},
		{`"q""id".x`, []sqlToken{tok(sqlName, `"q""id"`), tok(sqlPlain, ".x")}},
		// Nested block comments, a line comment ending at the line break.
		{"/* a /* b */ c */SELECT -- x 'y\nGO", []sqlToken{
			tok(sqlComment, "/* a /* b */ c */"), tok(sqlKeyword, "SELECT"), tok(sqlPlain, " "), tok(sqlComment, "-- x 'y"), tok(sqlPlain, "\n"), tok(sqlKeyword, "GO"),
		}},
		{"1.5e3 .5 42 0x3082AB 0x 7e", []sqlToken{
			tok(sqlNumber, "1.5e3"), tok(sqlPlain, " "), tok(sqlNumber, ".5"), tok(sqlPlain, " "), tok(sqlNumber, "42"), tok(sqlPlain, " "),
			tok(sqlNumber, "0x3082AB"), tok(sqlPlain, " "), tok(sqlNumber, "0x"), tok(sqlPlain, " "), tok(sqlNumber, "7"), tok(sqlPlain, "e"),
		}},
		{"SELECT @@ROWCOUNT, @n, CERTENCODED(CERT_ID(N'c')), CAST(1 AS varbinary(max))", []sqlToken{
			tok(sqlKeyword, "SELECT"), tok(sqlPlain, " "), tok(sqlVariable, "@@ROWCOUNT"), tok(sqlPlain, ", "), tok(sqlVariable, "@n"), tok(sqlPlain, ", "),
			tok(sqlFunction, "CERTENCODED"), tok(sqlPlain, "("), tok(sqlFunction, "CERT_ID"), tok(sqlPlain, "("), tok(sqlString, "N'c'"), tok(sqlPlain, ")), "),
			tok(sqlFunction, "CAST"), tok(sqlPlain, "("), tok(sqlNumber, "1"), tok(sqlPlain, " "), tok(sqlKeyword, "AS"), tok(sqlPlain, " "),
			tok(sqlType, "varbinary"), tok(sqlPlain, "("), tok(sqlFunction, "max"), tok(sqlPlain, "))"),
		}},
		// Names that merely contain a keyword are names; N alone is a name.
		{"endpoint_x HOST_A N x1", []sqlToken{tok(sqlPlain, "endpoint_x HOST_A N x1")}},
		// Not a variable: $( without a closing ), in code and in a string.
		{"$(A B) '$(' '$(X'", []sqlToken{tok(sqlPlain, "$(A B) "), tok(sqlString, "'$('"), tok(sqlPlain, " "), tok(sqlString, "'$(X'")}},
		// Unterminated: to the end, as SQL Server reads it.
		{"SELECT 'abc", []sqlToken{tok(sqlKeyword, "SELECT"), tok(sqlPlain, " "), tok(sqlString, "'abc")}},
		{"[abc", []sqlToken{tok(sqlName, "[abc")}},
		{"/* a /* b */", []sqlToken{tok(sqlComment, "/* a /* b */")}},
		// A string continued on the next line (WrapSQL's backslash).
		{"0x30\\\n82 N'ab\\\ncd'", []sqlToken{tok(sqlNumber, "0x30"), tok(sqlPlain, "\\\n"), tok(sqlNumber, "82"), tok(sqlPlain, " "), tok(sqlString, "N'ab\\\ncd'")}},
	} {
		if got := lexTSQL(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("lexTSQL(%q)\n got %v\nwant %v", tc.in, got, tc.want)
		}
	}
}

// TestHighlightColoursTheRightTokens: each token is drawn in its own
// kind's style, whole, and stripping the colours gives the text back.
func TestHighlightColoursTheRightTokens(t *testing.T) {
	for _, dark := range []bool{true, false} {
		st := styles.Default(false, false, dark).SQL
		in := "GRANT CONNECT ON ENDPOINT::[End]]point] TO [HOST_B_login]; -- why\n/* it */ SELECT 0x3082AB, N'a''b', $(V);"
		got := highlightTSQL(in, &st)
		if ansi.Strip(got) != in {
			t.Fatalf("dark=%v: the text changed:\n got %q\nwant %q", dark, ansi.Strip(got), in)
		}
		for _, want := range []string{
			st.Keyword.Render("GRANT"), st.Keyword.Render("ENDPOINT"), st.Keyword.Render("SELECT"),
			st.Name.Render("[End]]point]"), st.Name.Render("[HOST_B_login]"),
			st.Comment.Render("-- why"), st.Comment.Render("/* it */"),
			st.Number.Render("0x3082AB"), st.String.Render("N'a''b'"), st.Variable.Render("$(V)"),
		} {
			if !strings.Contains(got, want) {
				t.Errorf("dark=%v: %q is not in\n%q", dark, want, got)
			}
		}
		// Colours must differ by kind, or the test above proves nothing.
		if st.Keyword.Render("x") == st.Name.Render("x") || st.String.Render("x") == st.Comment.Render("x") {
			t.Errorf("dark=%v: two kinds share a colour", dark)
		}
	}
	light, dark := styles.Default(false, false, false).SQL, styles.Default(false, false, true).SQL
	if highlightTSQL("SELECT 1", &light) == highlightTSQL("SELECT 1", &dark) {
		t.Error("the light and the dark styles colour alike")
	}
	if got := highlightTSQL("SELECT 1", nil); got != "SELECT 1" {
		t.Errorf("no styles coloured the text: %q", got)
	}
}

// TestHighlightKeepsLinesApart: a token across a line break (a long
// constant wrapped by WrapSQL, a block comment) is coloured line by line,
// never padded, and tabs stay tabs.
func TestHighlightKeepsLinesApart(t *testing.T) {
	st := styles.Default(false, false, true).SQL
	in := "/* one\r\n  two */\tN'ab\\\nc'"
	got := highlightTSQL(in, &st)
	if ansi.Strip(got) != in {
		t.Fatalf("text changed:\n got %q\nwant %q", ansi.Strip(got), in)
	}
	for _, line := range strings.Split(got, "\n") {
		if strings.HasSuffix(ansi.Strip(line), " ") {
			t.Errorf("line padded: %q", line)
		}
	}
	if !strings.Contains(got, st.Comment.Render("  two */")) || !strings.Contains(got, st.String.Render("c'")) {
		t.Errorf("the second line of a token is not coloured: %q", got)
	}
}

// TestSQLWordsSorted: the word lists are searched by bisection, so they
// must be upper case, sorted, and in one list only.
func TestSQLWordsSorted(t *testing.T) {
	seen := map[string]string{}
	for name, list := range map[string][]string{"keywords": sqlKeywords, "functions": sqlFunctions, "types": sqlTypes} {
		if !slices.IsSorted(list) {
			t.Errorf("%s are not sorted", name)
		}
		for _, w := range list {
			if w != strings.ToUpper(w) {
				t.Errorf("%s: %q is not upper case", name, w)
			}
			if other, ok := seen[w]; ok {
				t.Errorf("%q is in %s and %s", w, name, other)
			}
			seen[w] = name
		}
	}
}

// FuzzHighlightKeepsText: whatever the input, highlighting only adds
// colours, and the lexer's tokens join to the input.
func FuzzHighlightKeepsText(f *testing.F) {
	for _, s := range []string{"", "'", "[", "/*", "--", "$(", "N'", "0x", "@@", "SELECT [a]]b] FROM t -- c\n/* /* */ */ N'x''y' $(V)", "é 1.e+ \t"} {
		f.Add(s)
	}
	st := styles.Default(false, false, true).SQL
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || strings.ContainsRune(s, '\x1b') {
			return // terminal text is valid UTF-8 without escapes
		}
		var joined strings.Builder
		for _, tk := range lexTSQL(s) {
			if tk.text == "" {
				t.Fatalf("empty token in %q", s)
			}
			joined.WriteString(tk.text)
		}
		if joined.String() != s {
			t.Fatalf("tokens join to %q, not %q", joined.String(), s)
		}
		if got := ansi.Strip(highlightTSQL(s, &st)); got != s {
			t.Fatalf("highlight changed %q into %q", s, got)
		}
	})
}
