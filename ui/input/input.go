// Package input is a one-line text field: the value, a cursor that moves
// and edits, a masked echo for passwords, a placeholder, and a window that
// scrolls sideways when the value is wider than the field. It replaces
// bubbles' textinput, whose clipboard support (atotto/clipboard, looking up
// xclip and xsel on PATH at init) cost every command's start-up ~0.2 ms;
// pasting still works through the terminal's bracketed paste.
package input

import (
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// Model is one text field. The zero Model is not usable: build it with New.
type Model struct {
	KeyMap KeyMap
	// Prompt is drawn before the value ("> " by default).
	Prompt string
	// Placeholder shows, dimmed, while the value is empty.
	Placeholder string
	// Mask, when not 0, is drawn for every rune of the value instead of the
	// rune: a password field. The value itself is never drawn.
	Mask rune
	// Limit, when over 0, is the most runes the value may hold.
	Limit int

	st     *styles.Styles
	value  []rune
	pos    int // the cursor, an index into value (len(value): at the end)
	offset int // the first rune shown, when the value is wider than the field
	width  int // cells for the value, 0 for no limit
	focus  bool
}

// New builds an empty, blurred field drawn with st.
func New(st *styles.Styles) Model {
	return Model{KeyMap: DefaultKeyMap(), Prompt: "> ", st: st}
}

// Value is what was typed.
func (m *Model) Value() string { return string(m.value) }

// SetValue replaces the value; the cursor goes to its end.
func (m *Model) SetValue(s string) {
	m.value = m.limit(clean(s))
	m.pos = len(m.value)
	m.scroll()
}

// Reset empties the field.
func (m *Model) Reset() {
	m.value, m.pos, m.offset = nil, 0, 0
}

// Position is the cursor's index in runes.
func (m *Model) Position() int { return m.pos }

// CursorEnd moves the cursor after the last rune.
func (m *Model) CursorEnd() { m.pos = len(m.value); m.scroll() }

// Focus lets the field take keys and draws its cursor.
func (m *Model) Focus() { m.focus = true }

// Blur stops the field taking keys and hides its cursor.
func (m *Model) Blur() { m.focus = false }

// Focused says whether the field takes keys.
func (m *Model) Focused() bool { return m.focus }

// SetWidth sets how many cells the value gets (one more holds the cursor
// at the end); 0 draws the whole value.
func (m *Model) SetWidth(w int) {
	m.width = max(0, w)
	m.scroll()
}

// SetSize fits the field to w cells: the prompt, the value and the cursor.
// A field is one line, whatever h.
func (m *Model) SetSize(w, _ int) {
	m.SetWidth(max(1, w-ansi.StringWidth(m.Prompt)-1))
}

// Width is the cells the value gets.
func (m *Model) Width() int { return m.width }

// Update edits the value on a key or a paste, when focused. The field
// has no timers (its cursor does not blink), so it returns no command.
func (m *Model) Update(msg tea.Msg) {
	if !m.focus {
		return
	}
	switch msg := msg.(type) {
	case tea.PasteMsg:
		m.insert(msg.Content)
	case tea.KeyPressMsg:
		m.key(msg)
	}
	m.scroll()
}

// key applies one key press.
func (m *Model) key(k tea.KeyPressMsg) {
	km := &m.KeyMap
	switch {
	case key.Matches(k, km.Left):
		m.pos = max(0, m.pos-1)
	case key.Matches(k, km.Right):
		m.pos = min(len(m.value), m.pos+1)
	case key.Matches(k, km.Home):
		m.pos = 0
	case key.Matches(k, km.End):
		m.pos = len(m.value)
	case key.Matches(k, km.WordLeft):
		m.pos = m.wordStart()
	case key.Matches(k, km.WordRight):
		m.pos = m.wordEnd()
	case key.Matches(k, km.Backspace):
		if m.pos > 0 {
			m.value = append(m.value[:m.pos-1], m.value[m.pos:]...)
			m.pos--
		}
	case key.Matches(k, km.Delete):
		if m.pos < len(m.value) {
			m.value = append(m.value[:m.pos], m.value[m.pos+1:]...)
		}
	case key.Matches(k, km.DeleteBefore):
		m.value, m.pos = m.value[m.pos:], 0
	case key.Matches(k, km.DeleteAfter):
		m.value = m.value[:m.pos]
	case key.Matches(k, km.DeleteWordBack):
		// A masked field deletes everything before the cursor: deleting a
		// word would tell an onlooker where the password has spaces.
		start := 0
		if m.Mask == 0 {
			start = m.wordStart()
		}
		m.value, m.pos = append(m.value[:start], m.value[m.pos:]...), start
	case k.Text != "" && k.Mod&^tea.ModShift == 0:
		m.insert(k.Text)
	}
}

// insert puts typed or pasted text at the cursor, as much as the limit
// allows.
func (m *Model) insert(s string) {
	add := clean(s)
	if m.Limit > 0 {
		add = add[:max(0, min(len(add), m.Limit-len(m.value)))]
	}
	if len(add) == 0 {
		return
	}
	v := make([]rune, 0, len(m.value)+len(add))
	v = append(append(append(v, m.value[:m.pos]...), add...), m.value[m.pos:]...)
	m.value, m.pos = v, m.pos+len(add)
}

func (m *Model) limit(v []rune) []rune {
	if m.Limit > 0 && len(v) > m.Limit {
		return v[:m.Limit]
	}
	return v
}

// clean makes pasted text one line: tabs and line breaks become spaces (a
// CRLF one space) and other control characters go, so that nothing pasted
// can move the terminal's cursor or hide in a password.
func clean(s string) []rune {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			out = append(out, ' ')
		case unicode.IsControl(r) || r == unicode.ReplacementChar:
		default:
			out = append(out, r)
		}
	}
	return out
}

// wordStart is where the word before the cursor starts.
func (m *Model) wordStart() int {
	i := m.pos
	for i > 0 && unicode.IsSpace(m.value[i-1]) {
		i--
	}
	for i > 0 && !unicode.IsSpace(m.value[i-1]) {
		i--
	}
	return i
}

// wordEnd is where the word after the cursor ends.
func (m *Model) wordEnd() int {
	i := m.pos
	for i < len(m.value) && unicode.IsSpace(m.value[i]) {
		i++
	}
	for i < len(m.value) && !unicode.IsSpace(m.value[i]) {
		i++
	}
	return i
}

// cells is how wide rune i of the value is drawn; i == len(value) is the
// cursor's blank after the value.
func (m *Model) cells(i int) int {
	if i >= len(m.value) || m.Mask != 0 {
		return 1
	}
	return max(1, ansi.StringWidth(string(m.value[i])))
}

// room is the cells the value and the cursor share.
func (m *Model) room() int { return m.width + 1 }

// scroll moves the window so that the cursor shows, keeping it still while
// the cursor moves inside it, and using free room on the right to show
// more of the value's start.
func (m *Model) scroll() {
	m.pos = min(max(0, m.pos), len(m.value))
	if m.width == 0 {
		m.offset = 0
		return
	}
	m.offset = min(m.offset, m.pos)
	used := 0
	for i := m.offset; i <= m.pos; i++ {
		used += m.cells(i)
	}
	for used > m.room() && m.offset < m.pos {
		used -= m.cells(m.offset)
		m.offset++
	}
	// Room left after the whole value and the blank for the cursor at its
	// end (after a delete): show earlier runes.
	tail := 0
	for i := m.offset; i <= len(m.value); i++ {
		tail += m.cells(i)
	}
	for m.offset > 0 && tail+m.cells(m.offset-1) <= m.room() {
		m.offset--
		tail += m.cells(m.offset)
	}
}

// View draws the prompt, the visible part of the value (or the
// placeholder) and the cursor, padded to the field's width.
func (m *Model) View() string {
	var b strings.Builder
	b.WriteString(m.Prompt)
	cursor := lipgloss.NewStyle().Reverse(true)
	if len(m.value) == 0 && m.Placeholder != "" {
		ph := []rune(m.Placeholder)
		first, rest := string(ph[0]), string(ph[1:])
		if m.width > 0 {
			rest = ansi.Truncate(rest, m.width, "")
		}
		if m.focus {
			b.WriteString(cursor.Render(first))
		} else {
			b.WriteString(m.st.Subtle.Render(first))
		}
		b.WriteString(m.st.Subtle.Render(rest))
		m.pad(&b, 1+ansi.StringWidth(rest))
		return b.String()
	}
	used := 0
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			b.WriteString(text.String())
			text.Reset()
		}
	}
	for i := m.offset; i <= len(m.value); i++ {
		if m.width > 0 && used+m.cells(i) > m.room() {
			break
		}
		if i == len(m.value) && !(m.focus && m.pos == i) {
			break
		}
		r := " "
		if i < len(m.value) {
			r = string(m.value[i])
			if m.Mask != 0 {
				r = string(m.Mask)
			}
		}
		used += m.cells(i)
		if m.focus && i == m.pos {
			flush()
			b.WriteString(cursor.Render(r))
			continue
		}
		text.WriteString(r)
	}
	flush()
	m.pad(&b, used)
	return b.String()
}

// pad fills the field to its width after used cells.
func (m *Model) pad(b *strings.Builder, used int) {
	if m.width > 0 && used < m.room() {
		b.WriteString(strings.Repeat(" ", m.room()-used))
	}
}
