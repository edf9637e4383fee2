package session_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps/checks"
)

// Observe reads state, permissions, databases and the error log of every
// host in one round trip each, and the checks run on what it read find a
// CONNECT revoked behind mirrorcert's back on the right host.
func TestObserveAfterApplyAndRevoke(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, "")
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	if err := s.Apply(ctx, nil); err != nil {
		t.Fatalf("apply: %v", err)
	}
	before := s.Stats()
	hosts := s.Observe(ctx, session.ObserveOptions{ProbeTimeout: time.Second})
	after := s.Stats()
	for _, h := range p.Hosts {
		if d := after.PerHost[h.Name] - before.PerHost[h.Name]; d != 1 {
			t.Errorf("%s: Observe took %d round trips, want 1", h.Name, d)
		}
		x := hosts[h.Name]
		if x == nil || x.State == nil || x.State.Endpoint == nil {
			t.Fatalf("%s not read: %+v", h.Name, x)
		}
		if !x.Perms.Known || !x.Perms.Sysadmin || !x.Perms.CanReadLog || !x.LogRead || x.Perms.Login != "sa" {
			t.Errorf("%s perms/log: %+v read=%v", h.Name, x.Perms, x.LogRead)
		}
		if x.Database("master") == nil {
			t.Errorf("%s: sys.databases not read: %+v", h.Name, x.Databases)
		}
		if x.Reach == nil || x.Reach.Port != 7024 || x.Reach.Address != h.Address {
			t.Errorf("%s: probe %+v, want %s:7024", h.Name, x.Reach, h.Address)
		}
	}
	outs := cl.Engine("HOST_B").NewSession("sa").ExecBatch("REVOKE CONNECT ON ENDPOINT::[Endpoint_Mirroring] FROM [HOST_A_login];")
	for _, o := range outs {
		for _, m := range o.Messages {
			if m.IsError() {
				t.Fatalf("revoke: %s", m.Text)
			}
		}
	}
	hosts = s.Observe(ctx, session.ObserveOptions{ProbeTimeout: -1})
	fs := checks.Run(checks.Input{Plan: p, Hosts: hosts, Now: time.Now()})
	var got []string
	found := false
	for _, f := range fs {
		got = append(got, f.Code+"@"+f.Host+"/"+f.Peer)
		if f.Code == checks.CodeConnectMissing && f.Host == "HOST_B" && f.Peer == "HOST_A" && strings.Contains(f.FixText(), "GRANT CONNECT ON ENDPOINT::[Endpoint_Mirroring] TO [HOST_A_login];") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no connect-missing on HOST_B for HOST_A: %v", got)
	}
}

// A login that is not sysadmin gets empty log searches, not a broken read,
// and the checks say what it lacks.
func TestObserveWithoutLogRights(t *testing.T) {
	cl := startSim(t, nil, 0)
	for _, in := range cl.Instances() {
		outs := cl.Engine(in.Name).NewSession("sa").ExecBatch("CREATE LOGIN [dba] WITH PASSWORD = N'" + simPassword + "'; GRANT VIEW ANY DEFINITION TO [dba];")
		for _, o := range outs {
			for _, m := range o.Messages {
				if m.IsError() {
					t.Skipf("the simulator cannot set up a non-sysadmin login: %s", m.Text)
				}
			}
		}
	}
	p := simPlan(t, cl, "")
	for i := range p.Hosts {
		p.Hosts[i].Auth.User = "dba"
	}
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	hosts := s.Observe(ctx, session.ObserveOptions{ProbeTimeout: -1})
	x := hosts["HOST_A"]
	if x == nil || x.State == nil {
		t.Fatalf("not read: %+v %v", x, s.Hosts())
	}
	if x.Perms.Sysadmin || x.Perms.CanReadLog || x.LogRead || !x.Perms.ViewAnyDefinition {
		t.Fatalf("perms: %+v logRead=%v", x.Perms, x.LogRead)
	}
	fs := checks.Run(checks.Input{Plan: p, Hosts: hosts, Now: time.Now()})
	for _, f := range fs {
		if f.Code == checks.CodePermissionInsufficient && f.Host == "HOST_A" && strings.Contains(f.FixText(), "ALTER SERVER ROLE [securityadmin] ADD MEMBER [dba];") {
			return
		}
	}
	t.Fatalf("no permission-insufficient with the securityadmin fix: %+v", fs)
}
