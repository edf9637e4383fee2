package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestStatusApplyStatusAgainstSim(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	env := []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + filepath.Join(dir, "state")}

	r := runWithEnv(t, dir, env, "status", "--plan", planPath, "--json")
	assertClean(t, r)
	if r.code != 1 {
		t.Fatalf("status on a fresh sim: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	d := parseStatus(t, r)
	if d.Complete || len(d.Hosts) != 3 {
		t.Fatalf("status: %+v", d)
	}
	for _, h := range d.Hosts {
		if !h.Connected || h.Error != nil || len(h.Items) != 11 {
			t.Fatalf("host %s: connected %v error %v items %d", h.Name, h.Connected, h.Error, len(h.Items))
		}
		for _, it := range h.Items {
			// Nothing is there yet: each item is to do, either now or after
			// what it needs.
			if it.Status != "pending" && it.Status != "blocked" {
				t.Errorf("%s %s: %s (%s)", h.Name, it.ID, it.Status, it.Detail)
			}
		}
	}

	r = runWithEnv(t, dir, env, "apply", "--plan", planPath)
	if r.code != 2 || !strings.Contains(r.stderr, "--yes") {
		t.Fatalf("apply without --yes: exit %d %q", r.code, r.stderr)
	}

	r = runWithEnv(t, dir, append(env,
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_A=Mk-A-Pa55word!",
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_B=Mk-B-Pa55word!",
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_W=Mk-W-Pa55word!"), "apply", "--plan", planPath, "--yes")
	assertClean(t, r)
	if r.code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	line := regexp.MustCompile(`(?m)^HOST_A  outbound/master-key  done  \(\d+ ms\)$`)
	if !line.MatchString(r.stdout) || strings.Count(r.stdout, " done ") != 33 {
		t.Errorf("apply output:\n%s", r.stdout)
	}

	r = runWithEnv(t, dir, env, "status", "--plan", planPath, "--json")
	if r.code != 0 {
		t.Fatalf("status after apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	d = parseStatus(t, r)
	for _, h := range d.Hosts {
		for _, it := range h.Items {
			if it.Status != "done" {
				t.Errorf("%s %s: %s", h.Name, it.ID, it.Status)
			}
		}
	}
	r = runWithEnv(t, dir, env, "status", "--plan", planPath)
	if r.code != 0 || !strings.Contains(r.stdout, "All hosts configured") {
		t.Errorf("text status: exit %d\n%s", r.code, r.stdout)
	}
	verifyWithFreeTDS(t, cl)
}

func TestStatusUnreachableHostExits2(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	data, _ := os.ReadFile(planPath)
	bad := strings.Replace(string(data), cl.Instances()[1].Addr, "127.0.0.1,1", 1)
	os.WriteFile(planPath, []byte(bad), 0o600)
	r := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + e2eSimPassword}, "status", "--plan", planPath, "--json", "-l", "3")
	assertClean(t, r)
	d := parseStatus(t, r)
	if r.code != 2 || d.Hosts[1].Connected || d.Hosts[1].Error == nil || !d.Hosts[0].Connected {
		t.Fatalf("exit %d: %+v", r.code, d)
	}
	for _, it := range d.Hosts[1].Items {
		if it.Status != "unknown" {
			t.Errorf("%s: %s", it.ID, it.Status)
		}
	}
}

func TestApplyNoPasswordNoTerminal(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	r := runWithEnv(t, dir, nil, "status", "--plan", planPath)
	assertClean(t, r)
	if r.code != 2 || !strings.Contains(r.stdout+r.stderr, "MIRRORCERT_PASSWORD_HOST_A") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestSecretsNeverLeak runs status and apply (one failing, one succeeding)
// with known passwords and searches every output, log and transcript file.
func TestSecretsNeverLeak(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	secrets := []string{e2eSimPassword, "Mk-A-S3cret!value", "Mk-B-S3cret!value", "Mk-W-S3cret!value"}
	logFile := filepath.Join(dir, "logs", "mirrorcert.log")
	trDir := filepath.Join(dir, "transcript")
	env := []string{
		"MIRRORCERT_PASSWORD_HOST_A=" + e2eSimPassword, "MIRRORCERT_PASSWORD_HOST_B=" + e2eSimPassword,
		"SQLCMDPASSWORD=" + e2eSimPassword,
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_A=" + secrets[1],
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_B=" + secrets[2],
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_W=" + secrets[3],
	}
	common := []string{"--plan", planPath, "--log-file", logFile, "--transcript-dir", trDir}
	var outputs []string
	run := func(args ...string) result {
		r := runWithEnv(t, dir, env, append(args, common...)...)
		outputs = append(outputs, r.stdout, r.stderr)
		return r
	}
	run("status", "--json")
	// A failing master key (as if the password policy refused it) and a lost
	// connection put secrets near error paths.
	if err := cl.SetFaults("HOST_A:fail-on=/CREATE MASTER KEY/:error=15118;HOST_B:drop-on=/CREATE LOGIN/"); err != nil {
		t.Fatal(err)
	}
	if r := run("apply", "--yes"); r.code != 1 {
		t.Fatalf("apply with faults: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	cl.SetFaults("")
	if r := run("apply", "--yes", "--json"); r.code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	run("status")

	files := []string{logFile}
	filepath.Walk(trDir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 4 { // log, transcript.jsonl, executed-HOST_*.sql
		t.Fatalf("expected a log and transcript files, got %v", files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, string(data))
		if strings.HasSuffix(f, ".sql") || strings.HasSuffix(f, ".jsonl") {
			// Every PASSWORD clause carries a placeholder, never a value;
			// this also covers the generated login passwords.
			for _, m := range regexp.MustCompile(`PASSWORD = N'(.{0,3})`).FindAllStringSubmatch(string(data), -1) {
				if !strings.HasPrefix(m[1], "$(") && !strings.HasPrefix(m[1], "***") {
					t.Errorf("%s: a PASSWORD clause holds a value: %q", f, m[0])
				}
			}
		}
	}
	for i, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) || strings.Contains(out, strings.ReplaceAll(s, "'", "''")) {
				t.Errorf("output %d contains a secret", i)
			}
		}
	}
}

func TestApplyGeneratedMasterKeyPasswords(t *testing.T) {
	t.Run("file", func(t *testing.T) {
		cl := startTestSim(t)
		dir := t.TempDir()
		planPath := writeSimPlanFile(t, cl, dir)
		mk := filepath.Join(dir, "mk.txt")
		env := []string{"SQLCMDPASSWORD=" + e2eSimPassword}
		trDir := filepath.Join(dir, "tr")
		r := runWithEnv(t, dir, env, "apply", "--plan", planPath, "--yes", "--master-key-password-file", mk, "--transcript-dir", trDir)
		if r.code != 0 {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		fi, err := os.Stat(mk)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("password file: %v %v", fi, err)
		}
		data, _ := os.ReadFile(mk)
		pws := map[string]string{}
		for _, ln := range strings.Split(string(data), "\n") {
			if host, pw, ok := strings.Cut(ln, "\t"); ok {
				pws[host] = pw
			}
		}
		if len(pws) != 3 || pws["HOST_A"] == pws["HOST_B"] || pws["HOST_B"] == pws["HOST_W"] {
			t.Fatalf("want 3 distinct passwords, got %d", len(pws))
		}
		tr, _ := os.ReadFile(filepath.Join(trDir, "transcript.jsonl"))
		for h, pw := range pws {
			if len(pw) < 24 {
				t.Errorf("%s: generated password of %d characters", h, len(pw))
			}
			if strings.Contains(r.stdout+r.stderr+string(tr), pw) {
				t.Errorf("%s: the password written to the file was also shown or logged", h)
			}
		}
		again := runWithEnv(t, dir, env, "apply", "--plan", planPath, "--yes", "--master-key-password-file", mk)
		if again.code != 2 || !strings.Contains(again.stderr, "never overwrites") {
			t.Errorf("existing password file: exit %d %q", again.code, again.stderr)
		}
	})
	t.Run("stderr", func(t *testing.T) {
		cl := startTestSim(t)
		dir := t.TempDir()
		planPath := writeSimPlanFile(t, cl, dir)
		r := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + dir},
			"apply", "--plan", planPath, "--yes")
		if r.code != 0 {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		shown := regexp.MustCompile(`(?m)^(HOST_\w): the master key was created with this generated password.*\n\s+(\S+)$`).FindAllStringSubmatch(r.stderr, -1)
		if len(shown) != 3 {
			t.Fatalf("want each generated password shown once on stderr, got %d:\n%s", len(shown), r.stderr)
		}
		for _, m := range shown {
			if strings.Count(r.stderr, m[2]) != 1 || strings.Contains(r.stdout, m[2]) {
				t.Errorf("%s: the password is shown more than once or on stdout", m[1])
			}
		}
	})
}

func TestStatusTextIsAReadableChecklist(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	r := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + e2eSimPassword}, "status", "--plan", planPath)
	assertClean(t, r)
	if r.code != 1 {
		t.Fatalf("exit %d", r.code)
	}
	for _, want := range []string{"HOST_A  " + cl.Instances()[0].Addr + "  partner  connected, SQL Server 16.", "pending   outbound/master-key", "blocked   inbound/HOST_B/certificate", "item(s) not done"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status text lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestStatusApplyBadInput(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"status"}, "--plan FILE is required"},
		{[]string{"apply", "--yes"}, "--plan FILE is required"},
		{[]string{"status", "--plan", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
		{[]string{"status", "--plan", "x.yaml", "-N", "sometimes"}, "use disable, optional, mandatory or strict"},
	}
	os.WriteFile(filepath.Join(dir, "x.yaml"), []byte("hosts:\n  - name: HOST_A\n    server: 127.0.0.1,1\n    role: partner\n  - name: HOST_B\n    server: 127.0.0.1,2\n    role: partner\nauth:\n  user: sa\ncertificate:\n  expiry: 2031-11-30\n"), 0o600)
	for _, c := range cases {
		r := runWithEnv(t, dir, nil, c.args...)
		assertClean(t, r)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d stderr %q, want 2 and %q", c.args, r.code, r.stderr, c.want)
		}
	}
}

func TestApplyLeavesConflictsAndExits1(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	// Another DBA made HOST_A's endpoint with Windows authentication
	// (straight into the simulated engine: only session talks TDS).
	eng := cl.Engine("HOST_A").NewSession("sa")
	for _, o := range eng.ExecBatch("CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 7024) FOR DATABASE_MIRRORING (AUTHENTICATION = WINDOWS NEGOTIATE, ROLE = ALL);") {
		for _, m := range o.Messages {
			if m.IsError() {
				t.Fatal(m.Text)
			}
		}
	}
	r := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + e2eSimPassword, "XDG_STATE_HOME=" + dir,
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_A=Mk-A-Pa55word!", "MIRRORCERT_MASTER_KEY_PASSWORD_HOST_B=Mk-B-Pa55word!", "MIRRORCERT_MASTER_KEY_PASSWORD_HOST_W=Mk-W-Pa55word!"},
		"apply", "--plan", planPath, "--yes")
	assertClean(t, r)
	if r.code != 1 || !strings.Contains(r.stderr, "needs a decision: HOST_A:outbound/endpoint") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The endpoint was left alone: still Windows authentication.
	outs := eng.ExecBatch("SELECT connection_auth_desc FROM sys.database_mirroring_endpoints")
	if len(outs) != 1 || outs[0].Result == nil || len(outs[0].Result.Rows) != 1 || strings.Contains(fmt.Sprint(outs[0].Result.Rows[0][0]), "CERTIFICATE") {
		t.Fatalf("endpoint after apply: %+v", outs)
	}
}

func TestApplyInterruptedStopsCleanly(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	cl.SetLatency(2 * time.Second)
	cmd := exec.Command(testBinary, "apply", "--plan", planPath, "--yes")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SQLCMDPASSWORD="+e2eSimPassword, "XDG_STATE_HOME="+dir,
		"MIRRORCERT_MASTER_KEY_PASSWORD_HOST_A=Mk-A-Pa55word!", "MIRRORCERT_MASTER_KEY_PASSWORD_HOST_B=Mk-B-Pa55word!", "MIRRORCERT_MASTER_KEY_PASSWORD_HOST_W=Mk-W-Pa55word!")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Connect and read take one latency; interrupt during the first steps.
	time.Sleep(3 * time.Second)
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("apply did not stop after an interrupt")
	}
	r := result{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
	assertClean(t, r)
	if r.code != 1 || !strings.Contains(r.stderr, "interrupted") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
