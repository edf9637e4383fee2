package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Item 10 through the real binary: the form refuses a bad host name as its
// field is left, in the form's words; shift+tab goes back; the login's
// password is asked once for every host; the plan is saved and the way to
// reuse it is said; and the simulator's self-signed certificate, refused
// with validation on, is trusted in place from the TUI, which then connects.
func TestE2EFormThenTrustInPlace(t *testing.T) {
	needTmux(t)
	const pw = "E2e-Str0ng!Passw0rd"
	addrs := startSim(t, pw)
	dir := t.TempDir()
	tt := startTermSized(t, 100, 40, "cd "+dir+" && "+testBinary+" --log-file "+filepath.Join(dir, "tui.log"), "HOME="+dir)
	tt.waitText("a plan for your hosts", 10*time.Second)
	tt.send("Enter") // mode: mirroring
	tt.waitText("role: partner (principal)", 5*time.Second)
	tt.send("C-u", "sql-prod-01", "Enter")
	s := tt.waitText(`First partner: name "sql-prod-01": a host name may hold only letters`, 5*time.Second)
	if strings.Contains(s, "hosts[0]") {
		t.Fatalf("the error is in the plan's words, not the form's:\n%s", s)
	}
	tt.send("BTab")
	tt.waitText("mirroring: two partners", 5*time.Second) // the mode's help: back on the first question
	tt.send("Enter", "C-u", "HOST_A", "Enter")
	tt.waitText("host[\\instance][,port]", 5*time.Second)
	for i, h := range []string{"HOST_A", "HOST_B", "HOST_W"} {
		if i > 0 {
			tt.send("Enter") // keep the default name
		}
		tt.send(addrs[h], "Enter")
	}
	tt.waitText("the same login on every host", 5*time.Second)
	tt.send("Enter") // sa
	tt.waitText("Password for sa (every host)", 5*time.Second)
	tt.send(pw)
	if s := tt.screen(); strings.Contains(s, pw) {
		t.Fatalf("the password is echoed:\n%s", s)
	}
	// password, encryption, trust (no), endpoint, port, expiry, transfer, save
	for range 8 {
		tt.send("Enter")
		time.Sleep(100 * time.Millisecond)
	}
	s = tt.waitText("Trust the servers' TLS certificates?", 20*time.Second)
	if !strings.Contains(s, "could not be") || !strings.Contains(s, "validated, so mirrorcert did not connect") {
		t.Fatalf("the trust question does not say why:\n%s", s)
	}
	tt.send("y")
	tt.waitFor("every host connected", 20*time.Second, func(s string) bool { return strings.Count(s, "● HOST_") == 3 })
	tt.send("q")
	s = tt.waitText("EXIT=0", 10*time.Second)
	if !strings.Contains(strings.Join(strings.Fields(s), " "), "Plan saved to mirrorcert.yaml; next time run: mirrorcert --plan mirrorcert.yaml") {
		t.Errorf("where the plan was saved is not said:\n%s", s)
	}
	b, err := os.ReadFile(filepath.Join(dir, "mirrorcert.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), pw) || !strings.Contains(string(b), "HOST_A") {
		t.Errorf("saved plan:\n%s", b)
	}
}
