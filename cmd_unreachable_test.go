package main

import (
	"os"
	"strings"
	"testing"
)

// status with a wrong password: one line per host with the reason and a
// hint that fits it; no wall of "unknown" items, no advice to apply.
func TestStatusWrongPasswordOneLinePerHost(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	r := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=wrong-Pa55word!"}, "status", "--plan", planPath)
	assertClean(t, r)
	if r.code != 2 {
		t.Fatalf("exit %d, want 2", r.code)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) > 5 {
		t.Errorf("%d lines for three unreachable hosts:\n%s", len(lines), r.stdout)
	}
	for _, h := range []string{"HOST_A", "HOST_B", "HOST_W"} {
		n := 0
		for _, ln := range lines {
			if strings.HasPrefix(ln, h+" ") {
				n++
				if !strings.Contains(ln, "login failed") || !strings.Contains(ln, "MIRRORCERT_PASSWORD_"+h) {
					t.Errorf("%s: the line lacks the reason or the password hint: %s", h, ln)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s: %d lines, want 1:\n%s", h, n, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "unknown") || strings.Contains(r.stdout+r.stderr, "apply") {
		t.Errorf("status lists unknown items or advises apply for hosts it could not read:\n%s%s", r.stdout, r.stderr)
	}
	// The JSON keeps its shape: the reason is in each host's "error".
	r = runWithEnv(t, dir, []string{"SQLCMDPASSWORD=wrong-Pa55word!"}, "status", "--plan", planPath, "--json")
	d := parseStatus(t, r)
	for _, h := range d.Hosts {
		if h.Connected || h.Error == nil || !strings.Contains(*h.Error, "login failed") {
			t.Errorf("%s: json %+v", h.Name, h)
		}
	}
}

// apply with no host reachable says so, without a "skipped" line per item.
func TestApplyNoHostReachable(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	r := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=wrong-Pa55word!", "XDG_STATE_HOME=" + dir}, "apply", "--plan", planPath, "--yes")
	assertClean(t, r)
	if r.code != 2 || !strings.Contains(r.stderr, "no host could be reached") || !strings.Contains(r.stderr, "nothing was done") {
		t.Errorf("exit %d, want 2 saying no host could be reached:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := strings.Count(r.stdout+r.stderr, "skipped"); n > 0 {
		t.Errorf("%d skipped lines:\n%s%s", n, r.stdout, r.stderr)
	}
}

// With one host unreachable, apply names it once instead of listing each
// of its items as skipped.
func TestApplyOneHostUnreachable(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	data, _ := os.ReadFile(planPath)
	os.WriteFile(planPath, []byte(strings.Replace(string(data), cl.Instances()[2].Addr, "127.0.0.1,1", 1)), 0o600)
	r := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + dir}, "apply", "--plan", planPath, "--yes", "-l", "3")
	assertClean(t, r)
	if r.code != 2 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, ln := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(ln, "HOST_W ") && strings.Contains(ln, "skipped") {
			t.Errorf("an item of the unreachable host is listed: %s", ln)
		}
	}
	if !strings.Contains(r.stderr, "HOST_W") || !strings.Contains(r.stderr, "cannot reach") {
		t.Errorf("the unreachable host is not named with its reason:\n%s", r.stderr)
	}
}

// apply --json keeps its promise of a status document on stdout when it
// stops before running anything.
func TestApplyJSONWhenNothingRuns(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	for name, env := range map[string][]string{
		"unreachable": {"SQLCMDPASSWORD=wrong-Pa55word!"},
		"cleartext":   {"SQLCMDPASSWORD=" + e2eSimPassword},
	} {
		args := []string{"apply", "--plan", planPath, "--yes", "--json"}
		if name == "cleartext" {
			args = append(args, "-N", "optional")
		}
		r := runWithEnv(t, dir, append(env, "XDG_STATE_HOME="+dir), args...)
		if r.code != 2 {
			t.Errorf("%s: exit %d", name, r.code)
		}
		if d := parseStatus(t, r); len(d.Hosts) != 3 || d.Complete {
			t.Errorf("%s: %+v", name, d)
		}
	}
}
