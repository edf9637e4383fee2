package ui

import (
	"image/color"
	"strings"
	"testing"

	"charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/steps"
)

// Item 13: the selection starts on the next step that can run, not on a
// done item (here HOST_A's outbound steps are done).
func TestSelectionStartsOnTheNextRunnableStep(t *testing.T) {
	f := newFake(hosts3...)
	f.markDone(ref("HOST_A", steps.IDMasterKey), ref("HOST_A", steps.IDCertificate), ref("HOST_A", steps.IDEndpoint))
	m := started(t, f)
	if sel, _ := m.selectedRef(); sel != ref("HOST_A", steps.InboundID("HOST_B", steps.KindLogin)) {
		t.Fatalf("selection starts on %v", sel)
	}
	// Every item of HOST_A done: the selection starts on another host.
	f = newFake("HOST_A", "HOST_B")
	var all []steps.Ref
	for _, it := range f.list.Hosts[0].Items {
		all = append(all, it.Ref)
	}
	f.markDone(all...)
	m = started(t, f)
	if sel, _ := m.selectedRef(); sel != ref("HOST_B", steps.IDMasterKey) || m.tabs.Active() != 1 {
		t.Fatalf("selection starts on %v (tab %d)", sel, m.tabs.Active())
	}
}

// Item 13: at 80×24, "? help" and "q quit" stay in the footer; other keys
// give way first.
func TestHelpAndQuitAlwaysInTheFooterAt80(t *testing.T) {
	var nine []string
	for i := 1; i <= 9; i++ {
		nine = append(nine, "REPLICA_"+string(rune('0'+i)))
	}
	cases := map[string]*Model{
		"list":          started(t, newFake(hosts3...)),
		"detail":        press(t, started(t, newFake(hosts3...)), "enter"),
		"failed detail": func() *Model { m, _ := progressed(t); return press(t, m, "enter") }(),
		"nine hosts":    press(t, started(t, newFake(nine...)), "tab", "enter"),
	}
	for name, m := range cases {
		lines := strings.Split(screen(sized(m, 80, 24)), "\n")
		foot := lines[len(lines)-1]
		if !strings.Contains(foot, "? help") || !strings.Contains(foot, "q quit") {
			t.Errorf("%s: footer %q lacks ? help or q quit", name, foot)
		}
		if ansi.StringWidth(foot) > 80 {
			t.Errorf("%s: footer wider than 80", name)
		}
	}
	// The step's own key stays too, while there is room.
	m := sized(press(t, started(t, newFake(hosts3...)), "enter"), 80, 24)
	lines := strings.Split(screen(m), "\n")
	if !strings.Contains(lines[len(lines)-1], "y run step") {
		t.Errorf("footer %q lacks y", lines[len(lines)-1])
	}
}

// Item 13: the detail pane says when there is more below, and stops saying
// so at the bottom.
func TestDetailShowsMoreBelow(t *testing.T) {
	m := sized(started(t, newFake(hosts3...)), 80, 12)
	m = press(t, m, "enter")
	if !strings.Contains(screen(m), "more below") {
		t.Fatalf("a pane cut at its edge does not say there is more:\n%s", screen(m))
	}
	for range 30 {
		m = press(t, m, "down")
	}
	if strings.Contains(screen(m), "more below") {
		t.Fatalf("at the bottom the pane still says there is more:\n%s", screen(m))
	}
}

// Item 13: at 120 columns a conflict's reason is shown in full, not cut
// at the list's edge.
func TestConflictReasonNotCutAt120(t *testing.T) {
	m, _ := progressed(t)
	m = sized(press(t, m, "tab"), 120, 40)
	if m.hostList().Host != "HOST_W" {
		t.Fatalf("on %s", m.hostList().Host)
	}
	var list []string
	for _, l := range strings.Split(screen(m), "\n") {
		left, _, _ := strings.Cut(l, "│ ")
		list = append(list, strings.TrimSpace(left))
	}
	text := strings.Join(strings.Fields(strings.Join(list, " ")), " ")
	if !strings.Contains(text, "conflict: existing endpoint Mirroring uses Windows authentication") {
		t.Errorf("the conflict reason is cut:\n%s", screen(m))
	}
}

// Item 13: the highlighting follows the terminal's background.
func TestHighlightFollowsTheBackground(t *testing.T) {
	m := press(t, started(t, newFake(hosts3...), func(o *Options) { o.NoColor = false }), "enter")
	dark := m.detail.View()
	m, _ = send(m, tea.BackgroundColorMsg{Color: color.White})
	if m.st.Dark {
		t.Fatal("a white background kept the dark styles")
	}
	light := m.detail.View()
	if light == dark || ansi.Strip(light) != ansi.Strip(dark) {
		t.Error("the light background did not change the colours (and only them)")
	}
	m, _ = send(m, tea.BackgroundColorMsg{Color: color.Black})
	if !m.st.Dark || m.detail.View() != dark {
		t.Error("back on a dark background the colours differ from the first dark ones")
	}
}
