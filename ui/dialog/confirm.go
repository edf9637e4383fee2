package dialog

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// Confirm is a yes/no question: run all pending, quit, a manual step done.
type Confirm struct {
	frame
	KeyMap YesNo
	Title  string
	Body   []Part
}

// NewConfirm builds a question; body ends with its own "y ... · n ..." line.
func NewConfirm(st *styles.Styles, title string, body []Part) *Confirm {
	return &Confirm{frame: frame{st: st, w: 80, h: 24}, KeyMap: yesNo("yes", "no"), Title: title, Body: body}
}

// Update answers y or n/esc.
func (c *Confirm) Update(msg tea.Msg) (Action, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return None, nil
	}
	switch {
	case key.Matches(k, c.KeyMap.Yes):
		return Accept, nil
	case key.Matches(k, c.KeyMap.No):
		return Cancel, nil
	}
	return None, nil
}

// Keys is the dialog's key map for the help footer.
func (c *Confirm) Keys() help.KeyMap { return c.KeyMap }

// View draws the dialog.
func (c *Confirm) View() string { return c.box(c.Title, c.Body) }
