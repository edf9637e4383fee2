package session_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/microsoft/go-mssqldb/msdsn"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
)

// TestRealServerStateRead reads a real SQL Server's state through the same
// path as status. It changes nothing on the server. Set MIRRORCERT_TEST_DSN
// (e.g. sqlserver://user:pw@host:1433?encrypt=true) to run it.
func TestRealServerStateRead(t *testing.T) {
	dsn := os.Getenv("MIRRORCERT_TEST_DSN")
	if dsn == "" {
		t.Skip("MIRRORCERT_TEST_DSN not set: no real SQL Server to test against")
	}
	cfg, err := msdsn.Parse(dsn)
	if err != nil {
		t.Fatalf("MIRRORCERT_TEST_DSN does not parse (the error is not shown: it could contain the password)")
	}
	server := cfg.Host
	if cfg.Instance != "" {
		server += `\` + cfg.Instance
	}
	if cfg.Port != 0 {
		server += fmt.Sprintf(",%d", cfg.Port)
	}
	encrypt := plan.EncryptMandatory
	switch cfg.Encryption {
	case msdsn.EncryptionDisabled:
		encrypt = plan.EncryptDisable
	case msdsn.EncryptionOff:
		encrypt = plan.EncryptOptional
	case msdsn.EncryptionStrict:
		encrypt = plan.EncryptStrict
	}
	auth := plan.Auth{User: cfg.User, Encrypt: encrypt, TrustServerCertificate: cfg.TrustServerCertificate}
	// The second host is a name only; its connection is expected to fail or
	// to be the same server: what is tested is HOST_A's read.
	p := &plan.Plan{
		Mode: plan.ModeMirroring,
		Hosts: []plan.Host{
			{Name: "REAL_A", Server: server, Role: plan.RolePartner, Auth: auth, EndpointRole: "ALL"},
			{Name: "REAL_B", Server: server, Role: plan.RolePartner, Auth: auth, EndpointRole: "ALL"},
		},
		Auth:        auth,
		Endpoint:    plan.Endpoint{Name: "Endpoint_Mirroring", Port: 7024, Encryption: "AES"},
		Certificate: plan.Certificate{Expiry: time.Now().AddDate(2, 0, 0).UTC().Truncate(24 * time.Hour)},
		Transfer:    plan.TransferInband,
	}
	s := session.Open(context.Background(), session.Options{
		Plan:          p,
		Passwords:     func(string) (string, error) { return cfg.Password, nil },
		TranscriptDir: t.TempDir(),
	})
	defer s.Close()
	h := s.Hosts()[0]
	if h.Err != nil {
		t.Fatalf("REAL_A: %v", h.Err)
	}
	st, err := s.Refresh(context.Background(), "REAL_A")
	if err != nil {
		t.Fatal(err)
	}
	if st.ProductVersion == "" || h.Version == "" {
		t.Fatalf("no product version: %+v", st)
	}
	for _, c := range st.Certificates {
		if len(c.Thumbprint) != 20 && len(c.Thumbprint) != 32 {
			t.Errorf("certificate %s: thumbprint of %d bytes", c.Name, len(c.Thumbprint))
		}
	}
	c := s.Checklist()
	if len(c.Hosts) != 2 || len(c.Hosts[0].Items) == 0 {
		t.Fatalf("checklist %+v", c)
	}
	for _, it := range c.Hosts[0].Items {
		if it.Status == steps.Unknown {
			t.Errorf("%s unknown after a successful read", it.Ref)
		}
	}
}
