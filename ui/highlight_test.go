package ui

import (
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// TestHighlightSameAsChromaRegistry: the copies of the T-SQL lexer and the
// two styles colour exactly as chroma's registries do (only the test binary
// loads those registries).
func TestHighlightSameAsChromaRegistry(t *testing.T) {
	lexer := chroma.Coalesce(lexers.Get("tsql"))
	for _, text := range []string{
		"CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(MASTER_KEY_PASSWORD_HOST_A)';",
		"CREATE CERTIFICATE [HOST_A_cert]\n    WITH SUBJECT = N'HOST_A certificate', EXPIRY_DATE = '20291130';",
		"GRANT CONNECT ON ENDPOINT::[Endpoint_Mirroring] TO [HOST_B_login]; -- why\n/* it */ SELECT 0x3082AB;",
	} {
		for _, style := range []string{"monokai", "github"} {
			it, err := lexer.Tokenise(nil, text)
			if err != nil {
				t.Fatal(err)
			}
			var want strings.Builder
			if err := formatters.TTY256.Format(&want, styles.Get(style), it); err != nil {
				t.Fatal(err)
			}
			got := highlightTSQL(text, style)
			if got == text {
				t.Fatalf("not highlighted in %s: %q", style, text)
			}
			if w := strings.TrimRight(want.String(), "\n"); got != w {
				t.Errorf("%s: highlight differs from chroma's registry\n got %q\nwant %q", style, got, w)
			}
		}
	}
	if got := highlightTSQL("SELECT 1", "no-such-style"); got != "SELECT 1" {
		t.Errorf("an unknown style coloured the text: %q", got)
	}
}
