// Package tabs is the row of host tabs: connection glyph, name, progress,
// and a mark when a step failed or conflicts.
package tabs

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// Conn is a host's connection state as its tab shows it.
type Conn int

// Connection states.
const (
	Connecting Conn = iota
	Connected
	Disconnected
)

// Tab is one host.
type Tab struct {
	Name        string
	Conn        Conn
	Busy        bool // a step runs or the host is being read: the spinner shows
	Done, Total int
	Alert       bool // something failed or conflicts
}

// KeyMap is the tabs' keys.
type KeyMap struct {
	Next key.Binding
}

// DefaultKeyMap is tab for the next host.
func DefaultKeyMap() KeyMap {
	return KeyMap{Next: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next host"))}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Next} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Model is the tab row.
type Model struct {
	KeyMap KeyMap
	st     *styles.Styles
	tabs   []Tab
	active int
	width  int
	spin   string
	line   string // the rendered row, rebuilt when what it shows changes
}

// New returns an empty tab row.
func New(st *styles.Styles) Model {
	return Model{KeyMap: DefaultKeyMap(), st: st, width: 80}
}

// SetSize sets the width.
func (m *Model) SetSize(w int) {
	m.width = w
	m.render()
}

// SetTabs replaces the tabs, keeping the active index in range.
func (m *Model) SetTabs(t []Tab) {
	m.tabs = t
	m.active = min(max(m.active, 0), max(len(t)-1, 0))
	m.KeyMap.Next.SetEnabled(len(t) > 1)
	m.render()
}

// SetSpinner is the frame busy tabs show.
func (m *Model) SetSpinner(frame string) {
	if frame == m.spin {
		return
	}
	m.spin = frame
	for _, t := range m.tabs {
		if t.Busy {
			m.render()
			return
		}
	}
}

// Active is the selected tab's index.
func (m *Model) Active() int { return m.active }

// SetActive selects tab i.
func (m *Model) SetActive(i int) {
	if i >= 0 && i < len(m.tabs) {
		m.active = i
		m.render()
	}
}

// Len is the number of tabs.
func (m *Model) Len() int { return len(m.tabs) }

// Update moves to the next tab on its key; it reports whether it did.
func (m *Model) Update(msg tea.KeyPressMsg) bool {
	if key.Matches(msg, m.KeyMap.Next) && len(m.tabs) > 0 {
		m.active = (m.active + 1) % len(m.tabs)
		m.render()
		return true
	}
	return false
}

// View is the tab row, at most width wide when it can be.
func (m *Model) View() string { return m.line }

// render draws the row.
func (m *Model) render() {
	st := m.st
	texts := make([]string, len(m.tabs))
	for i, t := range m.tabs {
		g := st.Glyphs.Connecting
		switch t.Conn {
		case Disconnected:
			g = st.Glyphs.Disconnected
		case Connected:
			g = st.Glyphs.Connected
		}
		if t.Busy && m.spin != "" {
			g = ansi.Strip(m.spin)
		}
		mark := ""
		if t.Alert {
			mark = " " + st.Glyphs.Conflict
		}
		text := fmt.Sprintf("%s %s %d/%d%s", g, t.Name, t.Done, t.Total, mark)
		if i == m.active {
			texts[i] = st.TabActive.Render(text)
		} else {
			texts[i] = st.Tab.Render(text)
		}
	}
	m.line = fitTabs(texts, m.active, st.Subtle.Render(st.Glyphs.Divider), st.Glyphs.Ellipsis, m.width)
}

// Redraw draws the row again (after the styles changed).
func (m *Model) Redraw() { m.render() }

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
