package engine

import (
	"fmt"
	"testing"
)

// A login without sysadmin is refused each statement (15247) until it
// holds the permission the documentation names for it, and sees the
// catalog only as far as its permissions reach.
func TestRightsFollowTheDocumentedPermissions(t *testing.T) {
	in, sa := saSession(t, "HOST_A")
	outbound(t, sa, "HOST_A")
	run(t, sa, "CREATE LOGIN dba WITH PASSWORD = N'Qz-Passw0rd!x1'; CREATE LOGIN victim WITH PASSWORD = N'Qz-Passw0rd!x2'")
	s := in.NewSession("dba")
	perms := func() []any {
		return query(t, s, "SELECT HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW ANY DEFINITION'), HAS_PERMS_BY_NAME(NULL, NULL, 'ALTER ANY LOGIN'),"+
			" HAS_PERMS_BY_NAME(NULL, NULL, 'CREATE ENDPOINT'), HAS_PERMS_BY_NAME(N'master', N'DATABASE', N'CONTROL'), IS_SRVROLEMEMBER('sysadmin')").Rows[0]
	}
	if got := render(&ResultSet{Rows: [][]any{perms()}}); got != "0,0,0,0,0" {
		t.Fatalf("fresh login's rights = %s", got)
	}
	if n := scalar(t, s, "SELECT COUNT(*) FROM sys.certificates WHERE name = 'HOST_A_cert'"); n != int32(0) {
		t.Fatal("a login without rights must not see the certificate")
	}
	runErr(t, s, "CREATE LOGIN x WITH PASSWORD = N'Qz-Passw0rd!x4'", 15247)
	runErr(t, s, "DROP ENDPOINT Endpoint_Mirroring", 15247)
	// A grant to public is every login's.
	run(t, sa, "GRANT VIEW SERVER STATE TO public")
	if got := scalar(t, s, "SELECT HAS_PERMS_BY_NAME(NULL, N'SERVER', N'VIEW SERVER STATE')"); fmt.Sprint(got) != "1" {
		t.Fatalf("VIEW SERVER STATE granted to public: %v", got)
	}

	run(t, sa, "GRANT VIEW ANY DEFINITION TO dba")
	if n := scalar(t, s, "SELECT COUNT(*) FROM sys.certificates WHERE name = 'HOST_A_cert'"); n != int32(1) {
		t.Fatal("VIEW ANY DEFINITION opens the metadata")
	}
	if n := scalar(t, s, "SELECT COUNT(*) FROM sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'"); n != int32(1) {
		t.Fatal("VIEW ANY DEFINITION shows the master key")
	}
	runErr(t, s, "CREATE LOGIN x WITH PASSWORD = N'Qz-Passw0rd!x4'", 15247)

	run(t, sa, "GRANT ALTER ANY LOGIN TO dba")
	run(t, s, "CREATE LOGIN x WITH PASSWORD = N'Qz-Passw0rd!x4'")
	run(t, sa, "GRANT CREATE ENDPOINT TO dba")
	runErr(t, s, "ALTER ENDPOINT Endpoint_Mirroring STATE = STOPPED", 15247)
	runErr(t, s, "GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO x", 15247)
	run(t, sa, "GRANT ALTER ANY ENDPOINT TO dba")
	run(t, s, "GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO x")
	runErr(t, s, "CREATE CERTIFICATE c2 WITH SUBJECT = 'c2'", 15247)
	run(t, sa, "CREATE USER dba FOR LOGIN dba; GRANT CONTROL ON DATABASE::master TO dba")
	run(t, s, "CREATE CERTIFICATE c2 WITH SUBJECT = 'c2'; CREATE USER x FOR LOGIN x")
	if got := render(&ResultSet{Rows: [][]any{perms()}}); got != "1,1,1,1,0" {
		t.Fatalf("granted rights = %s", got)
	}
	runErr(t, s, "GRANT CONTROL SERVER TO victim", 15247)

	// CONTROL SERVER acts like sysadmin for the procedure.
	run(t, sa, "CREATE LOGIN boss WITH PASSWORD = N'Qz-Passw0rd!x3'; GRANT CONTROL SERVER TO boss")
	b := in.NewSession("boss")
	run(t, b, "DROP CERTIFICATE c2; CREATE LOGIN y WITH PASSWORD = N'Qz-Passw0rd!x5'; ALTER ENDPOINT Endpoint_Mirroring STATE = STARTED")
	run(t, b, "EXEC xp_readerrorlog 0, 1")
	runErr(t, s, "EXEC xp_readerrorlog 0, 1", 229)
	if got := scalar(t, b, "SELECT COUNT(*) FROM sys.server_principals WHERE name IN ('victim', 'dba')"); got != int32(2) {
		t.Fatalf("CONTROL SERVER sees %v of 2 logins", got)
	}
}

// DROP USER takes the user's database permissions with it, as SQL Server
// does: sys.database_permissions never names a grantee that is gone.
func TestDropUserDropsItsDatabasePermissions(t *testing.T) {
	_, sa := saSession(t, "HOST_A")
	run(t, sa, "CREATE LOGIN gone WITH PASSWORD = N'Qz-Passw0rd!x6'; CREATE USER gone FOR LOGIN gone; GRANT CONTROL ON DATABASE::master TO gone")
	const orphans = "SELECT COUNT(*) FROM sys.database_permissions p" +
		" LEFT JOIN sys.database_principals u ON u.principal_id = p.grantee_principal_id WHERE u.principal_id IS NULL"
	if n := scalar(t, sa, "SELECT COUNT(*) FROM sys.database_permissions WHERE permission_name = N'CONTROL'"); n != int32(1) {
		t.Fatalf("%v CONTROL grants before DROP USER, want 1", n)
	}
	run(t, sa, "DROP USER gone")
	if n := scalar(t, sa, "SELECT COUNT(*) FROM sys.database_permissions WHERE permission_name = N'CONTROL'"); n != int32(0) {
		t.Errorf("%v CONTROL grants left after DROP USER", n)
	}
	if n := scalar(t, sa, orphans); n != int32(0) {
		t.Errorf("%v permission rows name a grantee that does not exist", n)
	}
}

// GRANT on an endpoint, a login or the server runs only in master (4621),
// as on SQL Server: a script that lost its USE master fails here too.
func TestServerScopeGrantOnlyInMaster(t *testing.T) {
	_, sa := saSession(t, "HOST_A")
	outbound(t, sa, "HOST_A")
	run(t, sa, "CREATE LOGIN HOST_B_login WITH PASSWORD = N'Qz-Passw0rd!x7'")
	for _, q := range []string{
		"GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO HOST_B_login",
		"GRANT VIEW ANY DEFINITION TO HOST_B_login",
		"REVOKE CONNECT ON ENDPOINT::Endpoint_Mirroring FROM HOST_B_login",
	} {
		m := runErr(t, sa, "USE msdb; "+q, 4621)
		if m.Text != "Permissions at the server scope can only be granted when the current database is master" {
			t.Errorf("4621 text %q", m.Text)
		}
	}
	run(t, sa, "USE master; GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO HOST_B_login")
}
