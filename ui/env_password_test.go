package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/steps"
)

// fromEnvB says the environment supplies HOST_B's master key password.
func fromEnvB(o *Options) {
	o.AskMasterKeyPassword = true
	o.MasterKeyFromEnv = func(h string) bool { return h == "HOST_B" }
	o.MasterKeyEnvVar = func(h string) string { return "MIRRORCERT_MASTER_KEY_PASSWORD_" + h }
}

// Item 4: a host whose MIRRORCERT_MASTER_KEY_PASSWORD_<HOST> is set is not
// asked, and the screen says where its password comes from.
func TestEnvMasterKeyPasswordIsNotAsked(t *testing.T) {
	f := newFake(hosts3...)
	m := press(t, sized(started(t, f, fromEnvB), 160, 60), "tab", "enter")
	s := ansi.Strip(m.detail.View())
	if !strings.Contains(strings.Join(strings.Fields(s), " "), "taken from MIRRORCERT_MASTER_KEY_PASSWORD_HOST_B;") {
		t.Errorf("the detail pane does not say the password comes from the environment:\n%s", s)
	}
	if strings.Contains(s, "you type it") {
		t.Errorf("the detail pane claims the password is typed:\n%s", s)
	}
	m = press(t, m, "y")
	if m.dlg.kind == dlgMasterKey {
		t.Fatal("HOST_B's master key password was asked though the environment supplies it")
	}
	if len(f.runs) != 1 || f.runs[0] != ref("HOST_B", steps.IDMasterKey) || f.passwords["HOST_B"] != "" {
		t.Fatalf("runs %v, typed %q", f.runs, f.passwords["HOST_B"])
	}
}

// With A, only the other hosts are asked, and the confirmation says so.
func TestRunAllSkipsEnvMasterKeyPasswords(t *testing.T) {
	f := newFake(hosts3...)
	m := press(t, started(t, f, fromEnvB), "A")
	if s := screen(m); !strings.Contains(s, "environment: HOST_B from") || !strings.Contains(s, "MIRRORCERT_MASTER_KEY_PASSWORD_HOST_B.") {
		t.Errorf("the confirmation does not name the variable:\n%s", s)
	}
	m = press(t, m, "y")
	var asked []string
	for m.dlg.kind == dlgMasterKey {
		if !strings.Contains(screen(m), "of 2)") {
			t.Fatalf("the count is not out of 2:\n%s", screen(m))
		}
		asked = append(asked, m.dlg.ref.Host)
		m = press(t, m, "enter")
	}
	if strings.Join(asked, ",") != "HOST_A,HOST_W" {
		t.Fatalf("asked %v, want HOST_A and HOST_W only", asked)
	}
}
