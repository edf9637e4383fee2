package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/steps"
)

// section is the heading an item belongs under: "Outbound" or
// "Inbound from <peer>".
func section(id string) string {
	if rest, ok := strings.CutPrefix(id, "inbound/"); ok {
		peer, _, _ := strings.Cut(rest, "/")
		return "Inbound from " + peer
	}
	return "Outbound"
}

// viewList renders the selected host's checklist in w×h, scrolled so the
// selection stays visible.
func (m Model) viewList(w, h int) []string {
	st := m.styles
	hl := m.hostList()
	if hl == nil {
		return padLines(nil, h)
	}
	// Annotations start in one column, after the longest title, so the
	// blockers read as a column; long titles give way on narrow screens.
	col := 0
	for _, it := range hl.Items {
		col = max(col, ansi.StringWidth(it.Title))
	}
	col = min(col+4+ansi.StringWidth(st.Glyphs.Cursor)+ansi.StringWidth(st.Glyphs.Done)+2, max(20, w-14))
	var lines []string
	sel := 0
	last := ""
	for i, raw := range hl.Items {
		it := m.effective(raw)
		if s := section(it.ID); s != last {
			lines = append(lines, " "+st.Section.Render(s))
			last = s
		}
		g, gs := st.glyph(it)
		cursor := " "
		if i == m.cursor {
			cursor = st.Glyphs.Cursor
			sel = len(lines)
		}
		if m.running[it.Host] != nil && m.running[it.Host].ref == it.Ref {
			g = ansi.Strip(m.spinFrame())
		}
		label := it.Title
		if label == "" {
			label = it.ID
		}
		note := m.annotation(it)
		text := " " + cursor + " " + g + " " + label
		if note != "" {
			// Titles win over annotations: a long title pushes its note right
			// (and off the edge) rather than being cut.
			if n := ansi.StringWidth(text); n+2 <= col {
				text += strings.Repeat(" ", col-n)
			} else {
				text += "  "
			}
			text += note
		}
		text = fit(text, w)
		if i == m.cursor && m.focus == focusList {
			lines = append(lines, st.Selected.Render(text))
			continue
		}
		// Colour only the glyph so the rest stays readable on any theme.
		text = strings.Replace(text, g, gs.Render(g), 1)
		lines = append(lines, text)
	}
	top := 0
	if len(lines) > h {
		top = min(max(0, sel-h/2), len(lines)-h)
	}
	return padLines(lines[top:], h)
}

// annotation is the short status text after an item: what blocks it, what
// conflicts, why it failed.
func (m Model) annotation(it steps.Item) string {
	g := m.styles.Glyphs
	switch it.Status {
	case steps.Blocked:
		return g.Arrow + " " + m.blockers(it)
	case steps.Conflict:
		if it.Conflict != nil && it.Conflict.What != "" {
			return "conflict: " + it.Conflict.What
		}
		return "conflict"
	case steps.Failed:
		if o, ok := m.outcomes[it.Ref]; ok && o.err != nil {
			return "failed: " + shortError(o.err)
		}
		return "failed"
	case steps.Unknown:
		return "not read"
	case steps.Pending:
		if it.Manual {
			return "manual: confirm when done"
		}
	}
	return ""
}
