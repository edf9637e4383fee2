package engine

import "testing"

// A uniqueidentifier compares as SQL Server compares it: with a string
// converted to uniqueidentifier (8169 when it is not one), never equal to
// another GUID, refused against a number (206), ordered by SQL Server's
// byte order; it prints as its upper-case text.
func TestUniqueidentifierComparesAndPrints(t *testing.T) {
	in, sa := saSession(t, "MASTER01")
	cat := SSISDB{Workers: []SSISWorker{
		{ID: "6583054A-E915-4C2A-80E4-C765E79EF61D", MachineName: "W1"},
		// W2 sorts before W3 by the last group, though its first is higher.
		{ID: "00000002-0000-0000-0000-000000000001", MachineName: "W2"},
		{ID: "00000001-0000-0000-0000-000000000002", MachineName: "W3"},
	}}
	if err := SetSSISDB(in, cat); err != nil {
		t.Fatal(err)
	}
	const from = " FROM SSISDB.catalog.worker_agents"
	if rs := query(t, sa, "SELECT MachineName"+from+" WHERE WorkerAgentId = N'00000000-0000-0000-0000-000000000009'"); len(rs.Rows) != 0 {
		t.Errorf("another GUID matched %v", rs.Rows)
	}
	if got := scalar(t, sa, "SELECT MachineName"+from+" WHERE WorkerAgentId = N'{6583054a-e915-4c2a-80e4-c765e79ef61d}'"); got != "W1" {
		t.Errorf("the worker's own GUID (lower case, braces) matched %v", got)
	}
	if got := scalar(t, sa, "SELECT CAST(WorkerAgentId AS nvarchar(36))"+from+" WHERE MachineName = N'W1'"); got != "6583054A-E915-4C2A-80E4-C765E79EF61D" {
		t.Errorf("CAST to nvarchar = %q", got)
	}
	runErr(t, sa, "SELECT MachineName"+from+" WHERE WorkerAgentId = N'W1'", 8169)
	runErr(t, sa, "SELECT MachineName"+from+" WHERE WorkerAgentId = N'6583054AE9154C2A80E4C765E79EF61D'", 8169)
	runErr(t, sa, "SELECT MachineName"+from+" WHERE WorkerAgentId = 1", 206)
	rs := query(t, sa, "SELECT MachineName"+from+" ORDER BY WorkerAgentId")
	if got := render(rs); got != "W2;W3;W1" {
		t.Errorf("ORDER BY WorkerAgentId:\n%s", got)
	}
}
