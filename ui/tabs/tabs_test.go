package tabs

import (
	"strings"
	"testing"

	"charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/ui/styles"
)

func TestTabsShowStateAndCycle(t *testing.T) {
	st := styles.Default(true, false, true)
	m := New(&st)
	m.SetTabs([]Tab{
		{Name: "HOST_A", Conn: Connected, Done: 3, Total: 11},
		{Name: "HOST_B", Conn: Disconnected, Total: 11, Alert: true},
	})
	got := ansi.Strip(m.View())
	for _, want := range []string{"● HOST_A 3/11", "✗ HOST_B 0/11 !"} {
		if !strings.Contains(got, want) {
			t.Errorf("tabs %q lack %q", got, want)
		}
	}
	if !m.Update(tea.KeyPressMsg{Code: tea.KeyTab}) || m.Active() != 1 {
		t.Fatal("tab did not move to HOST_B")
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	if m.Active() != 0 {
		t.Fatal("tab did not wrap round")
	}
}

func TestActiveTabStaysVisibleWhenNarrow(t *testing.T) {
	st := styles.Default(true, false, true)
	m := New(&st)
	var ts []Tab
	for i := 1; i <= 9; i++ {
		ts = append(ts, Tab{Name: "REPLICA_" + string(rune('0'+i)), Total: 35})
	}
	m.SetTabs(ts)
	m.SetSize(80)
	m.SetActive(8)
	if got := ansi.Strip(m.View()); !strings.Contains(got, "REPLICA_9 0/35") || ansi.StringWidth(got) > 80 {
		t.Errorf("active tab off screen or too wide: %q", got)
	}
}
