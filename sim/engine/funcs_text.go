package engine

import (
	"bytes"
	"strings"
)

func substring(v any, start, length int64) any {
	if length < 0 {
		panic(newErr(537, "Invalid length parameter passed to the LEFT or SUBSTRING function."))
	}
	if b, ok := v.([]byte); ok {
		lo, hi := clampRange(start, length, int64(len(b)))
		return bytes.Clone(b[lo:hi])
	}
	r := []rune(toString(v))
	lo, hi := clampRange(start, length, int64(len(r)))
	return string(r[lo:hi])
}

func clampRange(start, length, n int64) (int64, int64) {
	lo := start - 1
	hi := lo + length
	if lo < 0 {
		lo = 0
	}
	if hi > n {
		hi = n
	}
	if lo > n {
		lo = n
	}
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

func replaceCI(s, old, repl string) string {
	if old == "" {
		return s
	}
	var b strings.Builder
	us, uo := strings.ToUpper(s), strings.ToUpper(old)
	for {
		i := strings.Index(us, uo)
		if i < 0 || len(us) != len(s) {
			if i >= 0 {
				return strings.ReplaceAll(s, old, repl)
			}
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, us = s[i+len(old):], us[i+len(uo):]
	}
}
