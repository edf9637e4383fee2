package steps

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
)

func TestConflicts(t *testing.T) {
	ep := func(s map[string]*State, h string) *Endpoint { return s[h].Endpoint }
	cert := func(s map[string]*State, h, name string) *Certificate { return s[h].Cert(name) }
	cases := []struct {
		name   string
		mutate func(p *plan.Plan, s map[string]*State)
		ref    Ref
		status Status
		// Substrings expected in What (conflict) or in a warning (done/pending).
		says []string
		// Remedy statement texts expected, in order; Object when a remedy exists.
		remedy []string
		object string
	}{
		{"endpoint uses Windows auth", func(p *plan.Plan, s map[string]*State) {
			e := ep(s, "HOST_A")
			e.Auth, e.CertificateName = "NEGOTIATE", ""
		}, Ref{"HOST_A", IDEndpoint}, Conflict, []string{"Windows authentication (NEGOTIATE)"},
			[]string{"ALTER ENDPOINT [Endpoint_Mirroring]\n    FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE [HOST_A_cert]);"}, "Endpoint_Mirroring"},
		{"endpoint uses another certificate", func(p *plan.Plan, s map[string]*State) {
			ep(s, "HOST_A").CertificateName = "OLD_cert"
		}, Ref{"HOST_A", IDEndpoint}, Conflict, []string{"certificate OLD_cert, not the planned HOST_A_cert"},
			[]string{"ALTER ENDPOINT [Endpoint_Mirroring]\n    FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE [HOST_A_cert]);"}, "Endpoint_Mirroring"},
		{"endpoint allows Windows then certificate", func(p *plan.Plan, s map[string]*State) {
			ep(s, "HOST_A").Auth = "NEGOTIATE CERTIFICATE"
		}, Ref{"HOST_A", IDEndpoint}, Done, nil, nil, ""},
		{"endpoint stopped", func(p *plan.Plan, s map[string]*State) {
			ep(s, "HOST_B").State = "STOPPED"
		}, Ref{"HOST_B", IDEndpoint}, Conflict, []string{"is STOPPED"},
			[]string{"ALTER ENDPOINT [Endpoint_Mirroring] STATE = STARTED;"}, "Endpoint_Mirroring"},
		{"endpoint on another port is reused", func(p *plan.Plan, s map[string]*State) {
			ep(s, "HOST_A").Port = 5022
		}, Ref{"HOST_A", IDEndpoint}, Done, []string{"listens on port 5022, not the planned 7024", "keeps it", ":5022"}, nil, ""},
		{"endpoint with another name is reused", func(p *plan.Plan, s map[string]*State) {
			ep(s, "HOST_A").Name = "Mirroring"
		}, Ref{"HOST_A", IDEndpoint}, Done, []string{"named Mirroring, not Endpoint_Mirroring"}, nil, ""},
		{"existing endpoint RC4 only", func(p *plan.Plan, s map[string]*State) {
			ep(s, "HOST_W").Encryption = "RC4"
		}, Ref{"HOST_W", IDEndpoint}, Conflict, []string{"RC4 only"},
			[]string{"ALTER ENDPOINT [Endpoint_Mirroring]\n    FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM AES);"}, "Endpoint_Mirroring"},
		{"existing endpoint allows RC4 besides AES", func(p *plan.Plan, s map[string]*State) {
			ep(s, "HOST_W").Encryption = "AES RC4"
		}, Ref{"HOST_W", IDEndpoint}, Done, []string{"still allows RC4"}, nil, ""},
		{"existing endpoint without encryption", func(p *plan.Plan, s map[string]*State) {
			e := ep(s, "HOST_W")
			e.EncryptionEnabled, e.Encryption = false, "NONE"
		}, Ref{"HOST_W", IDEndpoint}, Conflict, []string{"does not require encryption"},
			[]string{"ALTER ENDPOINT [Endpoint_Mirroring]\n    FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM AES);"}, "Endpoint_Mirroring"},
		{"planned RC4 only", func(p *plan.Plan, s map[string]*State) {
			p.Endpoint.Encryption = "RC4"
			s["HOST_A"].Endpoint = nil
		}, Ref{"HOST_A", IDEndpoint}, Conflict, []string{"plan asks for RC4"}, nil, ""},
		{"planned AES RC4 is allowed with a warning", func(p *plan.Plan, s map[string]*State) {
			p.Endpoint.Encryption = "AES RC4"
			s["HOST_A"].Endpoint = nil
		}, Ref{"HOST_A", IDEndpoint}, Pending, []string{"allows RC4"}, nil, ""},
		{"partner endpoint with witness role", func(p *plan.Plan, s map[string]*State) {
			ep(s, "HOST_B").Role = "WITNESS"
		}, Ref{"HOST_B", IDEndpoint}, Conflict, []string{"role WITNESS", "needs ALL"},
			[]string{"ALTER ENDPOINT [Endpoint_Mirroring]\n    FOR DATABASE_MIRRORING (ROLE = ALL);"}, "Endpoint_Mirroring"},
		{"witness endpoint with role ALL is fine", func(p *plan.Plan, s map[string]*State) {
			ep(s, "HOST_W").Role = "ALL"
		}, Ref{"HOST_W", IDEndpoint}, Done, nil, nil, ""},
		{"own certificate protected by password, used by endpoint", func(p *plan.Plan, s map[string]*State) {
			cert(s, "HOST_A", "HOST_A_cert").PvtKeyEncryption = "PW"
		}, Ref{"HOST_A", IDCertificate}, Conflict, []string{"protected by a password"}, nil, ""},
		{"own certificate protected by password, unused", func(p *plan.Plan, s map[string]*State) {
			cert(s, "HOST_A", "HOST_A_cert").PvtKeyEncryption = "PW"
			s["HOST_A"].Endpoint = nil
		}, Ref{"HOST_A", IDCertificate}, Conflict, []string{"protected by a password"}, []string{"DROP CERTIFICATE [HOST_A_cert];"}, "HOST_A_cert"},
		{"own certificate without private key", func(p *plan.Plan, s map[string]*State) {
			cert(s, "HOST_B", "HOST_B_cert").PvtKeyEncryption = "NA"
		}, Ref{"HOST_B", IDCertificate}, Conflict, []string{"has no private key"}, nil, ""},
		{"own certificate expired", func(p *plan.Plan, s map[string]*State) {
			cert(s, "HOST_B", "HOST_B_cert").ExpiryDate = testNow.AddDate(0, 0, -1)
		}, Ref{"HOST_B", IDCertificate}, Conflict, []string{"expired on 2026-11-22"}, nil, ""},
		{"own certificate not yet valid", func(p *plan.Plan, s map[string]*State) {
			cert(s, "HOST_B", "HOST_B_cert").StartDate = testNow.AddDate(0, 0, 1)
		}, Ref{"HOST_B", IDCertificate}, Conflict, []string{"not valid until 2026-11-24"}, nil, ""},
		{"own certificate expires within 30 days", func(p *plan.Plan, s map[string]*State) {
			cert(s, "HOST_B", "HOST_B_cert").ExpiryDate = testNow.AddDate(0, 0, 10)
			cert(s, "HOST_A", "HOST_B_cert").ExpiryDate = testNow.AddDate(0, 0, 10)
		}, Ref{"HOST_B", IDCertificate}, Done, []string{"expires on 2026-12-03"}, nil, ""},
		{"peer certificate expires within 30 days", func(p *plan.Plan, s map[string]*State) {
			cert(s, "HOST_B", "HOST_B_cert").ExpiryDate = testNow.AddDate(0, 0, 10)
			cert(s, "HOST_A", "HOST_B_cert").ExpiryDate = testNow.AddDate(0, 0, 10)
		}, Ref{"HOST_A", "inbound/HOST_B/certificate"}, Done, []string{"expires on 2026-12-03"}, nil, ""},
		{"peer certificate expired", func(p *plan.Plan, s map[string]*State) {
			cert(s, "HOST_A", "HOST_W_cert").ExpiryDate = testNow.AddDate(-1, 0, 0)
		}, Ref{"HOST_A", "inbound/HOST_W/certificate"}, Conflict, []string{"expired on 2025-11-23"}, nil, ""},
		{"peer certificate not yet valid", func(p *plan.Plan, s map[string]*State) {
			cert(s, "HOST_A", "HOST_W_cert").StartDate = testNow.AddDate(0, 0, 3)
		}, Ref{"HOST_A", "inbound/HOST_W/certificate"}, Conflict, []string{"not valid until"}, nil, ""},
		{"peer certificate thumbprint differs from peer's own", func(p *plan.Plan, s map[string]*State) {
			cert(s, "HOST_B", "HOST_B_cert").Thumbprint = thumb("NEW_B")
		}, Ref{"HOST_A", "inbound/HOST_B/certificate"}, Conflict, []string{"is not the certificate HOST_B uses", "0x4E45575F42"},
			[]string{"DROP CERTIFICATE [HOST_B_cert];"}, "HOST_B_cert"},
		{"peer certificate left over after the peer lost its own", func(p *plan.Plan, s map[string]*State) {
			s["HOST_B"].Certificates = nil
		}, Ref{"HOST_A", "inbound/HOST_B/certificate"}, Conflict, []string{"left over"}, []string{"DROP CERTIFICATE [HOST_B_cert];"}, "HOST_B_cert"},
		{"peer certificate not compared while the peer is unknown", func(p *plan.Plan, s map[string]*State) {
			delete(s, "HOST_B")
		}, Ref{"HOST_A", "inbound/HOST_B/certificate"}, Done, []string{"thumbprint not compared"}, nil, ""},
		{"peer certificate with a private key", func(p *plan.Plan, s map[string]*State) {
			cert(s, "HOST_A", "HOST_B_cert").PvtKeyEncryption = "MK"
		}, Ref{"HOST_A", "inbound/HOST_B/certificate"}, Conflict, []string{"has a private key"}, []string{"DROP CERTIFICATE [HOST_B_cert];"}, "HOST_B_cert"},
		{"peer certificate owned by another user", func(p *plan.Plan, s map[string]*State) {
			cert(s, "HOST_A", "HOST_B_cert").Owner = "dbo"
		}, Ref{"HOST_A", "inbound/HOST_B/certificate"}, Conflict, []string{"owned by dbo, not HOST_B_user"},
			[]string{"ALTER AUTHORIZATION ON CERTIFICATE::[HOST_B_cert] TO [HOST_B_user];"}, "HOST_B_cert"},
		{"login already mapped to another user", func(p *plan.Plan, s map[string]*State) {
			a := s["HOST_A"]
			for i := range a.Users {
				if a.Users[i].Name == "HOST_B_user" {
					a.Users[i].Name = "legacy_b"
				}
			}
		}, Ref{"HOST_A", "inbound/HOST_B/user"}, Conflict, []string{"login HOST_B_login already has a user in master, legacy_b", "15063"}, nil, ""},
		{"user name taken by another login", func(p *plan.Plan, s map[string]*State) {
			a := s["HOST_A"]
			for i := range a.Users {
				if a.Users[i].Name == "HOST_B_user" {
					a.Users[i].Login = "someone_else"
				}
			}
		}, Ref{"HOST_A", "inbound/HOST_B/user"}, Conflict, []string{"belongs to login someone_else, not HOST_B_login"}, nil, ""},
		{"user without login", func(p *plan.Plan, s map[string]*State) {
			a := s["HOST_A"]
			for i := range a.Users {
				if a.Users[i].Name == "HOST_B_user" {
					a.Users[i].Login = ""
				}
			}
		}, Ref{"HOST_A", "inbound/HOST_B/user"}, Conflict, []string{"belongs to no login"}, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := docsPlan(plan.TransferInband)
			s := allDoneStates(p)
			tc.mutate(p, s)
			c := Build(p, s, testNow)
			it := c.Item(tc.ref)
			if it.Status != tc.status {
				t.Fatalf("%s = %s (%s), want %s", tc.ref, it.Status, it.Detail, tc.status)
			}
			text := strings.Join(it.Warnings, " | ")
			if tc.status == Conflict {
				if it.Conflict == nil || it.Conflict.What == "" || it.Conflict.Fix == "" || it.Detail != it.Conflict.What {
					t.Fatalf("conflict without what/fix: %+v", it.Conflict)
				}
				text = it.Conflict.What
			} else if it.Conflict != nil {
				t.Errorf("non-conflict item carries %+v", it.Conflict)
			}
			for _, want := range tc.says {
				if !strings.Contains(text, want) {
					t.Errorf("%q does not say %q", text, want)
				}
			}
			if tc.status != Conflict {
				return
			}
			if len(it.Conflict.Remedy) != len(tc.remedy) {
				t.Fatalf("remedy %+v, want %q", it.Conflict.Remedy, tc.remedy)
			}
			for i, st := range it.Conflict.Remedy {
				if st.Text != tc.remedy[i] || !st.Destructive {
					t.Errorf("remedy %d = %q destructive=%v, want %q", i, st.Text, st.Destructive, tc.remedy[i])
				}
			}
			if it.Conflict.Object != tc.object && len(tc.remedy) > 0 {
				t.Errorf("object = %q, want %q", it.Conflict.Object, tc.object)
			}
		})
	}
}

func TestEndpointChangeWarnsAboutFailover(t *testing.T) {
	p := docsPlan(plan.TransferInband)
	s := allDoneStates(p)
	s["HOST_A"].Endpoint.Auth = "NEGOTIATE"
	c := Build(p, s, testNow)
	it := c.Item(Ref{"HOST_A", IDEndpoint})
	if !strings.Contains(it.Conflict.Fix, "fail over") || !strings.Contains(it.Conflict.Fix, "Keep the endpoint") {
		t.Errorf("fix = %q", it.Conflict.Fix)
	}
}

func TestGrantUsesExistingEndpointName(t *testing.T) {
	p := docsPlan(plan.TransferInband)
	s := allDoneStates(p)
	s["HOST_A"].Endpoint.Name = "Mirroring"
	s["HOST_A"].ConnectGrants = nil
	c := Build(p, s, testNow)
	it := c.Item(Ref{"HOST_A", "inbound/HOST_B/connect"})
	if it.Status != Pending || it.Statements[0].Text != "GRANT CONNECT ON ENDPOINT::[Mirroring] TO [HOST_B_login];" {
		t.Errorf("got %s %+v", it.Status, it.Statements)
	}
}

func TestConflictBlocksDependents(t *testing.T) {
	p := docsPlan(plan.TransferInband)
	s := allDoneStates(p)
	s["HOST_A"].Endpoint.State = "DISABLED"
	s["HOST_A"].ConnectGrants = nil
	c := Build(p, s, testNow)
	it := c.Item(Ref{"HOST_A", "inbound/HOST_W/connect"})
	if it.Status != Blocked || it.Detail != "waits for HOST_A:outbound/endpoint" {
		t.Errorf("got %s %q", it.Status, it.Detail)
	}
}
