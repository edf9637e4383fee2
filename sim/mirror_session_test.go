package sim

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim/engine"
)

// prepareSales makes database Sales on HOST_A (FULL recovery), backs it
// and its log up to a share, and restores both on HOST_B WITH NORECOVERY:
// the documented example's preparation of the mirror.
func prepareSales(t *testing.T, c *Cluster) {
	t.Helper()
	sqlOn(t, c, "HOST_A", "CREATE DATABASE Sales")
	backupSales(t, c)
}

// backupSales backs up HOST_A's Sales (FULL recovery) and restores it on
// HOST_B WITH NORECOVERY through a share.
func backupSales(t *testing.T, c *Cluster) {
	t.Helper()
	sqlOn(t, c, "HOST_A", `ALTER DATABASE Sales SET RECOVERY FULL;
BACKUP DATABASE Sales TO DISK = '\\fileserver\backups\Sales.bak' WITH FORMAT;
BACKUP LOG Sales TO DISK = '\\fileserver\backups\Sales.trn'`)
	sqlOn(t, c, "HOST_B", `RESTORE DATABASE Sales FROM DISK = '\\fileserver\backups\Sales.bak' WITH NORECOVERY;
RESTORE LOG Sales FROM DISK = '\\fileserver\backups\Sales.trn' WITH FILE = 1, NORECOVERY`)
}

// sqlErr runs a batch that must fail and returns its last error.
func sqlErr(t *testing.T, c *Cluster, host, batch string) engine.Message {
	t.Helper()
	var last *engine.Message
	for _, o := range c.Engine(host).NewSession("sa").ExecBatch(batch) {
		for _, m := range o.Messages {
			if m.IsError() {
				last = &m
			}
		}
	}
	if last == nil {
		t.Fatalf("%s: %q succeeded, want an error", host, batch)
	}
	return *last
}

// mirroringRow reads Sales's row of sys.database_mirroring on host.
func mirroringRow(t *testing.T, c *Cluster, host string) map[string]any {
	t.Helper()
	outs := sqlOn(t, c, host, `SELECT m.* FROM sys.database_mirroring m JOIN sys.databases d ON d.database_id = m.database_id WHERE d.name = 'Sales'`)
	for _, o := range outs {
		if o.Result != nil && len(o.Result.Rows) == 1 {
			row := map[string]any{}
			for i, col := range o.Result.Columns {
				row[col.Name] = o.Result.Rows[0][i]
			}
			return row
		}
	}
	t.Fatalf("%s: no sys.database_mirroring row for Sales", host)
	return nil
}

// waitState polls until host's Sales session reaches state.
func waitState(t *testing.T, c *Cluster, host, state string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		row := mirroringRow(t, c, host)
		if row["mirroring_state_desc"] == state || time.Now().After(deadline) {
			if row["mirroring_state_desc"] != state {
				t.Fatalf("%s: mirroring_state_desc = %v, want %s", host, row["mirroring_state_desc"], state)
			}
			return row
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestMirroringSessionDocumentedExample runs the example end to end in the
// engine: SET PARTNER on the mirror, then the principal, then SET WITNESS.
func TestMirroringSessionDocumentedExample(t *testing.T) {
	c := startMirrorCluster(t, 500*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B", "HOST_W")
	prepareSales(t, c)
	// Principal first: the mirror is not waiting yet.
	if m := sqlErr(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'"); m.Number != 1416 {
		t.Fatalf("principal before mirror: %d %s, want 1416", m.Number, m.Text)
	}
	sqlOn(t, c, "HOST_B", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'")
	sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'")
	sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET WITNESS = 'TCP://HOST_W:7024'")

	a := waitState(t, c, "HOST_A", "SYNCHRONIZED")
	for k, want := range map[string]any{"mirroring_role_desc": "PRINCIPAL", "mirroring_safety_level_desc": "FULL",
		"mirroring_partner_name": "TCP://HOST_B:7024", "mirroring_partner_instance": "HOST_B",
		"mirroring_witness_name": "TCP://HOST_W:7024", "mirroring_witness_state_desc": "CONNECTED",
		"mirroring_connection_timeout": int32(10)} {
		if a[k] != want {
			t.Errorf("HOST_A %s = %v, want %v", k, a[k], want)
		}
	}
	b := waitState(t, c, "HOST_B", "SYNCHRONIZED")
	if b["mirroring_role_desc"] != "MIRROR" || b["mirroring_partner_name"] != "TCP://HOST_A:7024" || b["mirroring_witness_state_desc"] != "CONNECTED" {
		t.Errorf("HOST_B row: %v", b)
	}
	if a["mirroring_guid"] != b["mirroring_guid"] || a["mirroring_guid"] == nil {
		t.Errorf("mirroring_guid differs: %v / %v", a["mirroring_guid"], b["mirroring_guid"])
	}
	if got := scalar(t, c, "HOST_W", "SELECT principal_server_name + '/' + mirror_server_name + '/' + safety_level_desc FROM sys.database_mirroring_witnesses WHERE database_name = 'Sales'"); got != "HOST_A/HOST_B/FULL" {
		t.Errorf("witness row: %v", got)
	}
	// HOST_B sees HOST_A's connection, authenticated by HOST_A_cert.
	got := scalar(t, c, "HOST_B", `SELECT c.name FROM sys.dm_db_mirroring_connections m JOIN sys.certificates c ON c.certificate_id = m.peer_certificate_id
WHERE m.is_accept = 1 AND m.login_state_desc = 'ONLINE' AND m.principal_name = 'HOST_A_user'`)
	if got != "HOST_A_cert" {
		t.Errorf("HOST_B's inbound connection from HOST_A: certificate %v", got)
	}
	if len(logLines(c, "HOST_A", "Database mirroring is active with database 'Sales' as the principal copy")) != 1 ||
		len(logLines(c, "HOST_B", "Database mirroring is active with database 'Sales' as the mirror copy")) != 1 {
		t.Error("the session's start is not in the error logs")
	}
	// The mirror's copy cannot be used, nor the session started twice.
	if m := sqlErr(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'"); m.Number != 1405 {
		t.Errorf("second SET PARTNER: %d", m.Number)
	}
	if m := sqlErr(t, c, "HOST_B", "ALTER DATABASE Sales SET PARTNER SAFETY OFF"); m.Number != 1404 {
		t.Errorf("SAFETY on the mirror: %d", m.Number)
	}

	// Failover swaps the roles; then SAFETY OFF, and PARTNER OFF ends it everywhere.
	sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER FAILOVER")
	if b := mirroringRow(t, c, "HOST_B"); b["mirroring_role_desc"] != "PRINCIPAL" {
		t.Errorf("after failover HOST_B is %v", b["mirroring_role_desc"])
	}
	if got := scalar(t, c, "HOST_A", "SELECT state_desc FROM sys.databases WHERE name = 'Sales'"); got != "RESTORING" {
		t.Errorf("after failover HOST_A's Sales is %v", got)
	}
	if got := scalar(t, c, "HOST_W", "SELECT principal_server_name + '/' + mirror_server_name FROM sys.database_mirroring_witnesses"); got != "HOST_B/HOST_A" {
		t.Errorf("witness after failover: %v", got)
	}
	sqlOn(t, c, "HOST_B", "ALTER DATABASE Sales SET PARTNER SAFETY OFF")
	if a := mirroringRow(t, c, "HOST_A"); a["mirroring_safety_level_desc"] != "OFF" || a["mirroring_state_desc"] != "SYNCHRONIZING" {
		t.Errorf("after SAFETY OFF HOST_A: %v %v", a["mirroring_safety_level_desc"], a["mirroring_state_desc"])
	}
	sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER OFF")
	for _, h := range []string{"HOST_A", "HOST_B"} {
		if r := mirroringRow(t, c, h); r["mirroring_guid"] != nil {
			t.Errorf("%s still mirrored after PARTNER OFF: %v", h, r)
		}
	}
	if got := scalar(t, c, "HOST_W", "SELECT COUNT(*) FROM sys.database_mirroring_witnesses"); fmt.Sprint(got) != "0" {
		t.Errorf("witness still lists %v sessions", got)
	}
}

// TestSetPartnerRefusedWithoutConnect: with CONNECT revoked from
// HOST_A_login on HOST_B, the principal's SET PARTNER fails with 1418 and
// HOST_B's error log names HOST_A_login.
func TestSetPartnerRefusedWithoutConnect(t *testing.T) {
	c := startMirrorCluster(t, 300*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B")
	prepareSales(t, c)
	sqlOn(t, c, "HOST_B", "REVOKE CONNECT ON ENDPOINT::Endpoint_Mirroring FROM [HOST_A_login]")
	sqlOn(t, c, "HOST_B", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'")
	m := sqlErr(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'")
	if m.Number != 1418 || !strings.Contains(m.Text, `"TCP://HOST_B:7024"`) {
		t.Fatalf("got %d %q, want 1418 naming TCP://HOST_B:7024", m.Number, m.Text)
	}
	rs := sqlOn(t, c, "HOST_B", "EXEC xp_readerrorlog 0, 1, N'CONNECT'")
	var found bool
	for _, o := range rs {
		if o.Result == nil {
			continue
		}
		for _, row := range o.Result.Rows {
			text := fmt.Sprint(row[len(row)-1])
			if strings.Contains(text, "HOST_A_login") && strings.Contains(text, "does not have CONNECT permission") {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("HOST_B's error log has no 28048/28034 line naming HOST_A_login:\n%s", strings.Join(c.Engine("HOST_B").ErrorLog(), "\n"))
	}
	if r := mirroringRow(t, c, "HOST_A"); r["mirroring_guid"] != nil {
		t.Errorf("HOST_A is mirrored after a failed SET PARTNER: %v", r)
	}
}

// TestMirroringSessionOptions: SUSPEND/RESUME from the mirror, TIMEOUT's
// floor, WITNESS OFF, and PARTNER OFF from the mirror's side.
func TestMirroringSessionOptions(t *testing.T) {
	c := startMirrorCluster(t, 300*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B", "HOST_W")
	prepareSales(t, c)
	sqlOn(t, c, "HOST_B", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'")
	sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'; ALTER DATABASE Sales SET WITNESS = 'TCP://HOST_W:7024'")
	waitState(t, c, "HOST_A", "SYNCHRONIZED")

	sqlOn(t, c, "HOST_B", "ALTER DATABASE Sales SET PARTNER SUSPEND")
	for _, h := range []string{"HOST_A", "HOST_B"} {
		if r := mirroringRow(t, c, h); r["mirroring_state_desc"] != "SUSPENDED" {
			t.Errorf("%s after SUSPEND: %v", h, r["mirroring_state_desc"])
		}
	}
	sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER RESUME")
	waitState(t, c, "HOST_B", "SYNCHRONIZED")

	sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER TIMEOUT 2")
	if r := mirroringRow(t, c, "HOST_A"); r["mirroring_connection_timeout"] != int32(5) {
		t.Errorf("TIMEOUT 2 gives %v, want 5", r["mirroring_connection_timeout"])
	}
	if m := sqlErr(t, c, "HOST_B", "ALTER DATABASE Sales SET WITNESS OFF"); m.Number != 1404 {
		t.Errorf("WITNESS OFF on the mirror: %d", m.Number)
	}
	sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET WITNESS OFF")
	for _, h := range []string{"HOST_A", "HOST_B"} {
		if r := mirroringRow(t, c, h); r["mirroring_witness_name"] != nil || r["mirroring_witness_state_desc"] != "UNKNOWN" {
			t.Errorf("%s after WITNESS OFF: %v %v", h, r["mirroring_witness_name"], r["mirroring_witness_state_desc"])
		}
	}
	if got := scalar(t, c, "HOST_W", "SELECT COUNT(*) FROM sys.database_mirroring_witnesses"); fmt.Sprint(got) != "0" {
		t.Errorf("witness keeps %v sessions after WITNESS OFF", got)
	}
	// Stopping the mirror's endpoint disconnects the session.
	sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring STATE = STOPPED")
	waitState(t, c, "HOST_A", "DISCONNECTED")
	sqlOn(t, c, "HOST_B", "ALTER DATABASE Sales SET PARTNER OFF")
	if r := mirroringRow(t, c, "HOST_B"); r["mirroring_guid"] != nil {
		t.Errorf("HOST_B still mirrored after its PARTNER OFF: %v", r)
	}
	if got := scalar(t, c, "HOST_B", "SELECT state_desc FROM sys.databases WHERE name = 'Sales'"); got != "RESTORING" {
		t.Errorf("the mirror's copy after PARTNER OFF: %v, want RESTORING", got)
	}
}

// TestSetPartnerRefusedOnTheWayBack: HOST_A accepts nothing from HOST_B, so
// the mirror's connection back fails; the principal's SET PARTNER is 1418
// and HOST_A's own log names HOST_B_login.
func TestSetPartnerRefusedOnTheWayBack(t *testing.T) {
	c := startMirrorCluster(t, 300*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B")
	prepareSales(t, c)
	sqlOn(t, c, "HOST_A", "REVOKE CONNECT ON ENDPOINT::Endpoint_Mirroring FROM [HOST_B_login]")
	sqlOn(t, c, "HOST_B", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'")
	if m := sqlErr(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'"); m.Number != 1418 {
		t.Fatalf("got %d %s, want 1418", m.Number, m.Text)
	}
	if len(logLines(c, "HOST_A", "HOST_B_login", "does not have CONNECT permission")) == 0 {
		t.Errorf("HOST_A's log lacks the refusal of HOST_B:\n%s", strings.Join(c.Engine("HOST_A").ErrorLog(), "\n"))
	}
	if len(logLines(c, "HOST_B", "Database mirroring connection error", "TCP://HOST_A:7024")) == 0 {
		t.Errorf("HOST_B's log lacks its failed connection (1474):\n%s", strings.Join(c.Engine("HOST_B").ErrorLog(), "\n"))
	}
	for _, h := range []string{"HOST_A", "HOST_B"} {
		if r := mirroringRow(t, c, h); r["mirroring_guid"] != nil {
			t.Errorf("%s mirrored after the failure: %v", h, r)
		}
	}
	// Granting CONNECT again lets the same statements succeed.
	sqlOn(t, c, "HOST_A", "GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [HOST_B_login]")
	sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'")
	waitState(t, c, "HOST_A", "SYNCHRONIZED")
}

// TestSetPartnerChecks: the statement-level and the mirror copy's checks.
func TestSetPartnerChecks(t *testing.T) {
	c := startMirrorCluster(t, 300*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B")
	sqlOn(t, c, "HOST_A", "CREATE DATABASE Sales; ALTER DATABASE Sales SET RECOVERY SIMPLE")
	for _, tc := range []struct {
		sql  string
		want int32
	}{
		{"ALTER DATABASE Sales SET PARTNER = 'HOST_B:7024'", 1449},
		{"ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'", 1452},
		{"ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'", 1465},
		{"ALTER DATABASE Nope SET PARTNER = 'TCP://HOST_B:7024'", 5011},
		{"ALTER DATABASE Sales SET WITNESS = 'TCP://HOST_W:7024'", 1416},
		{"ALTER DATABASE Sales SET PARTNER FAILOVER", 1416},
	} {
		if m := sqlErr(t, c, "HOST_A", tc.sql); m.Number != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.sql, m.Number, m.Text, tc.want)
		}
	}
	// The mirror restored the full backup only: its log is short (1478).
	sqlOn(t, c, "HOST_A", `ALTER DATABASE Sales SET RECOVERY FULL; BACKUP DATABASE Sales TO DISK = '\\fs\b\full.bak'`)
	sqlOn(t, c, "HOST_B", `RESTORE DATABASE Sales FROM DISK = '\\fs\b\full.bak' WITH NORECOVERY; ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'`)
	if m := sqlErr(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'"); m.Number != 1478 {
		t.Errorf("no log restored on the mirror: %d, want 1478", m.Number)
	}
	// A log backup the mirror has not restored: still 1478.
	sqlOn(t, c, "HOST_A", `BACKUP LOG Sales TO DISK = '\\fs\b\1.trn'; BACKUP LOG Sales TO DISK = '\\fs\b\2.trn'`)
	if m := sqlErr(t, c, "HOST_B", `RESTORE LOG Sales FROM DISK = '\\fs\b\1.trn' WITH NORECOVERY`); m.Number != 3013 {
		t.Errorf("RESTORE on a database set for mirroring: %d, want 3104 then 3013", m.Number)
	}
	sqlOn(t, c, "HOST_B", `ALTER DATABASE Sales SET PARTNER OFF; RESTORE LOG Sales FROM DISK = '\\fs\b\1.trn' WITH NORECOVERY;
ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'`)
	if m := sqlErr(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'"); m.Number != 1478 {
		t.Errorf("a log backup missing on the mirror: %d, want 1478", m.Number)
	}
	// A mirror copy of another database of the same name: 1412.
	sqlOn(t, c, "HOST_B", `ALTER DATABASE Sales SET PARTNER OFF; RESTORE DATABASE Sales FROM DISK = '\\fs\b\full.bak' WITH REPLACE; DROP DATABASE Sales;
CREATE DATABASE Sales; BACKUP DATABASE Sales TO DISK = 'C:\other.bak'; BACKUP LOG Sales TO DISK = 'C:\other.trn';
RESTORE DATABASE Sales FROM DISK = 'C:\other.bak' WITH REPLACE, NORECOVERY; RESTORE LOG Sales FROM DISK = 'C:\other.trn' WITH NORECOVERY;
ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'`)
	if m := sqlErr(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'"); m.Number != 1412 {
		t.Errorf("another family on the mirror: %d, want 1412", m.Number)
	}
}

// TestMirroringSessionReconnects: stopping the mirror's endpoint
// disconnects the session; starting it again brings both partners back
// to SYNCHRONIZED without any statement.
func TestMirroringSessionReconnects(t *testing.T) {
	c := startMirrorCluster(t, 300*time.Millisecond)
	configure(t, c, "HOST_A", "HOST_B")
	prepareSales(t, c)
	sqlOn(t, c, "HOST_B", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'")
	sqlOn(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'")
	waitState(t, c, "HOST_A", "SYNCHRONIZED")
	sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring STATE = STOPPED")
	waitState(t, c, "HOST_A", "DISCONNECTED")
	waitState(t, c, "HOST_B", "DISCONNECTED")
	sqlOn(t, c, "HOST_B", "ALTER ENDPOINT Endpoint_Mirroring STATE = STARTED")
	waitState(t, c, "HOST_A", "SYNCHRONIZED")
	waitState(t, c, "HOST_B", "SYNCHRONIZED")
}
