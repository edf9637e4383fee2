package start

import (
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/checks"
)

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func testPlan(mode string, n int) *plan.Plan {
	p := &plan.Plan{Mode: mode, Endpoint: plan.Endpoint{Name: "Endpoint_Mirroring", Port: 7024, Encryption: "AES"},
		Certificate: plan.Certificate{Expiry: time.Date(2029, 11, 30, 0, 0, 0, 0, time.UTC)}, Transfer: plan.TransferInband}
	names := []string{"HOST_A", "HOST_B", "HOST_W"}
	if mode == plan.ModeAG {
		names = []string{"SQL1", "SQL2", "SQL3"}[:n]
	}
	for i, name := range names {
		role := plan.RolePartner
		switch {
		case mode == plan.ModeAG:
			role = plan.RoleReplica
		case i == 2:
			role = plan.RoleWitness
		}
		p.Hosts = append(p.Hosts, plan.Host{Name: name, Server: "127.0.0.1,1433" + string(rune('0'+i)), Address: "127.0.10." + string(rune('1'+i)), Role: role})
	}
	return p
}

// configured hosts: every certificate exchanged, Sales FULL on the first.
func configured(p *plan.Plan) map[string]*checks.Host {
	out := map[string]*checks.Host{}
	for _, h := range p.Hosts {
		role := "ALL"
		if h.Role == plan.RoleWitness {
			role = "WITNESS"
		}
		th := func(n string) []byte { return append([]byte("T-"), n...) }
		s := &steps.State{ProductVersion: "16.0.4135.4", ServerName: h.Name, MasterKey: true,
			Certificates: []steps.Certificate{{Name: p.CertName(h.Name), PvtKeyEncryption: "MK", ExpiryDate: p.Certificate.Expiry, Thumbprint: th(h.Name)}},
			Endpoint: &steps.Endpoint{Name: "Endpoint_Mirroring", State: "STARTED", Role: role, Auth: "CERTIFICATE", CertificateName: p.CertName(h.Name),
				EncryptionEnabled: true, Encryption: "AES", Port: 7024}}
		for _, peer := range p.Peers(h.Name) {
			s.Logins = append(s.Logins, steps.Login{Name: p.LoginName(peer)})
			s.Users = append(s.Users, steps.User{Name: p.UserName(peer), Login: p.LoginName(peer)})
			s.Certificates = append(s.Certificates, steps.Certificate{Name: p.CertName(peer), Owner: p.UserName(peer), PvtKeyEncryption: "NA", ExpiryDate: p.Certificate.Expiry, Thumbprint: th(peer)})
			s.ConnectGrants = append(s.ConnectGrants, p.LoginName(peer))
		}
		out[h.Name] = &checks.Host{State: s, Databases: []checks.Database{{Name: "master", State: "ONLINE", Recovery: "SIMPLE"}}}
	}
	first := out[p.Hosts[0].Name]
	first.Databases = append(first.Databases, checks.Database{Name: "Sales", State: "ONLINE", Recovery: "FULL"})
	return out
}

func opts(p *plan.Plan, hs map[string]*checks.Host, dir string) Options {
	return Options{Plan: p, Hosts: hs, Database: "Sales", BackupDir: dir, Group: "Sales_ag", Now: testNow}
}

func statuses(seq Sequence) string {
	var b []string
	for _, s := range seq.Steps {
		b = append(b, s.Host+":"+s.ID+"="+string(s.Status))
	}
	return strings.Join(b, " ")
}

func TestFreshSequence(t *testing.T) {
	p := testPlan(plan.ModeMirroring, 3)
	seq := Build(opts(p, configured(p), `\\files\backups`))
	want := "HOST_A:start/backup=pending HOST_B:start/restore=blocked HOST_B:start/partner=blocked HOST_A:start/partner=blocked HOST_A:start/witness=blocked"
	if got := statuses(seq); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if seq.Blocked() || seq.Running || seq.Synchronized {
		t.Fatalf("fresh: %+v", seq)
	}
	for i := 1; i < len(seq.Steps); i++ {
		if b := seq.Steps[i].BlockedBy; len(b) != 1 || b[0] != seq.Steps[i-1].Ref {
			t.Errorf("%s waits for %v, want the step before it", seq.Steps[i].Ref, b)
		}
	}
	next := seq.Next()
	if next == nil || len(next.Statements) != 2 ||
		next.Statements[0].Text != `BACKUP DATABASE [Sales] TO DISK = N'\\files\backups\Sales_mirrorcert_full.bak';` ||
		next.Statements[1].Text != `BACKUP LOG [Sales] TO DISK = N'\\files\backups\Sales_mirrorcert_log.trn';` {
		t.Fatalf("next: %+v", next)
	}
	if got := seq.Steps[2].Statements[0].Text; got != "ALTER DATABASE [Sales] SET PARTNER = N'TCP://127.0.10.1:7024';" {
		t.Fatalf("mirror's SET PARTNER names the principal: %s", got)
	}
	if got := seq.Steps[4].Statements[0].Text; got != "ALTER DATABASE [Sales] SET WITNESS = N'TCP://127.0.10.3:7024';" {
		t.Fatalf("witness: %s", got)
	}
}

func TestResumesFromTheServers(t *testing.T) {
	p := testPlan(plan.ModeMirroring, 3)
	hs := configured(p)
	hs["HOST_B"].Databases = append(hs["HOST_B"].Databases, checks.Database{Name: "Sales", State: "RESTORING", Recovery: "FULL"})
	seq := Build(opts(p, hs, `\\files\backups`))
	if got := statuses(seq); got != "HOST_A:start/backup=done HOST_B:start/restore=done HOST_B:start/partner=pending HOST_A:start/partner=blocked HOST_A:start/witness=blocked" {
		t.Fatal(got)
	}
	hs["HOST_A"].Mirroring = []checks.Mirror{{Database: "Sales", State: "SYNCHRONIZED", Role: "PRINCIPAL", Partner: "TCP://127.0.10.2:7024"}}
	seq = Build(opts(p, hs, `\\files\backups`))
	if seq.Next() == nil || seq.Next().ID != IDWitness || seq.Synchronized {
		t.Fatalf("running without witness: %s %v", statuses(seq), seq.Synchronized)
	}
	hs["HOST_A"].Mirroring[0].Witness, hs["HOST_A"].Mirroring[0].WitnessState = "TCP://127.0.10.3:7024", "CONNECTED"
	seq = Build(opts(p, hs, `\\files\backups`))
	if seq.Next() != nil || !seq.Synchronized || !seq.Running || len(seq.Preflight) != 0 {
		t.Fatalf("synchronized: %s %+v", statuses(seq), seq)
	}
}

func TestLocalBackupDirNeedsACopy(t *testing.T) {
	p := testPlan(plan.ModeMirroring, 3)
	hs := configured(p)
	o := opts(p, hs, `D:\backups`)
	full, logf := BackupFiles(o.BackupDir, "Sales")
	o.Files = map[string]map[string]bool{"HOST_A": {full: true, logf: true}}
	seq := Build(o)
	next := seq.Next()
	if next == nil || next.ID != IDCopy || !next.Manual || next.Host != "HOST_B" || !strings.Contains(next.Detail, `D:\backups\Sales_mirrorcert_full.bak`) {
		t.Fatalf("copy step: %s %+v", statuses(seq), next)
	}
	o.Files["HOST_B"] = map[string]bool{full: true, logf: true}
	seq = Build(o)
	if n := seq.Next(); n == nil || n.ID != IDRestore {
		t.Fatalf("after the copy: %+v", n)
	}
}

func TestPreflightNeverDrops(t *testing.T) {
	p := testPlan(plan.ModeMirroring, 3)
	for _, c := range []struct {
		name, code, host string
		mod              func(hs map[string]*checks.Host)
	}{
		{"mirror online", CodeMirrorDatabaseOnline, "HOST_B", func(hs map[string]*checks.Host) {
			hs["HOST_B"].Databases = append(hs["HOST_B"].Databases, checks.Database{Name: "Sales", State: "ONLINE", Recovery: "FULL"})
		}},
		{"simple recovery", CodeRecoveryNotFull, "HOST_A", func(hs map[string]*checks.Host) { hs["HOST_A"].Databases[1].Recovery = "SIMPLE" }},
		{"missing", CodeDatabaseMissing, "HOST_A", func(hs map[string]*checks.Host) { hs["HOST_A"].Databases = hs["HOST_A"].Databases[:1] }},
		{"older mirror", CodeVersionIncompatible, "HOST_B", func(hs map[string]*checks.Host) { hs["HOST_B"].State.ProductVersion = "15.0.2000.5" }},
		{"other session", CodeSessionExists, "HOST_A", func(hs map[string]*checks.Host) {
			hs["HOST_A"].Mirroring = []checks.Mirror{{Database: "Sales", State: "SYNCHRONIZED", Role: "PRINCIPAL", Partner: "TCP://elsewhere:5022"}}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			hs := configured(p)
			c.mod(hs)
			seq := Build(opts(p, hs, `\\files\backups`))
			if !seq.Blocked() || seq.Next() != nil || seq.Synchronized {
				t.Fatalf("not blocked: %s synchronized=%v", statuses(seq), seq.Synchronized)
			}
			for _, st := range seq.Steps {
				if b := st.BlockedBy; st.Status != steps.Done && (len(b) == 0 || !strings.HasPrefix(b[0].ID, "check/")) {
					t.Errorf("%s: a preflight-blocked step must name the finding it waits for: %v", st.Ref, b)
				}
			}
			found := false
			for _, f := range seq.Preflight {
				if f.Code == c.code && f.Host == c.host && f.Severity == checks.Error {
					found = true
				}
				for _, st := range f.Fix {
					if strings.Contains(strings.ToUpper(st.Text), "DROP") {
						t.Errorf("a preflight fix drops something: %s", st.Text)
					}
				}
			}
			if !found {
				t.Fatalf("no %s on %s: %+v", c.code, c.host, seq.Preflight)
			}
		})
	}
}

func TestAGSequence(t *testing.T) {
	p := testPlan(plan.ModeAG, 3)
	hs := configured(p)
	o := opts(p, hs, `\\files\backups`)
	seq := Build(o)
	if got := statuses(seq); got != "SQL1:start/backup=pending SQL1:start/ag-create=blocked SQL2:start/ag-join=blocked SQL3:start/ag-join=blocked SQL1:start/ag-add-database=blocked" {
		t.Fatal(got)
	}
	create := seq.Steps[1].Statements[0].Text
	for _, w := range []string{"CREATE AVAILABILITY GROUP [Sales_ag]", "WITH (CLUSTER_TYPE = NONE)", "N'SQL3' WITH (ENDPOINT_URL = N'TCP://127.0.10.3:7024'", "SEEDING_MODE = AUTOMATIC"} {
		if !strings.Contains(create, w) {
			t.Fatalf("CREATE AVAILABILITY GROUP lacks %q:\n%s", w, create)
		}
	}
	if seq.Steps[2].Statements[0].Text != "ALTER AVAILABILITY GROUP [Sales_ag] JOIN WITH (CLUSTER_TYPE = NONE);" ||
		seq.Steps[2].Statements[1].Text != "ALTER AVAILABILITY GROUP [Sales_ag] GRANT CREATE ANY DATABASE;" {
		t.Fatalf("join: %+v", seq.Steps[2].Statements)
	}
	o.AG = map[string]*AGHost{}
	for _, h := range p.Hosts {
		o.AG[h.Name] = &AGHost{Groups: []string{"Sales_ag"}, Databases: []string{"Sales"}}
	}
	for _, h := range p.Hosts {
		o.AG["SQL1"].Replicas = append(o.AG["SQL1"].Replicas, AGReplica{Group: "Sales_ag", Server: h.Name, Role: "SECONDARY", Connected: "CONNECTED"})
	}
	seq = Build(o)
	if seq.Next() != nil || !seq.Synchronized {
		t.Fatalf("all joined and connected: %s %s", statuses(seq), seq.State)
	}
	o.AG["SQL1"].Replicas[2].Connected = "DISCONNECTED"
	o.AG["SQL1"].Replicas[2].ErrNumber, o.AG["SQL1"].Replicas[2].ErrDescription = 35250, "The connection to the primary replica is not active."
	seq = Build(o)
	if seq.Synchronized || !strings.Contains(seq.State, "last error 35250") {
		t.Fatalf("a disconnected replica: %v %s", seq.Synchronized, seq.State)
	}
}

// verify's findings are shown before the start but do not stop it: only
// the attempt leaves the handshake failure in the other server's log, the
// evidence the diagnosis needs.
func TestVerifyFindingsWarnButDoNotBlock(t *testing.T) {
	p := testPlan(plan.ModeMirroring, 3)
	hs := configured(p)
	hs["HOST_B"].State.ConnectGrants = hs["HOST_B"].State.ConnectGrants[1:]
	seq := Build(opts(p, hs, `\\files\backups`))
	if seq.Blocked() || seq.Next() == nil || seq.Next().ID != IDBackup {
		t.Fatalf("blocked by a verify finding: %s", statuses(seq))
	}
	for _, f := range seq.Preflight {
		if f.Code == checks.CodeConnectMissing && f.Host == "HOST_B" && f.Severity == checks.Warning {
			return
		}
	}
	t.Fatalf("the finding is not shown: %+v", seq.Preflight)
}

func TestDiagnoseLogChain(t *testing.T) {
	p := testPlan(plan.ModeMirroring, 3)
	fs := DiagnoseError(opts(p, configured(p), `\\files\backups`), steps.Ref{Host: "HOST_A", ID: IDPartner}, 1478)
	if len(fs) != 1 || fs[0].Code != CodeLogChain || fs[0].Host != "HOST_B" ||
		fs[0].Fix[0].Text != `RESTORE LOG [Sales] FROM DISK = N'\\files\backups\Sales_mirrorcert_log_more.trn' WITH NORECOVERY;` ||
		!strings.Contains(fs[0].FixNote, `BACKUP LOG [Sales] TO DISK = N'\\files\backups\Sales_mirrorcert_log_more.trn';`) {
		t.Fatalf("%+v", fs)
	}
	if DiagnoseError(opts(p, configured(p), `\\f\b`), steps.Ref{}, 1418) != nil {
		t.Fatal("1418 is the checks' to explain")
	}
}

func TestPartnerURLNamesAHostByAnyOfItsNames(t *testing.T) {
	p := testPlan(plan.ModeMirroring, 3)
	hs := configured(p)
	hs["HOST_B"].State.ServerName = `SQLB\PROD`
	p.Hosts[1].Server = "sqlb.corp.example,1433"
	o := opts(p, hs, `\\f\b`)
	for url, want := range map[string]bool{
		"TCP://HOST_B:7024": true, "tcp://host_b.corp.example:7024": true, "TCP://127.0.10.2:7024": true,
		"TCP://sqlb.corp.example:5022": true, "TCP://127.0.10.1:7024": false, "TCP://HOST_W:7024": false, "HOST_B": false,
	} {
		if got := urlNames(o, url, "HOST_B"); got != want {
			t.Errorf("urlNames(%q, HOST_B) = %v, want %v", url, got, want)
		}
	}
}
