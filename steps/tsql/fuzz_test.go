package tsql

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// hostileSeeds are names built to break out of quoting, plus harmless ones.
var hostileSeeds = []string{
	"]", "'", "]]", "''", ";--", "' OR 1=1 --", "x]; DROP LOGIN sa; --", "[", "\"",
	"HOST_A", "ünïcödé_名前", "\x00", "a\x00b", "line\nbreak", "\r\nGO\r\n", "$(x)",
	"$(MASTER_KEY_PASSWORD_A)", "N'$(LOGIN_PASSWORD_B)'", "/*", "*/", "--", "\xff\xfe",
}

// oneToken scans text and requires exactly one token of kind, returning it.
func oneToken(t *testing.T, text string, kind tokKind) token {
	t.Helper()
	toks, err := scan(text)
	if err != nil {
		t.Fatalf("scan(%q): %v", text, err)
	}
	if len(toks) != 1 || toks[0].Kind != kind {
		t.Fatalf("scan(%q) = %+v, want one token of kind %d", text, toks, kind)
	}
	return toks[0]
}

func FuzzQuoteIdent(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		q := QuoteIdent(name)
		if tok := oneToken(t, q, tokIdent); tok.Value != name {
			t.Fatalf("QuoteIdent(%q) reads back as %q", name, tok.Value)
		}
		// Also in context: what follows the name must stay outside it.
		toks, err := scan("SELECT " + q + "; SELECT 1")
		if err != nil || len(toks) != 8 || toks[2].Kind != tokIdent || toks[2].Value != name {
			t.Fatalf("in context: %+v %v", toks, err)
		}
	})
}

func FuzzQuoteLiteral(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := QuoteLiteral(s)
		if tok := oneToken(t, q, tokString); tok.Value != s {
			t.Fatalf("QuoteLiteral(%q) reads back as %q", s, tok.Value)
		}
		toks, err := scan("SELECT " + q + "; SELECT 1")
		if err != nil || len(toks) != 8 || toks[2].Kind != tokString || toks[2].Value != s {
			t.Fatalf("in context: %+v %v", toks, err)
		}
	})
}

// allStatements builds every statement with name in every name position and
// value as every secret value; rendered statements have their secrets filled.
func allStatements(name, value string) ([]string, error) {
	d := time.Date(2029, 11, 30, 0, 0, 0, 0, time.UTC)
	mk, ls := MasterKeySecret("A"), LoginSecret("B")
	ep, err := CreateEndpoint(name, 7024, name, "AES", "ALL")
	if err != nil {
		return nil, err
	}
	enc, _ := AlterEndpointEncryption(name, "RC4 AES")
	role, _ := AlterEndpointRole(name, "WITNESS")
	sts := []Statement{
		CreateMasterKey(mk), CreateCertificate(name, name, d, d), ep, AlterEndpointAuth(name, name),
		AlterEndpointState(name), enc, role, BackupCertificate(name, name), CreateLogin(name, ls),
		CreateUser(name, name), CreatePeerCertificateFromBinary(name, name, []byte(name)),
		CreatePeerCertificateFromFile(name, name, name), GrantConnect(name, name),
		AlterCertificateOwner(name, name), DropCertificate(name), DropEndpoint(name), SelectCertEncoded(name),
	}
	var out []string
	for _, st := range sts {
		r, err := Render(st, map[string]string{mk.Var: value, ls.Var: value})
		if err != nil {
			return nil, err
		}
		out = append(out, r, Guarded(st))
	}
	return out, nil
}

// shape is the token structure of text with quoted names and literals
// reduced to their kind: the same shape for a benign and a hostile name means
// the hostile one changed nothing but the values.
func shape(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		switch t.Kind {
		case tokIdent:
			b.WriteString("<ident>")
		case tokString:
			b.WriteString("<string>")
		case tokNumber:
			if strings.HasPrefix(t.Text, "0x") {
				b.WriteString("<binary>")
				continue
			}
			b.WriteString(t.Text)
		case tokSpace:
			b.WriteString(" ")
		default:
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

func FuzzStatements(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s, s)
	}
	f.Add("x", "' ; SHUTDOWN --")
	benign, err := allStatements("benign", "benign")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		got, err := allStatements(name, value)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			bt, err := scan(benign[i])
			if err != nil {
				t.Fatal(err)
			}
			ht, err := scan(got[i])
			if err != nil {
				t.Fatalf("statement %d does not scan with name %q: %v\n%s", i, name, err, got[i])
			}
			if shape(bt) != shape(ht) {
				t.Fatalf("name %q value %q changed the statement's structure:\n%s\nvs\n%s", name, value, got[i], benign[i])
			}
			for j := range ht {
				if bt[j].Kind != tokIdent && bt[j].Kind != tokString {
					continue
				}
				if bt[j].Value == "benign" && ht[j].Value != name && ht[j].Value != value {
					t.Fatalf("token %d of statement %d reads %q, want %q or %q", j, i, ht[j].Value, name, value)
				}
				if bt[j].Value == "$(benign)" && ht[j].Value != "$("+name+")" {
					t.Fatalf("token %d reads %q", j, ht[j].Value)
				}
			}
		}
	})
}

func TestScanRecognisesTSQL(t *testing.T) {
	toks, err := scan("SELECT N'a''b', [x]]y], \"q\"\"r\" /* c /* nested */ */ -- tail\n0xAB")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, tk := range toks {
		if tk.Kind != tokSpace {
			kinds = append(kinds, fmt.Sprintf("%d:%s", tk.Kind, tk.Value))
		}
	}
	want := "4:SELECT 2:a'b 6: 3:x]y 6: 3:q\"r 1: 1: 5:"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("scan kinds = %q, want %q", got, want)
	}
	for _, bad := range []string{"N'open", "[open", "/* open", "\"open"} {
		if _, err := scan(bad); err == nil {
			t.Errorf("scan(%q) accepted an unterminated token", bad)
		}
	}
}
