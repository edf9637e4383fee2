package session

import (
	"strings"
	"testing"
)

func TestRedactServerMasksPartialEchoes(t *testing.T) {
	r := NewRedactor()
	r.Add("Mk3yPw_WVB4j-Xq9!tail")
	r.Add("Sa-Pässwörd!")
	cases := map[string][]string{
		"Incorrect syntax near 'Mk3yPw_WVB4j'.": {"Mk3y", "WVB4", "Pw_W"},
		"near 'Xq9!t' and 'tail'":               {"Xq9!", "tail"},
		"Login failed: 'Pässw'":                 {"Pässw", "ässw"},
	}
	for in, frags := range cases {
		out := r.RedactServer(in)
		for _, f := range frags {
			if strings.Contains(out, f) {
				t.Errorf("RedactServer(%q) = %q keeps %q", in, out, f)
			}
		}
		if !strings.Contains(out, Mask) {
			t.Errorf("RedactServer(%q) = %q: nothing masked", in, out)
		}
		if !strings.ContainsRune(out, '\'') {
			t.Errorf("RedactServer(%q) = %q masked more than the echo", in, out)
		}
	}
	// Three characters in common, or text unrelated to any secret, stay.
	for _, keep := range []string{"Incorrect syntax near 'Mk3'.", "There is already a master key in the database."} {
		if got := r.RedactServer(keep); got != keep {
			t.Errorf("RedactServer(%q) = %q, want it unchanged", keep, got)
		}
	}
	if got := NewRedactor().RedactServer("plain"); got != "plain" {
		t.Errorf("empty redactor changed text: %q", got)
	}
}

// BenchmarkRedactServer masks one server message with the secrets of a
// nine-replica apply (a connection password and 72 login passwords, each
// with its quoted forms).
func BenchmarkRedactServer(b *testing.B) {
	r := NewRedactor()
	r.Add("Sa-Connection-Pa55word!")
	for range 72 {
		pw, err := GeneratePassword(nil)
		if err != nil {
			b.Fatal(err)
		}
		r.Add(pw)
	}
	msg := "Incorrect syntax near 'Mk3yPw_WVB4j'. The password does not meet the operating system policy requirements because it is not complex enough."
	for b.Loop() {
		r.RedactServer(msg)
	}
}

// BenchmarkRedactStatement masks one statement the size of a peer
// certificate's CREATE CERTIFICATE ... FROM BINARY with the secrets of a
// nine-replica apply (9 master keys, 72 logins and a connection password):
// apply masks every statement it sends, for the transcript and the screen.
func BenchmarkRedactStatement(b *testing.B) {
	r := NewRedactor()
	r.Add("Sa-Connection-Pa55word!")
	for range 81 {
		pw, err := GeneratePassword(nil)
		if err != nil {
			b.Fatal(err)
		}
		r.Add(pw)
	}
	text := "CREATE CERTIFICATE [HOST_A_cert]\n    AUTHORIZATION [HOST_A_user]\n    FROM BINARY = 0x" + strings.Repeat("308202F0308201D8A00302010202100C0BB25BA1A6ED90FFC44BC5A406DEC4", 26) + ";"
	for b.Loop() {
		r.Redact(text)
	}
}
