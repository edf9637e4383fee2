package dialog

import (
	"strings"
	"testing"

	"charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/ui/sched"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	}
	return tea.KeyPressMsg{Code: []rune(s)[0], Text: s}
}

func typeText(d interface {
	Update(tea.Msg) (Action, tea.Cmd)
}, s string) {
	for _, r := range s {
		d.Update(press(string(r)))
	}
}

func st() *styles.Styles { s := styles.Default(true, false, true); return &s }

func TestConfirmAnswers(t *testing.T) {
	c := NewConfirm(st(), "Quit mirrorcert?", []Part{Line("y quit · n stay")})
	if a, _ := c.Update(press("x")); a != None {
		t.Error("x answered")
	}
	if a, _ := c.Update(press("y")); a != Accept {
		t.Error("y did not accept")
	}
	if a, _ := c.Update(press("esc")); a != Cancel {
		t.Error("esc did not cancel")
	}
	if got := ansi.Strip(c.View()); !strings.Contains(got, "Quit mirrorcert?") || !strings.Contains(got, "y quit · n stay") {
		t.Errorf("view:\n%s", got)
	}
}

func TestConfirmAllFitsTheScreen(t *testing.T) {
	var names []string
	for i := 0; i < 33; i++ {
		names = append(names, "HOST_A: step")
	}
	c := NewConfirmAll(st(), names, false)
	c.SetSize(80, 19)
	got := ansi.Strip(c.View())
	if !strings.Contains(got, "Run 33 pending steps?") || !strings.Contains(got, "and 24 more") {
		t.Errorf("view:\n%s", got)
	}
	if n := strings.Count(got, "\n") + 1; n > 19 {
		t.Errorf("%d lines in a 19-line body", n)
	}
}

func TestTypeNameNeedsTheExactName(t *testing.T) {
	d, _ := NewTypeName(st(), "Endpoint_Mirroring", "Switch the endpoint to certificates.")
	typeText(d, "End")
	if a, _ := d.Update(press("enter")); a != None || !strings.Contains(ansi.Strip(d.View()), "That is not") {
		t.Fatal("a wrong name was accepted")
	}
	typeText(d, "point_Mirroring")
	if a, _ := d.Update(press("enter")); a != Accept {
		t.Fatal("the exact name was refused")
	}
}

func TestPasswordIsMasked(t *testing.T) {
	d, _ := NewPassword(st(), "HOST_A", 1, 3)
	typeText(d, "S3cret!pw")
	got := ansi.Strip(d.View())
	if strings.Contains(got, "S3cret!pw") || !strings.Contains(got, "Master key password for HOST_A (1 of 3)") {
		t.Fatalf("view:\n%s", got)
	}
	if a, _ := d.Update(press("enter")); a != None || !strings.Contains(ansi.Strip(d.View()), "Type it again to confirm") {
		t.Fatalf("a typed password was accepted without a second entry: %v", a)
	}
	typeText(d, "S3cret!pw")
	if a, _ := d.Update(press("enter")); a != Accept || d.Value() != "S3cret!pw" {
		t.Fatalf("submit: %v %q", a, d.Value())
	}
	d.Update(press("esc"))
	if d.Value() != "" {
		t.Error("esc kept the typed password")
	}
}

func TestStoreShowsEveryPassword(t *testing.T) {
	d := NewStore(st())
	d.Set([]sched.Password{{Host: "HOST_A", Password: "pw-A"}, {Host: "HOST_B", Password: "pw-B"}}, 1)
	got := ansi.Strip(d.View())
	for _, want := range []string{"Store these master key passwords now", "HOST_A  pw-A", "HOST_B  pw-B", "(1 more after this)"} {
		if !strings.Contains(got, want) {
			t.Errorf("view lacks %q:\n%s", want, got)
		}
	}
	if a, _ := d.Update(press("enter")); a != Accept {
		t.Error("enter did not confirm")
	}
	if a, _ := d.Update(press("q")); a != Cancel {
		t.Error("q did not ask to leave")
	}
	if a, _ := d.Update(press("x")); a != None {
		t.Error("x answered the store dialog")
	}
}

// Item 4: two entries that differ are refused, and both are asked again.
func TestPasswordEntriesMustAgree(t *testing.T) {
	d, _ := NewPassword(st(), "HOST_A", 0, 0)
	typeText(d, "S3cret!pw")
	d.Update(press("enter"))
	typeText(d, "S3cret!pW")
	if a, _ := d.Update(press("enter")); a != None {
		t.Fatal("two different entries were accepted")
	}
	got := ansi.Strip(d.View())
	if !strings.Contains(got, "The two entries differ") || strings.Contains(got, "Type it again") {
		t.Fatalf("after a mismatch the dialog should ask from the start:\n%s", got)
	}
	if d.Value() != "" {
		t.Error("a mismatched entry is kept")
	}
	// Empty is "generate": nothing to confirm.
	if a, _ := d.Update(press("enter")); a != Accept || d.Value() != "" {
		t.Fatal("empty did not mean generate")
	}
}

// A pasted password (the terminal's bracketed paste; ctrl+v from the
// clipboard went with bubbles' textinput) goes in whole and never shows.
func TestPasswordPasteIsMasked(t *testing.T) {
	d, _ := NewPassword(st(), "HOST_A", 0, 0)
	d.Update(tea.PasteMsg{Content: "Pasted!S3cret"})
	if got := ansi.Strip(d.View()); strings.Contains(got, "Pasted") || !strings.Contains(got, "*************") {
		t.Fatalf("view:\n%s", got)
	}
	d.Update(press("enter"))
	d.Update(tea.PasteMsg{Content: "Pasted!S3cret"})
	if a, _ := d.Update(press("enter")); a != Accept || d.Value() != "Pasted!S3cret" {
		t.Fatalf("paste: %v %q", a, d.Value())
	}
}
