package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPasswordPromptDoesNotEcho runs status in a tmux terminal with no
// password for HOST_A in the environment: mirrorcert asks for it, and the
// typed password never appears on the screen.
func TestPasswordPromptDoesNotEcho(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("MIRRORCERT_E2E") == "1" {
			t.Fatal("tmux is not installed; MIRRORCERT_E2E=1 requires it")
		}
		t.Skip("tmux not installed")
	}
	cl := startTestSim(t)
	dir := t.TempDir()
	planPath := writeSimPlanFile(t, cl, dir)
	sock := fmt.Sprintf("mirrorcert-test-%d", os.Getpid())
	out := filepath.Join(dir, "exit")
	script := filepath.Join(dir, "run.sh")
	// Only HOST_A lacks a password; the exit status goes to a file.
	body := fmt.Sprintf("#!/bin/sh\nunset SQLCMDPASSWORD\nexport MIRRORCERT_PASSWORD_HOST_B='%s' MIRRORCERT_PASSWORD_HOST_W='%s'\n'%s' status --plan '%s'\necho $? > '%s'\nsleep 30\n",
		e2eSimPassword, e2eSimPassword, testBinary, planPath, out)
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	tm := func(args ...string) string {
		b, _ := exec.Command(tmux, append([]string{"-L", sock}, args...)...).CombinedOutput()
		return string(b)
	}
	if msg := tm("new-session", "-d", "-s", "pw", "-x", "120", "-y", "40", script); msg != "" {
		t.Fatalf("tmux: %s", msg)
	}
	defer tm("kill-server")
	screen := func() string { return tm("capture-pane", "-p", "-S", "-200", "-t", "pw") }
	waitFor := func(what string) string {
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			if s := screen(); strings.Contains(s, what) {
				return s
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("screen never showed %q:\n%s", what, screen())
		return ""
	}
	waitFor("Password for sa on HOST_A")
	tm("send-keys", "-t", "pw", "-l", e2eSimPassword)
	tm("send-keys", "-t", "pw", "Enter")
	s := waitFor("item(s) not done")
	if strings.Contains(s, e2eSimPassword) {
		t.Fatalf("the typed password is on the screen:\n%s", s)
	}
	if !strings.Contains(s, "HOST_A  "+cl.Instances()[0].Addr+"  partner  connected") {
		t.Fatalf("HOST_A did not connect with the typed password:\n%s", s)
	}
	// The last line can reach the screen before the shell writes the exit
	// status, so wait for the file rather than read it once.
	var code []byte
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if code, _ = os.ReadFile(out); strings.TrimSpace(string(code)) != "" {
			break
		}
	}
	if strings.TrimSpace(string(code)) != "1" {
		t.Errorf("exit status %q, want 1 (incomplete)", code)
	}
}
