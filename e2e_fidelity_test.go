package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fidelityPlan writes a plan for the sim's three instances (lines of its
// output) and returns its path.
func fidelityPlan(t *testing.T, dir string, lines []string, user, transfer, fileDir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("hosts:\n")
	for i, role := range []string{"partner", "partner", "witness"} {
		f := strings.Fields(lines[i])
		fmt.Fprintf(&b, "  - name: %s\n    server: %s\n    role: %s\n", f[0], f[1], role)
	}
	fmt.Fprintf(&b, "auth:\n  user: %s\n  encrypt: disable\n", user)
	b.WriteString("endpoint:\n  name: Endpoint_Mirroring\n  port: 7024\n  encryption: AES\n")
	fmt.Fprintf(&b, "certificate:\n  expiry: 2031-11-30\n")
	if fileDir != "" {
		fmt.Fprintf(&b, "  file_dir: '%s'\n", fileDir)
	}
	fmt.Fprintf(&b, "transfer: %s\n", transfer)
	path := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// scriptSecrets are the -v values for every secret of a three-host plan.
func scriptSecrets() []string {
	var vars []string
	for _, h := range []string{"HOST_A", "HOST_B", "HOST_W"} {
		vars = append(vars, "MASTER_KEY_PASSWORD_"+h+`="Mk-`+h+`-Pa55word!"`, "LOGIN_PASSWORD_"+h+`="Lg-`+h+`-Pa55word!"`)
	}
	return vars
}

// catalogShape counts what the procedure creates on an instance, to tell
// whether a script changed anything.
func catalogShape(t *testing.T, db *sql.DB) string {
	t.Helper()
	var out []string
	for _, q := range []string{
		"SELECT COUNT(*) FROM sys.symmetric_keys", "SELECT COUNT(*) FROM sys.certificates", "SELECT COUNT(*) FROM sys.server_principals",
		"SELECT COUNT(*) FROM sys.database_principals", "SELECT COUNT(*) FROM sys.endpoints", "SELECT COUNT(*) FROM sys.server_permissions",
	} {
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, fmt.Sprint(n))
	}
	return strings.Join(out, ",")
}

// The exported all.sql runs twice under sqlcmd against SQL Server 2008 R2
// instances (no THROW, no CERTENCODED), with file_dir on a share (no copy
// step) and the passwords given only as sqlcmd -v; status is then complete.
func TestScriptRunsTwiceOn2008R2WithAShare(t *testing.T) {
	const pw = "Script_Passw0rd!"
	cmd, lines, stderr := startSimBin(t, []string{simPasswordEnv + "=" + pw}, "--base-port", "0", "--server-version", "2008R2")
	defer stopSim(cmd)
	if len(lines) < 3 {
		t.Fatalf("sim: %q %s", lines, stderr.String())
	}
	dir := t.TempDir()
	planPath := fidelityPlan(t, dir, lines, "sa", "file", `\\fileserver\mirroring`)
	r := runBin(t, dir, "script", "--plan", planPath, "-o", dir)
	if r.code != 0 {
		t.Fatalf("script: %d %s", r.code, r.stderr)
	}
	all := filepath.Join(dir, "all.sql")
	text, _ := os.ReadFile(all)
	if strings.Contains(string(text), ":setvar") || strings.Contains(string(text), "THROW") {
		t.Fatal("all.sql declares :setvar or uses THROW")
	}
	server := strings.Fields(lines[0])[1]
	for run := 1; run <= 2; run++ {
		res := runSqlcmd(t, all, server, "sa", pw, scriptSecrets(), nil)
		if res.code != 0 {
			t.Fatalf("run %d of all.sql: exit %d\n%s", run, res.code, res.out)
		}
		if os.Getenv("FIDELITY_DEBUG") != "" {
			t.Logf("run %d:\n%s", run, res.out)
		}
		if strings.Contains(res.out, "Mk-HOST_A-Pa55word!") {
			t.Fatal("a password was printed")
		}
	}
	st := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + pw}, "status", "--plan", planPath, "--json")
	if st.code != 0 {
		t.Fatalf("status after the scripts: exit %d\n%s\n%s", st.code, st.stdout, st.stderr)
	}
	var doc statusJSON
	if err := json.Unmarshal([]byte(st.stdout), &doc); err != nil || !doc.Complete {
		t.Fatalf("status: %v %s", err, st.stdout)
	}
	for _, h := range doc.Hosts {
		for _, it := range h.Items {
			if strings.HasSuffix(it.ID, "/copy") && !strings.Contains(it.Detail, "share") {
				t.Errorf("%s %s: %q does not say the share made the copy unnecessary", h.Name, it.ID, it.Detail)
			}
		}
	}
}

// Against the broken scenario each host's script stops with the reason,
// before it changes anything on its host; a missing password stops it too.
func TestScriptStopsOnABrokenSetupBeforeChangingAnything(t *testing.T) {
	const pw = "Broken_Passw0rd!"
	cmd, lines, stderr := startSimBin(t, []string{simPasswordEnv + "=" + pw}, "--base-port", "0", "--scenario", "broken")
	defer stopSim(cmd)
	if len(lines) < 3 {
		t.Fatalf("sim: %q %s", lines, stderr.String())
	}
	dir := t.TempDir()
	planPath := fidelityPlan(t, dir, lines, "sa", "inband", "")
	if r := runBin(t, dir, "script", "--plan", planPath, "-o", dir); r.code != 0 {
		t.Fatalf("script: %d %s", r.code, r.stderr)
	}
	for i, tc := range []struct{ host, reason string }{
		{"HOST_A", "HOST_A: certificate HOST_A_cert exists but is expired"},
		{"HOST_B", "HOST_B: the existing mirroring endpoint does not authenticate with certificate HOST_B_cert"},
	} {
		db := simDB(t, lines, i, pw)
		before := catalogShape(t, db)
		file := filepath.Join(dir, tc.host+".sql")
		res := runSqlcmd(t, file, strings.Fields(lines[i])[1], "sa", pw, nil, nil)
		if res.code == 0 || !strings.Contains(res.out, "scripting variable not defined") {
			t.Errorf("%s.sql without passwords: exit %d\n%s", tc.host, res.code, res.out)
		}
		res = runSqlcmd(t, file, strings.Fields(lines[i])[1], "sa", pw, scriptSecrets(), nil)
		if res.code == 0 || !strings.Contains(res.out, tc.reason) {
			t.Errorf("%s.sql on the broken scenario: exit %d, want it to stop saying %q:\n%s", tc.host, res.code, tc.reason, res.out)
		}
		if after := catalogShape(t, db); after != before {
			t.Errorf("%s.sql changed %s: %s -> %s", tc.host, tc.host, before, after)
		}
	}
}

// status as a login without the rights the procedure needs exits 2; every
// host names what is missing, and no item is pending, done or blocked.
func TestStatusWithoutRightsExits2(t *testing.T) {
	const pw = "Rights_Passw0rd!"
	cmd, lines, stderr := startSimBin(t, []string{simPasswordEnv + "=" + pw}, "--base-port", "0")
	defer stopSim(cmd)
	if len(lines) < 3 {
		t.Fatalf("sim: %q %s", lines, stderr.String())
	}
	for i := 0; i < 3; i++ {
		if _, err := simDB(t, lines, i, pw).Exec("CREATE LOGIN ops WITH PASSWORD = N'" + pw + "'"); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	planPath := fidelityPlan(t, dir, lines, "ops", "inband", "")
	st := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + pw}, "status", "--plan", planPath, "--json")
	assertClean(t, st)
	if st.code != 2 {
		t.Fatalf("status exit %d, want 2\n%s\n%s", st.code, st.stdout, st.stderr)
	}
	text := runWithEnv(t, dir, []string{"SQLCMDPASSWORD=" + pw}, "status", "--plan", planPath)
	if text.code != 2 || !strings.Contains(text.stdout, "CANNOT BE READ: ") || !strings.Contains(text.stdout, "lacks VIEW ANY DEFINITION") {
		t.Errorf("status text: exit %d\n%s", text.code, text.stdout)
	}
	var doc statusJSON
	if err := json.Unmarshal([]byte(st.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, st.stdout)
	}
	for _, h := range doc.Hosts {
		if h.Error == nil || !strings.Contains(*h.Error, "VIEW ANY DEFINITION") || !strings.Contains(*h.Error, "GRANT CONTROL SERVER TO [ops]") {
			t.Errorf("%s error %v does not name the missing rights and the grant", h.Name, h.Error)
		}
		if !h.Connected {
			t.Errorf("%s: connected but without rights, yet reported as not connected", h.Name)
		}
		for _, it := range h.Items {
			if it.Status != "unknown" {
				t.Errorf("%s %s = %s, want unknown", h.Name, it.ID, it.Status)
			}
		}
	}
}
