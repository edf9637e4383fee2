package main

import (
	"strings"
	"testing"
	"time"
)

// The trainee's path through the TUI, in a real terminal: on
// missing-connect, v finds the missing GRANT on HOST_B, y fixes it and the
// checks run again; S asks the database and the folder, A runs the start
// sequence, and the screen ends on Session synchronized.
func TestE2EVerifyFixAndStartSession(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	tt := startTerm(t, testBinary+" demo --scenario missing-connect", "XDG_CACHE_HOME="+dir, "HOME="+dir)
	tt.waitFor("every host connected", 20*time.Second, func(s string) bool { return strings.Count(s, "● HOST_") == 3 })
	tt.waitText("v verify", 10*time.Second)

	tt.send("v")
	s := tt.waitText("connect-missing (HOST_A)", 20*time.Second)
	if !strings.Contains(s, "Checks") || !strings.Contains(s, "HOST_B · connect-missing (HOST_A)") {
		t.Fatalf("the finding is not under Checks on HOST_B:\n%s", s)
	}
	tt.send("Enter")
	s = tt.waitText("y run step", 5*time.Second)
	if !strings.Contains(s, "GRANT CONNECT ON ENDPOINT::[Endpoint_Mirroring] TO") {
		t.Fatalf("the fix's T-SQL is not shown before it runs:\n%s", s)
	}
	tt.send("y")
	s = tt.waitFor("the checks to run again", 20*time.Second, func(s string) bool {
		return strings.Contains(s, "All hosts configured") && !strings.Contains(s, "connect-missing")
	})
	if !strings.Contains(s, "S start session") {
		t.Fatalf("after All hosts configured the footer must offer S:\n%s", s)
	}

	tt.send("Escape")
	tt.waitText("enter open T-SQL", 5*time.Second) // back in the list
	tt.send("S")
	tt.waitText("Start the mirroring session", 5*time.Second)
	tt.send("Enter") // the database: Sales
	tt.send("Enter") // the folder: the share
	s = tt.waitText("SET WITNESS on the principal HOST_A", 20*time.Second)
	if !strings.Contains(s, "Session") || !strings.Contains(s, "BACKUP DATABASE [Sales]") {
		t.Fatalf("the start sequence is not shown as steps:\n%s", s)
	}
	tt.send("A")
	tt.waitText("Run 5 pending steps?", 5*time.Second)
	tt.send("y")
	s = tt.waitText("Session synchronized", 60*time.Second)
	if !strings.Contains(s, "witness CONNECTED") {
		t.Errorf("the header should say the witness is connected:\n%s", s)
	}
	tt.finish()
}
