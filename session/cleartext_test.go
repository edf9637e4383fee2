package session_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
)

// The session knows, per host, whether the connection is really encrypted:
// `optional` against a server that does not force encryption encrypts only
// the login packet (the simulator negotiates as SQL Server does).
func TestHostsReportWhetherTheConnectionIsEncrypted(t *testing.T) {
	cl := startSim(t, nil, 0)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, cl.CACertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	for mode, want := range map[string]bool{plan.EncryptDisable: false, plan.EncryptOptional: false, plan.EncryptMandatory: true, plan.EncryptStrict: true} {
		t.Run(mode, func(t *testing.T) {
			p := simPlan(t, cl, plan.ModeMirroring)
			for i := range p.Hosts {
				p.Hosts[i].Auth.Encrypt = mode
				p.Hosts[i].Auth.CACertificate = ca
			}
			s := session.Open(context.Background(), simOptions(t, p, t.TempDir()))
			defer s.Close()
			for _, h := range s.Hosts() {
				if !h.Connected || h.Encrypted != want {
					t.Errorf("%s: connected %v encrypted %v, want encrypted %v (%v)", h.Name, h.Connected, h.Encrypted, want, h.Err)
				}
			}
		})
	}
}

// A step carrying a secret is refused on a connection that is not
// encrypted, before anything is sent, with the fix; the explicit override
// lets it run.
func TestSecretStepRefusedInCleartext(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	for i := range p.Hosts {
		p.Hosts[i].Auth.Encrypt = plan.EncryptOptional
	}
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	refs := s.CleartextSecretSteps()
	want := steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}
	found := false
	for _, r := range refs {
		found = found || r == want
	}
	if !found {
		t.Fatalf("CleartextSecretSteps = %v, want it to list %s", refs, want)
	}
	before := s.Stats().RoundTrips
	_, err := s.Run(ctx, want)
	if err == nil {
		t.Fatal("a master key password was sent on a connection that is not encrypted")
	}
	for _, w := range []string{"not encrypted", "-N mandatory", "-C", "--allow-cleartext-secrets"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("refusal lacks %q: %v", w, err)
		}
	}
	if n := s.Stats().RoundTrips - before; n != 0 {
		t.Errorf("%d round trip(s) after the refusal; nothing may be sent", n)
	}
	o := simOptions(t, p, t.TempDir())
	o.AllowCleartextSecrets = true
	s2 := session.Open(ctx, o)
	defer s2.Close()
	if _, err := s2.Run(ctx, want); err != nil {
		t.Fatalf("with the override: %v", err)
	}
}
