package ui

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/ui/sched"
)

// On real hosts A asks each pending master key password first (masked,
// empty = generate), and each typed one reaches exactly its host's step.
func TestRunAllAsksMasterKeyPasswordsFirst(t *testing.T) {
	f := newFake(hosts3...)
	m := press(t, started(t, f, func(o *Options) { o.AskMasterKeyPassword = true }), "A", "y")
	if len(f.runs) != 0 {
		t.Fatalf("A ran %v before the passwords were asked", f.runs)
	}
	typed := map[string]string{"HOST_A": "Typed-A-Pa55!", "HOST_B": ""}
	for i, h := range []string{"HOST_A", "HOST_B"} {
		if m.dlg.kind != dlgMasterKey || m.dlg.ref.Host != h {
			t.Fatalf("password %d: dialog %v for %s, want the master key password of %s", i, m.dlg.kind, m.dlg.ref.Host, h)
		}
		if !strings.Contains(screen(m), "Master key password for "+h) {
			t.Fatalf("dialog not on screen:\n%s", screen(m))
		}
		for range 2 { // typed twice; empty (generate) once
			for _, r := range typed[h] {
				m, _ = send(m, keyPress(string(r)))
			}
			if typed[h] != "" && strings.Contains(screen(m), typed[h]) {
				t.Fatal("the typed password is echoed")
			}
			m = press(t, m, "enter")
			if typed[h] == "" {
				break
			}
		}
	}
	if m.dlg.kind != dlgMasterKey || m.dlg.ref.Host != "HOST_W" {
		t.Fatalf("HOST_W not asked: %v %v", m.dlg.kind, m.dlg.ref)
	}
	m = press(t, m, "enter") // empty: generate
	// On real hosts each generated password is shown as soon as it exists,
	// one dialog each, so nothing is held back that a quit could lose.
	shown := map[string]bool{}
	for len(m.pw.Groups) > 0 {
		if len(m.pw.Groups[0]) != 1 {
			t.Fatalf("real hosts: %d passwords in one dialog", len(m.pw.Groups[0]))
		}
		shown[m.pw.Groups[0][0].Host] = strings.Contains(screen(m), m.pw.Groups[0][0].Password)
		m = press(t, m, "enter")
	}
	if len(shown) != 2 || !shown["HOST_B"] || !shown["HOST_W"] {
		t.Fatalf("generated passwords shown: %v", shown)
	}
	if !m.snap.Checklist.Complete() {
		t.Fatal("A did not complete")
	}
	if f.passwords["HOST_A"] != "Typed-A-Pa55!" || f.passwords["HOST_B"] != "" || f.passwords["HOST_W"] != "" {
		t.Errorf("passwords the backend got: %q", f.passwords)
	}
	if len(m.ask.Typed) != 0 {
		t.Error("typed passwords linger after the run")
	}
}

// esc at a password question cancels A: nothing runs, nothing is kept.
func TestRunAllPasswordEscCancels(t *testing.T) {
	f := newFake(hosts3...)
	m := press(t, started(t, f, func(o *Options) { o.AskMasterKeyPassword = true }), "A", "y")
	m, _ = send(m, keyPress("x"))
	m = press(t, m, "enter", "esc")
	if m.dlg.kind != dlgNone || m.sched.RunAll || len(f.runs) != 0 || len(m.ask.Typed) != 0 {
		t.Fatalf("esc did not cancel A: modal %v runAll %v runs %v typed %d", m.dlg.kind, m.sched.RunAll, f.runs, len(m.ask.Typed))
	}
}

// The demo generates without asking and shows every generated password in
// one dialog at the end of A; a step run alone still gets its own dialog.
func TestDemoRunAllShowsPasswordsOnceTogether(t *testing.T) {
	f := newFake(hosts3...)
	m := press(t, started(t, f), "enter", "y")
	if len(m.pw.Groups) != 1 || len(m.pw.Groups[0]) != 1 || !strings.Contains(screen(m), "Store this master key password now") {
		t.Fatalf("a single step's password is not in its own dialog:\n%s", screen(m))
	}
	m = press(t, m, "enter", "A", "y")
	if m.dlg.kind == dlgMasterKey {
		t.Fatal("the demo asked for a password")
	}
	if len(m.pw.Groups) != 1 {
		t.Fatalf("%d password dialogs after A, want one", len(m.pw.Groups))
	}
	s := screen(m)
	if !strings.Contains(s, "Store these master key passwords now") || !strings.Contains(s, "Gen-HOST_B-Secret-9!") || !strings.Contains(s, "Gen-HOST_W-Secret-9!") {
		t.Fatalf("combined dialog:\n%s", s)
	}
	m = press(t, m, "enter")
	if len(m.pw.Groups) != 0 || strings.Contains(screen(m), "Gen-HOST_") {
		t.Fatal("the passwords are still shown after one dismissal")
	}
	if !m.snap.Checklist.Complete() || len(f.runs) != 33 {
		t.Fatalf("complete=%v runs=%d", m.snap.Checklist.Complete(), len(f.runs))
	}
}

// Quitting during A must not lose a password generated but not yet shown.
func TestQuitShowsHeldPasswordsFirst(t *testing.T) {
	f := newFake(hosts3...)
	m := started(t, f)
	m.sched.RunAll = true
	m.pw.Held = []sched.Password{{Host: "HOST_A", Password: "Gen-HOST_A-Secret-9!"}}
	m.cancelAll()
	if len(m.pw.Groups) != 1 || len(m.pw.Held) != 0 {
		t.Fatalf("held passwords were not released on cancel: %d groups, %d held", len(m.pw.Groups), len(m.pw.Held))
	}
	m.openQuit(nil)
	m.sync()
	m, quit := pressQuit(t, m, "y")
	if quit {
		t.Fatal("quit before the generated password was shown")
	}
	if !strings.Contains(screen(m), "Gen-HOST_A-Secret-9!") {
		t.Fatalf("the held password is not shown:\n%s", screen(m))
	}
}
