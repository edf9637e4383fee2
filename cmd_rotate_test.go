package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim"
)

// startExpiring starts the expiring-cert training scenario: a running,
// synchronized Sales session, HOST_A's certificate five days from expiry.
func startExpiring(t *testing.T) (*sim.Cluster, string, []string) {
	t.Helper()
	cl, err := sim.Start(context.Background(), sim.Config{Password: e2eSimPassword, Dir: t.TempDir(), MirrorTimeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { cl.Close() })
	if err := cl.Seed("expiring-cert"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := []string{"MIRRORCERT_PASSWORD_HOST_A=" + e2eSimPassword, "MIRRORCERT_PASSWORD_HOST_B=" + e2eSimPassword, "MIRRORCERT_PASSWORD_HOST_W=" + e2eSimPassword}
	waitSynchronized(t, cl)
	return cl, writeSimPlanFile(t, cl, dir), env
}

// query runs sql on an instance as sa and returns the first result's rows
// rendered as "a|b" lines.
func query(t *testing.T, cl *sim.Cluster, host, sql string) []string {
	t.Helper()
	var rows []string
	for _, o := range cl.Engine(host).NewSession("sa").ExecBatch(sql) {
		for _, m := range o.Messages {
			if m.IsError() {
				t.Fatalf("%s: %s: Msg %d: %s", host, sql, m.Number, m.Text)
			}
		}
		if o.Result != nil && rows == nil {
			rows = []string{}
			for _, r := range o.Result.Rows {
				var cells []string
				for _, v := range r {
					cells = append(cells, fmt.Sprint(v))
				}
				rows = append(rows, strings.Join(cells, "|"))
			}
		}
	}
	return rows
}

func waitSynchronized(t *testing.T, cl *sim.Cluster) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := query(t, cl, "HOST_A", "SELECT mirroring_state_desc, mirroring_witness_state_desc FROM sys.database_mirroring WHERE mirroring_guid IS NOT NULL")
		if len(got) == 1 && got[0] == "SYNCHRONIZED|CONNECTED" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Sales on HOST_A: %v, want SYNCHRONIZED with the witness CONNECTED", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

const rotatedName = "HOST_A_cert_20280630"

// assertRotated checks the end state on the servers themselves.
func assertRotated(t *testing.T, cl *sim.Cluster) {
	t.Helper()
	if got := query(t, cl, "HOST_A", "SELECT c.name FROM sys.database_mirroring_endpoints AS e JOIN sys.certificates AS c ON c.certificate_id = e.certificate_id"); len(got) != 1 || got[0] != rotatedName {
		t.Errorf("HOST_A's endpoint certificate = %v, want %s", got, rotatedName)
	}
	if got := query(t, cl, "HOST_A", "SELECT CONVERT(varchar(10), expiry_date, 120) FROM sys.certificates WHERE name = N'"+rotatedName+"'"); len(got) != 1 || got[0] != "2028-06-30" {
		t.Errorf("new certificate expiry = %v", got)
	}
	for _, h := range []string{"HOST_A", "HOST_B", "HOST_W"} {
		if got := query(t, cl, h, "SELECT name FROM sys.certificates WHERE name = N'HOST_A_cert'"); len(got) != 0 {
			t.Errorf("%s still holds the old HOST_A_cert", h)
		}
	}
	for _, h := range []string{"HOST_B", "HOST_W"} {
		got := query(t, cl, h, "SELECT dp.name FROM sys.certificates AS c JOIN sys.database_principals AS dp ON dp.principal_id = c.principal_id WHERE c.name = N'"+rotatedName+"'")
		if len(got) != 1 || got[0] != "HOST_A_user" {
			t.Errorf("%s: owner of %s = %v, want HOST_A_user", h, rotatedName, got)
		}
	}
	got := query(t, cl, "HOST_B", "SELECT c.name FROM sys.dm_db_mirroring_connections AS m JOIN sys.certificates AS c ON c.certificate_id = m.peer_certificate_id WHERE m.is_accept = 1 AND m.principal_name = N'HOST_A_user'")
	if len(got) == 0 || strings.Join(got, ",") != strings.TrimSuffix(strings.Repeat(rotatedName+",", len(got)), ",") {
		t.Errorf("HOST_B's connections from HOST_A authenticated by %v, want %s", got, rotatedName)
	}
	waitSynchronized(t, cl)
}

type rotateDocT struct {
	Rotated bool `json:"rotated"`
	Steps   []struct {
		Host, ID, Status, Detail string
	} `json:"steps"`
}

func TestRotateRunningSession(t *testing.T) {
	cl, planPath, env := startExpiring(t)
	r := runWithEnv(t, t.TempDir(), env, "rotate", "--plan", planPath, "--host", "HOST_A", "--expiry", "2028-06-30", "--yes", "--json", "--wait", "30s", "--transcript-dir", t.TempDir())
	if r.code != 0 {
		t.Fatalf("rotate: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	var d rotateDocT
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil || !d.Rotated || len(d.Steps) != 9 {
		t.Fatalf("rotate --json: %v %+v\n%s", err, d, r.stdout)
	}
	assertRotated(t, cl)
	if !strings.Contains(r.stderr, "WARNING: ALTER ENDPOINT restarts") {
		t.Errorf("no failover warning before the endpoint switch:\n%s", r.stderr)
	}
	// A second run changes nothing and exits 0.
	r = runWithEnv(t, t.TempDir(), env, "rotate", "--plan", planPath, "--host", "HOST_A", "--expiry", "2028-06-30", "--yes", "--transcript-dir", t.TempDir())
	if r.code != 0 || strings.Contains(r.stdout, "running:") {
		t.Fatalf("second rotate: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// status and expiry see the rotated setup as complete and healthy.
	if r := runWithEnv(t, t.TempDir(), env, "status", "--plan", planPath); r.code != 0 {
		t.Fatalf("status after rotation: exit %d\n%s", r.code, r.stdout)
	}
	if r := runWithEnv(t, t.TempDir(), env, "expiry", "--plan", planPath, "--json"); r.code != 0 || strings.Contains(r.stdout, `"name": "HOST_A_cert"`) {
		t.Fatalf("expiry after rotation: exit %d\n%s", r.code, r.stdout)
	}
}

// TestRotateResumesAfterAnInterruption cuts the connection as each step
// after the first is sent, so the run stops right after the step before it;
// a second run must reach the same end state.
func TestRotateResumesAfterAnInterruption(t *testing.T) {
	for _, tc := range []struct{ after, fault string }{
		{"create", `HOST_B:drop-on=/FROM BINARY/`},
		{"import", `HOST_A:drop-on=/ALTER ENDPOINT/`},
		{"endpoint switch", `HOST_A:drop-on=/DROP CERTIFICATE/`},
		{"drop on HOST_A", `HOST_B:drop-on=/DROP CERTIFICATE/`},
	} {
		t.Run(tc.after, func(t *testing.T) {
			cl, planPath, env := startExpiring(t)
			if err := cl.SetFaults(tc.fault); err != nil {
				t.Fatal(err)
			}
			args := []string{"rotate", "--plan", planPath, "--host", "HOST_A", "--expiry", "2028-06-30", "--yes", "--wait", "30s", "--transcript-dir", t.TempDir()}
			r := runWithEnv(t, t.TempDir(), env, args...)
			if r.code != 1 || !strings.Contains(r.stderr, "nothing was lost") {
				t.Fatalf("interrupted rotate: exit %d, want 1\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			// The session never broke.
			waitSynchronized(t, cl)
			if err := cl.SetFaults(""); err != nil {
				t.Fatal(err)
			}
			r = runWithEnv(t, t.TempDir(), env, args...)
			if r.code != 0 {
				t.Fatalf("resumed rotate: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			assertRotated(t, cl)
		})
	}
}

func TestRotateBadInput(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	env := []string{"MIRRORCERT_PASSWORD_HOST_A=" + e2eSimPassword, "MIRRORCERT_PASSWORD_HOST_B=" + e2eSimPassword, "MIRRORCERT_PASSWORD_HOST_W=" + e2eSimPassword}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"rotate", "--plan", planPath, "--expiry", "2028-01-01"}, "give --host NAME, or --all"},
		{[]string{"rotate", "--plan", planPath, "--host", "HOST_A", "--all", "--expiry", "2028-01-01"}, "give --host NAME, or --all"},
		{[]string{"rotate", "--plan", planPath, "--host", "HOST_A"}, "--expiry DATE is required"},
		{[]string{"rotate", "--plan", planPath, "--host", "HOST_A", "--expiry", "30/11/2028"}, `--expiry "30/11/2028"`},
		{[]string{"rotate", "--plan", planPath, "--host", "NOPE", "--expiry", "2028-01-01"}, `--host "NOPE" is not in the plan`},
		{[]string{"rotate", "--plan", planPath, "--host", "HOST_A", "--expiry", "2020-01-01", "--yes"}, "is not in the future"},
		// Nothing configured yet: nothing to rotate.
		{[]string{"rotate", "--plan", planPath, "--host", "HOST_A", "--expiry", "2028-01-01", "--yes"}, "no certificate-authenticated mirroring endpoint"},
	} {
		r := runWithEnv(t, dir, env, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "goroutine") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 with %q", tc.args[3:], r.code, r.stderr, tc.want)
		}
	}
	// Nothing was created by the refused runs.
	if got := query(t, cl, "HOST_A", "SELECT name FROM sys.certificates WHERE name LIKE N'HOST_A%'"); len(got) != 0 {
		t.Fatalf("refused rotate left %v", got)
	}
}

// TestRotateFailureIsDiagnosed: when a step fails, rotate reads every host
// and reports what the servers show, as verify's findings.
func TestRotateFailureIsDiagnosed(t *testing.T) {
	cl, planPath, env := startExpiring(t)
	if err := cl.SetFaults(`HOST_W:fail-on=/FROM BINARY/:error=15151`); err != nil {
		t.Fatal(err)
	}
	r := runWithEnv(t, t.TempDir(), env, "rotate", "--plan", planPath, "--host", "HOST_A", "--expiry", "2028-06-30", "--yes", "--json", "--transcript-dir", t.TempDir())
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var d struct {
		Rotated  bool `json:"rotated"`
		Findings []struct {
			Code, Host string
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	found := false
	for _, f := range d.Findings {
		found = found || (f.Code == "cert-expiring" && f.Host == "HOST_A")
	}
	if d.Rotated || !found {
		t.Fatalf("rotated %v, findings %+v: want not rotated and cert-expiring on HOST_A", d.Rotated, d.Findings)
	}
	// The old certificate still works: the session is up.
	waitSynchronized(t, cl)
}
