package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The TUI and `scaleout script` read the same flags and validate them the
// same way: a --master-port 0 that was typed is refused by both, not
// replaced with 8391 by one of them.
func TestScaleoutTUIAndScriptRefuseMasterPortZero(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"scaleout", "--master", "MASTER01", "--workers", "W1", "--master-port", "0", "--state", "s.json"},
		{"scaleout", "script", "--master", "MASTER01", "--workers", "W1", "--master-port", "0"},
	} {
		r := runBin(t, dir, args...)
		assertClean(t, r)
		if r.code != 2 || !strings.Contains(r.stderr, "--master-port 0: use 1..65535") {
			t.Errorf("%v: exit %d, want 2 naming --master-port\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
}

// Flags without --master are bad input: exit 2 naming --master, not the
// help text and exit 0 (which a script would take for success).
func TestScaleoutTUIWithoutMasterExits2(t *testing.T) {
	r := runBin(t, "", "scaleout", "--workers", "W1", "--change", "both")
	assertClean(t, r)
	if r.code != 2 || !strings.Contains(r.stderr, "--master NAME is required") {
		t.Fatalf("exit %d, want 2 naming --master\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Nothing at all still explains the command.
	if r := runBin(t, "", "scaleout"); r.code != 0 || !strings.Contains(r.stdout, "mirrorcert scaleout script") {
		t.Fatalf("bare scaleout: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// Without a terminal the checklist says so and names the commands made for
// scripts, instead of Bubble Tea's "could not open TTY".
func TestScaleoutTUINeedsATerminal(t *testing.T) {
	r := runBin(t, "", "scaleout", "--master", "MASTER01", "--workers", "W1", "--state", "s.json")
	assertClean(t, r)
	if r.code != 2 || !strings.Contains(r.stderr, "needs a terminal") || !strings.Contains(r.stderr, "mirrorcert scaleout script") {
		t.Fatalf("exit %d, want 2 saying a terminal is needed\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// --ssisdb with -N disable sends the SQL login's password in clear: say so
// before it goes, as expiry does, and not when the connection is encrypted.
func TestScaleoutCheckWarnsBeforeACleartextLogin(t *testing.T) {
	dir := t.TempDir()
	scaleoutFiles(t, dir)
	cl := startTestSim(t)
	env := []string{"MIRRORCERT_PASSWORD_SSISDB=" + e2eSimPassword}
	base := []string{"scaleout", "check", "--master-config", "MasterSettings.config", "--ssisdb", cl.Instances()[0].Addr, "-U", "sa"}
	r := runWithEnv(t, dir, env, append(base, "-N", "disable")...)
	assertClean(t, r)
	if !strings.Contains(r.stderr, "the login password travels unencrypted to --ssisdb "+cl.Instances()[0].Addr) {
		t.Fatalf("exit %d, no warning before a cleartext login:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, e2eSimPassword) {
		t.Fatal("the password appears in the output")
	}
	r = runWithEnv(t, dir, env, append(base, "-C")...)
	if strings.Contains(r.stderr, "unencrypted") {
		t.Fatalf("encrypted run warns: exit %d\n%s", r.code, r.stderr)
	}
}

// --warn-days 0 is accepted ("0 or more") and means what it says: a
// certificate that expires in 20 days is no finding, as it is with the
// default 60.
func TestScaleoutCheckWarnDaysZero(t *testing.T) {
	dir := t.TempDir()
	cer := filepath.Join(dir, "SSISScaleOutMaster.cer")
	writeCerUntil(t, cer, "MASTER01", false, time.Now().AddDate(0, 0, 20))
	for _, c := range []struct {
		days string
		want int
	}{{"60", 1}, {"0", 0}} {
		r := runBin(t, dir, "scaleout", "check", "--master-cert", cer, "--warn-days", c.days, "--no-local")
		assertClean(t, r)
		if r.code != c.want {
			t.Errorf("--warn-days %s: exit %d, want %d\n%s%s", c.days, r.code, c.want, r.stdout, r.stderr)
		}
	}
}

// A worker's name and master endpoint come from its WorkerSettings.config:
// an escape sequence there must not reach the terminal through the text
// findings (verify's text masks them the same way).
func TestScaleoutCheckTextMasksControlCharacters(t *testing.T) {
	dir := t.TempDir()
	cfg := "<WorkerSettings><DisplayName>W1\x1b[2Jevil</DisplayName><MasterEndpoint>https://M\x1b]0;title\x07:8391</MasterEndpoint>" +
		"<MasterHttpsCertThumbprint>zz</MasterHttpsCertThumbprint></WorkerSettings>\n"
	if err := os.WriteFile(filepath.Join(dir, "W.config"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runBin(t, dir, "scaleout", "check", "--worker-config", "W.config", "--no-local")
	assertClean(t, r)
	if r.code != 1 || !strings.Contains(r.stdout, "thumbprint-malformed on W1?[2Jevil") {
		t.Fatalf("exit %d, want 1 with the finding on the masked name\n%s%s", r.code, r.stdout, r.stderr)
	}
	if strings.ContainsAny(r.stdout, "\x1b\x07") {
		t.Fatalf("a control character reached the output:\n%q", r.stdout)
	}
}
