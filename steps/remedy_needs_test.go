package steps

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
)

// A conflict's remedy has needs like any item: until they are done the
// conflict is still shown, says what must run first, and its remedy is not
// ready (it would fail on the server, e.g. 15151 for a missing certificate).
func TestRemedyWaitsForItsNeeds(t *testing.T) {
	removeCert := func(s *State, name string) {
		var keep []Certificate
		for _, c := range s.Certificates {
			if c.Name != name {
				keep = append(keep, c)
			}
		}
		s.Certificates = keep
	}
	removeUser := func(s *State, name string) {
		var keep []User
		for _, u := range s.Users {
			if u.Name != name {
				keep = append(keep, u)
			}
		}
		s.Users = keep
	}
	cases := []struct {
		name    string
		mutate  func(p *plan.Plan, s map[string]*State)
		ref     Ref
		blocked []Ref // RemedyBlockedBy; nil means the remedy is ready
	}{
		{"windows endpoint before the certificate exists", func(p *plan.Plan, s map[string]*State) {
			e := s["HOST_A"].Endpoint
			e.Auth, e.CertificateName = "NEGOTIATE", ""
			removeCert(s["HOST_A"], p.CertName("HOST_A"))
		}, Ref{"HOST_A", IDEndpoint}, []Ref{{"HOST_A", IDCertificate}}},
		{"windows endpoint once the certificate exists", func(p *plan.Plan, s map[string]*State) {
			e := s["HOST_A"].Endpoint
			e.Auth, e.CertificateName = "NEGOTIATE", ""
		}, Ref{"HOST_A", IDEndpoint}, nil},
		{"endpoint on another certificate before ours exists", func(p *plan.Plan, s map[string]*State) {
			s["HOST_B"].Endpoint.CertificateName = "OLD_cert"
			removeCert(s["HOST_B"], p.CertName("HOST_B"))
		}, Ref{"HOST_B", IDEndpoint}, []Ref{{"HOST_B", IDCertificate}}},
		{"stopped endpoint needs nothing", func(p *plan.Plan, s map[string]*State) {
			s["HOST_A"].Endpoint.State = "STOPPED"
			removeCert(s["HOST_A"], p.CertName("HOST_A"))
		}, Ref{"HOST_A", IDEndpoint}, nil},
		{"peer certificate owner change before the user exists", func(p *plan.Plan, s map[string]*State) {
			a := s["HOST_A"]
			for i := range a.Certificates {
				if a.Certificates[i].Name == p.CertName("HOST_B") {
					a.Certificates[i].Owner = "dbo"
				}
			}
			removeUser(a, p.UserName("HOST_B"))
		}, Ref{"HOST_A", "inbound/HOST_B/certificate"}, []Ref{{"HOST_A", "inbound/HOST_B/user"}}},
		{"peer certificate owner change with the user there", func(p *plan.Plan, s map[string]*State) {
			a := s["HOST_A"]
			for i := range a.Certificates {
				if a.Certificates[i].Name == p.CertName("HOST_B") {
					a.Certificates[i].Owner = "dbo"
				}
			}
		}, Ref{"HOST_A", "inbound/HOST_B/certificate"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := docsPlan(plan.TransferInband)
			s := allDoneStates(p)
			tc.mutate(p, s)
			c := Build(p, s, testNow)
			it := c.Item(tc.ref)
			if it.Status != Conflict || it.Conflict == nil || len(it.Conflict.Remedy) == 0 {
				t.Fatalf("%s = %s (%s), want a conflict with a remedy shown", tc.ref, it.Status, it.Detail)
			}
			got := it.Conflict.RemedyBlockedBy
			if len(got) != len(tc.blocked) {
				t.Fatalf("remedy blocked by %v, want %v", got, tc.blocked)
			}
			for i := range got {
				if got[i] != tc.blocked[i] {
					t.Fatalf("remedy blocked by %v, want %v", got, tc.blocked)
				}
			}
			if it.Conflict.RemedyReady() != (len(tc.blocked) == 0) {
				t.Errorf("RemedyReady = %v with blockers %v", it.Conflict.RemedyReady(), got)
			}
			for _, b := range tc.blocked {
				if !strings.Contains(it.Conflict.Fix, "First run "+b.String()) {
					t.Errorf("the fix does not say what must run first (%s): %s", b, it.Conflict.Fix)
				}
			}
		})
	}
}
