package detail

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// unwrap undoes WrapSQL the way SQL Server reads it: a backslash before a
// line break inside a constant joins the lines; other line breaks (and the
// continuation indent) are whitespace between tokens.
func unwrap(s string) string {
	s = strings.ReplaceAll(s, "\\\n", "")
	return strings.Join(strings.Fields(s), " ")
}

// Item 13: T-SQL never wraps inside a name, and long constants are continued
// so that copying the lines gives the same statement.
func TestWrapSQLBreaksOnlyBetweenTokens(t *testing.T) {
	ep, _ := tsql.CreateEndpoint("Endpoint Mirroring [prod] with a long name", 7024, "HOST_WITH_A_LONG_NAME_cert", "AES", "ALL")
	bin := make([]byte, 300)
	for i := range bin {
		bin[i] = byte(i)
	}
	peer := tsql.CreatePeerCertificateFromBinary("HOST_B_cert", "HOST_B_user", bin)
	for _, stmt := range []tsql.Statement{ep, peer} {
		for _, w := range []int{30, 47, 78} {
			got := WrapSQL(stmt.Text, w)
			for _, l := range strings.Split(got, "\n") {
				// Only a name longer than a line may overflow: it has no
				// continuation, so it is left whole.
				if ansi.StringWidth(l) > w && len(tokens(l)) > 1 {
					t.Errorf("w=%d: line wider than %d: %q", w, w, l)
				}
				if insideNameAtEnd(l) {
					t.Errorf("w=%d: a name is cut: %q", w, l)
				}
			}
			if unwrap(got) != unwrap(stmt.Text) {
				t.Errorf("w=%d: wrapping changed the statement:\n%s\n---\n%s", w, stmt.Text, got)
			}
		}
	}
}

func TestWrapSQLKeepsShortLines(t *testing.T) {
	in := "CREATE USER [u] FOR LOGIN [l];"
	if got := WrapSQL(in, 80); got != in {
		t.Errorf("got %q", got)
	}
}

// insideNameAtEnd reports whether a line ends inside a [bracketed name].
func insideNameAtEnd(l string) bool {
	in := false
	for i := 0; i < len(l); i++ {
		switch {
		case !in && l[i] == '[':
			in = true
		case in && l[i] == ']' && i+1 < len(l) && l[i+1] == ']':
			i++
		case in && l[i] == ']':
			in = false
		case !in && l[i] == '\'':
			// skip a string literal
			for i++; i < len(l) && !(l[i] == '\'' && (i+1 == len(l) || l[i+1] != '\'')); i++ {
				if l[i] == '\'' {
					i++
				}
			}
		}
	}
	return in
}
