package dialog

import (
	"strings"
	"testing"

	"charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestStartFormAsksBoth(t *testing.T) {
	d, _ := NewStartForm(st(), "Sales", `\\fs\b`)
	if a, _ := d.Update(press("enter")); a != None {
		t.Fatal("enter on the database must move to the folder, not start")
	}
	for range len(`\\fs\b`) {
		d.Update(pressBackspace())
	}
	if a, _ := d.Update(press("enter")); a != None || !strings.Contains(ansi.Strip(d.View()), "Both are needed") {
		t.Fatalf("an empty folder was accepted:\n%s", ansi.Strip(d.View()))
	}
	typeText(d, `\\files\backups`)
	if a, _ := d.Update(press("enter")); a != Accept {
		t.Fatal("enter with both filled must start")
	}
	if db, dir := d.Values(); db != "Sales" || dir != `\\files\backups` {
		t.Fatalf("values %q %q", db, dir)
	}
	if a, _ := d.Update(press("esc")); a != Cancel {
		t.Fatal("esc must cancel")
	}
}

func pressBackspace() tea.KeyPressMsg { return tea.KeyPressMsg{Code: tea.KeyBackspace} }
