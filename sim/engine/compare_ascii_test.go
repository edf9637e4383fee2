package engine

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCompareCI checks compareCI against upper-casing both sides, on edge
// cases and random strings over an alphabet of ASCII letters, digits,
// punctuation around the letters, trailing spaces and non-ASCII letters
// whose upper case is longer, shorter or ASCII (ß, ı, ſ, é).
func TestCompareCI(t *testing.T) {
	ref := func(a, b string) int {
		return strings.Compare(strings.ToUpper(strings.TrimRight(a, " ")), strings.ToUpper(strings.TrimRight(b, " ")))
	}
	cases := [][2]string{
		{"", ""}, {"a", "A"}, {"abc", "ABD"}, {"S", "s "}, {"ab", "abc"}, {"_", "a"}, {"[", "a"}, {"`", "A"},
		{"ıf", "IF"}, {"ſ", "s"}, {"straße", "STRASSE"}, {"é", "É"}, {"a\x00", "a"}, {"HOST_A_login", "host_a_LOGIN  "},
	}
	alphabet := []string{"a", "A", "z", "Z", "_", "[", "`", "{", "@", "0", "9", " ", "ß", "ı", "ſ", "é", "É", "ǅ"}
	rng := rand.New(rand.NewPCG(3, 4))
	word := func() string {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	for range 20000 {
		cases = append(cases, [2]string{word(), word()})
	}
	for _, c := range cases {
		if got, want := compareCI(c[0], c[1]), ref(c[0], c[1]); got != want {
			t.Fatalf("compareCI(%q, %q) = %d, want %d", c[0], c[1], got, want)
		}
	}
}
