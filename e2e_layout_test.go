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

// startTermSized is startTerm with a w×h terminal.
func startTermSized(t *testing.T, w, h int, line string, env ...string) *tmuxTerm {
	t.Helper()
	needTmux(t)
	tt := &tmuxTerm{t: t, socket: fmt.Sprintf("mirrorcert-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())}
	cmd := exec.Command("tmux", "-L", tt.socket, "-f", "/dev/null", "new-session", "-d", "-s", "e2e",
		"-x", fmt.Sprint(w), "-y", fmt.Sprint(h), line+"; echo EXIT=$?; sleep 600")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MIRRORCERT_") && !strings.HasPrefix(kv, "SQLCMD") && !strings.HasPrefix(kv, "TMUX") && !strings.HasPrefix(kv, "NO_COLOR") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", tt.socket, "kill-server").Run() })
	return tt
}

// lastLine is the screen's footer.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// Item 13 through the real binary at 80×24: "? help" and "q quit" stay in
// the footer in the checklist and in the detail pane.
func TestE2EFooterKeepsHelpAndQuitAt80x24(t *testing.T) {
	dir := t.TempDir()
	tt := startTermSized(t, 80, 24, testBinary+" demo", "XDG_CACHE_HOME="+dir, "HOME="+dir)
	tt.waitFor("every host connected", 20*time.Second, func(s string) bool { return strings.Count(s, "● HOST_") == 3 })
	for _, keys := range [][]string{nil, {"Enter"}} {
		if keys != nil {
			tt.send(keys...)
			tt.waitText("y run step", 5*time.Second)
		}
		foot := lastLine(tt.screen())
		if !strings.Contains(foot, "? help") || !strings.Contains(foot, "q quit") {
			t.Errorf("after %v the footer lacks ? help or q quit: %q", keys, foot)
		}
	}
	tt.finish()
}

// Item 13: the detail pane says when there is more below (a short terminal).
func TestE2EDetailSaysMoreBelow(t *testing.T) {
	dir := t.TempDir()
	tt := startTermSized(t, 70, 14, testBinary+" demo", "XDG_CACHE_HOME="+dir, "HOME="+dir)
	tt.waitFor("every host connected", 20*time.Second, func(s string) bool { return strings.Count(s, "● HOST_") == 3 })
	tt.send("Enter")
	tt.waitText("more below", 5*time.Second)
	for range 20 {
		tt.send("j")
	}
	tt.waitFor("the bottom of the pane", 5*time.Second, func(s string) bool { return !strings.Contains(s, "more below") })
	tt.finish()
}

// Item 13: a second start against servers where HOST_A's master key exists
// selects the next step that can run (its certificate), not the done item.
func TestE2ESelectionStartsOnNextRunnable(t *testing.T) {
	const pw = "E2e-Str0ng!Passw0rd"
	needTmux(t)
	addrs := startSim(t, pw)
	dir := t.TempDir()
	planPath := writeSimPlan(t, dir, addrs)
	line := testBinary + " --plan " + planPath + " --log-file " + filepath.Join(dir, "tui.log")
	tt := startTermSized(t, 80, 24, line, "SQLCMDPASSWORD="+pw, "HOME="+dir)
	tt.waitFor("every host connected", 20*time.Second, func(s string) bool { return strings.Count(s, "● HOST_") == 3 })
	if s := tt.screen(); !strings.Contains(s, "› • Master key") {
		t.Fatalf("first start: selection not on the master key:\n%s", s)
	}
	tt.send("Enter", "y")
	tt.waitText("Master key password for HOST_A", 5*time.Second)
	tt.send("Enter") // generate
	tt.waitFor("the password dialog", 10*time.Second, pwDialog)
	tt.send("Enter")
	tt.waitText("HOST_A 1/11", 5*time.Second)
	tt.finish()

	tt = startTermSized(t, 80, 24, line, "SQLCMDPASSWORD="+pw, "HOME="+dir)
	s := tt.waitFor("every host connected", 20*time.Second, func(s string) bool { return strings.Count(s, "● HOST_") == 3 })
	if !strings.Contains(s, "› • Certificate HOST_A_cert") {
		t.Fatalf("second start: selection not on the next runnable step:\n%s", s)
	}
	tt.finish()
}

// Item 13: at 120 columns a conflict's reason is shown in full in the
// checklist (demo --scenario broken: HOST_B's Windows-auth endpoint).
func TestE2EConflictReasonNotCutAt120(t *testing.T) {
	dir := t.TempDir()
	tt := startTermSized(t, 120, 40, testBinary+" demo --scenario broken", "XDG_CACHE_HOME="+dir, "HOME="+dir)
	tt.waitFor("every host connected", 20*time.Second, func(s string) bool { return strings.Count(s, "● HOST_") == 3 })
	tt.send("Tab")
	s := tt.waitText("HOST_B · partner", 5*time.Second)
	var list []string
	for _, l := range strings.Split(s, "\n") {
		left, _, _ := strings.Cut(l, "│")
		list = append(list, strings.TrimSpace(left))
	}
	text := strings.Join(strings.Fields(strings.Join(list, " ")), " ")
	i := strings.Index(text, "conflict: ")
	if i < 0 {
		t.Fatalf("no conflict on HOST_B:\n%s", s)
	}
	// The reason runs to its end: a sentence, then the next section.
	reason := text[i:]
	if j := strings.Index(reason, " Inbound from"); j > 0 {
		reason = reason[:j]
	}
	if !strings.HasSuffix(strings.TrimSpace(reason), ")") && !strings.HasSuffix(strings.TrimSpace(reason), ".") {
		t.Errorf("the conflict reason is cut: %q\n%s", reason, s)
	}
	tt.finish()
}
