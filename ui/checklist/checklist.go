// Package checklist is one host's list of steps under their section
// headings, with a cursor. Rows are generic steps (id, title, status, a
// note): the root decides what goes in them, so a "Checks" section of
// findings or a start sequence are rows like any other.
package checklist

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/checks"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// Row is one step as the list shows it.
type Row struct {
	// Item is the step with the UI's overlay applied (a failed run shows as
	// steps.Failed).
	Item steps.Item
	// Section is the heading the row sits under; consecutive rows with the
	// same section share one heading.
	Section string
	// Note is the short status text after the title: what blocks it, what
	// conflicts, why it failed.
	Note string
	// WrapNote puts a note that does not fit after the title on the lines
	// below it, in full, instead of cutting it at the edge: a conflict's
	// or a failure's reason is what the operator must read.
	WrapNote bool
	Running  bool
}

// SectionOf is the heading of a checklist item id: "Outbound" or "Inbound
// from <peer>".
func SectionOf(id string) string {
	switch {
	case strings.HasPrefix(id, checks.IDPrefix):
		return "Checks" // verify's findings
	case strings.HasPrefix(id, "start/"):
		return "Session" // the start sequence
	}
	if rest, ok := strings.CutPrefix(id, "inbound/"); ok {
		peer, _, _ := strings.Cut(rest, "/")
		return "Inbound from " + peer
	}
	return "Outbound"
}

// Action is what a key did, for the root to act on.
type Action int

// Actions.
const (
	None  Action = iota
	Moved        // the cursor moved
	Open         // open the selected row
)

// KeyMap is the list's keys.
type KeyMap struct {
	Up, Down, Open key.Binding
}

// DefaultKeyMap is DESIGN.md's ↑/↓ (k/j) and enter.
func DefaultKeyMap(st *styles.Styles) KeyMap {
	return KeyMap{
		Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp(st.Glyphs.Up+"/k", "up")),
		Down: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp(st.Glyphs.Down+"/j", "down")),
		Open: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open T-SQL")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down, k.Open} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Model is the list.
type Model struct {
	KeyMap  KeyMap
	st      *styles.Styles
	rows    []Row
	cursor  int
	focused bool
	w, h    int
	spin    string
	lines   []string // the rendered view, rebuilt when something it shows changes
	dirty   bool
}

// New returns an empty list.
func New(st *styles.Styles) Model {
	m := Model{KeyMap: DefaultKeyMap(st), st: st, focused: true, w: 80, h: 10}
	m.dirty = true
	return m
}

// SetSize sets the list's size.
func (m *Model) SetSize(w, h int) {
	if w == m.w && h == m.h {
		return
	}
	m.w, m.h = w, h
	m.dirty = true
}

// SetRows replaces the rows; the cursor stays on the same step when it is
// still there.
func (m *Model) SetRows(rows []Row) {
	sel, ok := m.Selected()
	m.rows = rows
	if !ok || !m.Select(sel.Item.Ref) {
		m.cursor = min(max(m.cursor, 0), max(len(rows)-1, 0))
	}
	m.syncKeys()
	m.dirty = true
}

// SetFocus says whether the list has the keyboard (the cursor row is
// highlighted only then).
func (m *Model) SetFocus(f bool) {
	if f != m.focused {
		m.focused = f
		m.syncKeys()
		m.dirty = true
	}
}

// Focused reports whether the list has the keyboard.
func (m *Model) Focused() bool { return m.focused }

// SetSpinner is the frame a running row shows.
func (m *Model) SetSpinner(frame string) {
	if frame == m.spin {
		return
	}
	m.spin = frame
	for i := range m.rows {
		if m.rows[i].Running {
			m.dirty = true
			return
		}
	}
}

// Selected is the row under the cursor.
func (m *Model) Selected() (Row, bool) {
	if m.cursor < 0 || m.cursor >= len(m.rows) {
		return Row{}, false
	}
	return m.rows[m.cursor], true
}

// Select moves the cursor to ref; false when it is not in the list.
func (m *Model) Select(ref steps.Ref) bool {
	for i := range m.rows {
		if m.rows[i].Item.Ref == ref {
			if i != m.cursor {
				m.cursor = i
				m.dirty = true
			}
			return true
		}
	}
	return false
}

// Redraw draws the list again (after the styles changed).
func (m *Model) Redraw() { m.dirty = true }

// Top moves the cursor to the first row.
func (m *Model) Top() {
	m.cursor = 0
	m.dirty = true
}

func (m *Model) syncKeys() {
	has := len(m.rows) > 0
	m.KeyMap.Up.SetEnabled(m.focused && has)
	m.KeyMap.Down.SetEnabled(m.focused && has)
	m.KeyMap.Open.SetEnabled(m.focused && has)
}

// Update moves the cursor or opens the selected row.
func (m *Model) Update(msg tea.KeyPressMsg) Action {
	switch {
	case key.Matches(msg, m.KeyMap.Up):
		if m.cursor > 0 {
			m.cursor--
			m.dirty = true
			return Moved
		}
	case key.Matches(msg, m.KeyMap.Down):
		if m.cursor < len(m.rows)-1 {
			m.cursor++
			m.dirty = true
			return Moved
		}
	case key.Matches(msg, m.KeyMap.Open):
		if _, ok := m.Selected(); ok {
			return Open
		}
	}
	return None
}

// Lines is the view as exactly h lines of w cells. It is drawn once after
// the changes of an Update, not on every frame.
func (m *Model) Lines() []string {
	if m.dirty {
		m.render()
		m.dirty = false
	}
	return m.lines
}

// View is the list, h lines of w cells.
func (m *Model) View() string { return strings.Join(m.Lines(), "\n") }

// render draws the list, scrolled so the cursor stays visible.
func (m *Model) render() {
	st, w, h := m.st, m.w, m.h
	if len(m.rows) == 0 {
		m.lines = styles.PadLines(nil, h)
		for i := range m.lines {
			m.lines[i] = styles.Fit("", w)
		}
		return
	}
	// Notes start in one column, after the longest title, so the blockers
	// read as a column; long titles give way on narrow screens.
	col := 0
	for i := range m.rows {
		col = max(col, ansi.StringWidth(m.rows[i].Item.Title))
	}
	col = min(col+4+ansi.StringWidth(st.Glyphs.Cursor)+ansi.StringWidth(st.Glyphs.Done)+2, max(20, w-14))
	lines := make([]string, 0, len(m.rows)+8)
	sel := 0
	last := ""
	for i := range m.rows {
		r := &m.rows[i]
		it := &r.Item
		if r.Section != last {
			lines = append(lines, styles.Fit(" "+st.Section.Render(r.Section), w))
			last = r.Section
		}
		g, gs := st.Glyph(it)
		cursor := " "
		if i == m.cursor {
			cursor = st.Glyphs.Cursor
			sel = len(lines)
		}
		if r.Running && m.spin != "" {
			g = ansi.Strip(m.spin)
		}
		label := it.Title
		if label == "" {
			label = it.ID
		}
		text := " " + cursor + " " + g + " " + label
		var below []string
		if r.Note != "" && r.WrapNote && ansi.StringWidth(text)+2+ansi.StringWidth(r.Note) > w {
			below = wrapNote(r.Note, w, 4+ansi.StringWidth(st.Glyphs.Cursor)+ansi.StringWidth(g))
		} else if r.Note != "" {
			// Titles win over notes: a long title pushes its note right
			// rather than being cut.
			if n := ansi.StringWidth(text); n+2 <= col {
				text += strings.Repeat(" ", col-n)
			} else {
				text += "  "
			}
			text += r.Note
		}
		text = styles.Fit(text, w)
		if i == m.cursor && m.focused {
			lines = append(lines, st.Selected.Render(text))
		} else {
			// Colour only the glyph so the rest stays readable on any theme.
			lines = append(lines, strings.Replace(text, g, gs.Render(g), 1))
		}
		for _, l := range below {
			lines = append(lines, gs.Render(l))
		}
	}
	top := 0
	if len(lines) > h {
		top = min(max(0, sel-h/2), len(lines)-h)
	}
	out := styles.PadLines(lines[top:], h)
	for i := range out {
		if out[i] == "" {
			out[i] = styles.Fit("", w)
		}
	}
	m.lines = out
}

// wrapNote wraps a note to lines of w cells, indented by indent, in full.
func wrapNote(note string, w, indent int) []string {
	text := ansi.Wrap(note, max(10, w-indent), "")
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = styles.Fit(strings.Repeat(" ", indent)+l, w)
	}
	return lines
}
