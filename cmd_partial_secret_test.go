package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A server message that echoes part of a password (a syntax error quoting
// the first 12 characters) must not carry that part to stdout, stderr, the
// log, transcript.jsonl or executed-HOST.sql.
func TestPartialSecretEchoIsMasked(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	const mk = "Mk3yPw_WVB4j-Xq9!tail-of-it"
	const echo = "Mk3yPw_WVB4j"
	if err := cl.SetFaults(`HOST_A:fail-on=/PASSWORD = N'(Mk3yPw_WVB4j)/:error=102`); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(dir, "mirrorcert.log")
	trDir := filepath.Join(dir, "tr")
	env := []string{"SQLCMDPASSWORD=" + e2eSimPassword, "MIRRORCERT_MASTER_KEY_PASSWORD_HOST_A=" + mk,
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_B=Mk-B-Pa55word!x", "MIRRORCERT_MASTER_KEY_PASSWORD_HOST_W=Mk-W-Pa55word!x"}
	r := runWithEnv(t, dir, env, "apply", "--plan", planPath, "--yes", "--log-file", logFile, "--transcript-dir", trDir)
	assertClean(t, r)
	if r.code != 1 || !strings.Contains(r.stdout+r.stderr, "Incorrect syntax near") {
		t.Fatalf("the injected error did not happen: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	outs := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	for _, f := range []string{logFile, filepath.Join(trDir, "transcript.jsonl"), filepath.Join(trDir, "executed-HOST_A.sql")} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		outs[filepath.Base(f)] = string(data)
	}
	for name, out := range outs {
		for _, frag := range []string{echo, mk[:4], mk[4:8]} {
			if strings.Contains(out, frag) {
				t.Errorf("%s holds %q, part of the master key password:\n%s", name, frag, out)
			}
		}
	}
}
