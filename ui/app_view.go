package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// CompleteText is what the screen says when every item on every host is done.
const CompleteText = "All hosts configured"

// wideWidth is the width from which the checklist and the detail pane sit
// side by side.
const wideWidth = 100

const headerRows = 3

// wide reports whether list and detail share the screen.
func (m *Model) wide() bool { return m.width >= wideWidth }

func (m *Model) helpRows() int {
	if m.help.ShowAll {
		return 5
	}
	return 1
}

func (m *Model) bodyHeight() int { return max(1, m.height-headerRows-1-m.helpRows()) }

// listWidth is the checklist's width; the detail pane gets the rest.
func (m *Model) listWidth() int {
	if !m.wide() {
		return m.width
	}
	return min(64, max(40, m.width*9/20))
}

// listSize is the checklist's size: the body, less the lines above it.
func (m *Model) listSize() (int, int) {
	return m.listWidth(), max(1, m.bodyHeight()-len(m.above))
}

// syncAbove wraps what shows above the checklist, the selected host's
// connection error and the rotation's state, once per Update: wrapping
// them in View would redo it on every spinner frame.
func (m *Model) syncAbove() {
	w := m.listWidth()
	m.above = fitAll(append(m.hostErrorLines(w), m.rotationLines(w)...), w)
}

// detailSize is the detail pane's size.
func (m *Model) detailSize() (int, int) {
	w := m.width
	if m.wide() {
		w = m.width - m.listWidth() - 2
	}
	return max(10, w), m.bodyHeight()
}

// View renders the screen. It is pure: no I/O, no clock.
func (m *Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	v.WindowTitle = "mirrorcert"
	return v
}

// Render is the screen as a string (View's content), for tests and benchmarks.
func (m *Model) Render() string {
	rows := make([]string, 0, m.height+8)
	w := m.width
	rows = append(rows, m.chrome.title, styles.Fit(m.viewTabs(), w), m.chrome.hostInfo)
	// The body's lines come exactly w cells wide from the components.
	rows = append(rows, m.viewBody()...)
	rows = append(rows, styles.Fit(m.viewStatus(), w))
	help := []string{m.chrome.footer}
	if m.help.ShowAll {
		help = strings.Split(m.help.View(m.footer), "\n")
	}
	for i := 0; i < m.helpRows(); i++ {
		if i < len(help) {
			rows = append(rows, styles.Fit(help[i], w))
		} else {
			rows = append(rows, styles.Fit("", w))
		}
	}
	if len(rows) > m.height {
		rows = rows[:m.height]
	}
	return strings.Join(rows, "\n")
}

// chrome is the title, host line and short help, drawn when what they show
// changes (at the end of Update and on resize), not on every frame.
type chrome struct{ title, hostInfo, footer string }

// renderChrome draws the chrome.
func (m *Model) renderChrome() {
	w := m.width
	m.chrome = chrome{title: styles.Fit(m.viewTitle(), w), hostInfo: styles.Fit(spread(m.viewHostInfo(), m.viewExpiry(), w), w),
		footer: styles.Fit(m.help.ShortHelpView(m.footer.fit(&m.help, w)), w)}
}

func (m *Model) viewTitle() string {
	st := m.st
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
	switch {
	case m.session.synchronized:
		right = st.Complete.Render(SessionText)
	case m.session.state != "":
		// Live while the session starts: the poll keeps it fresh.
		right = st.Subtle.Render(m.session.state)
	case baseComplete(&m.snap.Checklist):
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

// viewTabs is the host tabs, or what stands in for them before the first read.
func (m *Model) viewTabs() string {
	if m.tabs.Len() == 0 {
		if m.refreshing[""] {
			return " " + m.spinFrame() + " Connecting to every host" + m.st.Glyphs.Ellipsis
		}
		return m.st.Subtle.Render(" No hosts")
	}
	return m.tabs.View()
}

// viewHostInfo describes the selected host's connection.
func (m *Model) viewHostInfo() string {
	st := m.st
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
func (m *Model) viewBody() []string {
	h := m.bodyHeight()
	if box := m.frontDialog(); box != nil {
		placed := lipgloss.Place(m.width, h, lipgloss.Center, lipgloss.Center, box.View())
		return fitAll(styles.PadLines(strings.Split(placed, "\n"), h), m.width)
	}
	if len(m.snap.Checklist.Hosts) == 0 {
		msg := "Reading every host" + m.st.Glyphs.Ellipsis
		if !m.refreshing[""] {
			msg = "No checklist: press r to connect and read the hosts"
		}
		return fitAll(styles.PadLines([]string{"", "  " + msg}, h), m.width)
	}
	if !m.wide() {
		if m.focus == focusDetail {
			return styles.PadLines(append([]string(nil), m.detail.Lines()...), h)
		}
		return m.listWithHostError(h)
	}
	list := m.listWithHostError(h)
	detail := m.detail.Lines()
	div := m.st.Subtle.Render(m.st.Glyphs.Divider) + " "
	out := make([]string, h)
	for i := range out {
		d := ""
		if i < len(detail) {
			d = detail[i]
		}
		out[i] = list[i] + div + d
	}
	return out
}

// fitAll fits every line to w cells.
func fitAll(lines []string, w int) []string {
	for i := range lines {
		lines[i] = styles.Fit(lines[i], w)
	}
	return lines
}

// listWithHostError puts the selected host's connection error, wrapped,
// above its checklist: the header line has room for only its start, and the
// error is what the operator must act on.
func (m *Model) listWithHostError(h int) []string {
	out := append(make([]string, 0, len(m.above)+h), m.above...)
	return styles.PadLines(append(out, m.list.Lines()...), h)
}

// hostErrorLines is the selected host's connection error, at most 3 lines.
func (m *Model) hostErrorLines(w int) []string {
	hl := m.hostList()
	if hl == nil {
		return nil
	}
	hi, ok := m.hostInfo(hl.Host)
	if !ok || hi.Err == "" {
		return nil
	}
	text := lipgloss.NewStyle().Width(max(10, w-2)).Render(strings.TrimRight(hi.Err, ". ") + ". Press r to try again.")
	lines := strings.Split(text, "\n")
	if len(lines) > 3 {
		lines = lines[:3]
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = " " + m.st.Error.Render(l)
	}
	return out
}

// viewStatus shows a spinner per running host, else the latest note.
func (m *Model) viewStatus() string {
	st := m.st
	var parts []string
	for _, h := range m.snap.Checklist.Hosts {
		if r, ok := m.sched.Running[h.Host]; ok {
			parts = append(parts, fmt.Sprintf("%s %s: %s", m.spinFrame(), h.Host, m.title(r.Ref)))
		}
	}
	if len(parts) > 0 {
		s := strings.Join(parts, "  ")
		if m.sched.RunAll {
			s = "Running all: " + s
		}
		return " " + s
	}
	if m.session.synchronized {
		return " " + st.Complete.Render(SessionText) + st.Subtle.Render(st.Glyphs.Sep+m.session.state)
	}
	if baseComplete(&m.snap.Checklist) && (m.note.text == "" || m.note.seq != m.session.noteSeq) {
		next := m.checkNext()
		if m.verifier() == nil {
			next = "every host trusts every other host's certificate"
		}
		return " " + st.Complete.Render(CompleteText) + st.Subtle.Render(st.Glyphs.Sep+next)
	}
	if m.note.text != "" {
		if m.note.isErr {
			return " " + st.Error.Render(m.note.text)
		}
		return " " + st.OK.Render(m.note.text)
	}
	return ""
}

// spinFrame is the spinner's current frame without the padding some
// frames carry, so it lines up with the one-cell status glyphs.
func (m *Model) spinFrame() string { return strings.TrimSpace(m.spin.View()) }
