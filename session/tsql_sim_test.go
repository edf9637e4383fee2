package session_test

import (
	"database/sql"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/msdsn"

	"github.com/mirrorcert/mirrorcert/sim"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// Every statement builder of steps/tsql runs here against the simulator,
// which is as strict as the documentation where the product depends on it:
// a builder whose text a server would refuse fails this test.

func saDB(t *testing.T, addr string) *sql.DB {
	t.Helper()
	cfg, err := msdsn.Parse(fmt.Sprintf("sqlserver://sa@%s?encrypt=disable", hostPort(addr)))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Password = simPassword
	db := sql.OpenDB(mssql.NewConnectorConfig(cfg))
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// must runs text and fails the test on any error.
func must(t *testing.T, db *sql.DB, text string) {
	t.Helper()
	if _, err := db.Exec(text); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
}

// mustStmt renders st with secrets, runs it, then runs its guarded form,
// which must now do nothing (the guard says it is done).
func mustStmt(t *testing.T, db *sql.DB, st tsql.Statement, secrets map[string]string) {
	t.Helper()
	text, err := tsql.Render(st, secrets)
	if err != nil {
		t.Fatal(err)
	}
	must(t, db, text)
	if st.Guard != "" {
		guarded, err := tsql.Render(tsql.Statement{Text: tsql.Guarded(st), Secrets: st.Secrets}, secrets)
		if err != nil {
			t.Fatal(err)
		}
		must(t, db, guarded) // would fail (15578, 15232, 15025, ...) if the guard let it run again
	}
}

func count(t *testing.T, db *sql.DB, query string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func truthy(t *testing.T, db *sql.DB, cond string) bool {
	return count(t, db, "SELECT CASE WHEN "+cond+" THEN 1 ELSE 0 END") == 1
}

func TestEveryBuilderRunsOnTheSimulator(t *testing.T) {
	// HOST_A is a Central Management Server, so RegisteredServersQuery has
	// msdb's registered-server tables to read.
	cl := startSimWith(t, sim.Config{Names: []string{"HOST_A", "HOST_B"}, CMS: true})
	a, b := saDB(t, cl.Instances()[0].Addr), saDB(t, cl.Instances()[1].Addr)
	secrets := map[string]string{}
	for _, h := range []string{"HOST_A", "HOST_B"} {
		secrets[tsql.MasterKeySecret(h).Var] = "Mk-" + h + "-Pa55word!'q"
		secrets[tsql.LoginSecret(h).Var] = "Lg-" + h + "-Pa55word!'q"
	}
	now := time.Now().UTC()
	for _, x := range []struct {
		db   *sql.DB
		host string
	}{{a, "HOST_A"}, {b, "HOST_B"}} {
		must(t, x.db, tsql.Use(tsql.Master))
		mustStmt(t, x.db, tsql.CreateMasterKey(tsql.MasterKeySecret(x.host)), secrets)
		mustStmt(t, x.db, tsql.CreateCertificate(x.host+"_cert", x.host+" certificate", now.AddDate(0, 0, -1), now.AddDate(3, 0, 0)), secrets)
		ep, err := tsql.CreateEndpoint("Endpoint_Mirroring", 7024, x.host+"_cert", "AES", "ALL")
		if err != nil {
			t.Fatal(err)
		}
		mustStmt(t, x.db, ep, secrets)
	}
	if n := count(t, a, "SELECT COUNT(*) FROM sys.database_mirroring_endpoints WHERE state_desc = N'STARTED' AND connection_auth_desc = N'CERTIFICATE'"); n != 1 {
		t.Fatalf("CreateEndpoint: %d certificate endpoints", n)
	}

	// In-band hand-over: HOST_A's public bytes become HOST_B's peer copy.
	var der []byte
	if err := a.QueryRow(tsql.SelectCertEncoded("HOST_A_cert").Text).Scan(&der); err != nil || len(der) == 0 {
		t.Fatalf("SelectCertEncoded: %v", err)
	}
	mustStmt(t, b, tsql.CreateLogin("HOST_A_login", tsql.LoginSecret("HOST_A")), secrets)
	mustStmt(t, b, tsql.CreateUser("HOST_A_user", "HOST_A_login"), secrets)
	mustStmt(t, b, tsql.CreatePeerCertificateFromBinary("HOST_A_cert", "HOST_A_user", der), secrets)
	mustStmt(t, b, tsql.GrantConnect("Endpoint_Mirroring", "HOST_A_login"), secrets)

	// File hand-over: HOST_B's certificate through a file on the share.
	file := `\\fileserver\certs\HOST_B_cert.cer`
	mustStmt(t, b, tsql.BackupCertificate("HOST_B_cert", file), secrets)
	if _, err := b.Exec(tsql.TolerateError(tsql.BackupCertificate("HOST_B_cert", file), 15240, "exists")); err != nil {
		t.Fatalf("TolerateError did not tolerate 15240: %v", err)
	}
	if _, err := b.Exec(tsql.TolerateError(tsql.BackupCertificate("nope", file), 15240, "exists")); err == nil || !strings.Contains(err.Error(), "15151") {
		t.Fatalf("TolerateError must re-raise other errors with their number: %v", err)
	}
	mustStmt(t, a, tsql.CreateLogin("HOST_B_login", tsql.LoginSecret("HOST_B")), secrets)
	mustStmt(t, a, tsql.CreateUser("HOST_B_user", "HOST_B_login"), secrets)
	mustStmt(t, a, tsql.CreatePeerCertificateFromFile("HOST_B_cert", "dbo", file), secrets)
	mustStmt(t, a, tsql.AlterCertificateOwner("HOST_B_cert", "HOST_B_user"), secrets)
	if n := count(t, a, "SELECT COUNT(*) FROM sys.certificates c JOIN sys.database_principals p ON p.principal_id = c.principal_id WHERE c.name = N'HOST_B_cert' AND p.name = N'HOST_B_user'"); n != 1 {
		t.Fatal("AlterCertificateOwner did not hand the certificate over")
	}
	mustStmt(t, a, tsql.GrantConnect("Endpoint_Mirroring", "HOST_B_login"), secrets)

	// Endpoint remedies.
	mustStmt(t, a, tsql.AlterEndpointAuth("Endpoint_Mirroring", "HOST_A_cert"), secrets)
	must(t, a, "ALTER ENDPOINT Endpoint_Mirroring STATE = STOPPED")
	mustStmt(t, a, tsql.AlterEndpointState("Endpoint_Mirroring"), secrets)
	for _, mk := range []func() (tsql.Statement, error){
		func() (tsql.Statement, error) { return tsql.AlterEndpointEncryption("Endpoint_Mirroring", "AES RC4") },
		func() (tsql.Statement, error) { return tsql.AlterEndpointRole("Endpoint_Mirroring", "PARTNER") },
	} {
		st, err := mk()
		if err != nil {
			t.Fatal(err)
		}
		mustStmt(t, a, st, secrets)
	}

	// Read-only statements: the state query and the diagnostics.
	must(t, a, tsql.StateQuery(true, []string{file}))
	for _, st := range []tsql.Statement{tsql.SelectMasterKey(), tsql.SelectCertificates(), tsql.SelectEndpoint(), tsql.SelectLoginsAndUsers(),
		tsql.SelectConnectGrants(), tsql.SelectMirroringSessions()} {
		must(t, a, st.Text)
	}
	// The read-only batches of expiry and rotate.
	must(t, a, tsql.ExpiryQuery())
	must(t, a, tsql.LiveQuery())
	must(t, a, tsql.RegisteredServersQuery())
	for _, r := range tsql.RightsChecked() {
		if !truthy(t, a, r.Expr()+" = 1") {
			t.Errorf("sa lacks %s?", r.Name)
		}
	}

	// Script pieces: the secrets check and the pre-checks hold or not as
	// the catalog says.
	if _, err := a.Exec(tsql.RequireSecrets([]string{"X"})); err != nil {
		t.Fatalf("RequireSecrets with a value: %v", err) // $(X) unsubstituted reads as a non-empty literal
	}
	if _, err := a.Exec(strings.ReplaceAll(tsql.RequireSecrets([]string{"X"}), "$(X)", "")); err == nil {
		t.Fatal("RequireSecrets let an empty password through")
	}
	checks := []struct {
		cond string
		want bool
	}{
		{tsql.EndpointNotUsingCert("HOST_A_cert"), false},
		{tsql.EndpointNotUsingCert("other_cert"), true},
		{tsql.EndpointNamedOtherwise("Endpoint_Mirroring"), false},
		{tsql.EndpointNamedOtherwise("Other"), true},
		{tsql.CertOutOfDate("HOST_A_cert"), false},
		{tsql.CertKeyNotByMasterKey("HOST_A_cert"), false},
		{tsql.CertKeyNotByMasterKey("HOST_B_cert"), true}, // a peer copy has no key
		{tsql.PeerCopyUnusable("HOST_B_cert", "HOST_B_user"), false},
		{tsql.PeerCopyUnusable("HOST_A_cert", "HOST_B_user"), true},
		{tsql.LoginMappedElsewhere("HOST_B_login", "HOST_B_user"), false},
		{tsql.LoginMappedElsewhere("HOST_B_login", "someone_else"), true},
	}
	for _, c := range checks {
		if got := truthy(t, a, c.cond); got != c.want {
			t.Errorf("%s = %v, want %v", c.cond, got, c.want)
		}
	}
	if _, err := a.Exec(tsql.StopIf("1 = 1", "100% stopped")); err == nil || !strings.Contains(err.Error(), "100% stopped") {
		t.Errorf("StopIf: %v", err)
	}

	// Drops last.
	mustStmt(t, b, tsql.DropEndpoint("Endpoint_Mirroring"), secrets)
	mustStmt(t, a, tsql.DropCertificate("HOST_B_cert"), secrets)
}

// notStatementBuilders are steps/tsql's exported functions that build no
// T-SQL a server runs (quoting, names, sqlcmd text, checks on text).
var notStatementBuilders = map[string]string{
	"MasterKeySecret": "names a variable", "LoginSecret": "names a variable", "VarSuffix": "names a variable",
	"Date": "a literal (used by CreateCertificate)", "NormalizeEncryption": "validates a keyword", "NormalizeRole": "validates a keyword",
	"QuoteIdent": "quoting", "QuoteLiteral": "quoting", "Binary": "quoting", "Render": "fills placeholders (used above)",
	"Guarded": "used by mustStmt", "Comment": "a sqlcmd comment", "SetVar": "a sqlcmd command", "Connect": "a sqlcmd command",
	"SqlcmdArgs": "a command line", "CheckScriptText": "checks text", "RightsChecked": "lists permissions (their Expr runs above)",
	"MirroringURL": "a TCP:// literal (used by SetPartner)", "VerifySetCount": "a result-set count", "VerifySetConnections": "a result-set index",
}

// Every exported function of steps/tsql is either run above or listed as
// building no statement, so a new builder cannot go untested.
func TestEveryTsqlBuilderIsCovered(t *testing.T) {
	self, err := os.ReadFile("tsql_sim_test.go")
	if err != nil {
		t.Fatal(err)
	}
	// verify's and start's builders run in their own file.
	more, err := os.ReadFile("tsql_start_sim_test.go")
	if err != nil {
		t.Fatal(err)
	}
	self = append(self, more...)
	files, _ := filepath.Glob(filepath.Join("..", "steps", "tsql", "*.go"))
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() {
				continue
			}
			name := fn.Name.Name
			if _, skip := notStatementBuilders[name]; skip {
				continue
			}
			if !strings.Contains(string(self), "tsql."+name+"(") {
				t.Errorf("%s (%s) builds T-SQL but no test runs it against the simulator", name, filepath.Base(f))
			}
		}
	}
}
