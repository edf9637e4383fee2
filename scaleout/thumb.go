package scaleout

import (
	"fmt"
	"strings"
	"unicode"
)

// NormalizeThumbprint returns a thumbprint as 40 upper-case hex digits. It
// drops what people paste along with one: spaces (certmgr shows "01 d2 07
// ..."), colons, and the invisible marks the Windows certificate dialog
// copies in front of the value (U+200E LEFT-TO-RIGHT MARK and friends). ok
// is false when what remains is not 20 bytes of hex.
func NormalizeThumbprint(s string) (norm string, ok bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ':' || unicode.IsSpace(r) || isInvisible(r):
			continue
		default:
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	norm = b.String()
	if len(norm) != 40 {
		return norm, false
	}
	for _, r := range norm {
		if !strings.ContainsRune("0123456789ABCDEF", r) {
			return norm, false
		}
	}
	return norm, true
}

// SameThumbprint compares two thumbprints ignoring case, spaces and
// invisible marks. Two values that are not thumbprints are never the same.
func SameThumbprint(a, b string) bool {
	na, oka := NormalizeThumbprint(a)
	nb, okb := NormalizeThumbprint(b)
	return oka && okb && na == nb
}

// invisibleIn describes the invisible characters in s ("U+200E at 1"), or
// "" when there are none. A thumbprint pasted with U+200E looks right on
// screen but is not found by .NET's X509Store.Find, so the services that
// read these files fail to start or to connect.
func invisibleIn(s string) string {
	var found []string
	i := 0
	for _, r := range s {
		i++
		if isInvisible(r) {
			found = append(found, fmt.Sprintf("U+%04X at character %d", r, i))
		}
	}
	return strings.Join(found, ", ")
}

func isInvisible(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\uFEFF', '\u2060':
		return true
	}
	return false
}
