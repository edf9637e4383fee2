package clients

import (
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim"
)

// SSISDB's catalog.worker_agents returns uniqueidentifier and
// datetimeoffset(7); a client nobody on this project wrote decodes them.
func TestFreeTDSReadsSSISDB(t *testing.T) {
	last := time.Date(2026, 11, 30, 10, 15, 30, 0, time.FixedZone("", 2*3600))
	db := sim.DemoSSISDB("MASTER01", "01D207B300CA662F479BEB884EFE6CE328F77D53", []string{"W1"}, last.Add(time.Minute))
	db.Workers[0].ID = "6583054A-E915-4C2A-80E4-C765E79EF61D"
	c := startCluster(t, sim.Config{Names: []string{"MASTER01"}, SSISDB: &db})
	out := tsqlRun(t, c, "MASTER01", "require", `SELECT property_value FROM SSISDB.catalog.master_properties WHERE property_name = N'SSLCERT_THUMBPRINT'
go
SELECT WorkerAgentId, MachineName, LastOnlineTime FROM [SSISDB].[catalog].[worker_agents]
go
`)
	for _, want := range []string{
		"01D207B300CA662F479BEB884EFE6CE328F77D53",
		"6583054A-E915-4C2A-80E4-C765E79EF61D\tW1\t",
		// tsql prints datetimeoffset in its default date format, at the
		// value's own offset: 10:15 at +02:00 (the UTC time is 08:15).
		"\tNov 30 2026 10:15AM",
	} {
		if !strings.Contains(strings.ToUpper(out), strings.ToUpper(want)) {
			t.Errorf("tsql output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Msg ") {
		t.Errorf("errors:\n%s", out)
	}
}
