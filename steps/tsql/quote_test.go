package tsql

import (
	"strings"
	"testing"
	"time"
)

func TestQuoteIdent(t *testing.T) {
	cases := map[string]string{
		"HOST_A_cert": "[HOST_A_cert]",
		"x]y":         "[x]]y]",
		"]]":          "[]]]]]",
		"":            "[]",
		"a[b":         "[a[b]",
		"it's":        "[it's]",
	}
	for in, want := range cases {
		if got := QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestQuoteLiteral(t *testing.T) {
	cases := map[string]string{
		"it's":     "N'it''s'",
		"":         "N''",
		"''":       "N''''''",
		`C:\x.cer`: `N'C:\x.cer'`,
		"héllo":    "N'héllo'",
	}
	for in, want := range cases {
		if got := QuoteLiteral(in); got != want {
			t.Errorf("QuoteLiteral(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBinary(t *testing.T) {
	if got := Binary([]byte{0x30, 0x82, 0xab, 0x0f}); got != "0x3082AB0F" {
		t.Errorf("Binary = %q", got)
	}
	if got := Binary(nil); got != "0x" {
		t.Errorf("Binary(nil) = %q", got)
	}
}

func TestRenderFillsOnlyDeclaredPlaceholders(t *testing.T) {
	s := LoginSecret("HOST_B")
	st := CreateLogin("HOST_B_login", s)
	got, err := Render(st, map[string]string{s.Var: "pa'ss"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "CREATE LOGIN [HOST_B_login] WITH PASSWORD = N'pa''ss';"; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
	// A login NAMED like the placeholder stays a name: the secret must not
	// be pulled into an identifier.
	hostile := "N'$(" + s.Var + ")'"
	st = CreateLogin(hostile, s)
	got, err = Render(st, map[string]string{s.Var: "SECRET"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(got, "SECRET") != 1 || !strings.Contains(got, QuoteIdent(hostile)) {
		t.Errorf("Render of hostile name = %q", got)
	}
	// A subject that reads like a placeholder is not a declared secret.
	cert := CreateCertificate("c", "$("+s.Var+")", time.Time{}, time.Time{})
	got, err = Render(cert, map[string]string{s.Var: "SECRET"})
	if err != nil || strings.Contains(got, "SECRET") {
		t.Errorf("Render of subject placeholder = %q, %v", got, err)
	}
}

func TestRenderMissingSecretNamesVarNotValue(t *testing.T) {
	mk := MasterKeySecret("HOST_A")
	_, err := Render(CreateMasterKey(mk), map[string]string{"OTHER": "hunter2"})
	if err == nil {
		t.Fatal("Render with a missing secret succeeded")
	}
	if !strings.Contains(err.Error(), "MASTER_KEY_PASSWORD_HOST_A") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error = %q", err)
	}
}

func TestSecretsAreNeverInText(t *testing.T) {
	mk := MasterKeySecret("host-a.corp")
	if mk.Var != "MASTER_KEY_PASSWORD_HOST_A_CORP" || mk.Kind != KindMasterKey || mk.Host != "host-a.corp" {
		t.Errorf("MasterKeySecret = %+v", mk)
	}
	st := CreateMasterKey(mk)
	if st.Text != "CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'$(MASTER_KEY_PASSWORD_HOST_A_CORP)';" {
		t.Errorf("Text = %q", st.Text)
	}
	ls := LoginSecret("HOST_B")
	if ls.Var != "LOGIN_PASSWORD_HOST_B" || ls.Kind != KindLogin || ls.Host != "HOST_B" {
		t.Errorf("LoginSecret = %+v", ls)
	}
}

func TestGuardedKeepsMultilineValues(t *testing.T) {
	st := CreateCertificate("a\nb", "line1\nline2", time.Time{}, time.Date(2029, 11, 30, 0, 0, 0, 0, time.UTC))
	g := Guarded(st)
	if !strings.HasPrefix(g, "IF NOT EXISTS (SELECT 1 FROM sys.certificates WHERE name = N'a\nb')\nBEGIN\n    CREATE CERTIFICATE [a\nb]\n        WITH SUBJECT = N'line1\nline2',\n        EXPIRY_DATE = N'20291130';\nEND") {
		t.Errorf("Guarded = %q", g)
	}
	if got := Guarded(BackupCertificate("c", "f")); got != BackupCertificate("c", "f").Text {
		t.Errorf("unguarded statement changed: %q", got)
	}
}

func TestBuildersRejectBadKeywords(t *testing.T) {
	if _, err := CreateEndpoint("e", 7024, "c", "AES; DROP TABLE x", "ALL"); err == nil {
		t.Error("bad encryption accepted")
	}
	if _, err := CreateEndpoint("e", 7024, "c", "AES", "ALL) --"); err == nil {
		t.Error("bad role accepted")
	}
	if _, err := CreateEndpoint("e", 0, "c", "AES", "ALL"); err == nil {
		t.Error("port 0 accepted")
	}
	if _, err := CreateEndpoint("e", 65536, "c", "AES", "ALL"); err == nil {
		t.Error("port 65536 accepted")
	}
	st, err := CreateEndpoint("e", 7024, "c", " aes  rc4 ", "witness")
	if err != nil || !strings.Contains(st.Text, "ALGORITHM AES RC4") || !strings.Contains(st.Text, "ROLE = WITNESS") {
		t.Errorf("CreateEndpoint = %q, %v", st.Text, err)
	}
}

func TestDestructiveFlags(t *testing.T) {
	enc, _ := AlterEndpointEncryption("e", "AES")
	role, _ := AlterEndpointRole("e", "ALL")
	for _, st := range []Statement{AlterEndpointAuth("e", "c"), AlterEndpointState("e"), enc, role,
		DropCertificate("c"), DropEndpoint("e"), AlterCertificateOwner("c", "u")} {
		if !st.Destructive {
			t.Errorf("%q not marked destructive", st.Text)
		}
	}
	ep, _ := CreateEndpoint("e", 1, "c", "AES", "ALL")
	for _, st := range []Statement{CreateMasterKey(MasterKeySecret("A")), CreateCertificate("c", "s", time.Time{}, time.Time{}),
		ep, BackupCertificate("c", "f"), CreateLogin("l", LoginSecret("B")), CreateUser("u", "l"),
		CreatePeerCertificateFromBinary("c", "u", []byte{1}), CreatePeerCertificateFromFile("c", "u", "f"), GrantConnect("e", "l")} {
		if st.Destructive || st.Database != Master {
			t.Errorf("%q: destructive=%v database=%q", st.Text, st.Destructive, st.Database)
		}
	}
}
