package engine

import (
	"reflect"
	"testing"
)

// TestHashJoinMatchesNestedLoop runs each join twice on a host with 8
// peers: once with an ON condition of one column = column (hash join), once
// with the same condition written so that it cannot be hashed (the nested
// loop). Rows, their order, NULLs of LEFT JOIN and metadata must be equal.
func TestHashJoinMatchesNestedLoop(t *testing.T) {
	s := hostBWithPeers(t)
	run(t, s, "CREATE LOGIN dup_a WITH PASSWORD = 'Dup-Passw0rd!1'; CREATE LOGIN dup_b WITH PASSWORD = 'Dup-Passw0rd!2';"+
		" GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO dup_a; GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO dup_b;")
	cases := []struct{ name, hashed, loop string }{
		{"binary LEFT JOIN with NULL sids",
			"SELECT dp.name, dp.sid, sp.name AS login_name FROM master.sys.database_principals AS dp LEFT JOIN master.sys.server_principals AS sp ON sp.sid = dp.sid",
			"SELECT dp.name, dp.sid, sp.name AS login_name FROM master.sys.database_principals AS dp LEFT JOIN master.sys.server_principals AS sp ON CAST(sp.sid AS varbinary(max)) = dp.sid"},
		{"integer JOIN, right column on the left of =",
			"SELECT sp.name, p.major_id FROM master.sys.server_permissions AS p JOIN master.sys.server_principals AS sp ON sp.principal_id = p.grantee_principal_id WHERE p.class_desc = 'ENDPOINT'",
			"SELECT sp.name, p.major_id FROM master.sys.server_permissions AS p JOIN master.sys.server_principals AS sp ON sp.principal_id = p.grantee_principal_id + 0 WHERE p.class_desc = 'ENDPOINT'"},
		{"three-way join with a LEFT JOIN on a nullable id",
			"SELECT e.name, c.name AS cert_name, t.port FROM master.sys.database_mirroring_endpoints AS e JOIN master.sys.tcp_endpoints AS t ON t.endpoint_id = e.endpoint_id LEFT JOIN master.sys.certificates AS c ON c.certificate_id = e.certificate_id",
			"SELECT e.name, c.name AS cert_name, t.port FROM master.sys.database_mirroring_endpoints AS e JOIN master.sys.tcp_endpoints AS t ON t.endpoint_id + 0 = e.endpoint_id LEFT JOIN master.sys.certificates AS c ON c.certificate_id = e.certificate_id + 0"},
		{"many to many keeps the nested loop's order",
			"SELECT a.permission_name, a.major_id, b.major_id, b.grantee_principal_id FROM sys.server_permissions AS a JOIN sys.server_permissions AS b ON a.grantee_principal_id = b.grantee_principal_id",
			"SELECT a.permission_name, a.major_id, b.major_id, b.grantee_principal_id FROM sys.server_permissions AS a JOIN sys.server_permissions AS b ON a.grantee_principal_id = b.grantee_principal_id * 1"},
		{"LEFT JOIN where nothing matches",
			"SELECT c.name, e.name FROM master.sys.certificates AS c LEFT JOIN master.sys.endpoints AS e ON e.endpoint_id = c.certificate_id",
			"SELECT c.name, e.name FROM master.sys.certificates AS c LEFT JOIN master.sys.endpoints AS e ON e.endpoint_id + 0 = c.certificate_id"},
		{"string keys take the loop, case-insensitively",
			"SELECT sp.name, l.name FROM sys.server_principals AS sp JOIN sys.sql_logins AS l ON sp.name = l.name",
			"SELECT sp.name, l.name FROM sys.server_principals AS sp JOIN sys.sql_logins AS l ON sp.name = LOWER(l.name)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, l := query(t, s, c.hashed), query(t, s, c.loop)
			if len(h.Rows) == 0 {
				t.Fatal("no rows: the case proves nothing")
			}
			if !reflect.DeepEqual(h, l) {
				t.Fatalf("hashed and nested-loop joins differ:\n%v\n%v", h.Rows, l.Rows)
			}
		})
	}
}

// TestJoinMixedKeyTypes joins an integer column to a string column: the
// values are converted as the nested loop converts them (not hashed), and
// a value that does not convert fails as on SQL Server (245).
func TestJoinMixedKeyTypes(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	rs := query(t, s, "SELECT e.name FROM sys.endpoints AS e JOIN sys.endpoints AS f ON e.endpoint_id = f.type WHERE e.endpoint_id = 2")
	if len(rs.Rows) == 0 {
		t.Fatal("integer = integer join found nothing")
	}
	runErr(t, s, "SELECT e.name FROM sys.endpoints AS e JOIN sys.endpoints AS f ON e.endpoint_id = f.name", 245)
}

// TestCorrelatedSubqueryResolvesPerScope: a column name that exists in
// both the subquery and the outer query resolves to the inner one, an
// outer-qualified one to the outer row, for every row (the resolve cache
// is per scope, so a subquery run for another outer row sees that row).
func TestCorrelatedSubqueryResolvesPerScope(t *testing.T) {
	_, s := saSession(t, "HOST_A")
	rs := query(t, s, "SELECT sp.name, (SELECT COUNT(*) FROM sys.server_permissions AS p WHERE p.grantee_principal_id = sp.principal_id) AS n,"+
		" (SELECT TOP 1 name FROM sys.server_principals WHERE principal_id = sp.principal_id) AS same FROM sys.server_principals AS sp")
	if len(rs.Rows) < 5 {
		t.Fatalf("only %d principals", len(rs.Rows))
	}
	for _, r := range rs.Rows {
		if r[0] != r[2] {
			t.Fatalf("inner name resolved wrongly: %v", r)
		}
		want := scalar(t, s, "SELECT COUNT(*) FROM sys.server_permissions AS p JOIN sys.server_principals AS sp ON sp.principal_id = p.grantee_principal_id WHERE sp.name = N'"+r[0].(string)+"'")
		if r[1] != want {
			t.Fatalf("%v: count %v, want %v", r[0], r[1], want)
		}
	}
	// An ambiguous name fails every time, not only the first.
	for range 2 {
		runErr(t, s, "SELECT name FROM sys.server_principals AS a JOIN sys.server_principals AS b ON a.principal_id = b.principal_id", 209)
	}
}
