// Package detail is the scrollable pane that shows one step in full: why it
// exists, what it changes, its exact T-SQL and the result of its last run.
package detail

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// KeyMap is the pane's scroll keys.
type KeyMap struct {
	Up, Down, PageUp, PageDown key.Binding
}

// DefaultKeyMap scrolls with ↑/↓ (k/j) and pgup/pgdn.
func DefaultKeyMap(st *styles.Styles) KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp(st.Glyphs.Up+"/k", "scroll")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp(st.Glyphs.Down+"/j", "scroll")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "space"), key.WithHelp("pgdn", "page down")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}}
}

// Model is the pane: a viewport plus the identity of what it shows, so an
// unchanged step keeps its scroll position and a new one starts at the top.
type Model struct {
	KeyMap KeyMap
	st     *styles.Styles
	vp     viewport.Model
	ref    steps.Ref
	key    string
	w, h   int
	// lines is the visible part, each exactly w cells, rebuilt when the
	// content, size or scroll position changes rather than on every frame.
	lines []string
	dirty bool
}

// New returns an empty pane.
func New(st *styles.Styles) Model {
	d := Model{KeyMap: DefaultKeyMap(st), st: st, vp: viewport.New()}
	// Long FROM BINARY literals must stay visible in full: wrap, never clip.
	d.vp.SoftWrap = true
	return d
}

// SetSize sizes the pane.
func (d *Model) SetSize(w, h int) {
	if w == d.w && h == d.h {
		return
	}
	d.w, d.h = w, h
	d.vp.SetWidth(w)
	d.vp.SetHeight(h)
	d.dirty = true
}

// SetFocus enables the scroll keys while the pane has the keyboard.
func (d *Model) SetFocus(f bool) {
	for _, b := range []*key.Binding{&d.KeyMap.Up, &d.KeyMap.Down, &d.KeyMap.PageUp, &d.KeyMap.PageDown} {
		b.SetEnabled(f)
	}
}

// SetContent shows content for ref; key identifies the content so that an
// identical update is free.
func (d *Model) SetContent(ref steps.Ref, key, content string) {
	if key == d.key {
		return
	}
	if ref != d.ref {
		d.vp.GotoTop()
	}
	d.ref, d.key = ref, key
	d.vp.SetContent(content)
	d.dirty = true
}

// Redraw makes the next SetContent redraw even an unchanged step (after
// the styles changed).
func (d *Model) Redraw() {
	d.key = ""
	d.dirty = true
}

// Top scrolls back to the first line.
func (d *Model) Top() {
	d.vp.GotoTop()
	d.dirty = true
}

// Update scrolls on the pane's keys.
func (d *Model) Update(msg tea.KeyPressMsg) {
	switch {
	case key.Matches(msg, d.KeyMap.Up):
		d.vp.ScrollUp(1)
	case key.Matches(msg, d.KeyMap.Down):
		d.vp.ScrollDown(1)
	case key.Matches(msg, d.KeyMap.PageUp):
		d.vp.PageUp()
	case key.Matches(msg, d.KeyMap.PageDown):
		d.vp.PageDown()
	default:
		return
	}
	d.dirty = true
}

// render draws the visible part into lines. When the content goes on below
// the pane, its last line says so: a pane that ends at its edge otherwise
// reads as the whole step.
func (d *Model) render() {
	d.lines = styles.PadLines(strings.Split(d.vp.View(), "\n"), d.h)
	if d.h > 1 && !d.vp.AtBottom() {
		d.lines[d.h-1] = d.st.Subtle.Render(fmt.Sprintf("%s more below: %s/j or pgdn to scroll", d.st.Glyphs.Down, d.st.Glyphs.Down))
	}
	for i := range d.lines {
		d.lines[i] = styles.Fit(d.lines[i], d.w)
	}
}

// MoreBelow reports whether the content goes on below the pane.
func (d *Model) MoreBelow() bool { return !d.vp.AtBottom() }

// Lines is the visible part, exactly h lines of w cells, drawn once after
// the changes of an Update.
func (d *Model) Lines() []string {
	if d.dirty {
		d.render()
		d.dirty = false
	}
	return d.lines
}

// View is the visible part of the content.
func (d *Model) View() string { return strings.Join(d.Lines(), "\n") }
