package engine

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentSessions runs sessions in parallel against one instance (run
// with -race): logins, users and grants from many connections at once, and
// readers throughout. Every object must arrive exactly once.
func TestConcurrentSessions(t *testing.T) {
	in, s := saSession(t, "HOST_A")
	outbound(t, s, "HOST_A")
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan string, workers*4)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ss := in.NewSession("sa")
			name := fmt.Sprintf("PEER_%d", w)
			for _, q := range []string{
				"CREATE LOGIN " + name + "_login WITH PASSWORD = 'Str0ng-Pw-" + name + "'",
				"CREATE USER " + name + "_user FOR LOGIN " + name + "_login",
				"GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [" + name + "_login]",
				"SELECT COUNT(*) FROM sys.server_permissions p JOIN sys.server_principals sp ON sp.principal_id = p.grantee_principal_id",
				// Everyone races for the same name: exactly one wins.
				"CREATE LOGIN shared_login WITH PASSWORD = 'Str0ng-Shared1'",
			} {
				for _, o := range ss.ExecBatch(q) {
					for _, m := range o.Messages {
						if m.IsError() && !(m.Number == 15025 && strings.Contains(q, "shared_login")) {
							errs <- fmt.Sprintf("%s: %d %s", q, m.Number, m.Text)
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := scalar(t, s, "SELECT COUNT(*) FROM sys.server_permissions WHERE class_desc = 'ENDPOINT' AND major_id = 65536"); n != int32(workers) {
		t.Fatalf("CONNECT grants = %v, want %d", n, workers)
	}
	if n := scalar(t, s, "SELECT COUNT(*) FROM sys.server_principals WHERE name = 'shared_login'"); n != int32(1) {
		t.Fatalf("shared_login rows = %v", n)
	}
	ids := query(t, s, "SELECT principal_id FROM sys.server_principals WHERE name LIKE 'PEER[_]%' OR name = 'shared_login'")
	seen := map[any]bool{}
	for _, r := range ids.Rows {
		if seen[r[0]] {
			t.Fatalf("duplicate principal_id %v", r[0])
		}
		seen[r[0]] = true
	}
}

// TestDropAndRevoke covers the reverse statements.
func TestDropAndRevoke(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	outbound(t, s, "HOST_A")
	run(t, s, "CREATE LOGIN HOST_B_login WITH PASSWORD = 'Str0ng-HOST_B'; CREATE USER HOST_B_user FOR LOGIN HOST_B_login")
	run(t, s, "GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [HOST_B_login]")
	run(t, s, "GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [HOST_B_login]") // idempotent
	grants := "SELECT COUNT(*) FROM sys.server_permissions WHERE class_desc = 'ENDPOINT' AND major_id = 65536"
	if n := scalar(t, s, grants); n != int32(1) {
		t.Fatalf("grants = %v", n)
	}
	run(t, s, "REVOKE CONNECT ON ENDPOINT::Endpoint_Mirroring FROM [HOST_B_login]")
	if n := scalar(t, s, grants); n != int32(0) {
		t.Fatalf("grants after REVOKE = %v", n)
	}
	runErr(t, s, "DROP USER dbo", 15150)
	run(t, s, "DROP USER HOST_B_user; DROP USER IF EXISTS HOST_B_user")
	runErr(t, s, "DROP USER HOST_B_user", 15151)
	run(t, s, "DROP LOGIN HOST_B_login")
	runErr(t, s, "DROP LOGIN sa", 15247)
	runErr(t, s, "DROP ENDPOINT [TSQL Default TCP]", 7873)
	run(t, s, "DROP ENDPOINT Endpoint_Mirroring")
	if n := scalar(t, s, "SELECT COUNT(*) FROM sys.database_mirroring_endpoints"); n != int32(0) {
		t.Fatalf("endpoints = %v", n)
	}
	runErr(t, s, "DROP ENDPOINT Endpoint_Mirroring", 15151)
	run(t, s, "DROP CERTIFICATE HOST_A_cert; DROP MASTER KEY")
	if n := scalar(t, s, "SELECT COUNT(*) FROM sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'"); n != int32(0) {
		t.Fatalf("master key rows = %v", n)
	}
	// Re-creating after the drop works (a fresh endpoint id).
	outbound(t, s, "HOST_A")
	if id := scalar(t, s, "SELECT endpoint_id FROM sys.database_mirroring_endpoints"); id != int32(65537) {
		t.Fatalf("endpoint_id = %v", id)
	}
	// A certificate owned by a user keeps that user.
	run(t, s, "CREATE USER owner_user WITHOUT LOGIN; CREATE CERTIFICATE owned AUTHORIZATION owner_user ENCRYPTION BY PASSWORD = 'Owned-Passw0rd' WITH SUBJECT = 'owned'")
	runErr(t, s, "DROP USER owner_user", 15138)
}
