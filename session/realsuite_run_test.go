package session_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// runRealSuite runs the suite's phases in order on three instances. fileDir
// ("" skips the file route) must be a folder every instance reads; scripts
// runs the exported scripts under the real sqlcmd.
func runRealSuite(t *testing.T, targets []realTarget, fileDir string, scripts bool) {
	ctx := context.Background()
	dbs := make([]*sqlDB, len(targets))
	hadMK := make([]bool, len(targets))
	for i, tg := range targets {
		dbs[i] = &sqlDB{adminDB(t, tg)}
		if n := suiteCount(t, dbs[i].DB, "SELECT COUNT(*) FROM master.sys.database_mirroring_endpoints WHERE name <> N'mirrorcert_suite'"); n > 0 {
			t.Fatalf("%s already has a mirroring endpoint: the suite needs scratch instances without one", tg.server)
		}
		hadMK[i] = suiteCount(t, dbs[i].DB, "SELECT COUNT(*) FROM master.sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##'") > 0
	}
	cleanAll := func() {
		for i := range dbs {
			cleanSuite(t, dbs[i].DB, hadMK[i])
		}
	}
	cleanAll() // leftovers of an interrupted run
	t.Cleanup(cleanAll)
	a, b := dbs[0], dbs[1]

	// A login and user for MCT_B in other case already on MCT_A.
	var collation string
	if err := a.QueryRow("SELECT CAST(SERVERPROPERTY('Collation') AS nvarchar(128))").Scan(&collation); err != nil {
		t.Fatal(err)
	}
	a.must(t, "CREATE LOGIN [mct_b_login] WITH PASSWORD = N'Pre-Existing-Pa55!'; USE [master]; CREATE USER [mct_b_user] FOR LOGIN [mct_b_login];")

	t.Run("apply in-band", func(t *testing.T) {
		s := suiteSession(t, suitePlan(targets, "", plan.TransferInband, ""), targets, nil)
		if err := s.Apply(ctx, nil); err != nil {
			t.Fatalf("apply: %v\n%v", err, notDone(s.Checklist()))
		}
		if cl := s.Checklist(); !cl.Complete() {
			t.Fatalf("status after apply: %v", notDone(cl))
		}
		want := 1 // the other-case login is the plan's under a _CI_ collation
		if steps.CaseSensitive(collation) {
			want = 2
		}
		if n := suiteCount(t, a.DB, "SELECT COUNT(*) FROM master.sys.server_principals WHERE UPPER(name) = N'MCT_B_LOGIN'"); n != want {
			t.Errorf("collation %s: %d logins for MCT_B on MCT_A, want %d", collation, n, want)
		}
	})

	t.Run("login without rights", func(t *testing.T) {
		const opsPw = "Ops-Suite-Pa55!x9"
		a.must(t, "CREATE LOGIN [mct_ops] WITH PASSWORD = N'"+opsPw+"';")
		p := suitePlan(targets, "", plan.TransferInband, "")
		p.Hosts[0].Auth.User = "mct_ops"
		s := suiteSession(t, p, targets, map[string]string{"MCT_A": opsPw})
		var re *session.RightsError
		if err := s.Hosts()[0].Err; !errors.As(err, &re) || !strings.Contains(err.Error(), "VIEW ANY DEFINITION") {
			t.Fatalf("MCT_A as mct_ops: %v, want the missing rights named", err)
		}
		for _, it := range s.Checklist().Hosts[0].Items {
			if it.Status != steps.Unknown {
				t.Errorf("%s = %s, want unknown", it.Ref, it.Status)
			}
		}
		a.must(t, "GRANT CONTROL SERVER TO [mct_ops];")
		if _, err := s.Refresh(ctx, "MCT_A"); err != nil {
			t.Fatalf("with CONTROL SERVER: %v", err)
		}
		if cl := s.Checklist(); !cl.Complete() {
			t.Fatalf("mct_ops with CONTROL SERVER: %v", notDone(cl))
		}
	})

	t.Run("login with just the proposed grants", func(t *testing.T) {
		const minPw = "Min-Suite-Pa55!x9"
		cleanAll()
		a.must(t, "CREATE LOGIN [mct_ops] WITH PASSWORD = N'"+minPw+"'; GRANT VIEW ANY DEFINITION TO [mct_ops]; GRANT ALTER ANY LOGIN TO [mct_ops];"+
			" GRANT ALTER ANY ENDPOINT TO [mct_ops]; USE [master]; CREATE USER [mct_ops] FOR LOGIN [mct_ops]; GRANT CONTROL ON DATABASE::[master] TO [mct_ops];")
		p := suitePlan(targets, "", plan.TransferInband, "")
		p.Hosts[0].Auth.User = "mct_ops"
		s := suiteSession(t, p, targets, map[string]string{"MCT_A": minPw})
		if err := s.Hosts()[0].Err; err != nil {
			t.Fatalf("MCT_A as mct_ops with the proposed grants: %v", err)
		}
		if err := s.Apply(ctx, nil); err != nil {
			t.Fatalf("apply as mct_ops: %v\n%v", err, notDone(s.Checklist()))
		}
		if cl := s.Checklist(); !cl.Complete() {
			t.Fatalf("as mct_ops: %v", notDone(cl))
		}
	})

	t.Run("remedies", func(t *testing.T) {
		s := suiteSession(t, suitePlan(targets, "", plan.TransferInband, ""), targets, nil)
		ep := steps.Ref{Host: "MCT_B", ID: steps.IDEndpoint}
		peer := steps.Ref{Host: "MCT_B", ID: steps.InboundID("MCT_A", steps.KindCertificate)}
		for _, c := range []struct {
			break_ string
			ref    steps.Ref
		}{
			{"ALTER ENDPOINT [mirrorcert_suite] STATE = STOPPED;", ep},
			{"ALTER ENDPOINT [mirrorcert_suite] FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM RC4);", ep},
			{"ALTER ENDPOINT [mirrorcert_suite] FOR DATABASE_MIRRORING (ROLE = WITNESS);", ep},
			{"ALTER ENDPOINT [mirrorcert_suite] FOR DATABASE_MIRRORING (AUTHENTICATION = WINDOWS NEGOTIATE);", ep},
			{"ALTER AUTHORIZATION ON CERTIFICATE::[MCT_A_cert] TO [dbo];", peer},
			{"DROP CERTIFICATE [MCT_A_cert]; CREATE CERTIFICATE [MCT_A_cert] WITH SUBJECT = N'stale';", peer},
		} {
			b.must(t, "USE [master]; "+c.break_)
			remedyFor(t, s, c.ref)
		}
	})

	t.Run("file route", func(t *testing.T) {
		if fileDir == "" {
			t.Skip("MIRRORCERT_TEST_FILE_DIR not set: no folder every instance reads")
		}
		cleanAll()
		s := suiteSession(t, suitePlan(targets, "", plan.TransferFile, fileDir), targets, nil)
		for round := 0; round < 3; round++ {
			err := s.Apply(ctx, nil)
			if err == nil {
				break
			}
			// A local folder every instance mounts is no share to mirrorcert:
			// the copy is a manual step, which the operator confirms.
			for _, hl := range s.Checklist().Hosts {
				for _, it := range hl.Items {
					if it.Manual && it.Status == steps.Pending {
						if err := s.ConfirmManual(ctx, it.Ref); err != nil {
							t.Fatalf("confirm %s: %v", it.Ref, err)
						}
					}
				}
			}
		}
		if cl := s.Checklist(); !cl.Complete() {
			t.Fatalf("file route: %v", notDone(cl))
		}
	})

	t.Run("exported scripts under sqlcmd", func(t *testing.T) {
		if !scripts {
			t.Skip("no sqlcmd on PATH (the root package's tests run the scripts with a runner of sqlcmd's semantics)")
		}
		if fileDir == "" {
			t.Skip("MIRRORCERT_TEST_FILE_DIR not set: the scripts take the file route")
		}
		cleanAll()
		p := suitePlan(targets, "", plan.TransferFile, fileDir)
		text, err := steps.ExportAll(p, steps.ExportMeta{Version: "suite", Date: time.Now().UTC()})
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "all.sql")
		if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		h := p.Hosts[0]
		run, err := tsql.SqlcmdArgs(h.Server, h.Auth.User, false, h.Auth.Encrypt, h.Auth.TrustServerCertificate, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		args := append(strings.Fields(run), "-b", "-i", file, "-v")
		for _, hh := range suiteHosts {
			args = append(args, tsql.MasterKeySecret(hh).Var+"=Mk-"+hh+"-Script-Pa55!", tsql.LoginSecret(hh).Var+"=Lg-"+hh+"-Script-Pa55!")
		}
		for run := 1; run <= 2; run++ {
			cmd := exec.Command("sqlcmd", args...)
			cmd.Env = append(os.Environ(), "SQLCMDPASSWORD="+targets[0].password)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("sqlcmd run %d: %v\n%s", run, err, out)
			}
		}
		s := suiteSession(t, p, targets, nil)
		for _, hl := range s.Checklist().Hosts {
			for _, it := range hl.Items {
				if it.Manual && it.Status == steps.Pending {
					_ = s.ConfirmManual(ctx, it.Ref)
				}
			}
		}
		if cl := s.Checklist(); !cl.Complete() {
			t.Fatalf("status after the scripts: %v", notDone(cl))
		}
	})
}
