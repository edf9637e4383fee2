package main

// The done-when for mirroring, end to end: `mirrorcert apply`
// configures fresh simulated instances, then FreeTDS tsql (a client we did
// not write) follows Microsoft's documented example and sees SQL Server's
// answers.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim"
)

// appliedSim starts a cluster with a short mirroring timeout and runs
// `mirrorcert apply` on it.
func appliedSim(t *testing.T) *sim.Cluster {
	t.Helper()
	cl, err := sim.Start(context.Background(), sim.Config{Password: e2eSimPassword, Dir: t.TempDir(), MirrorTimeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { cl.Close() })
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	r := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_A=Mk-A-Pa55word!",
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_B=Mk-B-Pa55word!",
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_W=Mk-W-Pa55word!"}, "apply", "--plan", planPath, "--yes")
	if r.code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	return cl
}

// tsqlOn runs a script (batches ended by "go") through FreeTDS tsql on one
// instance and returns its output.
func tsqlOn(t *testing.T, cl *sim.Cluster, host, script string) string {
	t.Helper()
	tsqlPath, err := exec.LookPath("tsql")
	if err != nil {
		if os.Getenv("MIRRORCERT_E2E") == "1" {
			t.Fatal("FreeTDS tsql is not installed (apt-get install freetds-bin); MIRRORCERT_E2E=1 requires it")
		}
		t.Skip("FreeTDS tsql not installed")
	}
	var port string
	for _, in := range cl.Instances() {
		if in.Name == host {
			port = in.Addr[strings.LastIndexByte(in.Addr, ',')+1:]
		}
	}
	conf := filepath.Join(t.TempDir(), "freetds.conf")
	if err := os.WriteFile(conf, []byte("[global]\n\ttds version = 7.4\n\tencryption = require\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The sim's throwaway password goes on tsql's command line: FreeTDS has
	// no other non-interactive way, and it is not a product secret.
	cmd := exec.CommandContext(ctx, tsqlPath, "-H", "127.0.0.1", "-p", port, "-U", "sa", "-P", e2eSimPassword, "-o", "q")
	cmd.Env = append(os.Environ(), "FREETDSCONF="+conf, "TDSDUMP=")
	cmd.Stdin = strings.NewReader(script + "exit\n")
	out, _ := cmd.CombinedOutput() // tsql's status reflects the last batch only
	if ctx.Err() != nil {
		t.Fatalf("tsql on %s timed out:\n%s", host, out)
	}
	return string(out)
}

// tsqlError matches tsql's report of an error (severity above 10); the
// informational messages of BACKUP and RESTORE come as severity 0.
var tsqlError = regexp.MustCompile(`Msg \d+ \(severity (1[1-9]|2\d)`)

// tsqlClean runs a script that must raise no error.
func tsqlClean(t *testing.T, cl *sim.Cluster, host, script string) string {
	t.Helper()
	out := tsqlOn(t, cl, host, script)
	if tsqlError.MatchString(out) {
		t.Fatalf("tsql on %s:\n%s\noutput:\n%s", host, script, out)
	}
	return out
}

// tsqlUntil reruns a query until its output contains want (sessions
// synchronize in the background).
func tsqlUntil(t *testing.T, cl *sim.Cluster, host, query, want string) string {
	t.Helper()
	var out string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if out = tsqlClean(t, cl, host, query); strings.Contains(out, want) {
			return out
		}
	}
	t.Fatalf("tsql on %s: %q never showed %q; last:\n%s", host, query, want, out)
	return ""
}

func TestMirroringDocumentedExampleThroughFreeTDS(t *testing.T) {
	cl := appliedSim(t)
	tsqlClean(t, cl, "HOST_A", `CREATE DATABASE Sales
go
ALTER DATABASE Sales SET RECOVERY FULL
go
BACKUP DATABASE Sales TO DISK = '\\fileserver\backups\Sales.bak' WITH FORMAT
go
BACKUP LOG Sales TO DISK = '\\fileserver\backups\Sales.trn'
go
`)
	tsqlClean(t, cl, "HOST_B", `RESTORE DATABASE Sales FROM DISK = '\\fileserver\backups\Sales.bak' WITH NORECOVERY, MOVE 'Sales' TO 'C:\Sales.mdf', MOVE 'Sales_log' TO 'C:\Sales_log.ldf'
go
RESTORE LOG Sales FROM DISK = '\\fileserver\backups\Sales.trn' WITH FILE = 1, NORECOVERY
go
ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'
go
`)
	tsqlClean(t, cl, "HOST_A", `ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'
go
ALTER DATABASE Sales SET WITNESS = 'TCP://HOST_W:7024'
go
`)
	q := "SELECT 'row|' + m.mirroring_state_desc + '|' + m.mirroring_role_desc + '|' + m.mirroring_witness_state_desc FROM sys.database_mirroring m JOIN sys.databases d ON d.database_id = m.database_id WHERE d.name = 'Sales'\ngo\n"
	tsqlUntil(t, cl, "HOST_A", q, "row|SYNCHRONIZED|PRINCIPAL|CONNECTED")
	tsqlUntil(t, cl, "HOST_B", q, "row|SYNCHRONIZED|MIRROR|CONNECTED")
	tsqlUntil(t, cl, "HOST_W", "SELECT 'w|' + principal_server_name + '|' + mirror_server_name FROM sys.database_mirroring_witnesses\ngo\n", "w|HOST_A|HOST_B")
	tsqlUntil(t, cl, "HOST_B", `SELECT 'conn|' + c.name + '|' + m.login_state_desc FROM sys.dm_db_mirroring_connections m JOIN sys.certificates c ON c.certificate_id = m.peer_certificate_id WHERE m.is_accept = 1
go
`, "conn|HOST_A_cert|ONLINE")

	// CONNECT revoked from HOST_A_login on HOST_B: a new session fails with
	// 1418 and HOST_B's log says why.
	tsqlClean(t, cl, "HOST_A", "ALTER DATABASE Sales SET PARTNER OFF\ngo\n")
	tsqlClean(t, cl, "HOST_B", "REVOKE CONNECT ON ENDPOINT::Endpoint_Mirroring FROM [HOST_A_login]\ngo\nALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'\ngo\n")
	out := tsqlOn(t, cl, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'\ngo\n")
	if !strings.Contains(out, "Msg 1418") || !strings.Contains(out, `"TCP://HOST_B:7024" can not be reached`) {
		t.Errorf("SET PARTNER without CONNECT:\n%s", out)
	}
	out = tsqlClean(t, cl, "HOST_B", "EXEC xp_readerrorlog 0, 1, N'CONNECT'\ngo\n")
	if !strings.Contains(out, "login attempt by user 'HOST_A_login.' failed") || !strings.Contains(out, "The login 'HOST_A_login' does not have CONNECT permission on the endpoint") {
		t.Errorf("HOST_B's error log lacks the 28048/28034 line:\n%s", out)
	}
}

func TestAvailabilityGroupThroughFreeTDS(t *testing.T) {
	cl := appliedSim(t)
	replica := func(h string) string {
		return "N'" + h + "' WITH (ENDPOINT_URL = N'TCP://" + h + ":7024', AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, FAILOVER_MODE = MANUAL, SEEDING_MODE = AUTOMATIC, SECONDARY_ROLE (ALLOW_CONNECTIONS = ALL))"
	}
	tsqlClean(t, cl, "HOST_A", `CREATE DATABASE db1
go
ALTER DATABASE db1 SET RECOVERY FULL
go
BACKUP DATABASE db1 TO DISK = 'C:\db1.bak'
go
CREATE AVAILABILITY GROUP [ag1] WITH (CLUSTER_TYPE = NONE) FOR REPLICA ON `+replica("HOST_A")+", "+replica("HOST_B")+", "+replica("HOST_W")+`
go
ALTER AVAILABILITY GROUP [ag1] GRANT CREATE ANY DATABASE
go
`)
	for _, h := range []string{"HOST_B", "HOST_W"} {
		tsqlClean(t, cl, h, "ALTER AVAILABILITY GROUP [ag1] JOIN WITH (CLUSTER_TYPE = NONE)\ngo\nALTER AVAILABILITY GROUP [ag1] GRANT CREATE ANY DATABASE\ngo\n")
	}
	tsqlClean(t, cl, "HOST_A", "ALTER AVAILABILITY GROUP [ag1] ADD DATABASE [db1]\ngo\n")
	tsqlUntil(t, cl, "HOST_A", `SELECT 'ag|' + ag.cluster_type_desc + '|' + r.replica_server_name + '|' + s.connected_state_desc + '|' + d.synchronization_state_desc
FROM sys.availability_groups ag JOIN sys.availability_replicas r ON r.group_id = ag.group_id
JOIN sys.dm_hadr_availability_replica_states s ON s.replica_id = r.replica_id
JOIN sys.dm_hadr_database_replica_states d ON d.replica_id = r.replica_id
ORDER BY r.replica_server_name
go
`, "ag|none|HOST_A|CONNECTED|SYNCHRONIZED\nag|none|HOST_B|CONNECTED|SYNCHRONIZED\nag|none|HOST_W|CONNECTED|SYNCHRONIZED")
}

func TestRestoreHeaderOnlyThroughFreeTDS(t *testing.T) {
	cl, err := sim.Start(context.Background(), sim.Config{Names: []string{"HOST_A"}, Password: e2eSimPassword, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	out := tsqlClean(t, cl, "HOST_A", `CREATE DATABASE Sales
go
BACKUP DATABASE Sales TO DISK = 'C:\s.bak'
go
BACKUP LOG Sales TO DISK = 'C:\s.bak'
go
RESTORE HEADERONLY FROM DISK = 'C:\s.bak'
go
RESTORE FILELISTONLY FROM DISK = 'C:\s.bak'
go
`)
	for _, want := range []string{"\t2\tHOST_A\tSales\t", "Transaction Log", "Sales_log\t"} {
		if !strings.Contains(out, want) {
			t.Errorf("tsql output lacks %q:\n%s", want, out)
		}
	}
}
