package engine

import (
	"testing"
	"time"
)

func TestSSISDBViews(t *testing.T) {
	in, sa := saSession(t, "MASTER01")
	// Before SetSSISDB there is no catalog: as on a server without SSISDB.
	runErr(t, sa, "SELECT property_value FROM SSISDB.catalog.master_properties", 208)
	last := time.Date(2026, 11, 23, 9, 59, 0, 0, time.FixedZone("", -5*3600))
	cat := SSISDB{
		MasterProperties: []SSISProperty{{"MACHINE_NAME", "MASTER01"}, {"SSLCERT_THUMBPRINT", "01D207B300CA662F479BEB884EFE6CE328F77D53"}},
		Workers:          []SSISWorker{{ID: "6583054A-E915-4C2A-80E4-C765E79EF61D", IsEnabled: true, MachineName: "W1", LastOnline: last}, {ID: "00000000-0000-0000-0000-000000000002", MachineName: "W2"}},
	}
	if err := SetSSISDB(in, cat); err != nil {
		t.Fatal(err)
	}
	if got := scalar(t, sa, "SELECT property_value FROM [SSISDB].[catalog].[master_properties] WHERE property_name = N'SSLCERT_THUMBPRINT'"); got != "01D207B300CA662F479BEB884EFE6CE328F77D53" {
		t.Fatalf("SSLCERT_THUMBPRINT = %v", got)
	}
	rs := query(t, sa, "USE SSISDB; SELECT WorkerAgentId, MachineName, LastOnlineTime FROM catalog.worker_agents ORDER BY MachineName")
	if len(rs.Rows) != 2 || rs.Columns[0].Type != UniqueIdentifier || rs.Columns[2].Type != DateTimeOffset {
		t.Fatalf("worker_agents %+v", rs)
	}
	g := rs.Rows[0][0].([16]byte)
	if g[0] != 0x4A || g[3] != 0x65 || g[4] != 0x15 || g[6] != 0x2A || g[8] != 0x80 { // Data1..3 little-endian, the rest as printed
		t.Errorf("GUID bytes % x", g)
	}
	if tm, ok := rs.Rows[0][2].(time.Time); !ok || !tm.Equal(last) {
		t.Errorf("LastOnlineTime %v", rs.Rows[0][2])
	}
	if rs.Rows[1][2] != nil {
		t.Errorf("never-online worker: LastOnlineTime %v, want NULL", rs.Rows[1][2])
	}
	if scalar(t, sa, "SELECT COUNT(*) FROM sys.databases WHERE name = N'SSISDB'") != int32(1) {
		t.Error("SSISDB is not in sys.databases")
	}
	runErr(t, sa, "SELECT * FROM SSISDB.catalog.no_such_view", 208)

	// A login without a user in SSISDB cannot reach its catalog at all (916,
	// as on SQL Server: guest has no CONNECT in SSISDB).
	run(t, sa, "CREATE LOGIN reader WITH PASSWORD = 'Str0ng-Xq7-pw!'")
	rd := in.NewSession("reader")
	m := runErr(t, rd, "SELECT property_name FROM SSISDB.catalog.master_properties", 916)
	if m.Class != 14 || m.Text != `The server principal "reader" is not able to access the database "SSISDB" under the current security context.` {
		t.Errorf("916: class %d, %q", m.Class, m.Text)
	}
	// With a user there but without sysadmin (or ssis_admin /
	// ssis_cluster_executor) the workers view reads empty, the properties
	// do not.
	run(t, sa, "USE SSISDB; CREATE USER reader FOR LOGIN reader; USE master;")
	if rs := query(t, rd, "SELECT MachineName FROM SSISDB.catalog.worker_agents"); len(rs.Rows) != 0 {
		t.Errorf("a plain login reads %d workers", len(rs.Rows))
	}
	if rs := query(t, rd, "SELECT property_name FROM SSISDB.catalog.master_properties"); len(rs.Rows) != 2 {
		t.Errorf("a plain login reads %d properties", len(rs.Rows))
	}
	if err := SetSSISDB(in, SSISDB{Workers: []SSISWorker{{ID: "not-a-guid"}}}); err == nil {
		t.Error("a bad WorkerAgentId was accepted")
	}
}

// SetSSISDB keeps its own copy: changing the caller's rows afterwards does
// not change what the views serve (nor race with them).
func TestSetSSISDBKeepsACopy(t *testing.T) {
	in, sa := saSession(t, "MASTER01")
	cat := SSISDB{
		MasterProperties: []SSISProperty{{"SSLCERT_THUMBPRINT", "01D207B300CA662F479BEB884EFE6CE328F77D53"}},
		Workers:          []SSISWorker{{ID: "6583054A-E915-4C2A-80E4-C765E79EF61D", MachineName: "W1"}},
	}
	if err := SetSSISDB(in, cat); err != nil {
		t.Fatal(err)
	}
	cat.MasterProperties[0].Value = "changed"
	cat.Workers[0].MachineName = "changed"
	if got := scalar(t, sa, "SELECT property_value FROM SSISDB.catalog.master_properties"); got != "01D207B300CA662F479BEB884EFE6CE328F77D53" {
		t.Errorf("property after the caller changed its copy: %v", got)
	}
	if got := scalar(t, sa, "SELECT MachineName FROM SSISDB.catalog.worker_agents"); got != "W1" {
		t.Errorf("worker after the caller changed its copy: %v", got)
	}
}
