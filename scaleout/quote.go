package scaleout

import (
	"net"
	"strings"
)

// PSQuote is the one place a value enters PowerShell text: a single-quoted
// literal, in which nothing is expanded, with every quote doubled.
// PowerShell also ends a single-quoted string at the typographic quotes
// U+2018, U+2019, U+201A and U+201B, so those are doubled too.
func PSQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\'', '\u2018', '\u2019', '\u201A', '\u201B':
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

// psArray is @('a', 'b') with every element quoted by PSQuote.
func psArray(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = PSQuote(v)
	}
	return "@(" + strings.Join(q, ", ") + ")"
}

// subjectOf is the X.500 subject with one CN per name, as MakeCert -n
// "CN=a;CN=b" makes it. Names are validated host names or IP addresses, so
// no character needs escaping in the distinguished name.
func subjectOf(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = "CN=" + n
	}
	return strings.Join(parts, ", ")
}

// makeCertName is MakeCert's -n form of the same subject.
func makeCertName(names []string) string {
	return strings.ReplaceAll(subjectOf(names), ", ", ";")
}

// sanExtension is New-SelfSignedCertificate's -TextExtension for the
// subject alternative names: TLS clients match the host against these,
// not the CN, when the extension is present.
func sanExtension(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		if net.ParseIP(n) != nil {
			parts[i] = "IPAddress=" + n
		} else {
			parts[i] = "DNS=" + n
		}
	}
	return "2.5.29.17={text}" + strings.Join(parts, "&")
}

func (p *Plan) masterSubject() string      { return subjectOf(p.MasterNames) }
func (p *Plan) masterMakeCertName() string { return makeCertName(p.MasterNames) }
