package detail

import (
	"regexp"
	"strings"
	"testing"

	"charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

func masterKeyInput() *Input {
	return &Input{Item: steps.Item{Ref: steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}, Title: "Master key", Status: steps.Pending,
		Why:        "The endpoint certificate's private key is protected by the database master key.",
		Statements: []tsql.Statement{tsql.CreateMasterKey(tsql.MasterKeySecret("HOST_A"))}}}
}

func TestContentMasksSecretsAndShowsTheStatement(t *testing.T) {
	st := styles.Default(true, false, true)
	got := ansi.Strip(Content(masterKeyInput(), &st, 60, nil))
	if !strings.Contains(got, "CREATE MASTER KEY ENCRYPTION BY PASSWORD") || !strings.Contains(got, st.Glyphs.Mask) {
		t.Fatalf("content:\n%s", got)
	}
	if strings.Contains(got, "$(") {
		t.Errorf("a secret placeholder shows:\n%s", got)
	}
	if !strings.Contains(got, "generated when the step runs and shown to you once") {
		t.Errorf("the mask is not explained:\n%s", got)
	}
}

func TestContentShowsAServerError(t *testing.T) {
	st := styles.Default(true, false, true)
	in := masterKeyInput()
	in.Item.Status = steps.Failed
	in.Outcome = &Outcome{ErrHead: "Msg 15118, Level 16, State 1, Line 1", ErrText: "Password validation failed.", Explain: "Not complex enough."}
	got := ansi.Strip(Content(in, &st, 60, nil))
	for _, want := range []string{"Msg 15118, Level 16, State 1, Line 1", "Password validation failed.", "What it usually means: Not complex enough."} {
		if !strings.Contains(got, want) {
			t.Errorf("content lacks %q:\n%s", want, got)
		}
	}
}

func TestPaneScrollsAndResetsForANewStep(t *testing.T) {
	st := styles.Default(true, false, true)
	d := New(&st)
	d.SetSize(40, 3)
	d.SetFocus(true)
	content := "one\ntwo\nthree\nfour\nfive"
	d.SetContent(steps.Ref{Host: "A", ID: "x"}, "k1", content)
	d.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	if got := ansi.Strip(d.View()); !strings.HasPrefix(got, "two") {
		t.Fatalf("after down: %q", got)
	}
	for _, l := range d.Lines() {
		if ansi.StringWidth(l) != 40 {
			t.Fatalf("line %q is not 40 cells", l)
		}
	}
	d.SetContent(steps.Ref{Host: "A", ID: "y"}, "k2", content)
	if got := ansi.Strip(d.View()); !strings.HasPrefix(got, "one") {
		t.Fatalf("a new step does not start at the top: %q", got)
	}
}

// TestMaskSecretsAsTheRegexp: the loop masks exactly what the regexp it
// replaced (compiled at start-up in every command) matched.
func TestMaskSecretsAsTheRegexp(t *testing.T) {
	re := regexp.MustCompile(`\$\([A-Za-z_][A-Za-z0-9_]*\)`)
	for _, in := range []string{
		"", "no variable", "N'$(MASTER_KEY_PASSWORD_HOST_A)'", "$(A)$(b_1)", "$()", "$(1A)", "$(A", "$(A-B)",
		"$$(X)", "$($(X))", "x $(_) y $(é) z", "PASSWORD = N'$(LOGIN_PASSWORD_HOST_B)';\n$(",
	} {
		for _, mask := range []string{"••••", ""} {
			if got, want := MaskSecrets(in, mask), re.ReplaceAllString(in, mask); got != want {
				t.Errorf("MaskSecrets(%q, %q) = %q, want %q", in, mask, got, want)
			}
		}
	}
}
