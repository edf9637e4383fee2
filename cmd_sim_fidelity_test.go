package main

import (
	"database/sql"
	"net/url"
	"strings"
	"syscall"
	"testing"
)

// simDB opens a connection to the instance on line i of the sim's output.
func simDB(t *testing.T, lines []string, i int, pw string) *sql.DB {
	t.Helper()
	port := strings.TrimPrefix(strings.Fields(lines[i])[1], "127.0.0.1,")
	u := url.URL{Scheme: "sqlserver", User: url.UserPassword("sa", pw), Host: "127.0.0.1:" + port, RawQuery: "encrypt=disable"}
	db, err := sql.Open("sqlserver", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// --server-version NAME=V sets that instance's ProductVersion and @@VERSION,
// and what the version gates (CERTENCODED exists from 2012 on); the others
// stay 2022. --collation does the same for the collation.
func TestSimCommandServerVersionAndCollation(t *testing.T) {
	const pw = "Version_Passw0rd!"
	cmd, lines, stderr := startSimBin(t, []string{simPasswordEnv + "=" + pw}, "--base-port", "0",
		"--server-version", "HOST_A=2008R2,HOST_W=2017", "--collation", "HOST_B=Latin1_General_100_CS_AS")
	defer func() { _ = cmd.Process.Signal(syscall.SIGINT); _ = cmd.Wait() }()
	if len(lines) < 3 {
		t.Fatalf("output = %q, stderr %s", lines, stderr.String())
	}
	want := []struct{ version, year, collation string }{
		{"10.50.6000.34", "2008 R2", "SQL_Latin1_General_CP1_CI_AS"},
		{"16.0.4135.4", "2022", "Latin1_General_100_CS_AS"},
		{"14.0.3456.2", "2017", "SQL_Latin1_General_CP1_CI_AS"},
	}
	for i, w := range want {
		db := simDB(t, lines, i, pw)
		var v, full, coll string
		if err := db.QueryRow("SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)), @@VERSION, CAST(SERVERPROPERTY('Collation') AS nvarchar(128))").Scan(&v, &full, &coll); err != nil {
			t.Fatal(err)
		}
		if v != w.version || !strings.Contains(full, "SQL Server "+w.year) || coll != w.collation {
			t.Errorf("%s: version %q, @@VERSION %q, collation %q; want %s, %s, %s", lines[i], v, full, coll, w.version, w.year, w.collation)
		}
		var x []byte
		err := db.QueryRow("SELECT CERTENCODED(1)").Scan(&x)
		if (i == 0) != (err != nil) {
			t.Errorf("%s: CERTENCODED error %v (only 2008 R2 lacks it)", lines[i], err)
		}
	}
}

func TestSimCommandServerVersionBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--server-version", "2005"},
		{"--server-version", "HOST_Q=2012"},
		{"--collation", "x'; DROP"},
	} {
		r := runBin(t, "", append([]string{"sim", "--base-port", "0"}, args...)...)
		assertClean(t, r)
		if r.code != 2 || !strings.Contains(r.stderr, args[0]) {
			t.Errorf("%v: code %d stderr %q; want exit 2 naming the flag", args, r.code, r.stderr)
		}
	}
}
