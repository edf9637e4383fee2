package dialog

import (
	"fmt"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// Password asks for one host's master key password, masked; empty means
// "generate one".
type Password struct {
	frame
	KeyMap Submit
	Host   string
	// N of Total when `A` asks several hosts in turn (Total 0: one step).
	N, Total int
	input    textinput.Model
}

// NewPassword builds the question for host.
func NewPassword(st *styles.Styles, host string, n, total int) (*Password, tea.Cmd) {
	d := &Password{frame: frame{st: st, w: 80, h: 24}, KeyMap: submit("submit"), Host: host, N: n, Total: total, input: textinput.New()}
	d.input.EchoMode = textinput.EchoPassword
	d.input.EchoCharacter = '*'
	d.input.Placeholder = "empty: generate one"
	d.input.SetWidth(40)
	return d, d.input.Focus()
}

// SetSize sets the screen size.
func (d *Password) SetSize(w, h int) {
	d.frame.SetSize(w, h)
	d.input.SetWidth(min(40, max(10, w-12)))
}

// Update submits on enter; esc cancels.
func (d *Password) Update(msg tea.Msg) (Action, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, d.KeyMap.Cancel):
			d.Clear()
			return Cancel, nil
		case key.Matches(k, d.KeyMap.Submit):
			return Accept, nil
		}
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	return None, cmd
}

// Value is the password typed ("" = generate).
func (d *Password) Value() string { return d.input.Value() }

// Clear forgets what was typed.
func (d *Password) Clear() { d.input.Reset() }

// Keys is the dialog's key map for the help footer.
func (d *Password) Keys() help.KeyMap { return d.KeyMap }

// View draws the dialog.
func (d *Password) View() string {
	title := "Master key password for " + d.Host
	if d.Total > 0 {
		title += fmt.Sprintf(" (%d of %d)", d.N, d.Total)
	}
	return d.box(title, []Part{
		Para("Type a strong password for the database master key, or leave it empty and press enter to have one generated (shown to you once)."),
		Line(""), Line(d.input.View()), Line(""), Line("enter continue · esc cancel"),
	})
}
