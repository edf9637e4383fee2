package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim"
)

const e2eSimPassword = "E2e-Sim-Pa55!word"

// startTestSim starts a simulated cluster in the test process; the binary
// under test reaches it over TCP like any server.
func startTestSim(t *testing.T) *sim.Cluster {
	t.Helper()
	cl, err := sim.Start(context.Background(), sim.Config{BasePort: 0, Password: e2eSimPassword, Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}

// writeSimPlanFile writes a plan for the cluster and returns its path.
func writeSimPlanFile(t *testing.T, cl *sim.Cluster, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("hosts:\n")
	for i, in := range cl.Instances() {
		role := "partner"
		if i == 2 {
			role = "witness"
		}
		fmt.Fprintf(&b, "  - name: %s\n    server: %s\n    role: %s\n", in.Name, in.Addr, role)
	}
	b.WriteString("auth:\n  user: sa\n  encrypt: mandatory\n  trust_server_certificate: true\n")
	b.WriteString("endpoint:\n  name: Endpoint_Mirroring\n  port: 7024\n  encryption: AES\n")
	b.WriteString("certificate:\n  expiry: 2031-11-30\ntransfer: inband\n")
	path := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// runWithEnv runs the test binary with extra environment variables (and
// none of the caller's MIRRORCERT_/SQLCMD ones).
func runWithEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(testBinary, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MIRRORCERT_") && !strings.HasPrefix(kv, "SQLCMD") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

type statusDoc struct {
	Complete bool `json:"complete"`
	Hosts    []struct {
		Name      string  `json:"name"`
		Server    string  `json:"server"`
		Role      string  `json:"role"`
		Connected bool    `json:"connected"`
		Error     *string `json:"error"`
		Items     []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Detail string `json:"detail"`
		} `json:"items"`
	} `json:"hosts"`
}

func parseStatus(t *testing.T, r result) statusDoc {
	t.Helper()
	var d statusDoc
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatalf("status --json output is not JSON: %v\n%s\nstderr: %s", err, r.stdout, r.stderr)
	}
	return d
}

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

// verifyWithFreeTDS asks every host, through FreeTDS tsql (a client we did not
// write), whether each peer certificate is owned by the peer's user and has
// the peer's own thumbprint, and whether each peer login may CONNECT.
func verifyWithFreeTDS(t *testing.T, cl *sim.Cluster) {
	t.Helper()
	tsqlPath, err := exec.LookPath("tsql")
	if err != nil {
		if os.Getenv("MIRRORCERT_E2E") == "1" {
			t.Fatal("FreeTDS tsql is not installed (apt-get install freetds-bin); MIRRORCERT_E2E=1 requires it")
		}
		t.Log("FreeTDS tsql not installed: skipping the independent-client check")
		return
	}
	conf := filepath.Join(t.TempDir(), "freetds.conf")
	os.WriteFile(conf, []byte("[global]\n\ttds version = 7.4\n\tencryption = off\n"), 0o600)
	query := "SELECT c.name + '|' + dp.name + '|' + CONVERT(nvarchar(200), c.thumbprint, 2) FROM sys.certificates AS c JOIN sys.database_principals AS dp ON dp.principal_id = c.principal_id WHERE c.name LIKE 'HOST%'\ngo\n" +
		"SELECT 'grant|' + sp.name FROM sys.server_permissions AS p JOIN sys.server_principals AS sp ON sp.principal_id = p.grantee_principal_id WHERE p.class_desc = 'ENDPOINT' AND p.permission_name = 'CONNECT'\ngo\nexit\n"
	type certRow struct{ owner, thumb string }
	certs := map[string]map[string]certRow{} // host -> cert -> row
	grants := map[string]map[string]bool{}
	for _, in := range cl.Instances() {
		port := in.Addr[strings.LastIndexByte(in.Addr, ',')+1:]
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		// The sim's throwaway password goes on tsql's command line: FreeTDS
		// has no other non-interactive way, and it is not a product secret.
		cmd := exec.CommandContext(ctx, tsqlPath, "-H", "127.0.0.1", "-p", port, "-U", "sa", "-P", e2eSimPassword, "-o", "q")
		cmd.Env = append(os.Environ(), "FREETDSCONF="+conf)
		cmd.Stdin = strings.NewReader(query)
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("tsql on %s: %v\n%s", in.Name, err, out)
		}
		certs[in.Name] = map[string]certRow{}
		grants[in.Name] = map[string]bool{}
		for _, ln := range strings.Split(string(out), "\n") {
			f := strings.Split(strings.TrimSpace(ln), "|")
			switch {
			case len(f) == 3 && strings.HasSuffix(f[0], "_cert"):
				certs[in.Name][f[0]] = certRow{f[1], strings.ToUpper(f[2])}
			case len(f) == 2 && f[0] == "grant":
				grants[in.Name][f[1]] = true
			}
		}
	}
	for _, in := range cl.Instances() {
		own, ok := certs[in.Name][in.Name+"_cert"]
		if !ok || own.thumb == "" {
			t.Fatalf("tsql: %s has no own certificate: %v", in.Name, certs[in.Name])
		}
		for _, peer := range cl.Instances() {
			if peer.Name == in.Name {
				continue
			}
			got, ok := certs[in.Name][peer.Name+"_cert"]
			want := certs[peer.Name][peer.Name+"_cert"]
			if !ok || got.owner != peer.Name+"_user" || got.thumb != want.thumb {
				t.Errorf("tsql on %s: %s_cert = %+v, want owner %s_user thumbprint %s", in.Name, peer.Name, got, peer.Name, want.thumb)
			}
			if !grants[in.Name][peer.Name+"_login"] {
				t.Errorf("tsql on %s: %s_login has no CONNECT on the endpoint (grants %v)", in.Name, peer.Name, grants[in.Name])
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
