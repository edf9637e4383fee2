package clients

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim"
)

// saBatch runs T-SQL as sa inside the simulator (the set-up the clients
// then read); any error fails the test.
func saBatch(t *testing.T, c *cluster, host, batch string) [][]any {
	t.Helper()
	var rows [][]any
	for _, o := range c.Engine(host).NewSession("sa").ExecBatch(batch) {
		for _, m := range o.Messages {
			if m.IsError() {
				t.Fatalf("%s: Msg %d: %s\n%s", host, m.Number, m.Text, batch)
			}
		}
		if o.Result != nil {
			rows = o.Result.Rows
		}
	}
	return rows
}

// mirroredCluster starts HOST_A and HOST_B, configures certificate
// authentication between them, and starts a session for database Sales
// (HOST_A principal).
func mirroredCluster(t *testing.T) *cluster {
	t.Helper()
	c := startCluster(t, sim.Config{Names: []string{"HOST_A", "HOST_B"}, MirrorTimeout: 500 * time.Millisecond})
	hosts := []string{"HOST_A", "HOST_B"}
	for _, h := range hosts {
		saBatch(t, c, h, fmt.Sprintf(`CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk-%[1]s-Pa55word!';
CREATE CERTIFICATE %[1]s_cert WITH SUBJECT = '%[1]s certificate for database mirroring', START_DATE = '2020-01-01', EXPIRY_DATE = '2099-01-01';
CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 7024, LISTENER_IP = ALL)
  FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE %[1]s_cert, ENCRYPTION = REQUIRED ALGORITHM AES, ROLE = ALL);`, h))
	}
	for _, h := range hosts {
		for _, p := range hosts {
			if p == h {
				continue
			}
			der := saBatch(t, c, p, "SELECT CERTENCODED(CERT_ID('"+p+"_cert'))")[0][0].([]byte)
			saBatch(t, c, h, fmt.Sprintf(`CREATE LOGIN %[1]s_login WITH PASSWORD = 'Login-%[1]s-Pa55word!';
CREATE USER %[1]s_user FOR LOGIN %[1]s_login;
CREATE CERTIFICATE %[1]s_cert AUTHORIZATION %[1]s_user FROM BINARY = 0x%[2]s;
GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [%[1]s_login];`, p, hex.EncodeToString(der)))
		}
	}
	saBatch(t, c, "HOST_A", `CREATE DATABASE Sales; BACKUP DATABASE Sales TO DISK = '\\fs\b\Sales.bak'; BACKUP LOG Sales TO DISK = '\\fs\b\Sales.trn'`)
	saBatch(t, c, "HOST_B", `RESTORE DATABASE Sales FROM DISK = '\\fs\b\Sales.bak' WITH NORECOVERY; RESTORE LOG Sales FROM DISK = '\\fs\b\Sales.trn' WITH NORECOVERY;
ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_A:7024'`)
	saBatch(t, c, "HOST_A", "ALTER DATABASE Sales SET PARTNER = 'TCP://HOST_B:7024'")
	return c
}

// mirrorRow is what each client reports of Sales's session on HOST_A.
type mirrorRow struct {
	Name    string `json:"name"`
	State   string `json:"mirroring_state_desc"`
	Role    string `json:"mirroring_role_desc"`
	Partner string `json:"mirroring_partner_name"`
	Safety  string `json:"mirroring_safety_level_desc"`
}

func checkMirrorRows(t *testing.T, client string, rows []mirrorRow) {
	t.Helper()
	if len(rows) != 1 {
		t.Fatalf("%s: %d rows, want 1: %+v", client, len(rows), rows)
	}
	r := rows[0]
	if r.Name != "Sales" || r.Role != "PRINCIPAL" || r.Partner != "TCP://HOST_B:7024" || r.Safety != "FULL" ||
		(r.State != "SYNCHRONIZING" && r.State != "SYNCHRONIZED") {
		t.Errorf("%s: %+v", client, r)
	}
}

// TestTediousReadsMirroringSession: tedious (Node) reads
// sys.database_mirroring with a parameterized query.
func TestTediousReadsMirroringSession(t *testing.T) {
	node := requireTool(t, "node")
	dir, err := filepath.Abs("tedious")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "tedious", "package.json")); err != nil {
		if os.Getenv("MIRRORCERT_E2E") == "1" {
			t.Fatalf("tedious is not installed (run npm install in %s): %v", dir, err)
		}
		t.Skipf("tedious is not installed (npm install in %s)", dir)
	}
	c := mirroredCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "mirroring.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SIM_HOST=127.0.0.1", fmt.Sprintf("SIM_PORT=%d", c.info(t, "HOST_A").Port),
		"SIM_PASSWORD="+c.Password(), "SIM_DATABASE=Sales", "NODE_NO_WARNINGS=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node mirroring.js: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	var got struct{ Rows []mirrorRow }
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("output %q: %v", stdout.String(), err)
	}
	checkMirrorRows(t, "tedious", got.Rows)
}

// pytdsPython finds a Python that can import pytds (Debian's python3-tds
// is installed for /usr/bin/python3, which may not be the first python3
// on PATH).
func pytdsPython(t *testing.T) string {
	t.Helper()
	var tried []string
	for _, cand := range []string{"/usr/bin/python3", "python3"} {
		p, err := exec.LookPath(cand)
		if err != nil {
			continue
		}
		tried = append(tried, p)
		if exec.Command(p, "-c", "import pytds").Run() == nil {
			return p
		}
	}
	if os.Getenv("MIRRORCERT_E2E") == "1" {
		t.Fatalf("no Python with pytds (apt-get install python3-tds); tried %v", tried)
	}
	t.Skipf("no Python with pytds (apt-get install python3-tds); tried %v", tried)
	return ""
}

// pytdsScript reads the session with a parameterized query; connection
// details come from the environment, never the command line.
const pytdsScript = `
import json, os, pytds
with pytds.connect(server=os.environ["SIM_HOST"], port=int(os.environ["SIM_PORT"]), user="sa",
                   password=os.environ["SIM_PASSWORD"], database="master", login_timeout=15, timeout=15) as conn:
    with conn.cursor() as cur:
        cur.execute("""SELECT d.name, m.mirroring_state_desc, m.mirroring_role_desc, m.mirroring_partner_name,
            m.mirroring_safety_level_desc FROM sys.database_mirroring AS m
            JOIN sys.databases AS d ON d.database_id = m.database_id WHERE d.name = %s""", (os.environ["SIM_DATABASE"],))
        cols = [c[0] for c in cur.description]
        print(json.dumps({"rows": [dict(zip(cols, r)) for r in cur.fetchall()]}))
`

// TestPytdsReadsMirroringSession: pytds (Python) reads the same session.
func TestPytdsReadsMirroringSession(t *testing.T) {
	py := pytdsPython(t)
	c := mirroredCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-c", pytdsScript)
	cmd.Env = append(os.Environ(), "SIM_HOST=127.0.0.1", fmt.Sprintf("SIM_PORT=%d", c.info(t, "HOST_A").Port),
		"SIM_PASSWORD="+c.Password(), "SIM_DATABASE=Sales")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pytds: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	var got struct{ Rows []mirrorRow }
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout.String())), &got); err != nil {
		t.Fatalf("output %q: %v", stdout.String(), err)
	}
	checkMirrorRows(t, "pytds", got.Rows)
}
