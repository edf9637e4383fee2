package dialog

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/ui/input"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// TypeName asks the operator to type an object's name before a fix that
// changes or drops it: a specific confirmation, not a reflexive y.
type TypeName struct {
	frame
	KeyMap Submit
	Object string
	Fix    string
	input  input.Model
	err    string
}

// NewTypeName builds the dialog for object, explaining fix.
func NewTypeName(st *styles.Styles, object, fix string) (*TypeName, tea.Cmd) {
	d := &TypeName{frame: frame{st: st, w: 80, h: 24}, KeyMap: submit("submit"), Object: object, Fix: fix, input: input.New(st)}
	d.input.SetWidth(40)
	d.input.Focus()
	return d, nil
}

// SetSize sets the screen size.
func (d *TypeName) SetSize(w, h int) {
	d.frame.SetSize(w, h)
	d.input.SetWidth(min(40, max(10, w-12)))
}

// Update accepts only the exact name; esc leaves the object alone.
func (d *TypeName) Update(msg tea.Msg) (Action, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, d.KeyMap.Cancel):
			return Cancel, nil
		case key.Matches(k, d.KeyMap.Submit):
			if strings.TrimSpace(d.input.Value()) != d.Object {
				d.err = fmt.Sprintf("That is not %q: type the name exactly, or press esc to leave it alone", d.Object)
				return None, nil
			}
			return Accept, nil
		}
		d.err = ""
	}
	d.input.Update(msg)
	return None, nil
}

// Keys is the dialog's key map for the help footer.
func (d *TypeName) Keys() help.KeyMap { return d.KeyMap }

// View draws the dialog.
func (d *TypeName) View() string {
	var body []Part
	if d.Fix != "" {
		body = append(body, Para(d.Fix))
	}
	body = append(body, Line(""), Para(fmt.Sprintf("Type %s to confirm:", d.st.Label.Render(d.Object))), Line(d.input.View()))
	if d.err != "" {
		body = append(body, Line(d.st.Error.Render(d.wrap(d.err))))
	}
	body = append(body, Line("enter apply · esc leave it alone"))
	return d.box("This changes an existing object", body)
}
