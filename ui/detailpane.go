package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
)

// detailPane is the scrollable detail of one checklist item: a viewport plus
// what it shows, so an unchanged item keeps its scroll position and a new
// one starts at the top.
type detailPane struct {
	vp  viewport.Model
	ref steps.Ref
	key string // identity of the content shown, to skip needless re-wraps
	// highlights caches chroma output by statement text; highlighting runs
	// on every selection change and the statements rarely change.
	highlights map[string]string
}

func newDetailPane() detailPane {
	d := detailPane{vp: viewport.New(), highlights: map[string]string{}}
	// Long FROM BINARY literals must stay visible in full: wrap, never clip.
	d.vp.SoftWrap = true
	return d
}

// SetSize sizes the pane.
func (d *detailPane) SetSize(w, h int) {
	d.vp.SetWidth(w)
	d.vp.SetHeight(h)
}

// SetContent shows content for ref; key identifies the content so that an
// identical update is free.
func (d *detailPane) SetContent(ref steps.Ref, key, content string) {
	if key == d.key {
		return
	}
	if ref != d.ref {
		d.vp.GotoTop()
	}
	d.ref, d.key = ref, key
	d.vp.SetContent(content)
}

// Top scrolls back to the first line.
func (d *detailPane) Top() { d.vp.GotoTop() }

// Update scrolls on the pane's keys.
func (d detailPane) Update(msg tea.KeyPressMsg, k KeyMap) (detailPane, tea.Cmd) {
	switch {
	case key.Matches(msg, k.Up):
		d.vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		d.vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		d.vp.PageUp()
	case key.Matches(msg, k.PageDown):
		d.vp.PageDown()
	}
	return d, nil
}

// View is the visible part of the content.
func (d detailPane) View() string { return d.vp.View() }

// highlight colours T-SQL, from the cache when it can.
func (d *detailPane) highlight(text string) string {
	if h, ok := d.highlights[text]; ok {
		return h
	}
	h := highlightTSQL(text)
	d.highlights[text] = h
	return h
}
