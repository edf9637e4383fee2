package styles

import (
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/steps"
)

func TestFitPadsAndCuts(t *testing.T) {
	for _, c := range []struct {
		in   string
		w    int
		want string
	}{{"abc", 5, "abc  "}, {"abcdef", 3, "abc"}, {"a界b", 2, "a "}, {"", 0, ""}} {
		if got := Fit(c.in, c.w); got != c.want || ansi.StringWidth(got) != c.w {
			t.Errorf("Fit(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
	}
}

func TestNoColorHasNoColourAndASCIIHasNoSymbols(t *testing.T) {
	s := Default(true, true, true)
	g, gs := s.Glyph(&steps.Item{Status: steps.Done})
	if out := gs.Render(g); out != "[x]" {
		t.Errorf("ascii no-colour done glyph = %q", out)
	}
}

func TestCleanDropsControlCharacters(t *testing.T) {
	if got := Clean("a\x1b[31mb\x07c\rd\u009be"); got != "a[31mbc de" {
		t.Errorf("Clean = %q", got)
	}
	if got := CleanLines("CREATE\n  [x\x1by];"); got != "CREATE\n  [xy];" {
		t.Errorf("CleanLines = %q", got)
	}
	if s := "plain [name]"; Clean(s) != s {
		t.Error("a clean string changed")
	}
}
