package tsql

import (
	"fmt"
	"strings"
)

// QuoteIdent quotes name as a bracketed identifier: every ] is doubled, so
// the name can hold any character and still reads back as itself.
func QuoteIdent(name string) string {
	return "[" + strings.ReplaceAll(name, "]", "]]") + "]"
}

// QuoteLiteral quotes s as a Unicode string literal: N'...' with every '
// doubled. The N prefix keeps non-ASCII names intact whatever the server's
// code page.
func QuoteLiteral(s string) string {
	return "N'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Binary renders b as a varbinary literal, 0x followed by upper-case hex
// (the form SSMS shows for CERTENCODED, so the operator can compare them).
// One pass and one allocation: a certificate is about 800 bytes.
func Binary(b []byte) string {
	const digits = "0123456789ABCDEF"
	var out strings.Builder
	out.Grow(2 + 2*len(b))
	out.WriteString("0x")
	for _, c := range b {
		out.WriteByte(digits[c>>4])
		out.WriteByte(digits[c&0x0f])
	}
	return out.String()
}

// placeholder is the literal that stands for secret v in statement text.
func placeholder(v string) string { return QuoteLiteral("$(" + v + ")") }

// Render returns st.Text with every secret placeholder N'$(Var)' replaced by
// the quoted value from secrets. Only string-literal tokens that are exactly
// a declared placeholder are replaced: a name that happens to read
// "$(LOGIN_PASSWORD_X)" inside brackets, or as part of a longer literal,
// stays as it is, so a hostile name cannot pull a secret into an identifier.
// A missing secret is an error naming the variable, never a value.
func Render(st Statement, secrets map[string]string) (string, error) {
	if len(st.Secrets) == 0 {
		return st.Text, nil
	}
	declared := make(map[string]bool, len(st.Secrets))
	for _, s := range st.Secrets {
		declared[s.Var] = true
	}
	toks, err := scan(st.Text)
	if err != nil {
		return "", fmt.Errorf("render statement: %w", err)
	}
	var b strings.Builder
	b.Grow(len(st.Text) + 32)
	for _, t := range toks {
		if v, ok := placeholderVar(t); ok && declared[v] {
			val, ok := secrets[v]
			if !ok {
				return "", fmt.Errorf("secret %s was not supplied", v)
			}
			b.WriteString(QuoteLiteral(val))
			continue
		}
		b.WriteString(t.Text)
	}
	return b.String(), nil
}

// placeholderVar reports whether t is a literal N'$(Var)' and returns Var.
func placeholderVar(t token) (string, bool) {
	if t.Kind != tokString {
		return "", false
	}
	v := t.Value
	if !strings.HasPrefix(v, "$(") || !strings.HasSuffix(v, ")") {
		return "", false
	}
	name := v[2 : len(v)-1]
	if !isVarName(name) {
		return "", false
	}
	return name, true
}

// isVarName reports whether s is a valid sqlcmd variable name as mirrorcert
// makes them: ASCII letters, digits and _, not starting with a digit.
func isVarName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r == '_':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Guarded returns st as an exported script shows it: wrapped in
// IF <Guard> BEGIN ... END so that running the script twice is harmless.
// A statement without a guard is returned as it is.
func Guarded(st Statement) string {
	if st.Guard == "" {
		return st.Text
	}
	return "IF " + st.Guard + "\nBEGIN\n    " + indent(st.Text, "    ") + "\nEND"
}

// indent puts prefix after every line break that lies between tokens. Line
// breaks inside a literal or bracketed name are part of its value and stay
// untouched. Text that does not scan is returned unchanged rather than risk
// altering a value.
func indent(text, prefix string) string {
	toks, err := scan(text)
	if err != nil {
		return text
	}
	var b strings.Builder
	for _, t := range toks {
		if t.Kind == tokSpace {
			b.WriteString(strings.ReplaceAll(t.Text, "\n", "\n"+prefix))
			continue
		}
		b.WriteString(t.Text)
	}
	return b.String()
}
