package sim

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestTrainingScenariosFailLikeSQLServer: each scenario, followed by the
// documented session start, fails at SET PARTNER (or SET WITNESS) with the
// client error SQL Server returns and the error-log line naming the defect.
func TestTrainingScenariosFailLikeSQLServer(t *testing.T) {
	cases := []struct {
		name    string
		failsAt string // PARTNER or WITNESS
		errNum  int32
		logHost string
		logHas  []string
	}{
		{"expired-cert", "PARTNER", 1418, "HOST_A", []string{"'HOST_A_cert' is not valid for endpoint authentication"}},
		{"missing-connect", "PARTNER", 1418, "HOST_B", []string{"login attempt by user 'HOST_A_login.'", "does not have CONNECT permission"}},
		{"stale-peer-cert", "PARTNER", 1418, "HOST_B", []string{"The certificate used by the peer is invalid", "Certificate not found"}},
		{"rc4-only", "WITNESS", 1456, "HOST_W", []string{"There is no compatible encryption algorithm. State 22"}},
		{"windows-endpoint", "PARTNER", 1418, "HOST_B", []string{"There is no compatible authentication protocol. State 21"}},
		{"witness-no-logins", "WITNESS", 1456, "HOST_A", []string{"The certificate used by the peer is invalid", "Certificate not found"}},
		{"endpoint-stopped", "PARTNER", 1418, "HOST_A", []string{"Database mirroring connection error 4", "10061", "'TCP://HOST_B:7024'"}},
		{"port-blocked", "PARTNER", 1418, "HOST_A", []string{"Database mirroring connection error 4", "10061", "'TCP://HOST_B:7024'"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Start(context.Background(), Config{Dir: t.TempDir(), MirrorTimeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Seed(tc.name); err != nil {
				t.Fatalf("Seed: %v", err)
			}
			if got := scalar(t, c, "HOST_A", "SELECT recovery_model_desc FROM sys.databases WHERE name = 'Sales'"); got != "FULL" {
				t.Fatalf("Sales on HOST_A: recovery %v", got)
			}
			backupSales(t, c)
			sqlOn(t, c, "HOST_B", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'")
			var msgErr int32
			if tc.failsAt == "PARTNER" {
				msgErr = sqlErr(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'").Number
			} else {
				sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'")
				msgErr = sqlErr(t, c, "HOST_A", "ALTER DATABASE Sales SET WITNESS = 'TCP://HOST_W:7024'").Number
			}
			if msgErr != tc.errNum {
				t.Errorf("SET %s: error %d, want %d", tc.failsAt, msgErr, tc.errNum)
			}
			if lines := logLines(c, tc.logHost, tc.logHas...); len(lines) == 0 {
				t.Errorf("%s's error log has no line with %q:\n%s", tc.logHost, tc.logHas, strings.Join(c.Engine(tc.logHost).ErrorLog(), "\n"))
			}
		})
	}
}

// TestTrainingScenarioHasOneDefect: the same steps on a cluster seeded
// without the defect succeed, so each scenario's failure is its defect's.
func TestTrainingScenarioBaselineSucceeds(t *testing.T) {
	c, err := Start(context.Background(), Config{Dir: t.TempDir(), MirrorTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := seedConfigured(c, "none"); err != nil {
		t.Fatal(err)
	}
	backupSales(t, c)
	sqlOn(t, c, "HOST_B", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'")
	sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'")
	sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET WITNESS = 'TCP://HOST_W:7024'")
	if row := waitState(t, c, "HOST_A", "SYNCHRONIZED"); row["mirroring_witness_state_desc"] != "CONNECTED" {
		t.Errorf("witness %v", row["mirroring_witness_state_desc"])
	}
}
