package session_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/msdsn"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/sim"
	"github.com/mirrorcert/mirrorcert/steps"
)

func startSimWith(t *testing.T, cfg sim.Config) *sim.Cluster {
	t.Helper()
	cfg.Password, cfg.Dir = simPassword, t.TempDir()
	cl, err := sim.Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}

// queryInt runs a one-value query as sa.
func queryInt(t *testing.T, addr, query string) int {
	t.Helper()
	cfg, err := msdsn.Parse(fmt.Sprintf("sqlserver://sa@%s?encrypt=disable", hostPort(addr)))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Password = simPassword
	db := sql.OpenDB(mssql.NewConnectorConfig(cfg))
	defer db.Close()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// A login and user named in other case already on HOST_A are, under the
// default CI collation, the plan's HOST_B_login / HOST_B_user: apply
// reuses them instead of failing on CREATE LOGIN (15025) for ever.
func TestOtherCaseNamesAreTheSameUnderCI(t *testing.T) {
	cl := startSimWith(t, sim.Config{})
	p := simPlan(t, cl, plan.ModeMirroring)
	a := cl.Instances()[0].Addr
	execDirect(t, a, "CREATE LOGIN host_b_login WITH PASSWORD = N'Pre-Existing-Pa55'; CREATE USER host_b_user FOR LOGIN host_b_login;")
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	c := s.Checklist()
	login := c.Item(steps.Ref{Host: "HOST_A", ID: steps.InboundID("HOST_B", steps.KindLogin)})
	if login.Status != steps.Done {
		t.Fatalf("HOST_A's login for HOST_B: %s (%s); host_b_login is that login under a CI collation", login.Status, login.Detail)
	}
	if err := s.Apply(ctx, nil); err != nil {
		t.Fatalf("apply: %v\n%v", err, notDone(s.Checklist()))
	}
	if c = s.Checklist(); !c.Complete() {
		t.Fatalf("not complete: %v", notDone(c))
	}
	if n := queryInt(t, a, "SELECT COUNT(*) FROM sys.server_principals WHERE UPPER(name) = N'HOST_B_LOGIN'"); n != 1 {
		t.Fatalf("HOST_A has %d logins for HOST_B, want the one that was there", n)
	}
}

// Under a _CS_ collation the lower-case login is somebody else's: the
// plan's HOST_B_login is created beside it.
func TestOtherCaseNamesDifferUnderCS(t *testing.T) {
	cl := startSimWith(t, sim.Config{Collations: map[string]string{"HOST_A": "Latin1_General_100_CS_AS"}})
	p := simPlan(t, cl, plan.ModeMirroring)
	a := cl.Instances()[0].Addr
	execDirect(t, a, "CREATE LOGIN host_b_login WITH PASSWORD = N'Pre-Existing-Pa55'; CREATE USER host_b_user FOR LOGIN host_b_login;")
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	if st := s.States()["HOST_A"]; st == nil || st.Collation != "Latin1_General_100_CS_AS" || st.MasterCollation != st.Collation {
		t.Fatalf("collations not read: %+v", st)
	}
	c := s.Checklist()
	login := c.Item(steps.Ref{Host: "HOST_A", ID: steps.InboundID("HOST_B", steps.KindLogin)})
	if login.Status != steps.Pending {
		t.Fatalf("HOST_A's login for HOST_B: %s (%s); under _CS_ host_b_login is another login", login.Status, login.Detail)
	}
	if err := s.Apply(ctx, nil); err != nil {
		t.Fatalf("apply: %v\n%v", err, notDone(s.Checklist()))
	}
	if c = s.Checklist(); !c.Complete() {
		t.Fatalf("not complete: %v", notDone(c))
	}
	if n := queryInt(t, a, "SELECT COUNT(*) FROM sys.server_principals WHERE UPPER(name) = N'HOST_B_LOGIN'"); n != 2 {
		t.Fatalf("HOST_A has %d logins for HOST_B, want host_b_login and HOST_B_login", n)
	}
}

// A login that cannot see the setup must not be told that existing work
// is pending: its host fails with the missing rights and the grants that
// fix them, its items are unknown; with the grants it reads the truth.
func TestLoginWithoutRightsIsReportedNotMisread(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	if err := s.Apply(ctx, nil); err != nil {
		t.Fatalf("apply: %v", err)
	}
	s.Close()
	a := cl.Instances()[0].Addr
	execDirect(t, a, "CREATE LOGIN ops WITH PASSWORD = N'"+simPassword+"';")
	for i := range p.Hosts {
		if p.Hosts[i].Name == "HOST_A" {
			p.Hosts[i].Auth.User = "ops"
		}
	}
	s = session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	var hostErr error
	for _, h := range s.Hosts() {
		if h.Name == "HOST_A" {
			hostErr = h.Err
		}
	}
	var re *session.RightsError
	if !errorsAs(hostErr, &re) {
		t.Fatalf("HOST_A error = %v, want a RightsError", hostErr)
	}
	for _, want := range []string{"VIEW ANY DEFINITION", "ALTER ANY LOGIN", "ALTER ANY ENDPOINT", "CONTROL ON DATABASE::master", "GRANT VIEW ANY DEFINITION TO [ops];", "GRANT CONTROL SERVER TO [ops]"} {
		if !strings.Contains(re.Error(), want) {
			t.Errorf("error %q does not name %q", re.Error(), want)
		}
	}
	for _, hl := range s.Checklist().Hosts {
		if hl.Host != "HOST_A" {
			continue
		}
		for _, it := range hl.Items {
			if it.Status != steps.Unknown || !strings.Contains(it.Detail, "lacks") {
				t.Errorf("%s = %s (%s), want unknown naming the missing rights", it.Ref, it.Status, it.Detail)
			}
		}
	}
	// CONTROL SERVER is enough: the same login now reads the finished setup.
	execDirect(t, a, "GRANT CONTROL SERVER TO ops;")
	if _, err := s.Refresh(ctx, "HOST_A"); err != nil {
		t.Fatalf("refresh with CONTROL SERVER: %v", err)
	}
	if c := s.Checklist(); !c.Complete() {
		t.Fatalf("with CONTROL SERVER: %v", notDone(c))
	}
}

// The grants the rights error proposes are enough: a login holding exactly
// them (no sysadmin, no CONTROL SERVER) sets HOST_A up completely.
func TestTheProposedGrantsAreEnough(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	a := cl.Instances()[0].Addr
	execDirect(t, a, "CREATE LOGIN ops WITH PASSWORD = N'"+simPassword+"'; GRANT VIEW ANY DEFINITION TO [ops]; GRANT ALTER ANY LOGIN TO [ops]; GRANT ALTER ANY ENDPOINT TO [ops];"+
		" USE [master]; CREATE USER [ops] FOR LOGIN [ops]; GRANT CONTROL ON DATABASE::[master] TO [ops];")
	for i := range p.Hosts {
		if p.Hosts[i].Name == "HOST_A" {
			p.Hosts[i].Auth.User = "ops"
		}
	}
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	if err := s.Hosts()[0].Err; err != nil {
		t.Fatalf("HOST_A as ops: %v", err)
	}
	if err := s.Apply(ctx, nil); err != nil {
		t.Fatalf("apply as ops: %v\n%v", err, notDone(s.Checklist()))
	}
	if c := s.Checklist(); !c.Complete() {
		t.Fatalf("not complete: %v", notDone(c))
	}
}
