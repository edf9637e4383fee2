package steps

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
)

// lowerNames renames HOST_A's peer objects to lower case, as another DBA
// might have created them.
func lowerNames(s *State) {
	for i := range s.Logins {
		s.Logins[i].Name = strings.ToLower(s.Logins[i].Name)
	}
	for i := range s.Users {
		s.Users[i].Name, s.Users[i].Login = strings.ToLower(s.Users[i].Name), strings.ToLower(s.Users[i].Login)
	}
	for i := range s.Certificates {
		s.Certificates[i].Name, s.Certificates[i].Owner = strings.ToLower(s.Certificates[i].Name), strings.ToLower(s.Certificates[i].Owner)
	}
	for i := range s.ConnectGrants {
		s.ConnectGrants[i] = strings.ToLower(s.ConnectGrants[i])
	}
	s.Endpoint.CertificateName = strings.ToLower(s.Endpoint.CertificateName)
}

func TestNamesCompareByCollation(t *testing.T) {
	p := docsPlan(plan.TransferInband)
	for _, tc := range []struct {
		collation, master string
		want              Status
	}{
		{"SQL_Latin1_General_CP1_CI_AS", "", Done},
		{"", "", Done}, // not read: the default, case-insensitive
		{"Latin1_General_100_CS_AS", "", Pending},
		{"Latin1_General_BIN2", "Latin1_General_BIN2", Pending},
	} {
		states := allDoneStates(p)
		lowerNames(states["HOST_A"])
		states["HOST_A"].Collation, states["HOST_A"].MasterCollation = tc.collation, tc.master
		st := statuses(Build(p, states, testNow))
		for _, id := range []string{InboundID("HOST_B", KindLogin), IDCertificate} {
			// Under _CS_ host_a_cert is not HOST_A_cert: the own certificate is missing too.
			if got := st["HOST_A:"+id]; got != tc.want {
				t.Errorf("collation %q: HOST_A:%s = %s, want %s", tc.collation, id, got, tc.want)
			}
		}
	}
}

func TestMissingRightsMakeAHostUnknown(t *testing.T) {
	p := docsPlan(plan.TransferInband)
	states := allDoneStates(p)
	states["HOST_B"].Rights = &Rights{Login: "ops", Held: map[string]bool{"VIEW ANY DEFINITION": true, "ALTER ANY LOGIN": true}}
	states["HOST_W"].Rights = &Rights{Login: "boss", Held: map[string]bool{}, Sysadmin: true}
	c := Build(p, states, testNow)
	why := RightsProblem(states["HOST_B"])
	for _, want := range []string{"ops", "ALTER ANY ENDPOINT", "CONTROL ON DATABASE::master", "GRANT ALTER ANY ENDPOINT TO [ops];", "GRANT CONTROL SERVER TO [ops]"} {
		if !strings.Contains(why, want) {
			t.Errorf("problem %q does not name %q", why, want)
		}
	}
	if strings.Contains(why, "VIEW ANY DEFINITION,") {
		t.Errorf("a held right is named as missing: %q", why)
	}
	for _, hl := range c.Hosts {
		for _, it := range hl.Items {
			switch {
			case hl.Host == "HOST_B" && (it.Status != Unknown || !strings.Contains(it.Detail, "ALTER ANY ENDPOINT")):
				t.Errorf("%s = %s %q, want unknown naming the rights", it.Ref, it.Status, it.Detail)
			case hl.Host == "HOST_W" && it.Status != Done && !strings.Contains(it.Ref.ID, "HOST_B"):
				t.Errorf("%s = %s: a sysadmin's host is read as usual", it.Ref, it.Status)
			}
		}
	}
	if RightsProblem(states["HOST_W"]) != "" || RightsProblem(states["HOST_A"]) != "" {
		t.Error("a sysadmin, or rights not read, is no problem")
	}
}

// A stale peer copy made here (with a private key, owned by dbo) is
// dropped; its owner is not changed as well, which would fail with 15151
// after the drop.
func TestStaleCopyRemedyIsOnlyTheDrop(t *testing.T) {
	p := docsPlan(plan.TransferInband)
	states := allDoneStates(p)
	for i, c := range states["HOST_B"].Certificates {
		if c.Name == "HOST_A_cert" {
			states["HOST_B"].Certificates[i].PvtKeyEncryption, states["HOST_B"].Certificates[i].Owner = "MK", "dbo"
		}
	}
	it := Build(p, states, testNow).Hosts[1].Items
	var got *Item
	for i := range it {
		if it[i].ID == InboundID("HOST_A", KindCertificate) {
			got = &it[i]
		}
	}
	if got == nil || got.Status != Conflict || len(got.Conflict.Remedy) != 1 || !strings.HasPrefix(got.Conflict.Remedy[0].Text, "DROP CERTIFICATE") {
		t.Fatalf("remedy = %+v", got)
	}
}
