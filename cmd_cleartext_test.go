package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// apply refuses, before anything is sent, to carry passwords on connections
// that are not encrypted (encrypt=optional falls back to login-only
// encryption against the simulator, as against most SQL Servers), says how
// to fix it, and runs only with the explicit override.
func TestApplyRefusesSecretsInCleartext(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	env := []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + dir}
	trDir := filepath.Join(dir, "tr")
	r := runWithEnv(t, dir, env, "apply", "--plan", planPath, "--yes", "-N", "optional", "--transcript-dir", trDir)
	assertClean(t, r)
	if r.code != 2 {
		t.Fatalf("exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"not encrypted", "-N mandatory", "-C", "--allow-cleartext-secrets", "HOST_A"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(trDir, "transcript.jsonl")); err == nil {
		t.Error("a statement was sent before the refusal")
	}
	r = runWithEnv(t, dir, env, "apply", "--plan", planPath, "--yes", "-N", "optional", "--allow-cleartext-secrets", "--transcript-dir", trDir)
	if r.code != 0 {
		t.Fatalf("with --allow-cleartext-secrets: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// status warns, on screen and in its text, when optional fell back to no
// encryption; over TLS it does not.
func TestStatusWarnsAboutCleartext(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	env := []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + dir}
	r := runWithEnv(t, dir, env, "status", "--plan", planPath, "-N", "optional")
	assertClean(t, r)
	if !strings.Contains(r.stderr, "warning: HOST_A: the connection is not encrypted (encrypt: optional") {
		t.Errorf("no warning on stderr:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, "NOT ENCRYPTED") {
		t.Errorf("status text does not say the connection is not encrypted:\n%s", r.stdout)
	}
	r = runWithEnv(t, dir, env, "status", "--plan", planPath)
	if strings.Contains(r.stderr+r.stdout, "not encrypted") || strings.Contains(r.stdout, "NOT ENCRYPTED") {
		t.Errorf("warning over TLS:\n%s%s", r.stdout, r.stderr)
	}
}
