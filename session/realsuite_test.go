package session_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/msdsn"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// The real-server suite: every defect of issue 9 (names in other case,
// a login without rights, the routes, the exported scripts, each remedy)
// against three scratch SQL Servers. It changes them, so it runs only with
// MIRRORCERT_TEST_DSN_A, _B and _W (sqlserver://sa:...@host:port?...) AND
// MIRRORCERT_TEST_ALLOW_CHANGES=1; it cleans up what it made. The same
// suite runs against the simulator on every `go test`, which keeps it
// correct where no SQL Server is at hand. README.md says how to run it
// against SQL Server 2017/2019/2022 containers.

// realTarget is one scratch instance.
type realTarget struct {
	server   string // sqlcmd -S form, host[\instance][,port]
	auth     plan.Auth
	password string
	dsn      string
}

func targetFromDSN(t *testing.T, name, dsn string) realTarget {
	t.Helper()
	cfg, err := msdsn.Parse(dsn)
	if err != nil {
		// The error could quote the password: name the variable only.
		t.Fatalf("%s does not parse as a go-mssqldb DSN", name)
	}
	server := cfg.Host
	if cfg.Instance != "" {
		server += `\` + cfg.Instance
	}
	if cfg.Port != 0 {
		server += fmt.Sprintf(",%d", cfg.Port)
	}
	encrypt := plan.EncryptMandatory
	switch cfg.Encryption {
	case msdsn.EncryptionDisabled:
		encrypt = plan.EncryptDisable
	case msdsn.EncryptionOff:
		encrypt = plan.EncryptOptional
	case msdsn.EncryptionStrict:
		encrypt = plan.EncryptStrict
	}
	return realTarget{server: server, password: cfg.Password, dsn: dsn,
		auth: plan.Auth{User: cfg.User, Encrypt: encrypt, TrustServerCertificate: cfg.TrustServerCertificate}}
}

func TestRealServerSuite(t *testing.T) {
	var targets []realTarget
	for _, h := range []string{"A", "B", "W"} {
		name := "MIRRORCERT_TEST_DSN_" + h
		dsn := os.Getenv(name)
		if dsn == "" {
			t.Skip("MIRRORCERT_TEST_DSN_A, _B and _W are not all set: no scratch SQL Servers to test against")
		}
		targets = append(targets, targetFromDSN(t, name, dsn))
	}
	if os.Getenv("MIRRORCERT_TEST_ALLOW_CHANGES") != "1" {
		t.Fatal("refusing to run: the real-server suite creates and drops master keys, certificates, endpoints and logins " +
			"on the MIRRORCERT_TEST_DSN_* instances; set MIRRORCERT_TEST_ALLOW_CHANGES=1 to confirm they are scratch instances")
	}
	_, haveSqlcmd := exec.LookPath("sqlcmd")
	runRealSuite(t, targets, os.Getenv("MIRRORCERT_TEST_FILE_DIR"), haveSqlcmd == nil)
}

// The suite against the simulator, so it stays runnable.
func TestRealServerSuiteAgainstSim(t *testing.T) {
	cl := startSim(t, nil, 0)
	var targets []realTarget
	for i, in := range cl.Instances() {
		targets = append(targets, targetFromDSN(t, fmt.Sprint("sim ", i), fmt.Sprintf("sqlserver://sa:%s@%s?encrypt=true&TrustServerCertificate=true", simPassword, hostPort(in.Addr))))
	}
	runRealSuite(t, targets, `\\fileserver\mirrorcert-suite`, false)
}

// suiteHosts are the plan's host names: object names (MCT_A_cert, ...)
// that no real setup uses.
var suiteHosts = []string{"MCT_A", "MCT_B", "MCT_W"}

func suitePlan(targets []realTarget, user, transfer, fileDir string) *plan.Plan {
	p := &plan.Plan{Mode: plan.ModeMirroring, Endpoint: plan.Endpoint{Name: "mirrorcert_suite", Port: 7024, Encryption: "AES"},
		Certificate: plan.Certificate{Expiry: time.Now().AddDate(2, 0, 0).UTC().Truncate(24 * time.Hour), FileDir: fileDir},
		Transfer:    transfer}
	for i, tg := range targets {
		a := tg.auth
		if user != "" {
			a.User = user
		}
		role := plan.RolePartner
		if i == 2 {
			role = plan.RoleWitness
		}
		p.Hosts = append(p.Hosts, plan.Host{Name: suiteHosts[i], Server: tg.server, Role: role, Auth: a, EndpointRole: map[bool]string{true: "WITNESS", false: "ALL"}[i == 2]})
	}
	p.Auth = p.Hosts[0].Auth
	return p
}

// suiteSession opens a session on the plan; passwords are the targets'
// unless override names one for a host.
func suiteSession(t *testing.T, p *plan.Plan, targets []realTarget, override map[string]string) *session.Session {
	pw := map[string]string{}
	for i, h := range p.Hosts {
		pw[h.Name] = targets[i].password
		if o, ok := override[h.Name]; ok {
			pw[h.Name] = o
		}
	}
	s := session.Open(context.Background(), session.Options{
		Plan:              p,
		Passwords:         func(h string) (string, error) { return pw[h], nil },
		MasterKeyPassword: func(h string) (string, bool, error) { return "Mk-" + h + "-Suite-Pa55!", false, nil },
		TranscriptDir:     t.TempDir(),
	})
	t.Cleanup(func() { s.Close() })
	return s
}

func adminDB(t *testing.T, tg realTarget) *sql.DB {
	t.Helper()
	cfg, err := msdsn.Parse(tg.dsn)
	if err != nil {
		t.Fatal("DSN does not parse")
	}
	db := sql.OpenDB(mssql.NewConnectorConfig(cfg))
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// cleanSuite drops everything the suite may have made on one instance.
func cleanSuite(t *testing.T, db *sql.DB, hadMasterKey bool) {
	t.Helper()
	q := tsql.QuoteIdent
	var stmts []string
	stmts = append(stmts, "USE [master];", tsql.Guarded(tsql.DropEndpoint("mirrorcert_suite")))
	for _, h := range suiteHosts {
		for _, n := range []string{h + "_cert", strings.ToLower(h) + "_cert"} {
			stmts = append(stmts, tsql.Guarded(tsql.DropCertificate(n)))
		}
		for _, u := range []string{h + "_user", strings.ToLower(h) + "_user"} {
			stmts = append(stmts, "IF USER_ID("+tsql.QuoteLiteral(u)+") IS NOT NULL DROP USER "+q(u)+";")
		}
		for _, l := range []string{h + "_login", strings.ToLower(h) + "_login"} {
			stmts = append(stmts, "IF SUSER_ID("+tsql.QuoteLiteral(l)+") IS NOT NULL DROP LOGIN "+q(l)+";")
		}
	}
	stmts = append(stmts, "IF USER_ID(N'mct_ops') IS NOT NULL DROP USER [mct_ops];", "IF SUSER_ID(N'mct_ops') IS NOT NULL DROP LOGIN [mct_ops];")
	if !hadMasterKey {
		stmts = append(stmts, "IF EXISTS (SELECT 1 FROM sys.certificates WHERE pvt_key_encryption_type = N'MK') RAISERROR(N'other certificates use the master key; it stays', 10, 1);"+
			" ELSE IF EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##') DROP MASTER KEY;")
	}
	for _, st := range stmts {
		if _, err := db.Exec(st); err != nil {
			t.Errorf("cleanup: %v\n%s", err, st)
		}
	}
}

func suiteCount(t *testing.T, db *sql.DB, query string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// remedyFor runs the remedy of the conflict on ref and checks it is gone.
func remedyFor(t *testing.T, s *session.Session, ref steps.Ref) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Refresh(ctx, ref.Host); err != nil {
		t.Fatal(err)
	}
	cl := s.Checklist()
	it := cl.Item(ref)
	if it == nil || it.Status != steps.Conflict || it.Conflict == nil {
		t.Fatalf("%s: want a conflict, have %+v", ref, it)
	}
	if _, err := s.RunRemedy(ctx, ref, it.Conflict.Object); err != nil {
		t.Fatalf("%s remedy: %v", ref, err)
	}
	if err := s.Apply(ctx, nil); err != nil {
		t.Fatalf("%s: apply after the remedy: %v", ref, err)
	}
	if cl = s.Checklist(); !cl.Complete() {
		t.Fatalf("%s: not complete after the remedy: %v", ref, notDone(cl))
	}
}

// sqlDB is an admin connection with a must helper.
type sqlDB struct{ *sql.DB }

func (db *sqlDB) must(t *testing.T, text string) {
	t.Helper()
	if _, err := db.Exec(text); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
}
