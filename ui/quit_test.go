package ui

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/steps"
)

// Item 1: ctrl+c at the store-the-password dialog keeps the dialog; only a
// second ctrl+c, with every password on screen, ends the program, and an
// interrupted end is exit status 130.
func TestCtrlCNeverDropsAGeneratedPassword(t *testing.T) {
	m := press(t, started(t, newFake(hosts3...)), "enter", "y")
	if !strings.Contains(screen(m), "Gen-HOST_A-Secret-9!") {
		t.Fatalf("no password dialog:\n%s", screen(m))
	}
	m, quit := pressQuit(t, m, "ctrl+c")
	if quit {
		t.Fatal("ctrl+c ended the program with a password not confirmed as stored")
	}
	s := screen(m)
	if !strings.Contains(s, "Gen-HOST_A-Secret-9!") || !strings.Contains(s, "ctrl+c again ends it now") {
		t.Fatalf("after ctrl+c the password or the explanation is gone:\n%s", s)
	}
	if m.ExitCode() != ExitCodeInterrupted {
		t.Errorf("exit code %d, want 130", m.ExitCode())
	}
	_, quit = pressQuit(t, m, "ctrl+c")
	if !quit {
		t.Fatal("a second ctrl+c with every password on screen did not end the program")
	}
}

// After ctrl+c, confirming the password ends the program by itself.
func TestCtrlCThenStoredEnds(t *testing.T) {
	m := press(t, started(t, newFake(hosts3...)), "enter", "y", "ctrl+c")
	m, quit := pressQuit(t, m, "enter")
	if !quit || m.ExitCode() != ExitCodeInterrupted {
		t.Fatalf("stored after ctrl+c: quit %v, code %d", quit, m.ExitCode())
	}
}

// Several passwords in several dialogs: the first ctrl+c shows all of them
// at once, so the second cannot lose one never shown.
func TestCtrlCShowsEveryRemainingPasswordFirst(t *testing.T) {
	f := newFake(hosts3...)
	m := press(t, started(t, f, func(o *Options) { o.AskMasterKeyPassword = true }), "A", "y", "enter", "enter", "enter")
	if len(m.pw.Groups) != 3 {
		t.Fatalf("%d password dialogs queued, want 3", len(m.pw.Groups))
	}
	m, quit := pressQuit(t, m, "ctrl+c")
	if quit {
		t.Fatal("ctrl+c ended the program with three passwords unconfirmed")
	}
	s := screen(m)
	for _, h := range hosts3 {
		if !strings.Contains(s, "Gen-"+h+"-Secret-9!") {
			t.Errorf("%s's password is not on screen after ctrl+c:\n%s", h, s)
		}
	}
	if _, quit = pressQuit(t, m, "ctrl+c"); !quit {
		t.Fatal("second ctrl+c did not end")
	}
}

// SIGTERM is handled as ctrl+c, with its own exit status.
func TestSIGTERMKeepsThePassword(t *testing.T) {
	m := press(t, started(t, newFake(hosts3...)), "enter", "y")
	m, cmd := send(m, InterruptMsg{Code: 143})
	m, quit := settle(t, m, cmd)
	if quit || !strings.Contains(screen(m), "Gen-HOST_A-Secret-9!") || m.ExitCode() != 143 {
		t.Fatalf("SIGTERM: quit %v code %d\n%s", quit, m.ExitCode(), screen(m))
	}
}

// q at the store dialog does not quit: it keeps the dialog, says why, and
// ends (exit 0) once the password is stored.
func TestQAtStoreDialogWaitsForTheOperator(t *testing.T) {
	m := press(t, started(t, newFake(hosts3...)), "enter", "y")
	m, quit := pressQuit(t, m, "q")
	if quit || !strings.Contains(screen(m), "Gen-HOST_A-Secret-9!") || !strings.Contains(screen(m), "ends once you press enter") {
		t.Fatalf("q at the password dialog: quit %v\n%s", quit, screen(m))
	}
	m, quit = pressQuit(t, m, "enter")
	if !quit || m.ExitCode() != 0 {
		t.Fatalf("after storing: quit %v code %d", quit, m.ExitCode())
	}
}

// ctrl+c while a master key step runs waits for its answer: the password it
// generates is shown, not lost.
func TestCtrlCWaitsForARunningMasterKeyStep(t *testing.T) {
	f := newFake(hosts3...)
	f.block = make(chan struct{})
	f.ignoreCancel = true
	m := press(t, started(t, f), "enter")
	cmd := m.runSelected()
	m, quit := pressQuit(t, m, "ctrl+c")
	if quit {
		t.Fatal("ctrl+c ended the program while a master key step could still generate a password")
	}
	close(f.block)
	m, quit = settle(t, m, cmd)
	if quit || !strings.Contains(screen(m), "Gen-HOST_A-Secret-9!") {
		t.Fatalf("the password generated during the interrupt is not shown (quit %v):\n%s", quit, screen(m))
	}
	if !m.pw.Pending() {
		t.Fatal("no password pending")
	}
	if it := m.snap.Checklist.Item(ref("HOST_A", steps.IDMasterKey)); it.Status != steps.Done {
		t.Errorf("master key %s", it.Status)
	}
}

// With nothing to lose, ctrl+c ends at once with 130.
func TestCtrlCWithNothingPendingEnds130(t *testing.T) {
	m, quit := pressQuit(t, started(t, newFake(hosts3...)), "ctrl+c")
	if !quit || m.ExitCode() != ExitCodeInterrupted {
		t.Fatalf("quit %v code %d", quit, m.ExitCode())
	}
}
