package form

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

var now = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func press(m *Model, keys ...string) *Model {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "shift+tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "right":
			msg = tea.KeyPressMsg{Code: tea.KeyRight}
		case "ctrl+u":
			msg = tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
		case "ctrl+c":
			msg = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
		default:
			for _, r := range k {
				m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			continue
		}
		m.Update(msg)
	}
	return m
}

func newForm() *Model {
	st := styles.Default(true, false, true)
	m := New(Default(now), &st, now)
	m.SetSize(100, 60)
	return m
}

// goTo moves forward to the field key, typing nothing.
func goTo(t *testing.T, m *Model, key string) {
	t.Helper()
	for i := 0; i < 40 && m.Focused() != key; i++ {
		press(m, "enter")
	}
	if m.Focused() != key {
		t.Fatalf("could not reach %s (at %s, error %q)", key, m.Focused(), m.Err(m.Focused()))
	}
}

// Item 10: a bad host name is refused as its field is left, in the form's
// words, and going back always works, even from a field with an error.
func TestFieldCheckedAsItIsLeftAndBackAlwaysWorks(t *testing.T) {
	m := newForm()
	goTo(t, m, "hosts[0].name")
	press(m, "ctrl+u", "sql-prod-01", "enter")
	if m.Focused() != "hosts[0].name" {
		t.Fatalf("a bad name was accepted: focus moved to %s", m.Focused())
	}
	msg := m.Err("hosts[0].name")
	if !strings.HasPrefix(msg, `First partner: name "sql-prod-01"`) || strings.Contains(msg, "hosts[0]") {
		t.Fatalf("message %q is not in the form's words", msg)
	}
	if !strings.Contains(ansi.Strip(m.Render()), "First partner: name") {
		t.Errorf("the message is not on screen:\n%s", m.Render())
	}
	press(m, "shift+tab")
	if m.Focused() != "mode" {
		t.Fatalf("back from a field with an error: focus %s", m.Focused())
	}
	press(m, "enter", "ctrl+u", "SQL_PROD_01", "enter")
	if m.Focused() != "hosts[0].server" || m.Err("hosts[0].name") != "" {
		t.Fatalf("a corrected name did not move on: %s %q", m.Focused(), m.Err("hosts[0].name"))
	}
}

// Back-navigation works from the last field too, with its error showing.
func TestBackFromTheSaveFieldWithAnError(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(existing, []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v := Default(now)
	v.Hosts[0].Server, v.Hosts[1].Server, v.Hosts[2].Server = "a", "b", "w"
	v.SavePath = existing
	st := styles.Default(true, false, true)
	m := New(v, &st, now)
	goTo(t, m, "save")
	press(m, "enter")
	if m.State != Editing || !strings.Contains(m.Err("save"), "already exists") {
		t.Fatalf("an existing file was accepted: %v %q", m.State, m.Err("save"))
	}
	press(m, "esc", "esc")
	if m.Focused() == "save" {
		t.Fatal("esc did not go back from the save field")
	}
	goTo(t, m, "save")
	press(m, "ctrl+u", filepath.Join(dir, "new.yaml"), "enter")
	if m.State != Completed {
		t.Fatalf("a new path did not complete the form: %q", m.Err("save"))
	}
	if b, _ := os.ReadFile(existing); string(b) != "# mine\n" {
		t.Error("the existing file changed")
	}
}

// Item 10: the form asks the mode; an AG has 2 to 9 replicas, each asked.
func TestAGModeAsksReplicas(t *testing.T) {
	m := newForm()
	press(m, "right") // mirroring -> ag
	if m.Values.Mode != plan.ModeAG {
		t.Fatalf("mode %q", m.Values.Mode)
	}
	press(m, "enter")
	if m.Focused() != "replicas" {
		t.Fatalf("no replica count asked: %s", m.Focused())
	}
	press(m, "ctrl+u", "12", "enter")
	if m.Focused() != "replicas" || !strings.HasPrefix(m.Err("replicas"), `Replicas "12": an availability group has 2 to 9 replicas`) {
		t.Fatalf("12 replicas: %s %q", m.Focused(), m.Err("replicas"))
	}
	press(m, "ctrl+u", "4", "enter")
	for i := 0; i < 4; i++ {
		if !strings.Contains(ansi.Strip(m.Render()), "Replica "+string(rune('1'+i))+": name") {
			t.Fatalf("replica %d not asked:\n%s", i+1, m.Render())
		}
		press(m, "enter", "ctrl+u", "sql"+string(rune('a'+i)), "enter")
	}
	if strings.Contains(ansi.Strip(m.Render()), "Replica 5") || strings.Contains(ansi.Strip(m.Render()), "Witness") {
		t.Errorf("more than 4 hosts asked:\n%s", m.Render())
	}
	m.Values.SavePath = ""
	p, err := BuildPlan(m.Values, now)
	if err != nil {
		t.Fatal(err)
	}
	if p.Mode != plan.ModeAG || len(p.Hosts) != 4 || p.Hosts[3].Role != plan.RoleReplica || p.Hosts[3].Server != "sqld" {
		t.Fatalf("plan %+v", p.Hosts)
	}
}

// Item 10: the login's password is asked once, masked, for every host.
func TestPasswordAskedOnceMasked(t *testing.T) {
	v := Default(now)
	v.Hosts[0].Server, v.Hosts[1].Server, v.Hosts[2].Server = "a", "b", "w"
	st := styles.Default(true, false, true)
	m := New(v, &st, now)
	goTo(t, m, "password")
	press(m, "S3cret-sa!")
	s := ansi.Strip(m.Render())
	if strings.Contains(s, "S3cret-sa!") || !strings.Contains(s, "Password for sa (every host)") {
		t.Fatalf("password field:\n%s", s)
	}
	press(m, "enter")
	if m.Values.Password != "S3cret-sa!" {
		t.Fatalf("password %q", m.Values.Password)
	}
	if n := strings.Count(ansi.Strip(m.Render()), "Password for"); n != 1 {
		t.Errorf("password asked %d times", n)
	}
}

func TestCtrlCAborts(t *testing.T) {
	m := press(newForm(), "ctrl+c")
	if m.State != Aborted {
		t.Fatal("ctrl+c did not abort")
	}
}

func TestBuildPlanRejectsBadInput(t *testing.T) {
	cases := map[string]func(*Values){
		"port":   func(v *Values) { v.Port = "seventy" },
		"expiry": func(v *Values) { v.Expiry = "30/11/2029" },
		"name":   func(v *Values) { v.Hosts[1].Name = "HOST_A" },
		"server": func(v *Values) { v.Hosts[0].Server = "" },
	}
	for name, mod := range cases {
		v := Default(now)
		v.Hosts[0].Server, v.Hosts[1].Server, v.Hosts[2].Server = "a", "b", "w"
		mod(&v)
		if _, err := BuildPlan(v, now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
