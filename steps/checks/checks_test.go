package checks

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
)

func TestConfiguredIsHealthy(t *testing.T) {
	p := testPlan()
	fs := run(p, configured(p))
	if len(fs) != 0 || !Healthy(fs) {
		t.Fatalf("a configured setup has findings: %v", summary(fs))
	}
}

func TestNotReadHostIsSkipped(t *testing.T) {
	p := testPlan()
	hs := configured(p)
	hs["HOST_B"] = &Host{}
	if fs := run(p, hs); len(fs) != 0 {
		t.Fatalf("an unread host must give no findings of its own nor about it: %v", summary(fs))
	}
}

// Each case breaks one thing and names the code, host and peer expected,
// with a piece of the fix T-SQL.
func TestFindings(t *testing.T) {
	type tc struct {
		name             string
		breakIt          func(p *plan.Plan, hs map[string]*Host)
		code, host, peer string
		severity         Severity
		fix              string // substring of the fix T-SQL ("" for none)
		note             string // substring of FixNote
	}
	st := func(hs map[string]*Host, h string) *steps.State { return hs[h].State }
	cases := []tc{
		{name: "endpoint missing", breakIt: func(p *plan.Plan, hs map[string]*Host) { st(hs, "HOST_B").Endpoint = nil },
			code: CodeEndpointMissing, host: "HOST_B", fix: "CREATE ENDPOINT [Endpoint_Mirroring]"},
		{name: "endpoint stopped", breakIt: func(p *plan.Plan, hs map[string]*Host) { st(hs, "HOST_B").Endpoint.State = "STOPPED" },
			code: CodeEndpointStopped, host: "HOST_B", fix: "ALTER ENDPOINT [Endpoint_Mirroring] STATE = STARTED"},
		{name: "windows endpoint", breakIt: func(p *plan.Plan, hs map[string]*Host) {
			e := st(hs, "HOST_B").Endpoint
			e.Auth, e.CertificateName = "NEGOTIATE", ""
		}, code: CodeEndpointNotCertificate, host: "HOST_B", fix: "AUTHENTICATION = CERTIFICATE [HOST_B_cert]"},
		{name: "wrong certificate", breakIt: func(p *plan.Plan, hs map[string]*Host) {
			s := st(hs, "HOST_A")
			s.Certificates = append(s.Certificates, steps.Certificate{Name: "other_cert", PvtKeyEncryption: "MK", ExpiryDate: p.Certificate.Expiry, Thumbprint: thumb("X")})
			s.Endpoint.CertificateName = "other_cert"
		}, code: CodeEndpointWrongCert, host: "HOST_A", fix: "AUTHENTICATION = CERTIFICATE [HOST_A_cert]"},
		{name: "witness with ROLE PARTNER", breakIt: func(p *plan.Plan, hs map[string]*Host) { st(hs, "HOST_W").Endpoint.Role = "PARTNER" },
			code: CodeEndpointRole, host: "HOST_W", fix: "ROLE = WITNESS"},
		{name: "partner with ROLE WITNESS", breakIt: func(p *plan.Plan, hs map[string]*Host) { st(hs, "HOST_A").Endpoint.Role = "WITNESS" },
			code: CodeEndpointRole, host: "HOST_A", fix: "ROLE = ALL"},
		{name: "expired", breakIt: func(p *plan.Plan, hs map[string]*Host) {
			st(hs, "HOST_A").Certificates[0].ExpiryDate = testNow.AddDate(0, 0, -1)
		}, code: CodeCertExpired, host: "HOST_A", note: "mirrorcert rotate --plan PLAN --host HOST_A"},
		{name: "expiring", breakIt: func(p *plan.Plan, hs map[string]*Host) {
			st(hs, "HOST_A").Certificates[0].ExpiryDate = testNow.AddDate(0, 0, 10)
		}, code: CodeCertExpiring, host: "HOST_A", severity: Warning, note: "rotate"},
		{name: "not yet valid", breakIt: func(p *plan.Plan, hs map[string]*Host) {
			st(hs, "HOST_B").Certificates[0].StartDate = testNow.Add(5 * time.Hour)
		}, code: CodeCertNotYetValid, host: "HOST_B"},
		{name: "password-protected key", breakIt: func(p *plan.Plan, hs map[string]*Host) {
			st(hs, "HOST_W").Certificates[0].PvtKeyEncryption = "PW"
		}, code: CodeCertNoPrivateKey, host: "HOST_W", note: "ALTER CERTIFICATE [HOST_W_cert] WITH PRIVATE KEY"},
		{name: "copy missing", breakIt: func(p *plan.Plan, hs map[string]*Host) {
			s := st(hs, "HOST_B")
			s.Certificates = slices.DeleteFunc(s.Certificates, func(c steps.Certificate) bool { return c.Name == "HOST_A_cert" })
		}, code: CodePeerCertMissing, host: "HOST_B", peer: "HOST_A", fix: "CREATE CERTIFICATE [HOST_A_cert]\n    AUTHORIZATION [HOST_A_user]\n    FROM BINARY = 0x4445522D484F53545F41"},
		{name: "stale copy", breakIt: func(p *plan.Plan, hs map[string]*Host) {
			s := st(hs, "HOST_B")
			for i := range s.Certificates {
				if s.Certificates[i].Name == "HOST_A_cert" {
					s.Certificates[i].Thumbprint = thumb("OLD")
				}
			}
		}, code: CodePeerCertMismatch, host: "HOST_B", peer: "HOST_A", fix: "DROP CERTIFICATE [HOST_A_cert]"},
		{name: "user missing", breakIt: func(p *plan.Plan, hs map[string]*Host) {
			s := st(hs, "HOST_A")
			s.Users = slices.DeleteFunc(s.Users, func(u steps.User) bool { return u.Name == "HOST_W_user" })
			for i := range s.Certificates {
				if s.Certificates[i].Name == "HOST_W_cert" {
					s.Certificates[i].Owner = ""
				}
			}
		}, code: CodePeerUserMissing, host: "HOST_A", peer: "HOST_W", fix: "CREATE USER [HOST_W_user] FOR LOGIN [HOST_W_login]"},
		{name: "login missing", breakIt: func(p *plan.Plan, hs map[string]*Host) {
			s := st(hs, "HOST_A")
			s.Logins = slices.DeleteFunc(s.Logins, func(l steps.Login) bool { return l.Name == "HOST_W_login" })
			s.ConnectGrants = slices.DeleteFunc(s.ConnectGrants, func(g string) bool { return g == "HOST_W_login" })
			for i := range s.Users {
				if s.Users[i].Name == "HOST_W_user" {
					s.Users[i].Login = ""
				}
			}
		}, code: CodePeerLoginMissing, host: "HOST_A", peer: "HOST_W", fix: "CREATE LOGIN [HOST_W_login] WITH PASSWORD = N'$(LOGIN_PASSWORD_HOST_W)'"},
		{name: "connect missing", breakIt: func(p *plan.Plan, hs map[string]*Host) {
			s := st(hs, "HOST_B")
			s.ConnectGrants = slices.DeleteFunc(s.ConnectGrants, func(g string) bool { return g == "HOST_A_login" })
		}, code: CodeConnectMissing, host: "HOST_B", peer: "HOST_A", fix: "GRANT CONNECT ON ENDPOINT::[Endpoint_Mirroring] TO [HOST_A_login];"},
		{name: "rc4 witness", breakIt: func(p *plan.Plan, hs map[string]*Host) { st(hs, "HOST_W").Endpoint.Encryption = "RC4" },
			code: CodeEncryptionIncompatible, host: "HOST_W", peer: "HOST_A", fix: "ENCRYPTION = REQUIRED ALGORITHM AES"},
		{name: "encryption disabled against required", breakIt: func(p *plan.Plan, hs map[string]*Host) {
			e := st(hs, "HOST_B").Endpoint
			e.EncryptionEnabled, e.Encryption = false, "NONE"
		}, code: CodeEncryptionIncompatible, host: "HOST_B", peer: "HOST_A"},
		{name: "unreachable", breakIt: func(p *plan.Plan, hs map[string]*Host) { hs["HOST_B"].Reach.Err = "connection refused" },
			code: CodeEndpointUnreachable, host: "HOST_B", note: "Open TCP port 7024"},
		{name: "no view definition", breakIt: func(p *plan.Plan, hs map[string]*Host) {
			hs["HOST_A"].Perms = Perms{Known: true, Login: "dba", ViewServerState: true, CanReadLog: true}
		}, code: CodePermissionInsufficient, host: "HOST_A", fix: "GRANT VIEW ANY DEFINITION TO [dba];"},
		{name: "cannot read log", breakIt: func(p *plan.Plan, hs map[string]*Host) {
			hs["HOST_A"].Perms = Perms{Known: true, Login: "dba", ViewServerState: true, ViewAnyDefinition: true}
		}, code: CodePermissionInsufficient, host: "HOST_A", note: "ALTER SERVER ROLE [securityadmin] ADD MEMBER [dba];"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := testPlan()
			hs := configured(p)
			c.breakIt(p, hs)
			fs := run(p, hs)
			f := mustFind(t, fs, c.code, c.host, c.peer)
			want := c.severity
			if want == "" {
				want = Error
			}
			if f.Severity != want {
				t.Errorf("severity %s, want %s", f.Severity, want)
			}
			if Healthy(fs) != (want == Warning) {
				t.Errorf("Healthy = %v with %v", Healthy(fs), summary(fs))
			}
			if c.fix != "" && !strings.Contains(fixText(f), c.fix) {
				t.Errorf("fix %q lacks %q", fixText(f), c.fix)
			}
			if c.note != "" && !strings.Contains(f.FixNote, c.note) {
				t.Errorf("fix note %q lacks %q", f.FixNote, c.note)
			}
			if f.Message == "" || len(f.Evidence) == 0 {
				t.Errorf("finding without message or evidence: %+v", f)
			}
		})
	}
}

// One missing login must not also be reported as missing user, copy and
// CONNECT: one cause, one finding, whose fix creates the whole chain.
func TestMissingLoginIsOneFindingWithTheWholeChain(t *testing.T) {
	p := testPlan()
	hs := configured(p)
	for _, h := range []string{"HOST_A", "HOST_B"} {
		s := hs[h].State
		s.Logins = slices.DeleteFunc(s.Logins, func(l steps.Login) bool { return l.Name == "HOST_W_login" })
		s.Users = slices.DeleteFunc(s.Users, func(u steps.User) bool { return u.Name == "HOST_W_user" })
		s.Certificates = slices.DeleteFunc(s.Certificates, func(c steps.Certificate) bool { return c.Name == "HOST_W_cert" })
		s.ConnectGrants = slices.DeleteFunc(s.ConnectGrants, func(g string) bool { return g == "HOST_W_login" })
	}
	fs := run(p, hs)
	want := []string{"peer-login-missing@HOST_A/HOST_W:error", "peer-login-missing@HOST_B/HOST_W:error"}
	if !slices.Equal(summary(fs), want) {
		t.Fatalf("got %v, want %v", summary(fs), want)
	}
	fix := fixText(&fs[0])
	for i, w := range []string{"CREATE LOGIN [HOST_W_login]", "CREATE USER [HOST_W_user]", "CREATE CERTIFICATE [HOST_W_cert]", "GRANT CONNECT ON ENDPOINT::[Endpoint_Mirroring] TO [HOST_W_login]"} {
		at := strings.Index(fix, w)
		if at < 0 {
			t.Fatalf("fix step %d %q missing from\n%s", i, w, fix)
		}
		fix = fix[at:]
	}
}

func TestEncryptionTable(t *testing.T) {
	ep := func(enabled bool, desc string) *steps.Endpoint {
		return &steps.Endpoint{EncryptionEnabled: enabled, Encryption: desc}
	}
	rows := []struct {
		a, b *steps.Endpoint
		ok   bool
	}{
		{ep(false, "NONE"), ep(false, "NONE"), true},
		{ep(false, "NONE"), ep(true, "NONE, AES"), true},
		{ep(false, "NONE"), ep(true, "AES"), false},
		{ep(true, "NONE, AES"), ep(true, "NONE, AES"), true},
		{ep(true, "NONE, AES"), ep(true, "AES"), true},
		{ep(true, "AES"), ep(true, "AES"), true},
		{ep(true, "AES"), ep(true, "RC4"), false},
		{ep(true, "AES RC4"), ep(true, "RC4"), true},
		{ep(true, "RC4, AES"), ep(true, "AES"), true},
		{ep(true, "NONE, RC4"), ep(true, "AES"), false},
		{ep(true, "NONE, RC4"), ep(true, "NONE, AES"), true},
	}
	for _, r := range rows {
		for _, pair := range [][2]*steps.Endpoint{{r.a, r.b}, {r.b, r.a}} {
			am, aa := encryptionOf(pair[0])
			bm, ba := encryptionOf(pair[1])
			if got := negotiate(am, aa, bm, ba) == ""; got != r.ok {
				t.Errorf("%v/%q against %v/%q: ok=%v, want %v", pair[0].EncryptionEnabled, pair[0].Encryption, pair[1].EncryptionEnabled, pair[1].Encryption, got, r.ok)
			}
		}
	}
}

func TestWarnWindow(t *testing.T) {
	p := testPlan()
	hs := configured(p)
	hs["HOST_A"].State.Certificates[0].ExpiryDate = testNow.AddDate(0, 0, 45)
	if fs := Run(Input{Plan: p, Hosts: hs, Now: testNow}); has(fs, CodeCertExpiring, "HOST_A", "") != nil {
		t.Fatalf("45 days is outside the default 30-day window: %v", summary(fs))
	}
	fs := Run(Input{Plan: p, Hosts: hs, Now: testNow, WarnWithin: 60 * 24 * time.Hour})
	mustFind(t, fs, CodeCertExpiring, "HOST_A", "")
}

func TestAGReplicaNeedsPartnerRole(t *testing.T) {
	p := testPlan()
	p.Mode = plan.ModeAG
	for i := range p.Hosts {
		p.Hosts[i].Role = plan.RoleReplica
	}
	hs := configured(p)
	if fs := run(p, hs); len(fs) != 0 {
		t.Fatalf("configured AG: %v", summary(fs))
	}
	hs["HOST_B"].State.Endpoint.Role = "WITNESS"
	mustFind(t, run(p, hs), CodeEndpointRole, "HOST_B", "")
}

func TestItems(t *testing.T) {
	p := testPlan()
	hs := configured(p)
	revokeConnectT(hs, "HOST_B", "HOST_A_login")
	hs["HOST_W"].State.Endpoint.State = "STOPPED"
	hs["HOST_A"].State.Certificates[0].ExpiryDate = testNow.AddDate(0, 0, 5)
	items := Items(run(p, hs))
	get := func(host, id string) *steps.Item {
		for i := range items[host] {
			if items[host][i].ID == id {
				return &items[host][i]
			}
		}
		t.Fatalf("no %s on %s: %+v", id, host, items[host])
		return nil
	}
	c := get("HOST_B", "check/connect-missing/HOST_A")
	if c.Status != steps.Pending || len(c.Statements) != 1 || c.Conflict != nil {
		t.Fatalf("a GRANT is a plain step: %+v", c)
	}
	st := get("HOST_W", "check/endpoint-stopped")
	if st.Status != steps.Conflict || st.Conflict == nil || st.Conflict.Object != "Endpoint_Mirroring" || !st.Conflict.RemedyReady() {
		t.Fatalf("ALTER ENDPOINT needs the typed confirmation: %+v", st)
	}
	w := get("HOST_A", "check/cert-expiring")
	if w.Status != steps.Done || len(w.Warnings) == 0 {
		t.Fatalf("a warning without a fix informs, it does not block: %+v", w)
	}
}

func revokeConnectT(hs map[string]*Host, host, login string) {
	s := hs[host].State
	s.ConnectGrants = slices.DeleteFunc(s.ConnectGrants, func(g string) bool { return g == login })
}

// After `mirrorcert rotate` every endpoint uses <host>_cert_<date> and the
// peers hold that copy: healthy, like the checklist says.
func TestRotatedSetupIsHealthy(t *testing.T) {
	p := testPlan()
	hs := configured(p)
	for _, x := range hs {
		for i := range x.State.Certificates {
			x.State.Certificates[i].Name += "_20300101"
		}
		x.State.Endpoint.CertificateName += "_20300101"
	}
	if fs := run(p, hs); len(fs) != 0 {
		t.Fatalf("rotated setup: %v", summary(fs))
	}
	// Any other name is still the wrong certificate.
	hs["HOST_A"].State.Endpoint.CertificateName = "someone_elses"
	hs["HOST_A"].State.Certificates = append(hs["HOST_A"].State.Certificates, steps.Certificate{Name: "someone_elses", PvtKeyEncryption: "MK", ExpiryDate: p.Certificate.Expiry})
	mustFind(t, run(p, hs), CodeEndpointWrongCert, "HOST_A", "")
}
