package session

import (
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

// redactReference is Redact as it was before the pair filter: every
// secret, longest first, replaced wherever it occurs.
func redactReference(secrets []string, s string) string {
	list := append([]string(nil), secrets...)
	sort.SliceStable(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, k := range list {
		s = strings.ReplaceAll(s, k, Mask)
	}
	return s
}

// TestRedactMatchesReference: the filter that skips texts without a
// secret never skips one that has one, wherever it sits (start, end,
// inside another, quoted, one byte long).
func TestRedactMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	secrets := []string{"x", "Pa'ss]word1", "ssw", "AB12CD34EF", "Zq9!Zq9!", "é-secret-ü"}
	r := NewRedactor()
	for _, s := range secrets {
		r.Add(s)
	}
	all := []string{}
	for k := range r.secrets {
		all = append(all, k)
	}
	pieces := append([]string{"0x3082", "CREATE LOGIN ", "'", "]", "é", "AB12", "CD34", " ", "\n"}, all...)
	for i := range 20000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		text := b.String()
		if got, want := r.Redact(text), redactReference(all, text); got != want {
			t.Fatalf("case %d: Redact(%q) = %q, want %q", i, text, got, want)
		}
	}
	if got := r.Redact("nothing to hide, 0A3082AB"); got != "nothing to hide, 0A3082AB" {
		t.Errorf("text without a secret changed: %q", got)
	}
}
