package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/sim"
)

type startDoc struct {
	Synchronized bool   `json:"synchronized"`
	Database     string `json:"database"`
	Steps        []struct {
		Host, ID, Status, Detail string
	} `json:"steps"`
	Findings []findingJSON `json:"findings"`
}

func parseStart(t *testing.T, r result) startDoc {
	t.Helper()
	var d startDoc
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatalf("start --json output is not JSON: %v\n%s\nstderr: %s", err, r.stdout, r.stderr)
	}
	return d
}

// simQuery runs a query as sa on host and returns the first column of
// every row as text.
func simQuery(t *testing.T, cl *sim.Cluster, host, query string) []string {
	t.Helper()
	var out []string
	for _, o := range cl.Engine(host).NewSession("sa").ExecBatch(query) {
		for _, m := range o.Messages {
			if m.IsError() {
				t.Fatalf("%s: %s: %s", host, query, m.Text)
			}
		}
		if o.Result != nil {
			for _, row := range o.Result.Rows {
				out = append(out, fmt.Sprint(row[0]))
			}
		}
	}
	return out
}

func startArgs(planPath string) []string {
	return []string{"start", "--plan", planPath, "--database", "Sales", "--backup-dir", `\\fileserver\backups`, "--yes", "--json", "--timeout", "60s"}
}

// files lists the files under dir, recursively.
func files(t *testing.T, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestStartSynchronizesThenChangesNothing(t *testing.T) {
	cl := startTestSim(t)
	dir, planPath, env := applySim(t, cl)
	simExec(t, cl, "HOST_A", "CREATE DATABASE [Sales];\nALTER DATABASE [Sales] SET RECOVERY FULL;")
	r := runWithEnv(t, dir, env, startArgs(planPath)...)
	assertClean(t, r)
	d := parseStart(t, r)
	if r.code != 0 || !d.Synchronized || d.Database != "Sales" || len(d.Findings) != 0 {
		t.Fatalf("start: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, st := range d.Steps {
		if st.Status != "done" {
			t.Errorf("%s %s: %s %s", st.Host, st.ID, st.Status, st.Detail)
		}
	}
	for _, ln := range []string{"ALTER DATABASE [Sales] SET PARTNER = N'TCP://", "ALTER DATABASE [Sales] SET WITNESS = N'TCP://", "RESTORE DATABASE [Sales]"} {
		if !strings.Contains(r.stderr, ln) {
			t.Errorf("statement not shown before it ran: %q\n%s", ln, r.stderr)
		}
	}
	state := simQuery(t, cl, "HOST_A", "SELECT mirroring_state_desc + N'/' + mirroring_role_desc + N'/' + mirroring_witness_state_desc FROM sys.database_mirroring WHERE database_id = DB_ID(N'Sales');")
	if len(state) != 1 || state[0] != "SYNCHRONIZED/PRINCIPAL/CONNECTED" {
		t.Fatalf("HOST_A sys.database_mirroring: %v", state)
	}

	ran := 0
	for _, f := range files(t, filepath.Join(dir, "state")) {
		if strings.HasPrefix(filepath.Base(f), "executed-") {
			ran++
		}
	}
	if ran == 0 {
		t.Fatal("the first start left no executed-HOST.sql: the check below would prove nothing")
	}
	// A second run reads a synchronized session and sends nothing.
	env2 := append(env[:len(env):len(env)], "XDG_STATE_HOME="+filepath.Join(dir, "state2"))
	r = runWithEnv(t, dir, env2, startArgs(planPath)...)
	d = parseStart(t, r)
	if r.code != 0 || !d.Synchronized || !strings.Contains(r.stderr, "Nothing to do") {
		t.Fatalf("second start: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, f := range files(t, filepath.Join(dir, "state2")) {
		if strings.Contains(filepath.Base(f), "executed") {
			data, _ := os.ReadFile(f)
			t.Errorf("the second start executed statements (%s):\n%s", f, data)
		}
	}
}

// missing-connect: start fails at SET PARTNER, reads the logs at once, and
// names HOST_B's missing GRANT with the 28034 line HOST_B logged. After the
// GRANT, start resumes and synchronizes.
func TestStartMissingConnectDiagnosis(t *testing.T) {
	cl, err := sim.Start(context.Background(), sim.Config{BasePort: 0, Password: e2eSimPassword, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	if err := cl.Seed("missing-connect"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	env := []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + filepath.Join(dir, "state")}
	r := runWithEnv(t, dir, env, startArgs(planPath)...)
	assertClean(t, r)
	d := parseStart(t, r)
	if r.code != 1 || d.Synchronized {
		t.Fatalf("start on missing-connect: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var f *findingJSON
	for i := range d.Findings {
		if d.Findings[i].Code == "connect-missing" && d.Findings[i].Host == "HOST_B" && d.Findings[i].Peer == "HOST_A" {
			f = &d.Findings[i]
		}
	}
	if f == nil {
		t.Fatalf("no connect-missing on HOST_B for HOST_A:\n%s", r.stdout)
	}
	if !strings.Contains(f.Evidence, "HOST_B error log") || !strings.Contains(f.Evidence, "does not have CONNECT permission") ||
		!strings.Contains(f.Fix, "GRANT CONNECT ON ENDPOINT::[Endpoint_Mirroring] TO [HOST_A_login];") || f.Severity != "error" {
		t.Fatalf("connect-missing: %+v", f)
	}
	failed := false
	for _, st := range d.Steps {
		failed = failed || st.Status == "failed"
	}
	if !failed {
		t.Errorf("no step marked failed: %+v", d.Steps)
	}

	simExec(t, cl, "HOST_B", "GRANT CONNECT ON ENDPOINT::[Endpoint_Mirroring] TO [HOST_A_login];")
	r = runWithEnv(t, dir, env, startArgs(planPath)...)
	d = parseStart(t, r)
	if r.code != 0 || !d.Synchronized {
		t.Fatalf("start after the GRANT: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stderr, "BACKUP DATABASE") {
		t.Errorf("the resumed start backed up again:\n%s", r.stderr)
	}
}

// writeAGPlanFile writes a mode: ag plan for the cluster's instances.
func writeAGPlanFile(t *testing.T, cl *sim.Cluster, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("mode: ag\nhosts:\n")
	for _, in := range cl.Instances() {
		fmt.Fprintf(&b, "  - name: %s\n    server: %s\n    role: replica\n    address: %s\n", in.Name, in.Addr, in.Address)
	}
	b.WriteString("auth:\n  user: sa\n  encrypt: mandatory\n  trust_server_certificate: true\n")
	b.WriteString("endpoint:\n  name: Hadr_endpoint\n  port: 5022\n  encryption: AES\n")
	b.WriteString("certificate:\n  expiry: 2031-11-30\ntransfer: inband\n")
	path := filepath.Join(dir, "ag.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStartAvailabilityGroupOfThree(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeAGPlanFile(t, cl, dir)
	env := []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + filepath.Join(dir, "state")}
	r := runWithEnv(t, dir, append(env,
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_A=Mk-A-Pa55word!",
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_B=Mk-B-Pa55word!",
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_W=Mk-W-Pa55word!"), "apply", "--plan", planPath, "--yes")
	if r.code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	simExec(t, cl, "HOST_A", "CREATE DATABASE [Sales];\nALTER DATABASE [Sales] SET RECOVERY FULL;")
	r = runWithEnv(t, dir, env, startArgs(planPath)...)
	assertClean(t, r)
	d := parseStart(t, r)
	if r.code != 0 || !d.Synchronized {
		t.Fatalf("start (ag): exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "CLUSTER_TYPE = NONE") || !strings.Contains(r.stderr, "JOIN WITH (CLUSTER_TYPE = NONE)") {
		t.Errorf("AG statements not shown:\n%s", r.stderr)
	}
	states := simQuery(t, cl, "HOST_A", "SELECT r.replica_server_name + N'=' + s.connected_state_desc FROM sys.availability_replicas AS r JOIN sys.dm_hadr_availability_replica_states AS s ON s.replica_id = r.replica_id;")
	if len(states) != 3 {
		t.Fatalf("replicas: %v", states)
	}
	for _, s := range states {
		if !strings.HasSuffix(s, "=CONNECTED") {
			t.Errorf("replica not connected: %s (all: %v)", s, states)
		}
	}
	r = runWithEnv(t, dir, env, startArgs(planPath)...)
	if r.code != 0 || !strings.Contains(r.stderr, "Nothing to do") {
		t.Fatalf("second start (ag): exit %d\n%s", r.code, r.stderr)
	}
}
