package engine

import "testing"

func TestLike(t *testing.T) {
	for _, c := range []struct {
		s, p string
		want bool
	}{
		{"##MS_x##", "##%", true},
		{"HOST_A_cert", "host[_]a%", true},
		{"HOSTxA", "HOST[_]A", false},
		{"abc", "a_c", true},
		{"abc", "a[a-c]c", true},
		{"abc", "a[^b]c", false},
		{"abc", "%", true},
		{"", "%", true},
		{"", "_", false},
		{"a[b", "a[b", true},
		{"abc", "ab", false},
		{"abcabc", "%b%c", true},
	} {
		if got := likeMatch(c.s, c.p); got != c.want {
			t.Errorf("%q LIKE %q = %v", c.s, c.p, got)
		}
	}
}

// A pattern full of % must not backtrack exponentially.
func BenchmarkLikeManyPercents(b *testing.B) {
	s := "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	p := "%a%a%a%a%a%a%a%a%a%a%a%a%b"
	for b.Loop() {
		likeMatch(s, p)
	}
}
