package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/ui"
	"github.com/mirrorcert/mirrorcert/ui/uitest"
)

// tuiDriver drives a ui.Model in-process against the real session and the
// simulator, running each Cmd the way Bubble Tea would and feeding its
// message back. Timers (spinner frames, note expiry) are dropped.
type tuiDriver struct {
	t *testing.T
	m tea.Model
}

// demoDriver starts the demo's simulator with scenario and fault, opens the
// real session on it and drives a ui.Model at 120x40 until it settles. The
// simulator and session are closed when the test ends.
func demoDriver(t *testing.T, scenario, fault string, opts ui.Options) (*tuiDriver, *demo, *sessionBackend) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	dm, err := startDemo(ctx, scenario, fault)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dm.Close() })
	be := dm.backend(nil)
	t.Cleanup(func() { be.Close() })
	opts.Backend = be
	opts.NoColor = true
	d := &tuiDriver{t: t, m: ui.New(opts)}
	d.m, _ = d.m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	d.run(d.m.Init())
	return d, dm, be
}

func (d *tuiDriver) run(cmd tea.Cmd) {
	// A quiet second means settled: server work on the simulator answers well
	// within it, and what is still out then is a timer.
	uitest.SettleWhile(cmd, func(msg tea.Msg) tea.Cmd {
		var next tea.Cmd
		d.m, next = d.m.Update(msg)
		return next
	}, time.Second, func(msg tea.Msg) bool { return fmt.Sprintf("%T", msg) == "ui.clearNoteMsg" },
		// A step still running on a loaded machine is not "settled".
		func() bool { return d.m.(*ui.Model).Running() })
}

func (d *tuiDriver) keys(keys ...string) {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		default:
			msg = tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
		}
		var cmd tea.Cmd
		d.m, cmd = d.m.Update(msg)
		d.run(cmd)
	}
}

func (d *tuiDriver) screen() string { return ansi.Strip(d.m.(*ui.Model).Render()) }

// dismissPasswords acknowledges every generated-password dialog.
func (d *tuiDriver) dismissPasswords() {
	for i := 0; i < 20 && pwDialog(d.screen()); i++ {
		d.keys("enter")
	}
}

func TestTUIAgainstSimulatorFailureAndRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator")
	}
	d, dm, _ := demoDriver(t, "default", "HOST_B:fail-on=/CREATE MASTER KEY/:error=15118", ui.Options{PlanLabel: "demo (test)"})
	if s := d.screen(); !strings.Contains(s, "HOST_B 0/11") || !strings.Contains(s, "connected") {
		t.Fatalf("first refresh:\n%s", s)
	}

	// HOST_B's master key fails: the error shows on HOST_B with its number.
	d.keys("tab", "enter")
	if s := d.screen(); !strings.Contains(s, "CREATE MASTER KEY") {
		t.Fatalf("T-SQL not shown before running:\n%s", s)
	}
	d.keys("y")
	s := d.screen()
	for _, want := range []string{"HOST_B · partner", "Msg 15118", "HOST_B 0/11 !", "What it usually means"} {
		if !strings.Contains(s, want) {
			t.Errorf("after the failure the screen lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "HOST_A 0/11 !") {
		t.Errorf("the failure shows on HOST_A too:\n%s", s)
	}

	// Fix the cause, refresh, run again.
	if err := dm.cluster.SetFaults(""); err != nil {
		t.Fatal(err)
	}
	d.keys("r", "y")
	d.dismissPasswords()
	if s := d.screen(); !strings.Contains(s, "HOST_B 1/11") || strings.Contains(s, "HOST_B 1/11 !") {
		t.Fatalf("after the fix the master key is not done:\n%s", s)
	}

	// Everything else in one go.
	d.keys("A")
	if !strings.Contains(d.screen(), "Run 32 pending steps?") {
		t.Fatalf("A confirmation:\n%s", d.screen())
	}
	d.keys("y")
	d.dismissPasswords()
	if s := d.screen(); !strings.Contains(s, "All hosts configured") {
		t.Fatalf("after A:\n%s", s)
	}
}

func TestTUIFileScenarioManualCopies(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator")
	}
	d, _, _ := demoDriver(t, "file", "", ui.Options{PlanLabel: "demo (file)", ManualCopyBySimulator: true})
	// A runs everything but the copies, which wait for the operator.
	d.keys("A", "y")
	d.dismissPasswords()
	s := d.screen()
	if strings.Contains(s, "All hosts configured") || !strings.Contains(s, "30/42 done") {
		t.Fatalf("after A in file mode:\n%s", s)
	}
	// Confirm every copy: the simulator copies, and the next step unblocks.
	for i := 0; i < 6; i++ {
		m := d.m.(*ui.Model)
		if !m.SelectNext(func(id string) bool { return strings.HasSuffix(id, "/copy") }) {
			t.Fatalf("copy %d: no pending copy step:\n%s", i, d.screen())
		}
		d.m = m
		d.keys("enter")
		if s := d.screen(); !strings.Contains(s, `C:\HOST_`) || !strings.Contains(s, "_cert.cer") {
			t.Fatalf("copy %d: the file is not named:\n%s", i, s)
		}
		d.keys("y", "y")
	}
	d.keys("A", "y")
	if s := d.screen(); !strings.Contains(s, "All hosts configured") {
		t.Fatalf("after the copies and A:\n%s", s)
	}
}

func TestTUIQuitWhileRunningCancelsTheStep(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the simulator")
	}
	d, dm, _ := demoDriver(t, "default", "", ui.Options{PlanLabel: "demo (test)"})
	d.keys("enter")
	dm.cluster.SetLatency(5 * time.Second)
	var runCmd tea.Cmd
	d.m, runCmd = d.m.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
	done := make(chan tea.Msg, 8)
	for _, c := range runCmd().(tea.BatchMsg) {
		go func() { done <- c() }()
	}
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	d.m, _ = d.m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	if s := d.screen(); !strings.Contains(s, "Quit mirrorcert?") || !strings.Contains(s, "HOST_A: Master key") {
		t.Fatalf("q while running did not cancel and ask:\n%s", s)
	}
	// The run returns once the cancel reached the server (the simulator
	// delays every answer by 5s, the attention acknowledgement included).
	for {
		var msg tea.Msg
		select {
		case msg = <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("the cancelled step never returned")
		}
		if fmt.Sprintf("%T", msg) == "ui.runDoneMsg" {
			t.Logf("cancelled step returned after %s", time.Since(start))
			d.m, _ = d.m.Update(msg)
			break
		}
	}
	dm.cluster.SetLatency(0)
	d.keys("n")
	// The CREATE MASTER KEY may have run before the cancel reached the
	// server: its generated password is shown all the same, marked so.
	if s := d.screen(); pwDialog(s) {
		if !strings.Contains(s, "may have been created: check") {
			t.Errorf("a password from a cancelled step is not marked uncertain:\n%s", s)
		}
		d.dismissPasswords()
	}
	if s := d.screen(); !strings.Contains(s, "Cancelled before it finished") {
		t.Errorf("the detail does not say the step was cancelled:\n%s", s)
	}
	// Cancelling is not failing: the checklist shows the state (pending).
	if s := d.screen(); strings.Contains(s, "HOST_A 0/11 !") || !strings.Contains(s, "HOST_A 0/11") {
		t.Errorf("the cancelled step shows as failed:\n%s", s)
	}
	// Without the delay the step runs normally afterwards.
	d.keys("r", "y")
	d.dismissPasswords()
	if s := d.screen(); !strings.Contains(s, "HOST_A 1/11") {
		t.Errorf("the step does not run after the cancel:\n%s", s)
	}
}
