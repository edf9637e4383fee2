package session

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
)

func TestGeneratePasswordStrongAndVaried(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		pw, err := GeneratePassword(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) < 24 {
			t.Fatalf("password %d chars, want >= 24", len(pw))
		}
		for _, set := range []string{pwLower, pwUpper, pwDigit, pwSymbol} {
			if !strings.ContainsAny(pw, set) {
				t.Fatalf("password lacks a character of %q", set)
			}
		}
		if strings.ContainsAny(pw, `'"[]\$ `) {
			t.Fatalf("password has a character that breaks quoting: %q", pw)
		}
		if seen[pw] {
			t.Fatalf("duplicate password after %d", i)
		}
		seen[pw] = true
	}
}

func TestGeneratePasswordReportsBrokenRandomness(t *testing.T) {
	if _, err := GeneratePassword(bytes.NewReader(nil)); err == nil {
		t.Fatal("want an error from an exhausted random source")
	}
}

func TestMasterKeyFromEnv(t *testing.T) {
	env := map[string]string{"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_A": "From-Env-1234!"}
	mk := MasterKeyFromEnv(func(k string) string { return env[k] }, nil)
	pw, gen, err := mk("HOST_A")
	if err != nil || gen || pw != "From-Env-1234!" {
		t.Fatalf("HOST_A: got %q generated=%v err=%v", pw, gen, err)
	}
	b, genB, err := mk("HOST_B")
	if err != nil || !genB || len(b) < 24 {
		t.Fatalf("HOST_B: got len %d generated=%v err=%v", len(b), genB, err)
	}
	w, _, _ := mk("HOST_W")
	if w == b {
		t.Fatal("two hosts got the same generated master key password")
	}
}

func TestPasswordFromEnvOrder(t *testing.T) {
	env := map[string]string{"SQLCMDPASSWORD": "shared", "MIRRORCERT_PASSWORD_HOST_B": "own"}
	get := func(k string) string { return env[k] }
	if pw, ok := PasswordFromEnv(get, "HOST_B"); !ok || pw != "own" {
		t.Fatalf("HOST_B: %q %v", pw, ok)
	}
	if pw, ok := PasswordFromEnv(get, "host-a"); !ok || pw != "shared" {
		t.Fatalf("host-a: %q %v", pw, ok)
	}
	delete(env, "SQLCMDPASSWORD")
	if _, ok := PasswordFromEnv(get, "HOST_A"); ok {
		t.Fatal("want no password")
	}
	if EnvName("sql-a.corp") != "SQL_A_CORP" {
		t.Fatalf("EnvName = %q", EnvName("sql-a.corp"))
	}
}

func TestRedactorMasksQuotedForms(t *testing.T) {
	r := NewRedactor()
	r.Add("it's]secret")
	r.Add("")
	for _, in := range []string{
		"pw it's]secret here",
		"CREATE LOGIN x WITH PASSWORD = N'it''s]secret'",
		"[it's]]secret]",
	} {
		out := r.Redact(in)
		if strings.Contains(out, "secret") {
			t.Errorf("Redact(%q) = %q", in, out)
		}
		if !strings.Contains(out, Mask) {
			t.Errorf("Redact(%q) = %q: no mask", in, out)
		}
	}
	if got := r.Redact("nothing to hide"); got != "nothing to hide" {
		t.Errorf("changed a clean string: %q", got)
	}
}

func TestRedactErrorKeepsTypes(t *testing.T) {
	r := NewRedactor()
	r.Add("Hunter2!Hunter2!")
	base := errors.New("login failed with Hunter2!Hunter2!")
	err := r.RedactError(base)
	if strings.Contains(err.Error(), "Hunter2") || !errors.Is(err, base) {
		t.Fatalf("got %v (Is=%v)", err, errors.Is(err, base))
	}
	se := &SQLError{Host: "HOST_A", Step: "outbound/master-key", Number: 15118, Severity: 16, Line: 1, Message: "bad Hunter2!Hunter2!"}
	var got *SQLError
	if !errors.As(r.RedactError(se), &got) || strings.Contains(got.Message, "Hunter2") || got.Number != 15118 {
		t.Fatalf("SQLError not kept or not masked: %#v", got)
	}
	if r.RedactError(nil) != nil {
		t.Fatal("nil must stay nil")
	}
}

// cycleReader yields 0, 1, ..., 255, 0, 1, ... for ever.
type cycleReader struct{ next byte }

func (c *cycleReader) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = c.next
		c.next++
	}
	return len(b), nil
}

// TestPickerUniform: over every byte value each index below n comes out
// equally often (no modulo bias), for the sizes passwords use.
func TestPickerUniform(t *testing.T) {
	for _, n := range []int{len(pwLower), len(pwUpper), len(pwDigit), len(pwSymbol), len(pwLower + pwUpper + pwDigit + pwSymbol), 28, 2, 1} {
		p := &picker{rnd: &cycleReader{}}
		counts := make([]int, n)
		draws := (256 - 256%n) * 4 // four full cycles of accepted bytes
		for range draws {
			k, err := p.intn(n)
			if err != nil {
				t.Fatal(err)
			}
			counts[k]++
		}
		for k, c := range counts {
			if c != draws/n {
				t.Fatalf("n=%d: index %d drawn %d times, want %d", n, k, c, draws/n)
			}
		}
	}
}

// BenchmarkGeneratePassword: a host's inbound batch on 9 replicas makes 8.
func BenchmarkGeneratePassword(b *testing.B) {
	for b.Loop() {
		if _, err := GeneratePassword(nil); err != nil {
			b.Fatal(err)
		}
	}
}
