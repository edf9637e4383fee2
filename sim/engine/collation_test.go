package engine

import (
	"fmt"
	"testing"
)

func newCollated(t *testing.T, collation string) Session {
	t.Helper()
	in, err := New(Options{Name: "HOST_A", SAPassword: testSAPassword, FileRoot: t.TempDir(), Now: testNow, Collation: collation})
	if err != nil {
		t.Fatal(err)
	}
	return in.NewSession("sa")
}

// Under the default CI collation a name in other case is the same principal,
// as on a real server: the second CREATE LOGIN fails with 15025.
func TestCollationCIResolvesOtherCase(t *testing.T) {
	s := newCollated(t, "")
	run(t, s, "CREATE LOGIN host_b_login WITH PASSWORD = N'Str0ng-Passw0rd!'")
	m := runErr(t, s, "CREATE LOGIN [HOST_B_login] WITH PASSWORD = N'Str0ng-Passw0rd!'", 15025)
	if m.Text != "The server principal 'HOST_B_login' already exists." {
		t.Fatalf("text %q", m.Text)
	}
	run(t, s, "CREATE USER host_b_user FOR LOGIN host_b_login")
	runErr(t, s, "CREATE USER HOST_B_USER FOR LOGIN HOST_B_LOGIN", 15023)
	if rs := query(t, s, "SELECT name FROM sys.server_principals WHERE name = N'HOST_B_LOGIN'"); len(rs.Rows) != 1 {
		t.Fatalf("CI = found %d rows, want 1", len(rs.Rows))
	}
	if got := query(t, s, "SELECT SERVERPROPERTY('Collation')").Rows[0][0]; got != DefaultCollation {
		t.Fatalf("collation %v", got)
	}
}

// Under a _CS_ collation the two spellings are two logins, and = compares
// exactly.
func TestCollationCSKeepsCase(t *testing.T) {
	const coll = "Latin1_General_100_CS_AS"
	s := newCollated(t, coll)
	run(t, s, "CREATE LOGIN host_b_login WITH PASSWORD = N'Str0ng-Passw0rd!'")
	run(t, s, "CREATE LOGIN [HOST_B_login] WITH PASSWORD = N'Str0ng-Passw0rd!'")
	if rs := query(t, s, "SELECT name FROM sys.server_principals WHERE name = N'HOST_B_login'"); len(rs.Rows) != 1 || rs.Rows[0][0] != "HOST_B_login" {
		t.Fatalf("CS = found %v", rs.Rows)
	}
	if rs := query(t, s, "SELECT name FROM sys.server_principals WHERE name LIKE N'host_b%'"); len(rs.Rows) != 1 {
		t.Fatalf("CS LIKE found %v", rs.Rows)
	}
	runErr(t, s, "GRANT CONNECT SQL TO [HOST_B_LOGIN]", 15151)
	got := query(t, s, "SELECT SERVERPROPERTY('Collation') AS s, (SELECT collation_name FROM master.sys.databases WHERE name = N'master') AS m").Rows[0]
	if got[0] != coll || got[1] != coll {
		t.Fatalf("collations %v", got)
	}
	for _, c := range []string{"Latin1_General_BIN2", "Latin1_General_BIN", "SQL_Latin1_General_CP1_CS_AS"} {
		if !CaseSensitive(c) {
			t.Errorf("%s should be case-sensitive", c)
		}
	}
	if CaseSensitive("Latin1_General_CI_AS_KS_WS") {
		t.Error("a _CI_ collation is not case-sensitive")
	}
}

// Under a _CS_ collation GROUP BY, DISTINCT, UNION, CHARINDEX and REPLACE
// tell 'a' from 'A' too, as comparisons already did: two logins whose names
// differ in case stay two rows.
func TestCollationCSKeepsCaseInSetsAndText(t *testing.T) {
	s := newCollated(t, "Latin1_General_100_CS_AS")
	run(t, s, "CREATE LOGIN host_b_login WITH PASSWORD = N'Str0ng-Passw0rd!'; CREATE LOGIN HOST_B_login WITH PASSWORD = N'Str0ng-Passw0rd!'")
	const logins = " FROM sys.server_principals WHERE name IN (N'host_b_login', N'HOST_B_login')"
	for _, q := range []string{
		"SELECT DISTINCT UPPER(LEFT(name, 1)) + SUBSTRING(name, 2, 100) AS n" + logins,
		"SELECT name" + logins + " UNION SELECT name" + logins,
		"SELECT name, COUNT(*) AS c" + logins + " GROUP BY name",
	} {
		if rs := query(t, s, q); len(rs.Rows) != 2 {
			t.Errorf("%d rows, want 2: %s", len(rs.Rows), q)
		}
	}
	if got := scalar(t, s, "SELECT CHARINDEX(N'B', N'host_b_HOST_B')"); fmt.Sprint(got) != "13" {
		t.Errorf("CHARINDEX under CS = %v, want 13", got)
	}
	if got := scalar(t, s, "SELECT REPLACE(N'host_b_HOST_B', N'b', N'x')"); got != "host_x_HOST_B" {
		t.Errorf("REPLACE under CS = %v", got)
	}
	ci := newCollated(t, "")
	if got := scalar(t, ci, "SELECT CHARINDEX(N'B', N'host_b_HOST_B')"); fmt.Sprint(got) != "6" {
		t.Errorf("CHARINDEX under CI = %v, want 6", got)
	}
}
