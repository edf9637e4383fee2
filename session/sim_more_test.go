package session_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/msdsn"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/sim"
	"github.com/mirrorcert/mirrorcert/steps"
)

func TestStrictTLSWithThePlansCA(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	ca := filepath.Join(t.TempDir(), "sim-ca.pem")
	if err := os.WriteFile(ca, cl.CACertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range p.Hosts {
		p.Hosts[i].Auth = plan.Auth{User: "sa", Encrypt: plan.EncryptStrict, CACertificate: ca}
	}
	s := session.Open(context.Background(), simOptions(t, p, t.TempDir()))
	defer s.Close()
	for _, h := range s.Hosts() {
		if !h.Connected || h.Err != nil {
			t.Fatalf("strict with the CA: %+v", h)
		}
	}
}

func TestUntrustedCertificateExplainsTheChoices(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	for i := range p.Hosts {
		p.Hosts[i].Auth.TrustServerCertificate = false // the sim's certificate is self-signed
	}
	s := session.Open(context.Background(), simOptions(t, p, t.TempDir()))
	defer s.Close()
	for _, h := range s.Hosts() {
		if h.Connected || h.Err == nil {
			t.Fatalf("connected to an unverified server: %+v", h)
		}
		for _, want := range []string{h.Name, "-C", "-F", "ca_certificate", "TLS certificate"} {
			if !strings.Contains(h.Err.Error(), want) {
				t.Errorf("%s: error lacks %q: %v", h.Name, want, h.Err)
			}
		}
	}
}

func TestPre2012FallsBackToTheFileRoute(t *testing.T) {
	cl, err := sim.Start(context.Background(), sim.Config{Password: simPassword, Dir: t.TempDir(), ProductVersion: "10.50.6000.34"})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	p := simPlan(t, cl, plan.ModeMirroring)
	s := session.Open(context.Background(), simOptions(t, p, t.TempDir()))
	defer s.Close()
	c := s.Checklist()
	backup := c.Item(steps.Ref{Host: "HOST_A", ID: steps.IDBackup})
	copyItem := c.Item(steps.Ref{Host: "HOST_A", ID: steps.InboundID("HOST_B", steps.KindCopy)})
	if backup == nil || copyItem == nil {
		t.Fatalf("no file-route items on a SQL Server 2008 R2 host")
	}
	found := false
	for _, w := range backup.Warnings {
		found = found || strings.Contains(w, "2012")
	}
	if !found || !strings.Contains(backup.Detail, "2012") {
		t.Errorf("the checklist does not say why: %q %v", backup.Detail, backup.Warnings)
	}
	if mk := c.Item(steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}); len(mk.Warnings) != 0 {
		t.Errorf("the note is on unrelated items too: %v", mk.Warnings)
	}
}

func TestCancelSendsAttentionAndNothingRuns(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	s := session.Open(context.Background(), simOptions(t, p, t.TempDir()))
	defer s.Close()
	// Every answer waits 2s. The cancelled batch must stop at once; the
	// re-read that follows (the state decides what happened) waits its 2s.
	// Without the attention the run would take 4s or more.
	cl.SetLatency(2 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	ref := steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}
	t0 := time.Now()
	if _, err := s.Run(ctx, ref); err == nil {
		t.Fatal("a cancelled step reported success")
	}
	if d := time.Since(t0); d > 3500*time.Millisecond {
		t.Fatalf("cancel took %v: the wait was not cut short", d)
	}
	cl.SetLatency(0)
	st, err := s.Refresh(context.Background(), "HOST_A")
	if err != nil {
		t.Fatal(err)
	}
	if st.MasterKey {
		t.Fatal("the cancelled statement ran anyway")
	}
	if _, err := s.Run(context.Background(), ref); err != nil {
		t.Fatalf("after cancel: %v", err)
	}
}

func TestKerberosWithoutTicketExplains(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SSPI on Windows")
	}
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	for i := range p.Hosts {
		p.Hosts[i].Auth.User, p.Hosts[i].Auth.Integrated = "", true
	}
	t.Setenv("KRB5_CONFIG", filepath.Join(t.TempDir(), "missing-krb5.conf"))
	o := simOptions(t, p, t.TempDir())
	o.Passwords = func(h string) (string, error) { t.Errorf("%s: Kerberos asked for a password", h); return "", nil }
	s := session.Open(context.Background(), o)
	defer s.Close()
	h := s.Hosts()[0]
	if h.Connected || h.Err == nil || !strings.Contains(h.Err.Error(), "kinit") {
		t.Fatalf("want advice about kinit, got %+v", h)
	}
}

func TestFileTransferRouteWithManualCopy(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	p.Transfer = plan.TransferFile
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	err := s.Apply(ctx, nil)
	var inc *session.IncompleteError
	if !errorsAs(err, &inc) || len(inc.Failed) != 0 || len(inc.Conflicts) != 0 {
		t.Fatalf("first apply: %v", err)
	}
	c := s.Checklist()
	copyRef := steps.Ref{Host: "HOST_A", ID: steps.InboundID("HOST_B", steps.KindCopy)}
	if it := c.Item(copyRef); it == nil || !it.Manual || it.Status == steps.Done {
		t.Fatalf("copy item: %+v", it)
	}
	if err := s.ConfirmManual(ctx, copyRef); err == nil {
		t.Fatal("confirmed a copy that did not happen")
	}
	// The operator copies every file (here: the simulator does).
	for _, h := range p.Hosts {
		for _, peer := range p.Peers(h.Name) {
			if err := cl.CopyFile(peer, h.Name, p.CertFile(peer)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.ConfirmManual(ctx, copyRef); err != nil {
		t.Fatalf("confirm after the copy: %v", err)
	}
	s.RefreshAll(ctx)
	if err := s.Apply(ctx, nil); err != nil {
		t.Fatalf("second apply: %v\n%v", err, notDone(s.Checklist()))
	}
	assertExactlyOnce(t, p, s)
}

// execDirect runs SQL on one simulated instance outside the session, as
// another DBA would.
func execDirect(t *testing.T, addr, query string) {
	t.Helper()
	cfg, err := msdsn.Parse(fmt.Sprintf("sqlserver://sa@%s?encrypt=disable", hostPort(addr)))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Password = simPassword
	db := sql.OpenDB(mssql.NewConnectorConfig(cfg))
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestConflictIsLeftForADecisionThenRemedied(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	execDirect(t, cl.Instances()[0].Addr, "CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 7024) FOR DATABASE_MIRRORING (AUTHENTICATION = WINDOWS NEGOTIATE, ROLE = ALL);")
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	err := s.Apply(ctx, nil)
	var inc *session.IncompleteError
	ref := steps.Ref{Host: "HOST_A", ID: steps.IDEndpoint}
	if !errorsAs(err, &inc) || len(inc.Conflicts) != 1 || inc.Conflicts[0] != ref {
		t.Fatalf("apply: %v (%+v)", err, inc)
	}
	c := s.Checklist()
	it := c.Item(ref)
	if it.Status != steps.Conflict || it.Conflict == nil || len(it.Conflict.Remedy) == 0 {
		t.Fatalf("endpoint: %+v", it)
	}
	if _, err := s.Run(ctx, ref); err == nil || !strings.Contains(err.Error(), "needs a decision") {
		t.Fatalf("Run on a conflict: %v", err)
	}
	if _, err := s.RunRemedy(ctx, ref, "endpoint_mirroring"); err == nil {
		t.Fatal("a remedy ran without the exact confirmation")
	}
	if _, err := s.RunRemedy(ctx, ref, it.Conflict.Object); err != nil {
		t.Fatalf("remedy: %v", err)
	}
	if err := s.Apply(ctx, nil); err != nil {
		t.Fatalf("apply after the remedy: %v\n%v", err, notDone(s.Checklist()))
	}
}

func TestEveryEncryptModeConnects(t *testing.T) {
	cl := startSim(t, nil, 0)
	for _, mode := range []string{plan.EncryptDisable, plan.EncryptOptional, plan.EncryptMandatory} {
		t.Run(mode, func(t *testing.T) {
			p := simPlan(t, cl, plan.ModeMirroring)
			for i := range p.Hosts {
				p.Hosts[i].Auth.Encrypt = mode
			}
			s := session.Open(context.Background(), simOptions(t, p, t.TempDir()))
			defer s.Close()
			for _, h := range s.Hosts() {
				if !h.Connected || h.Err != nil {
					t.Fatalf("%s: %+v", mode, h)
				}
			}
		})
	}
}

func TestApplyNineReplicas(t *testing.T) {
	var names []string
	for i := 1; i <= 9; i++ {
		names = append(names, fmt.Sprintf("REPLICA_%d", i))
	}
	cl := startSim(t, names, 0)
	p := simPlan(t, cl, plan.ModeAG)
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	if err := s.Apply(ctx, nil); err != nil {
		t.Fatalf("apply: %v\n%v", err, notDone(s.Checklist()))
	}
	assertExactlyOnce(t, p, s)
	// Every host: one read plus about one batch per link of the chain.
	for h, n := range s.Stats().PerHost {
		if n > 15 { // one batch per item would be 36
			t.Errorf("%s: %d batches; batching items per wave should keep this near 5", h, n)
		}
	}
}
