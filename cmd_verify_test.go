package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/sim"
)

// applySim applies the plan to a fresh simulator and returns the plan path
// and the environment for the binary.
func applySim(t *testing.T, cl *sim.Cluster) (dir, planPath string, env []string) {
	t.Helper()
	dir = t.TempDir()
	planPath = writeSimPlanFile(t, cl, dir)
	env = []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + filepath.Join(dir, "state")}
	r := runWithEnv(t, dir, append(env,
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_A=Mk-A-Pa55word!",
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_B=Mk-B-Pa55word!",
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_W=Mk-W-Pa55word!"), "apply", "--plan", planPath, "--yes")
	if r.code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	return dir, planPath, env
}

func simExec(t *testing.T, cl *sim.Cluster, host, batch string) {
	t.Helper()
	for _, o := range cl.Engine(host).NewSession("sa").ExecBatch(batch) {
		for _, m := range o.Messages {
			if m.IsError() {
				t.Fatalf("%s: %s: Msg %d: %s", host, batch, m.Number, m.Text)
			}
		}
	}
}

func keysOf(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// verify --json has exactly DESIGN.md's shape, and a CONNECT revoked on
// HOST_B is connect-missing on HOST_B for peer HOST_A, with the GRANT as fix.
func TestVerifyJSONContract(t *testing.T) {
	cl := startTestSim(t)
	dir, planPath, env := applySim(t, cl)
	simExec(t, cl, "HOST_B", "REVOKE CONNECT ON ENDPOINT::[Endpoint_Mirroring] FROM [HOST_A_login];")
	r := runWithEnv(t, dir, env, "verify", "--plan", planPath, "--json")
	assertClean(t, r)
	if r.code != 1 {
		t.Fatalf("verify: exit %d, want 1\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if got := keysOf(doc); !slices.Equal(got, []string{"findings", "healthy", "hosts"}) {
		t.Fatalf("top-level keys %v", got)
	}
	if doc["healthy"] != false {
		t.Errorf("healthy = %v", doc["healthy"])
	}
	hosts := doc["hosts"].([]any)
	if len(hosts) != 3 {
		t.Fatalf("hosts: %v", hosts)
	}
	for _, h := range hosts {
		hm := h.(map[string]any)
		if got := keysOf(hm); !slices.Equal(got, []string{"connected", "error", "name", "server"}) {
			t.Fatalf("host keys %v", got)
		}
		if hm["connected"] != true || hm["error"] != nil {
			t.Errorf("host %v", hm)
		}
	}
	found := false
	for _, f := range doc["findings"].([]any) {
		fm := f.(map[string]any)
		if got := keysOf(fm); !slices.Equal(got, []string{"code", "evidence", "fix", "host", "message", "peer", "severity"}) {
			t.Fatalf("finding keys %v", got)
		}
		if fm["code"] == "connect-missing" {
			if fm["host"] != "HOST_B" || fm["peer"] != "HOST_A" || fm["severity"] != "error" ||
				!strings.Contains(fm["fix"].(string), "GRANT CONNECT ON ENDPOINT::[Endpoint_Mirroring] TO [HOST_A_login];") {
				t.Errorf("connect-missing: %v", fm)
			}
			found = true
		}
	}
	if !found {
		t.Fatalf("no connect-missing:\n%s", r.stdout)
	}
	txt := runWithEnv(t, dir, env, "verify", "--plan", planPath)
	if txt.code != 1 || !strings.Contains(txt.stdout, "HOST_B  ") || !strings.Contains(txt.stdout, "ERROR connect-missing (peer HOST_A)") ||
		!strings.Contains(txt.stdout, "tested from this machine, not between the servers") {
		t.Errorf("text verify: exit %d\n%s", txt.code, txt.stdout)
	}
}

func TestVerifyAndStartBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"verify"}, "plan"},
		{[]string{"verify", "--plan", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
		{[]string{"start", "--plan", "x.yaml", "--backup-dir", `\\fs\b`, "--yes"}, "--database"},
		{[]string{"start", "--plan", "x.yaml", "--database", "Sales", "--yes"}, "--backup-dir"},
		{[]string{"start", "--plan", "x.yaml", "--database", "Sales", "--backup-dir", `\\fs\b`}, "--yes"},
	} {
		r := runWithEnv(t, dir, nil, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) || strings.Contains(r.stderr, "panic") {
			t.Errorf("%v: exit %d, stderr %q (want %q)", c.args, r.code, r.stderr, c.want)
		}
	}
}

func TestVerifyUnreachableHostExits2(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	data, _ := os.ReadFile(planPath)
	os.WriteFile(planPath, []byte(strings.Replace(string(data), cl.Instances()[1].Addr, "127.0.0.1,1", 1)), 0o600)
	r := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + e2eSimPassword}, "verify", "--plan", planPath, "--json", "-l", "3")
	var doc verifyJSON
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if r.code != 2 || doc.Healthy || doc.Hosts[1].Connected || doc.Hosts[1].Error == nil {
		t.Fatalf("exit %d: %+v", r.code, doc)
	}
}

// What apply makes is healthy: every endpoint answers at its address, every
// peer is trusted, and the error logs hold nothing unexplained.
func TestVerifyAfterApplyIsHealthy(t *testing.T) {
	cl := startTestSim(t)
	dir, planPath, env := applySim(t, cl)
	r := runWithEnv(t, dir, env, "verify", "--plan", planPath, "--json")
	assertClean(t, r)
	var doc verifyJSON
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if r.code != 0 || !doc.Healthy || len(doc.Findings) != 0 {
		t.Fatalf("verify after apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// Nothing can reach HOST_B's endpoint any more: unreachable from here.
	if err := cl.SetFaults("HOST_B:endpoint-block"); err != nil {
		t.Fatal(err)
	}
	r = runWithEnv(t, dir, env, "verify", "--plan", planPath, "--json")
	doc = verifyJSON{}
	json.Unmarshal([]byte(r.stdout), &doc)
	var codes []string
	for _, f := range doc.Findings {
		codes = append(codes, f.Code+"@"+f.Host)
	}
	if r.code != 1 || !slices.Equal(codes, []string{"endpoint-unreachable@HOST_B"}) {
		t.Fatalf("blocked port: exit %d, findings %v\n%s", r.code, codes, r.stdout)
	}
	if !strings.Contains(doc.Findings[0].Message, "tests the path from here, not between the servers") {
		t.Errorf("the probe must say what it tests: %s", doc.Findings[0].Message)
	}
}
