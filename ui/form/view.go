package form

import (
	"strings"

	"charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// View draws the form: the questions around the focused one, its help,
// and its message.
func (m *Model) View() tea.View {
	return tea.NewView(m.Render())
}

// Render is the form as a string.
func (m *Model) Render() string {
	st := m.st
	var lines []string
	focusLine := 0
	for i := range m.fields {
		f := &m.fields[i]
		val := f.get(&m.Values)
		switch {
		case i == m.focus && f.kind != choice:
			val = m.input.View()
		case f.kind == secret:
			val = strings.Repeat("*", len([]rune(val)))
		case f.kind == choice && i == m.focus:
			val = "‹ " + val + " ›"
		}
		cursor := "  "
		if i == m.focus {
			cursor = st.Glyphs.Cursor + " "
			focusLine = len(lines)
		}
		label := f.label + ": "
		if i == m.focus {
			label = st.Label.Render(label)
		}
		lines = append(lines, cursor+label+val)
		if msg := m.errs[f.key]; msg != "" {
			for _, l := range strings.Split(wrap(msg, m.w-4), "\n") {
				lines = append(lines, "    "+st.Error.Render(l))
			}
		}
		if i == m.focus && f.help != "" {
			for _, l := range strings.Split(wrap(f.help, m.w-4), "\n") {
				lines = append(lines, "    "+st.Subtle.Render(l))
			}
		}
	}
	room := max(3, m.h-4)
	top := 0
	if len(lines) > room {
		top = min(max(0, focusLine-room/3), len(lines)-room)
	}
	lines = lines[top:min(len(lines), top+room)]
	head := st.Title.Render("mirrorcert") + st.Subtle.Render(st.Glyphs.Sep+"a plan for your hosts")
	foot := st.Subtle.Render("enter next · shift+tab/esc back · ←/→ change a choice · ctrl+c cancel")
	return head + "\n\n" + strings.Join(lines, "\n") + "\n\n" + foot
}

// wrap wraps s to w cells.
func wrap(s string, w int) string {
	return ansi.Wrap(s, max(20, w), "")
}
