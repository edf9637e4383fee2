package checks

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
)

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func testPlan() *plan.Plan {
	auth := plan.Auth{User: "sa", Encrypt: plan.EncryptMandatory}
	return &plan.Plan{
		Mode: plan.ModeMirroring,
		Hosts: []plan.Host{
			{Name: "HOST_A", Server: "127.0.0.1,14330", Address: "127.0.10.1", Role: plan.RolePartner, Auth: auth},
			{Name: "HOST_B", Server: "127.0.0.1,14331", Address: "127.0.10.2", Role: plan.RolePartner, Auth: auth},
			{Name: "HOST_W", Server: "127.0.0.1,14332", Address: "127.0.10.3", Role: plan.RoleWitness, Auth: auth},
		},
		Auth:        auth,
		Endpoint:    plan.Endpoint{Name: "Endpoint_Mirroring", Port: 7024, Encryption: "AES"},
		Certificate: plan.Certificate{Expiry: time.Date(2029, 11, 30, 0, 0, 0, 0, time.UTC)},
		Transfer:    plan.TransferInband,
	}
}

func thumb(host string) []byte {
	t := make([]byte, 20)
	copy(t, host)
	return t
}

// configured is what apply leaves: every host with its own certificate and
// endpoint, and for every peer login, user, copy and CONNECT.
func configured(p *plan.Plan) map[string]*Host {
	out := map[string]*Host{}
	for _, h := range p.Hosts {
		role := "ALL"
		if h.Role == plan.RoleWitness {
			role = "WITNESS"
		}
		s := &steps.State{
			MasterKey: true,
			Certificates: []steps.Certificate{{Name: p.CertName(h.Name), Owner: "dbo", PvtKeyEncryption: "MK",
				StartDate: testNow.AddDate(0, 0, -2), ExpiryDate: p.Certificate.Expiry, Thumbprint: thumb(h.Name), Encoded: []byte("DER-" + h.Name)}},
			Endpoint: &steps.Endpoint{Name: "Endpoint_Mirroring", ID: 65536, State: "STARTED", Role: role, Auth: "CERTIFICATE",
				CertificateName: p.CertName(h.Name), EncryptionEnabled: true, Encryption: "AES", Port: 7024},
		}
		for _, peer := range p.Peers(h.Name) {
			s.Logins = append(s.Logins, steps.Login{Name: p.LoginName(peer)})
			s.Users = append(s.Users, steps.User{Name: p.UserName(peer), Login: p.LoginName(peer)})
			s.Certificates = append(s.Certificates, steps.Certificate{Name: p.CertName(peer), Owner: p.UserName(peer), PvtKeyEncryption: "NA",
				StartDate: testNow.AddDate(0, 0, -2), ExpiryDate: p.Certificate.Expiry, Thumbprint: thumb(peer)})
			s.ConnectGrants = append(s.ConnectGrants, p.LoginName(peer))
		}
		out[h.Name] = &Host{State: s, Perms: Perms{Known: true, Login: "sa", Sysadmin: true, ViewAnyDefinition: true, ViewServerState: true, CanReadLog: true},
			LogRead: true, Reach: &Reach{Address: h.Address, Port: 7024}}
	}
	return out
}

func run(p *plan.Plan, hosts map[string]*Host) []Finding {
	return Run(Input{Plan: p, Hosts: hosts, Now: testNow})
}

// summary renders findings as "code@host/peer" for comparison.
func summary(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s@%s/%s:%s", f.Code, f.Host, f.Peer, f.Severity))
	}
	return out
}

func has(fs []Finding, code, host, peer string) *Finding {
	for i := range fs {
		if fs[i].Code == code && fs[i].Host == host && fs[i].Peer == peer {
			return &fs[i]
		}
	}
	return nil
}

func fixText(f *Finding) string {
	var b strings.Builder
	for _, st := range f.Fix {
		b.WriteString(st.Text + "\n")
	}
	return b.String()
}

func mustFind(t *testing.T, fs []Finding, code, host, peer string) *Finding {
	t.Helper()
	f := has(fs, code, host, peer)
	if f == nil {
		t.Fatalf("no %s on %s (peer %q); got %v", code, host, peer, summary(fs))
	}
	return f
}
