package session

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/msdsn"

	"github.com/mirrorcert/mirrorcert/plan"
)

func host(server string, a plan.Auth) plan.Host {
	return plan.Host{Name: "HOST_A", Server: server, Role: plan.RolePartner, Auth: a}
}

func TestBuildConfigEncryptModes(t *testing.T) {
	cases := []struct {
		encrypt string
		trust   bool
		want    msdsn.Encryption
		skip    bool // InsecureSkipVerify expected
		tls     bool
	}{
		{plan.EncryptDisable, false, msdsn.EncryptionDisabled, false, false},
		{plan.EncryptOptional, false, msdsn.EncryptionOff, false, true},
		{plan.EncryptMandatory, false, msdsn.EncryptionRequired, false, true},
		{plan.EncryptMandatory, true, msdsn.EncryptionRequired, true, true},
		{"", false, msdsn.EncryptionRequired, false, true},
		// strict always validates, as the Microsoft drivers do
		{plan.EncryptStrict, true, msdsn.EncryptionStrict, false, true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/trust=%v", c.encrypt, c.trust), func(t *testing.T) {
			cfg, err := buildConfig(host("sqla.corp.example\\INST,1444", plan.Auth{User: "sa", Encrypt: c.encrypt, TrustServerCertificate: c.trust}), "pw")
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Encryption != c.want {
				t.Errorf("encryption %v want %v", cfg.Encryption, c.want)
			}
			if (cfg.TLSConfig != nil) != c.tls {
				t.Fatalf("TLS config present=%v want %v", cfg.TLSConfig != nil, c.tls)
			}
			if c.tls && cfg.TLSConfig.InsecureSkipVerify != c.skip {
				t.Errorf("InsecureSkipVerify=%v want %v", cfg.TLSConfig.InsecureSkipVerify, c.skip)
			}
			if cfg.Host != "sqla.corp.example" || cfg.Instance != "INST" || cfg.Port != 1444 {
				t.Errorf("address %s \\ %s , %d", cfg.Host, cfg.Instance, cfg.Port)
			}
			if cfg.AppName != "mirrorcert" || cfg.Database != "master" || !cfg.DisableRetry {
				t.Errorf("app %q db %q retry disabled %v", cfg.AppName, cfg.Database, cfg.DisableRetry)
			}
		})
	}
}

func TestBuildConfigHostNameAndCA(t *testing.T) {
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	// Any PEM certificate will do; use one the test generates.
	if err := os.WriteFile(ca, testCertPEM(t), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := buildConfig(host("127.0.0.1,1433", plan.Auth{User: "sa", Encrypt: plan.EncryptStrict, HostNameInCertificate: "sql.example", CACertificate: ca}), "pw")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TLSConfig.ServerName != "sql.example" || !cfg.HostInCertificateProvided || cfg.TLSConfig.RootCAs == nil {
		t.Fatalf("server name %q provided %v roots %v", cfg.TLSConfig.ServerName, cfg.HostInCertificateProvided, cfg.TLSConfig.RootCAs)
	}
	if err := os.WriteFile(ca, []byte("not pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := buildConfig(host("h", plan.Auth{User: "sa", CACertificate: ca}), "pw"); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Fatalf("want a clear error for a bad CA file, got %v", err)
	}
}

func TestBuildConfigRejectsBadInput(t *testing.T) {
	cases := map[string]plan.Host{
		"no login":       host("h", plan.Auth{Encrypt: plan.EncryptMandatory}),
		"bad encrypt":    host("h", plan.Auth{User: "sa", Encrypt: "maybe"}),
		"bad port":       host("h,99999", plan.Auth{User: "sa"}),
		"conn string":    host("server=h;password=x", plan.Auth{User: "sa"}),
		"missing server": host("", plan.Auth{User: "sa"}),
	}
	for name, h := range cases {
		if _, err := buildConfig(h, "Secret!123"); err == nil {
			t.Errorf("%s: want an error", name)
		} else if strings.Contains(err.Error(), "Secret!123") || strings.Contains(err.Error(), "password=x") {
			t.Errorf("%s: error repeats a secret: %v", name, err)
		}
	}
}

func TestIntegratedAuthProviders(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SSPI handles -E on Windows")
	}
	krb := host("h", plan.Auth{Integrated: true})
	cfg, err := buildConfig(krb, "")
	if err != nil || cfg.Parameters["authenticator"] != "krb5" || needsPassword(krb) {
		t.Fatalf("Kerberos: %v %v needsPassword=%v", cfg.Parameters, err, needsPassword(krb))
	}
	ntlm := host("h", plan.Auth{Integrated: true, User: `CORP\dba`})
	cfg, err = buildConfig(ntlm, "pw")
	if err != nil || cfg.Parameters["authenticator"] != "ntlm" || !needsPassword(ntlm) {
		t.Fatalf("NTLM: %v %v", cfg.Parameters, err)
	}
	if !needsPassword(host("h", plan.Auth{User: "sa"})) {
		t.Fatal("SQL auth needs a password")
	}
}

func TestExplainConnectError(t *testing.T) {
	h := host("sqla,1433", plan.Auth{User: "sa"})
	tlsErr := explainConnectError(h, fmt.Errorf("TLS Handshake failed: %w", x509.UnknownAuthorityError{}))
	for _, want := range []string{"HOST_A", "-C", "-F", "ca_certificate"} {
		if !strings.Contains(tlsErr.Error(), want) {
			t.Errorf("TLS error lacks %q: %v", want, tlsErr)
		}
	}
	login := explainConnectError(h, mssql.Error{Number: 18456, Class: 14, Message: "Login failed for user 'sa'."})
	if !strings.Contains(login.Error(), "MIRRORCERT_PASSWORD_HOST_A") {
		t.Errorf("login error: %v", login)
	}
	var me mssql.Error
	if errors.As(login, &me) {
		t.Errorf("login error should be reworded, not wrapped: %v", login)
	}
}

// TestBuildConfigTLSVersions: TDS 7.x connections offer what SQL Server
// speaks inside PRELOGIN (TLS 1.2), strict ones leave 1.3 open.
func TestBuildConfigTLSVersions(t *testing.T) {
	for encrypt, max := range map[string]uint16{
		plan.EncryptOptional:  tls.VersionTLS12,
		plan.EncryptMandatory: tls.VersionTLS12,
		plan.EncryptStrict:    0, // Go's newest, 1.3
	} {
		cfg, err := buildConfig(host("sqla.corp.example,1444", plan.Auth{User: "sa", Encrypt: encrypt}), "pw")
		if err != nil {
			t.Fatal(err)
		}
		if cfg.TLSConfig.MaxVersion != max || cfg.TLSConfig.MinVersion != tls.VersionTLS12 {
			t.Errorf("%s: TLS versions %x..%x, want 1.2..%x", encrypt, cfg.TLSConfig.MinVersion, cfg.TLSConfig.MaxVersion, max)
		}
	}
}
