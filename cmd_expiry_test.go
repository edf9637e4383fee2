package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/sim"
)

type expiryDocT struct {
	Certificates []struct {
		Server     string `json:"server"`
		Host       string `json:"host"`
		Name       string `json:"name"`
		Kind       string `json:"kind"`
		Peer       string `json:"peer"`
		Thumbprint string `json:"thumbprint"`
		Expiry     string `json:"expiry"`
		DaysLeft   int    `json:"days_left"`
	} `json:"certificates"`
	Unreachable []struct {
		Server string `json:"server"`
		Error  string `json:"error"`
	} `json:"unreachable"`
}

func parseExpiry(t *testing.T, r result) expiryDocT {
	t.Helper()
	var d expiryDocT
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatalf("expiry --json output is not JSON: %v\n%s\nstderr: %s", err, r.stdout, r.stderr)
	}
	return d
}

// startFleet starts n simulated instances, the first a Central Management
// Server when cms is set, and gives every instance an endpoint certificate
// expiring expiry(i) days from today (UTC midnight).
func startFleet(t *testing.T, n int, cms bool, days func(i int) int) (*sim.Cluster, []time.Time) {
	t.Helper()
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("SQL_%02d", i+1)
	}
	cl, err := sim.Start(context.Background(), sim.Config{Names: names, Password: e2eSimPassword, Dir: t.TempDir(), CMS: cms})
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { cl.Close() })
	today := time.Now().UTC().Truncate(24 * time.Hour)
	exp := make([]time.Time, n)
	for i, name := range names {
		exp[i] = today.AddDate(0, 0, days(i))
		s := cl.Engine(name).NewSession("sa")
		outs := s.ExecBatch(fmt.Sprintf("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Fleet-Mk-Pa55!';\n"+
			"CREATE CERTIFICATE %[1]s_cert WITH SUBJECT = '%[1]s', START_DATE = '20200101', EXPIRY_DATE = '%[2]s';\n"+
			"CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 7024) "+
			"FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE %[1]s_cert, ENCRYPTION = REQUIRED ALGORITHM AES, ROLE = ALL);",
			name, exp[i].Format("20060102")))
		for _, o := range outs {
			for _, m := range o.Messages {
				if m.IsError() {
					t.Fatalf("%s setup: Msg %d: %s", name, m.Number, m.Text)
				}
			}
		}
	}
	return cl, exp
}

func writeServers(t *testing.T, dir string, cl *sim.Cluster, skip int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("# the fleet\n\n")
	for i, in := range cl.Instances() {
		if i < skip {
			continue
		}
		fmt.Fprintf(&b, "%s   # %s\n", in.Addr, in.Name)
	}
	path := filepath.Join(dir, "servers.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

var simLogin = []string{"-U", "sa", "-C"}

func TestExpiryServersFleet(t *testing.T) {
	// 30 instances; SQL_17 expires in 10 days, the rest in a year or more.
	cl, exp := startFleet(t, 30, false, func(i int) int {
		if i == 16 {
			return 10
		}
		return 400 + i
	})
	dir := t.TempDir()
	servers := writeServers(t, dir, cl, 0)
	env := []string{"SQLCMDPASSWORD=" + e2eSimPassword}
	r := runWithEnv(t, dir, env, append([]string{"expiry", "--servers", servers, "--json"}, simLogin...)...)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (a certificate expires within 60 days)\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	d := parseExpiry(t, r)
	if len(d.Certificates) != 30 || len(d.Unreachable) != 0 {
		t.Fatalf("%d certificates, %d unreachable; want 30 and 0: %+v", len(d.Certificates), len(d.Unreachable), d)
	}
	first := d.Certificates[0]
	wantDays := int(exp[16].Sub(time.Now().UTC()) / (24 * time.Hour))
	if first.Name != "SQL_17_cert" || first.Kind != "endpoint" || first.Host != "SQL_17" || first.DaysLeft != wantDays || first.Server != cl.Instances()[16].Addr {
		t.Fatalf("first = %+v, want SQL_17_cert (endpoint, %d days left)", first, wantDays)
	}
	if first.Expiry != exp[16].Format(time.RFC3339) || len(first.Thumbprint) != 40 {
		t.Fatalf("first expiry %q thumbprint %q", first.Expiry, first.Thumbprint)
	}
	for i := 1; i < len(d.Certificates); i++ {
		if d.Certificates[i].Expiry < d.Certificates[i-1].Expiry {
			t.Fatalf("not soonest first at %d: %s after %s", i, d.Certificates[i].Expiry, d.Certificates[i-1].Expiry)
		}
	}
	// With a window shorter than 10 days nothing is due: exit 0.
	r = runWithEnv(t, dir, env, append([]string{"expiry", "--servers", servers, "--warn-days", "5"}, simLogin...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "SQL_17_cert") || !strings.Contains(r.stdout, "30 certificate(s) on 30 instance(s) read") {
		t.Fatalf("--warn-days 5: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestExpiryUnreachableListedAndExit2(t *testing.T) {
	cl, _ := startFleet(t, 2, false, func(int) int { return 500 })
	dir := t.TempDir()
	servers := writeServers(t, dir, cl, 0)
	f, _ := os.OpenFile(servers, os.O_APPEND|os.O_WRONLY, 0)
	fmt.Fprintln(f, "127.0.0.1,1") // nothing listens on port 1
	f.Close()
	r := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + e2eSimPassword}, append([]string{"expiry", "--servers", servers, "--json", "-l", "3"}, simLogin...)...)
	if r.code != 2 {
		t.Fatalf("exit %d, want 2 (one instance not read, nothing expiring)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	d := parseExpiry(t, r)
	if len(d.Certificates) != 2 || len(d.Unreachable) != 1 || d.Unreachable[0].Server != "127.0.0.1,1" || !strings.Contains(d.Unreachable[0].Error, "cannot reach") {
		t.Fatalf("doc = %+v", d)
	}
	if strings.Contains(r.stdout+r.stderr, e2eSimPassword) {
		t.Fatal("password in output")
	}
}

func TestExpiryCMS(t *testing.T) {
	cl, _ := startFleet(t, 4, true, func(i int) int { return 100 + i })
	dir := t.TempDir()
	cms := cl.Instances()[0].Addr
	env := []string{"SQLCMDPASSWORD=" + e2eSimPassword}
	r := runWithEnv(t, dir, env, append([]string{"expiry", "--cms", cms, "--json"}, simLogin...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	d := parseExpiry(t, r)
	// The CMS registers the three others, not itself.
	var got []string
	for _, c := range d.Certificates {
		got = append(got, c.Host)
	}
	if strings.Join(got, ",") != "SQL_02,SQL_03,SQL_04" {
		t.Fatalf("hosts read through the CMS = %v, want SQL_02..SQL_04", got)
	}
	r = runWithEnv(t, dir, env, append([]string{"expiry", "--cms", cms, "--cms-group", sim.CMSGroup, "--json"}, simLogin...)...)
	if r.code != 0 || len(parseExpiry(t, r).Certificates) != 3 {
		t.Fatalf("--cms-group %s: exit %d\n%s\n%s", sim.CMSGroup, r.code, r.stdout, r.stderr)
	}
	r = runWithEnv(t, dir, env, append([]string{"expiry", "--cms", cms, "--cms-group", "Nope"}, simLogin...)...)
	if r.code != 2 || !strings.Contains(r.stderr, `no server is registered in group "Nope"; the groups are: `+sim.CMSGroup) {
		t.Fatalf("unknown group: exit %d\n%s", r.code, r.stderr)
	}
}

func TestExpiryPlanListsPeerCopies(t *testing.T) {
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	env := []string{"MIRRORCERT_PASSWORD_HOST_A=" + e2eSimPassword, "MIRRORCERT_PASSWORD_HOST_B=" + e2eSimPassword, "MIRRORCERT_PASSWORD_HOST_W=" + e2eSimPassword}
	if r := runWithEnv(t, dir, append(env, "MIRRORCERT_MASTER_KEY_PASSWORD_HOST_A=Mk-A-Pa55!word1", "MIRRORCERT_MASTER_KEY_PASSWORD_HOST_B=Mk-B-Pa55!word1", "MIRRORCERT_MASTER_KEY_PASSWORD_HOST_W=Mk-W-Pa55!word1"),
		"apply", "--plan", planPath, "--yes", "--transcript-dir", filepath.Join(dir, "tr")); r.code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r := runWithEnv(t, dir, env, "expiry", "--plan", planPath, "--format", "prometheus")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var endpoints, peers []string
	for _, line := range strings.Split(r.stdout, "\n") {
		if !strings.HasPrefix(line, "mirrorcert_certificate_expiry_seconds{") {
			continue
		}
		switch {
		case strings.Contains(line, `kind="endpoint"`):
			endpoints = append(endpoints, line)
		case strings.Contains(line, `kind="peer"`):
			peers = append(peers, line)
		}
	}
	if len(endpoints) != 3 || len(peers) != 6 {
		t.Fatalf("%d endpoint and %d peer series, want 3 and 6:\n%s", len(endpoints), len(peers), r.stdout)
	}
	want := fmt.Sprintf(`mirrorcert_certificate_expiry_seconds{instance=%q,host="HOST_B",name="HOST_A_cert",kind="peer",peer="HOST_A",`, cl.Instances()[1].Addr)
	if !strings.Contains(r.stdout, want) {
		t.Fatalf("no series %s in:\n%s", want, r.stdout)
	}
	if n := strings.Count(r.stdout, "mirrorcert_instance_up{"); n != 3 || strings.Contains(r.stdout, "} 0\n") {
		t.Fatalf("instance_up series: %d\n%s", n, r.stdout)
	}
}

func TestExpiryBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("ok.example,1433\nServer=x;Password=y\nsql,99999\n"), 0o600)
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte("# nothing\n\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"expiry"}, "nothing to read"},
		{[]string{"expiry", "--servers", bad, "-U", "sa"}, bad + ":2:"},
		{[]string{"expiry", "--servers", bad, "-U", "sa"}, bad + ":3:"},
		{[]string{"expiry", "--servers", empty, "-U", "sa"}, "lists no server"},
		{[]string{"expiry", "--servers", dir, "-U", "sa"}, "not a regular file"},
		{[]string{"expiry", "--servers", filepath.Join(dir, "none"), "-U", "sa"}, "no such file"},
		{[]string{"expiry", "--servers", empty}, "need a login"},
		{[]string{"expiry", "--servers", empty, "-U", "sa", "--format", "xml"}, `--format "xml"`},
		{[]string{"expiry", "--servers", empty, "-U", "sa", "--warn-days", "-1"}, "--warn-days -1"},
		{[]string{"expiry", "--servers", empty, "-U", "sa", "--concurrency", "0"}, "--concurrency 0"},
		{[]string{"expiry", "--cms-group", "x", "--servers", empty, "-U", "sa"}, "--cms-group needs --cms"},
		{[]string{"expiry", "--cms", "Server=x;Password=y", "-U", "sa"}, "--cms"},
	} {
		r := runWithEnv(t, dir, nil, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "goroutine") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 mentioning %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

func TestExpiryWarnsBeforeACleartextLogin(t *testing.T) {
	cl, _ := startFleet(t, 1, false, func(int) int { return 500 })
	dir := t.TempDir()
	servers := writeServers(t, dir, cl, 0)
	r := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + e2eSimPassword}, "expiry", "--servers", servers, "-U", "sa", "-N", "disable")
	if r.code != 0 || !strings.Contains(r.stderr, "the login password travels unencrypted") {
		t.Fatalf("exit %d, stderr %q: want a warning before a cleartext login", r.code, r.stderr)
	}
	r = runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + e2eSimPassword}, "expiry", "--servers", servers, "-U", "sa", "-C")
	if r.code != 0 || strings.Contains(r.stderr, "unencrypted") {
		t.Fatalf("encrypted run: exit %d, stderr %q", r.code, r.stderr)
	}
}
