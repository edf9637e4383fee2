package sim

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const agCreate = `CREATE AVAILABILITY GROUP [ag1] WITH (CLUSTER_TYPE = NONE) FOR REPLICA ON
 N'HOST_A' WITH (ENDPOINT_URL = N'tcp://HOST_A:7024', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC, SECONDARY_ROLE (ALLOW_CONNECTIONS = ALL)),
 N'HOST_B' WITH (ENDPOINT_URL = N'tcp://HOST_B:7024', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC, SECONDARY_ROLE (ALLOW_CONNECTIONS = ALL)),
 N'HOST_W' WITH (ENDPOINT_URL = N'tcp://HOST_W:7024', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = %s, SECONDARY_ROLE (ALLOW_CONNECTIONS = ALL));
ALTER AVAILABILITY GROUP [ag1] GRANT CREATE ANY DATABASE;`

// rowsOf returns the rows of the batch's last result set as strings.
func rowsOf(t *testing.T, c *Cluster, host, query string) []string {
	t.Helper()
	var out []string
	for _, o := range sqlOn(t, c, host, query) {
		if o.Result != nil {
			out = nil
			for _, r := range o.Result.Rows {
				out = append(out, strings.TrimSpace(fmt.Sprintln(r...)))
			}
		}
	}
	return out
}

// TestAvailabilityGroupClusterTypeNone: three replicas, automatic seeding
// to HOST_B and manual seeding to HOST_W, all synchronized.
func TestAvailabilityGroupClusterTypeNone(t *testing.T) {
	c := startMirrorCluster(t, 300*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B", "HOST_W")
	sqlOn(t, c, "HOST_A", `CREATE DATABASE db1; ALTER DATABASE db1 SET RECOVERY FULL; BACKUP DATABASE db1 TO DISK = '\\fs\ag\db1.bak' WITH FORMAT`)
	sqlOn(t, c, "HOST_A", fmt.Sprintf(agCreate, "MANUAL"))
	for _, h := range []string{"HOST_B", "HOST_W"} {
		sqlOn(t, c, h, "ALTER AVAILABILITY GROUP [ag1] JOIN WITH (CLUSTER_TYPE = NONE); ALTER AVAILABILITY GROUP [ag1] GRANT CREATE ANY DATABASE;")
	}
	sqlOn(t, c, "HOST_A", "ALTER AVAILABILITY GROUP [ag1] ADD DATABASE [db1]; BACKUP LOG db1 TO DISK = '\\\\fs\\ag\\db1.trn'")
	// HOST_W seeds by hand: restore, then SET HADR.
	sqlOn(t, c, "HOST_W", `RESTORE DATABASE db1 FROM DISK = '\\fs\ag\db1.bak' WITH NORECOVERY;
RESTORE LOG db1 FROM DISK = '\\fs\ag\db1.trn' WITH NORECOVERY;
ALTER DATABASE db1 SET HADR AVAILABILITY GROUP = [ag1];`)

	if got := rowsOf(t, c, "HOST_A", "SELECT name, cluster_type, cluster_type_desc FROM sys.availability_groups"); len(got) != 1 || got[0] != "ag1 2 none" {
		t.Errorf("sys.availability_groups = %q", got)
	}
	if got := rowsOf(t, c, "HOST_A", "SELECT replica_server_name, endpoint_url FROM sys.availability_replicas ORDER BY replica_server_name"); strings.Join(got, ";") != "HOST_A tcp://HOST_A:7024;HOST_B tcp://HOST_B:7024;HOST_W tcp://HOST_W:7024" {
		t.Errorf("sys.availability_replicas = %q", got)
	}
	want := "HOST_A PRIMARY CONNECTED HEALTHY;HOST_B SECONDARY CONNECTED HEALTHY;HOST_W SECONDARY CONNECTED HEALTHY"
	q := `SELECT r.replica_server_name, s.role_desc, s.connected_state_desc, s.synchronization_health_desc
FROM sys.dm_hadr_availability_replica_states s JOIN sys.availability_replicas r ON r.replica_id = s.replica_id ORDER BY r.replica_server_name`
	if got := strings.Join(rowsOf(t, c, "HOST_A", q), ";"); got != want {
		t.Errorf("replica states = %q, want %q", got, want)
	}
	dq := `SELECT r.replica_server_name, s.synchronization_state_desc FROM sys.dm_hadr_database_replica_states s
JOIN sys.availability_replicas r ON r.replica_id = s.replica_id ORDER BY r.replica_server_name`
	wantDB := "HOST_A SYNCHRONIZED;HOST_B SYNCHRONIZED;HOST_W SYNCHRONIZED"
	var got string
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got = strings.Join(rowsOf(t, c, "HOST_A", dq), ";"); got == wantDB {
			break
		}
	}
	if got != wantDB {
		t.Errorf("database replica states = %q, want %q", got, wantDB)
	}
	for _, h := range []string{"HOST_B", "HOST_W"} {
		if got := rowsOf(t, c, h, "SELECT name, state_desc FROM sys.databases WHERE name = 'db1'"); len(got) != 1 || got[0] != "db1 ONLINE" {
			t.Errorf("%s db1: %q", h, got)
		}
	}
}

// TestAvailabilityGroupUnreachableSecondary: a secondary whose endpoint is
// blocked shows DISCONNECTED with the connection error on the primary, and
// its JOIN fails with 35250.
func TestAvailabilityGroupUnreachableSecondary(t *testing.T) {
	c := startMirrorCluster(t, 200*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B", "HOST_W")
	if err := c.SetFaults("HOST_W:endpoint-block"); err != nil {
		t.Fatal(err)
	}
	sqlOn(t, c, "HOST_A", fmt.Sprintf(agCreate, "AUTOMATIC"))
	sqlOn(t, c, "HOST_B", "ALTER AVAILABILITY GROUP [ag1] JOIN WITH (CLUSTER_TYPE = NONE)")
	if m := sqlErr(t, c, "HOST_W", "ALTER AVAILABILITY GROUP [ag1] JOIN WITH (CLUSTER_TYPE = NONE)"); m.Number != 15151 && m.Number != 35250 {
		t.Errorf("JOIN on the unreachable replica: %d %s", m.Number, m.Text)
	}
	q := `SELECT r.replica_server_name, s.connected_state_desc, s.last_connect_error_number FROM sys.dm_hadr_availability_replica_states s
JOIN sys.availability_replicas r ON r.replica_id = s.replica_id WHERE r.replica_server_name = 'HOST_W'`
	if got := rowsOf(t, c, "HOST_A", q); len(got) != 1 || got[0] != "HOST_W DISCONNECTED 10061" {
		t.Errorf("HOST_W's state on the primary: %q", got)
	}
	// Once the port opens, the primary reaches HOST_W again (driven by
	// reading the replica states), and the JOIN works.
	if err := c.SetFaults(""); err != nil {
		t.Fatal(err)
	}
	defined := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !defined; time.Sleep(50 * time.Millisecond) {
		rowsOf(t, c, "HOST_A", q)
		defined = len(c.Engine("HOST_W").NewSession("sa").ExecBatch("ALTER AVAILABILITY GROUP [ag1] JOIN WITH (CLUSTER_TYPE = NONE)")[0].Messages) == 0
	}
	if !defined {
		t.Fatal("HOST_W never received the group's definition after the port opened")
	}
	if got := rowsOf(t, c, "HOST_A", q); len(got) != 1 || !strings.HasPrefix(got[0], "HOST_W CONNECTED") {
		t.Errorf("HOST_W after JOIN: %q", got)
	}
}

// TestAvailabilityGroupSeedsAtJoin: a database named at CREATE is seeded
// on a secondary once it has joined and granted CREATE ANY DATABASE; the
// secondary sees itself and the primary.
func TestAvailabilityGroupSeedsAtJoin(t *testing.T) {
	c := startMirrorCluster(t, 300*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B")
	sqlOn(t, c, "HOST_A", `CREATE DATABASE db1; BACKUP DATABASE db1 TO DISK = 'C:\db1.bak';
CREATE AVAILABILITY GROUP [ag1] WITH (CLUSTER_TYPE = NONE) FOR DATABASE [db1] REPLICA ON
 N'HOST_A' WITH (ENDPOINT_URL = N'TCP://HOST_A:7024', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC),
 N'HOST_B' WITH (ENDPOINT_URL = N'TCP://HOST_B:7024', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC);`)
	if got := rowsOf(t, c, "HOST_B", "SELECT name FROM sys.availability_groups"); len(got) != 0 {
		t.Errorf("HOST_B lists %q before JOIN", got)
	}
	sqlOn(t, c, "HOST_B", "ALTER AVAILABILITY GROUP [ag1] JOIN WITH (CLUSTER_TYPE = NONE)")
	if got := rowsOf(t, c, "HOST_B", "SELECT name FROM sys.databases WHERE name = 'db1'"); len(got) != 0 {
		t.Errorf("seeded without GRANT CREATE ANY DATABASE: %q", got)
	}
	sqlOn(t, c, "HOST_B", "ALTER AVAILABILITY GROUP [ag1] GRANT CREATE ANY DATABASE")
	// Not readable (ALLOW_CONNECTIONS = NO by default): the copy stays RESTORING.
	if got := rowsOf(t, c, "HOST_B", "SELECT name, state_desc FROM sys.databases WHERE name = 'db1'"); len(got) != 1 || got[0] != "db1 RESTORING" {
		t.Errorf("HOST_B db1 after GRANT: %q", got)
	}
	q := `SELECT r.replica_server_name, s.role_desc, s.is_local, s.connected_state_desc FROM sys.dm_hadr_availability_replica_states s
JOIN sys.availability_replicas r ON r.replica_id = s.replica_id ORDER BY r.replica_server_name`
	if got := strings.Join(rowsOf(t, c, "HOST_B", q), ";"); got != "HOST_A PRIMARY false CONNECTED;HOST_B SECONDARY true CONNECTED" {
		t.Errorf("HOST_B's replica states: %q", got)
	}
	if m := sqlErr(t, c, "HOST_B", "ALTER AVAILABILITY GROUP [ag1] ADD DATABASE [db1]"); m.Number != 41190 {
		t.Errorf("ADD DATABASE on a secondary: %d", m.Number)
	}
	if m := sqlErr(t, c, "HOST_A", "CREATE AVAILABILITY GROUP [ag2] FOR REPLICA ON N'HOST_A' WITH (ENDPOINT_URL = N'TCP://HOST_A:7024', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL)"); m.Number != 35220 {
		t.Errorf("a WSFC group without a cluster: %d", m.Number)
	}
	if m := sqlErr(t, c, "HOST_A", "DROP DATABASE db1"); m.Number != 3752 {
		t.Errorf("DROP DATABASE of a group database: %d", m.Number)
	}
}
