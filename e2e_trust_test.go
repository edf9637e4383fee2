package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeSimPlan writes a plan for the simulator's three instances (over TLS,
// trusting its self-signed certificate) and returns its path.
func writeSimPlan(t *testing.T, dir string, addrs map[string]string) string {
	t.Helper()
	path := filepath.Join(dir, "plan.yaml")
	text := fmt.Sprintf(`hosts:
  - {name: HOST_A, server: "%s", role: partner}
  - {name: HOST_B, server: "%s", role: partner}
  - {name: HOST_W, server: "%s", role: witness}
auth: {user: sa, encrypt: mandatory, trust_server_certificate: true}
endpoint: {name: Endpoint_Mirroring, port: 7024}
certificate: {expiry: %d-11-30}
transfer: inband
`, addrs["HOST_A"], addrs["HOST_B"], addrs["HOST_W"], time.Now().Year()+3)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Item 1 through the real binary: A against `mirrorcert sim`, all three
// master key passwords generated, ctrl+c at the first password dialog. The
// program keeps running and shows every generated password; a second ctrl+c
// ends it with exit status 130.
func TestE2ECtrlCNeverLosesAGeneratedPassword(t *testing.T) {
	needTmux(t)
	const pw = "E2e-Str0ng!Passw0rd"
	addrs := startSim(t, pw)
	dir := t.TempDir()
	planPath := writeSimPlan(t, dir, addrs)
	tt := startTerm(t, testBinary+" --plan "+planPath+" --log-file "+filepath.Join(dir, "tui.log"), "SQLCMDPASSWORD="+pw, "HOME="+dir)
	tt.waitFor("every host connected", 20*time.Second, func(s string) bool { return strings.Count(s, "● HOST_") == 3 })
	tt.send("A")
	tt.waitText("Run 33 pending steps?", 5*time.Second)
	tt.send("y")
	for i, h := range []string{"HOST_A", "HOST_B", "HOST_W"} {
		tt.waitText(fmt.Sprintf("Master key password for %s (%d of 3)", h, i+1), 10*time.Second)
		tt.send("Enter")
	}
	tt.waitFor("the first password dialog", 30*time.Second, pwDialog)
	// Real hosts show each password the moment it exists, while A goes on:
	// wait until A has finished, so all three are queued, one per dialog.
	tt.waitFor("A to finish", 60*time.Second, func(s string) bool { return !strings.Contains(s, "Running all") })
	tt.send("C-c")
	s := tt.waitText("ctrl+c again ends it now", 10*time.Second)
	if strings.Contains(s, "EXIT=") {
		t.Fatalf("the first ctrl+c ended the program:\n%s", s)
	}
	// Every generated password is on screen at once, one line per host.
	if !strings.Contains(s, "Store these master key passwords now") {
		t.Fatalf("the passwords are not shown together after ctrl+c:\n%s", s)
	}
	for _, h := range []string{"HOST_A", "HOST_B", "HOST_W"} {
		if !regexp.MustCompile(`│\s+` + h + `  \S{12,}`).MatchString(s) {
			t.Errorf("%s's password is not on screen after ctrl+c:\n%s", h, s)
		}
	}
	tt.send("C-c")
	tt.waitText("EXIT=130", 10*time.Second)
}

// SIGTERM is no different from ctrl+c: the password stays on screen, and
// once it is stored the program ends with 143.
func TestE2ESIGTERMKeepsThePassword(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	tt := startTerm(t, testBinary+" demo", "XDG_CACHE_HOME="+dir, "HOME="+dir)
	tt.waitFor("every host connected", 20*time.Second, func(s string) bool { return strings.Count(s, "● HOST_") == 3 })
	tt.send("Enter")
	tt.waitText("CREATE MASTER KEY", 5*time.Second)
	tt.send("y")
	tt.waitFor("the password dialog", 10*time.Second, pwDialog)
	out, err := exec.Command("tmux", "-L", tt.socket, "list-panes", "-t", "e2e", "-F", "#{pane_pid}").Output()
	if err != nil {
		t.Fatal(err)
	}
	pid := childOf(t, strings.TrimSpace(string(out)))
	// os.Process.Signal rather than syscall.Kill: the same kill(2) here, and
	// the file still compiles for GOOS=windows (CI vets it).
	proc, err := os.FindProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := proc.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	s := tt.waitText("ends once you press enter", 10*time.Second)
	if !pwDialog(s) || strings.Contains(s, "EXIT=") {
		t.Fatalf("SIGTERM dropped the password dialog:\n%s", s)
	}
	tt.send("Enter")
	tt.waitText("EXIT=143", 10*time.Second)
}

// childOf finds the process whose parent is ppid (the binary under the
// pane's shell), from /proc so no outside tool is needed.
func childOf(t *testing.T, ppid string) int {
	t.Helper()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut at ")".
		i := strings.LastIndexByte(string(b), ')')
		f := strings.Fields(string(b)[i+1:])
		if len(f) > 1 && f[1] == ppid {
			pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			if err == nil {
				return pid
			}
		}
	}
	t.Fatalf("no process under the pane's shell %s", ppid)
	return 0
}

// Item 4 through the real binary: HOST_B's master key password comes from
// MIRRORCERT_MASTER_KEY_PASSWORD_HOST_B, so A asks only HOST_A (typed,
// twice) and HOST_W (generated), and no password is shown for HOST_B.
func TestE2EEnvMasterKeyPasswordNotAsked(t *testing.T) {
	needTmux(t)
	const pw = "E2e-Str0ng!Passw0rd"
	const envMK = "E2e-Env-MK-Pa55!"
	const typedMK = "E2e-Typed-MK-Pa55!"
	addrs := startSim(t, pw)
	dir := t.TempDir()
	planPath := writeSimPlan(t, dir, addrs)
	tt := startTerm(t, testBinary+" --plan "+planPath+" --log-file "+filepath.Join(dir, "tui.log"),
		"SQLCMDPASSWORD="+pw, "HOME="+dir, "MIRRORCERT_MASTER_KEY_PASSWORD_HOST_B="+envMK)
	tt.waitFor("every host connected", 20*time.Second, func(s string) bool { return strings.Count(s, "● HOST_") == 3 })
	tt.send("A")
	s := tt.waitText("Run 33 pending steps?", 5*time.Second)
	if !strings.Contains(s, "environment: HOST_B from") || !strings.Contains(s, "MIRRORCERT_MASTER_KEY_PASSWORD_HOST_B") {
		t.Fatalf("the confirmation does not say HOST_B's password comes from the environment:\n%s", s)
	}
	tt.send("y")
	tt.waitText("Master key password for HOST_A (1 of 2)", 10*time.Second)
	tt.send(typedMK, "Enter")
	tt.waitText("Type it again to confirm", 5*time.Second)
	tt.send(typedMK, "Enter")
	s = tt.waitText("Master key password for HOST_W (2 of 2)", 10*time.Second)
	if !strings.Contains(s, "empty: generate one") {
		t.Errorf("HOST_W's prompt does not offer generation:\n%s", s)
	}
	tt.send("Enter")
	var shownFor []string
	tt.waitFor("All hosts configured", 60*time.Second, func(s string) bool {
		if pwDialog(s) {
			for _, h := range []string{"HOST_A", "HOST_B", "HOST_W"} {
				if strings.Contains(s, "password for "+h+":") {
					shownFor = append(shownFor, h)
				}
			}
			tt.send("Enter")
			time.Sleep(200 * time.Millisecond)
			return false
		}
		return complete(s)
	})
	if strings.Join(shownFor, ",") != "HOST_W" {
		t.Errorf("generated passwords shown for %v, want HOST_W only", shownFor)
	}
	tt.finish()
	if b, _ := os.ReadFile(filepath.Join(dir, "tui.log")); strings.Contains(string(b), envMK) || strings.Contains(string(b), typedMK) {
		t.Error("a master key password is in the log")
	}
}
