package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/sim"
)

// Every training scenario of DESIGN.md: verify exits 1 with the
// scenario's code on the right host (and peer).
type scenarioWant struct{ code, host, peer string }

// scenarioTable is DESIGN.md's scenario table.
func scenarioTable() map[string][]scenarioWant {
	type want = scenarioWant
	return map[string][]want{
		"expired-cert":      {{"cert-expired", "HOST_A", ""}},
		"missing-connect":   {{"connect-missing", "HOST_B", "HOST_A"}},
		"stale-peer-cert":   {{"peer-cert-mismatch", "HOST_B", "HOST_A"}},
		"rc4-only":          {{"encryption-incompatible", "HOST_W", "HOST_A"}, {"encryption-incompatible", "HOST_W", "HOST_B"}},
		"windows-endpoint":  {{"endpoint-not-certificate", "HOST_B", ""}},
		"witness-no-logins": {{"peer-login-missing", "HOST_A", "HOST_W"}, {"peer-login-missing", "HOST_B", "HOST_W"}},
		"endpoint-stopped":  {{"endpoint-stopped", "HOST_B", ""}},
		"port-blocked":      {{"endpoint-unreachable", "HOST_B", ""}},
	}
}

func TestVerifyFindsEachScenario(t *testing.T) {
	table := scenarioTable()
	for name := range table {
		if _, ok := sim.ScenarioAbout(name); !ok {
			t.Errorf("DESIGN.md's scenario %s is not in the simulator", name)
		}
	}
	for name, wants := range table {
		t.Run(name, func(t *testing.T) {
			cl, err := sim.Start(context.Background(), sim.Config{BasePort: 0, Password: e2eSimPassword, Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			if err := cl.Seed(name); err != nil {
				t.Fatalf("seed %s: %v", name, err)
			}
			dir := t.TempDir()
			planPath := writeSimPlanFile(t, cl, dir)
			r := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + filepath.Join(dir, "state")},
				"verify", "--plan", planPath, "--json")
			var doc verifyJSON
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatalf("%v\n%s\n%s", err, r.stdout, r.stderr)
			}
			if r.code != 1 || doc.Healthy {
				t.Fatalf("exit %d healthy %v\n%s", r.code, doc.Healthy, r.stdout)
			}
			for _, w := range wants {
				found := false
				for _, f := range doc.Findings {
					found = found || (f.Code == w.code && f.Host == w.host && f.Peer == w.peer && f.Severity == "error")
				}
				if !found {
					t.Errorf("no %s on %s (peer %q):\n%s", w.code, w.host, w.peer, r.stdout)
				}
			}
		})
	}
}

// Every training scenario fails at SET PARTNER or SET WITNESS; start's
// diagnosis names the scenario's cause with an error-log line as evidence.
func TestStartDiagnosesEachScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("starts eight clusters and waits out their handshake timeouts")
	}
	for name, wants := range scenarioTable() {
		t.Run(name, func(t *testing.T) {
			cl, err := sim.Start(context.Background(), sim.Config{BasePort: 0, Password: e2eSimPassword, Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			if err := cl.Seed(name); err != nil {
				t.Fatalf("seed %s: %v", name, err)
			}
			dir := t.TempDir()
			planPath := writeSimPlanFile(t, cl, dir)
			r := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + filepath.Join(dir, "state")}, startArgs(planPath)...)
			d := parseStart(t, r)
			if r.code != 1 || d.Synchronized {
				t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			w := wants[0]
			for _, f := range d.Findings {
				if f.Code == w.code && f.Host == w.host && f.Peer == w.peer {
					if !strings.Contains(f.Evidence, " error log ") {
						t.Errorf("%s on %s: no error-log line as evidence:\n%s", w.code, w.host, f.Evidence)
					}
					return
				}
			}
			t.Fatalf("diagnosis lacks %s on %s (peer %q):\n%s", w.code, w.host, w.peer, r.stdout)
		})
	}
}

// expiring-cert: a synchronized session whose principal's certificate
// expires in 5 days. verify warns (healthy, exit 0) and start finds the
// session running and changes nothing.
func TestExpiringCertScenario(t *testing.T) {
	cl, err := sim.Start(context.Background(), sim.Config{BasePort: 0, Password: e2eSimPassword, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.Seed("expiring-cert"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	env := []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + filepath.Join(dir, "state")}
	r := runWithEnv(t, dir, env, "verify", "--plan", planPath, "--json")
	var doc verifyJSON
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if r.code != 0 || !doc.Healthy || len(doc.Findings) != 1 || doc.Findings[0].Code != "cert-expiring" || doc.Findings[0].Host != "HOST_A" || doc.Findings[0].Severity != "warning" {
		t.Fatalf("verify: exit %d\n%s", r.code, r.stdout)
	}
	// --warn-days 0 asks for no warning window: 5 days left is no finding.
	r = runWithEnv(t, dir, env, "verify", "--plan", planPath, "--json", "--warn-days", "0")
	doc = verifyJSON{}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if r.code != 0 || !doc.Healthy || len(doc.Findings) != 0 {
		t.Fatalf("verify --warn-days 0: exit %d\n%s", r.code, r.stdout)
	}
	r = runWithEnv(t, dir, env, startArgs(planPath)...)
	d := parseStart(t, r)
	if r.code != 0 || !d.Synchronized || !strings.Contains(r.stderr, "Nothing to do") {
		t.Fatalf("start on a running session: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
