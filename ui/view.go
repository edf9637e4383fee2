package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/steps"
)

// CompleteText is what the screen says when every item on every host is done.
const CompleteText = "All hosts configured"

// wideWidth is the width from which the checklist and the detail pane sit
// side by side.
const wideWidth = 100

const headerRows = 3

// wide reports whether list and detail share the screen.
func (m Model) wide() bool { return m.width >= wideWidth }

func (m Model) helpRows() int {
	if m.help.ShowAll {
		return 5
	}
	return 1
}

func (m Model) bodyHeight() int { return max(1, m.height-headerRows-1-m.helpRows()) }

// listWidth is the checklist's width; the detail pane gets the rest.
func (m Model) listWidth() int {
	if !m.wide() {
		return m.width
	}
	return min(64, max(40, m.width*9/20))
}

// detailSize is the viewport's size.
func (m Model) detailSize() (int, int) {
	w := m.width
	if m.wide() {
		w = m.width - m.listWidth() - 2
	}
	return max(10, w), m.bodyHeight()
}

// View renders the screen. It is pure: no I/O, no clock.
func (m Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	v.WindowTitle = "mirrorcert"
	return v
}

// Render is the screen as a string (View's content), for tests and benchmarks.
func (m Model) Render() string {
	var rows []string
	rows = append(rows, m.viewTitle(), m.viewTabs(), m.viewHostInfo())
	rows = append(rows, m.viewBody()...)
	rows = append(rows, m.viewStatus())
	help := strings.Split(m.help.View(m.keys), "\n")
	for i := 0; i < m.helpRows(); i++ {
		if i < len(help) {
			rows = append(rows, help[i])
		} else {
			rows = append(rows, "")
		}
	}
	for i, r := range rows {
		rows[i] = fit(r, m.width)
	}
	if len(rows) > m.height {
		rows = rows[:m.height]
	}
	return strings.Join(rows, "\n")
}

// fit truncates or pads a line to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	switch {
	case n > w:
		s = ansi.Truncate(s, w, "")
		if n = ansi.StringWidth(s); n < w { // a wide rune cut at the edge
			s += strings.Repeat(" ", w-n)
		}
	case n < w:
		s += strings.Repeat(" ", w-n)
	}
	return s
}

func (m Model) viewTitle() string {
	st := m.styles
	left := st.Title.Render("mirrorcert")
	label := m.opts.PlanLabel
	if label == "" {
		label = "no plan"
	}
	meta := []string{label}
	if m.opts.Mode != "" {
		meta = append(meta, m.opts.Mode)
	}
	if m.opts.Transfer != "" {
		meta = append(meta, "transfer "+m.opts.Transfer)
	}
	left += st.Subtle.Render(st.Glyphs.Sep + strings.Join(meta, st.Glyphs.Sep))
	done, total := m.counts("")
	right := st.Subtle.Render(fmt.Sprintf("%d/%d done", done, total))
	if m.snap.Checklist.Complete() {
		right = st.Complete.Render(CompleteText)
	}
	return spread(left, right, m.width)
}

// spread puts left and right on one line of width w.
func spread(left, right string, w int) string {
	gap := w - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 1 {
		return ansi.Truncate(left, max(0, w-ansi.StringWidth(right)-1), "") + " " + right
	}
	return left + strings.Repeat(" ", gap) + right
}

// counts returns done and total items, for one host or ("" ) all.
func (m Model) counts(host string) (int, int) {
	done, total := 0, 0
	for _, h := range m.snap.Checklist.Hosts {
		if host != "" && h.Host != host {
			continue
		}
		for _, it := range h.Items {
			total++
			if it.Status == steps.Done {
				done++
			}
		}
	}
	return done, total
}

// hostInfo returns the connection status of a host.
func (m Model) hostInfo(name string) (HostInfo, bool) {
	for _, h := range m.snap.Hosts {
		if h.Name == name {
			return h, true
		}
	}
	return HostInfo{}, false
}

// viewTabs is one tab per host: connection glyph, name, progress, and a
// spinner while the host is busy.
func (m Model) viewTabs() string {
	st := m.styles
	var tabs []string
	for i, h := range m.snap.Checklist.Hosts {
		g := st.Glyphs.Connecting
		if hi, ok := m.hostInfo(h.Host); ok {
			switch {
			case hi.Err != "":
				g = st.Glyphs.Disconnected
			case hi.Connected:
				g = st.Glyphs.Connected
			}
		}
		if m.running[h.Host] != nil || m.refreshing[h.Host] || m.refreshing[""] {
			g = m.spinFrame()
		}
		done, total := m.counts(h.Host)
		mark := ""
		for _, it := range h.Items {
			if e := m.effective(it); e.Status == steps.Failed || e.Status == steps.Conflict {
				mark = " " + st.Glyphs.Conflict
				break
			}
		}
		text := fmt.Sprintf("%s %s %d/%d%s", ansi.Strip(g), h.Host, done, total, mark)
		if i == m.hostIdx {
			tabs = append(tabs, st.TabActive.Render(text))
		} else {
			tabs = append(tabs, st.Tab.Render(text))
		}
	}
	if len(tabs) == 0 {
		if m.refreshing[""] {
			return " " + m.spinFrame() + " Connecting to every host" + st.Glyphs.Ellipsis
		}
		return st.Subtle.Render(" No hosts")
	}
	return fitTabs(tabs, m.hostIdx, st.Subtle.Render(st.Glyphs.Divider), st.Glyphs.Ellipsis, m.width)
}

// fitTabs joins the tabs, dropping tabs before the active one while the line
// is too wide, so the active host's tab always shows (nine AG replicas do not
// fit 80 columns).
func fitTabs(tabs []string, active int, div, more string, w int) string {
	first := 0
	line := strings.Join(tabs, div)
	for first < active && ansi.StringWidth(line) > w {
		first++
		line = more + strings.Join(tabs[first:], div)
	}
	return line
}

// viewHostInfo describes the selected host's connection.
func (m Model) viewHostInfo() string {
	st := m.styles
	hl := m.hostList()
	if hl == nil {
		return ""
	}
	hi, ok := m.hostInfo(hl.Host)
	parts := []string{hl.Host}
	role := hl.Role
	if role == "" {
		role = hi.Role
	}
	if role != "" {
		parts = append(parts, role)
	}
	if ok && hi.Server != "" {
		parts = append(parts, hi.Server)
	}
	switch {
	case !ok:
		parts = append(parts, "not read yet")
	case hi.Err != "":
		// The error itself is shown in full above the checklist.
		return " " + st.Error.Render(strings.Join(parts, st.Glyphs.Sep)+st.Glyphs.Sep+"not connected")
	case hi.Connected:
		if hi.Version != "" {
			parts = append(parts, "SQL Server "+hi.Version)
		}
		parts = append(parts, "connected")
	default:
		parts = append(parts, "connecting"+st.Glyphs.Ellipsis)
	}
	return " " + st.Subtle.Render(strings.Join(parts, st.Glyphs.Sep))
}

// viewBody is the checklist and/or detail pane, or a dialog, exactly
// bodyHeight lines tall.
func (m Model) viewBody() []string {
	h := m.bodyHeight()
	if box, ok := m.viewModal(); ok {
		placed := lipgloss.Place(m.width, h, lipgloss.Center, lipgloss.Center, box)
		return padLines(strings.Split(placed, "\n"), h)
	}
	if len(m.snap.Checklist.Hosts) == 0 {
		msg := "Reading every host" + m.styles.Glyphs.Ellipsis
		if !m.refreshing[""] {
			msg = "No checklist: press r to connect and read the hosts"
		}
		return padLines([]string{"", "  " + msg}, h)
	}
	if !m.wide() {
		if m.focus == focusDetail {
			return padLines(strings.Split(m.detail.View(), "\n"), h)
		}
		return m.withHostError(m.width, h, m.viewList)
	}
	list := m.withHostError(m.listWidth(), h, m.viewList)
	detail := padLines(strings.Split(m.detail.View(), "\n"), h)
	div := m.styles.Subtle.Render(m.styles.Glyphs.Divider)
	out := make([]string, h)
	for i := range out {
		out[i] = fit(list[i], m.listWidth()) + div + " " + detail[i]
	}
	return out
}

// padLines returns exactly n lines.
func padLines(lines []string, n int) []string {
	if len(lines) > n {
		return lines[:n]
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines
}

// viewStatus shows a spinner per running host, else the latest note.
func (m Model) viewStatus() string {
	st := m.styles
	var parts []string
	for _, h := range m.snap.Checklist.Hosts {
		if r := m.running[h.Host]; r != nil {
			parts = append(parts, fmt.Sprintf("%s %s: %s", m.spinFrame(), h.Host, m.title(r.ref)))
		}
	}
	if len(parts) > 0 {
		s := strings.Join(parts, "  ")
		if m.runAll {
			s = "Running all: " + s
		}
		return " " + s
	}
	if m.snap.Checklist.Complete() {
		return " " + st.Complete.Render(CompleteText) + st.Subtle.Render(st.Glyphs.Sep+"every host trusts every other host's certificate")
	}
	if m.note != "" {
		if m.noteErr {
			return " " + st.Error.Render(m.note)
		}
		return " " + st.OK.Render(m.note)
	}
	return ""
}

// spinFrame is the spinner's current frame without the padding some
// frames carry, so it lines up with the one-cell status glyphs.
func (m Model) spinFrame() string { return strings.TrimSpace(m.spin.View()) }

// withHostError puts the selected host's connection error, wrapped, above
// its checklist: the header line has room for only its start, and the error
// is what the operator must act on.
func (m Model) withHostError(w, h int, list func(w, h int) []string) []string {
	hl := m.hostList()
	if hl == nil {
		return list(w, h)
	}
	hi, ok := m.hostInfo(hl.Host)
	if !ok || hi.Err == "" {
		return list(w, h)
	}
	text := lipgloss.NewStyle().Width(max(10, w-2)).Render(strings.TrimRight(hi.Err, ". ") + ". Press r to try again.")
	lines := strings.Split(text, "\n")
	if len(lines) > 3 {
		lines = lines[:3]
	}
	var out []string
	for _, l := range lines {
		out = append(out, " "+m.styles.Error.Render(l))
	}
	return append(out, list(w, max(1, h-len(out)))...)
}
