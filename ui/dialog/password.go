package dialog

import (
	"fmt"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/ui/input"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// Password asks for one host's master key password, masked, and a typed one
// a second time, as every password tool does: a typo in a password nobody
// can see would lock the operator out of the key. Empty means "generate one".
type Password struct {
	frame
	KeyMap Submit
	Host   string
	// N of Total when `A` asks several hosts in turn (Total 0: one step).
	N, Total int
	input    input.Model
	first    string // the first entry, while the second is asked
	again    bool
	err      string
}

// NewPassword builds the question for host.
func NewPassword(st *styles.Styles, host string, n, total int) (*Password, tea.Cmd) {
	d := &Password{frame: frame{st: st, w: 80, h: 24}, KeyMap: submit("submit"), Host: host, N: n, Total: total, input: input.New(st)}
	d.input.Mask = '*'
	d.input.SetWidth(40)
	d.reset()
	d.input.Focus()
	return d, nil
}

// reset goes back to the first entry.
func (d *Password) reset() {
	d.input.Reset()
	d.first, d.again = "", false
	d.input.Placeholder = "empty: generate one"
}

// SetSize sets the screen size.
func (d *Password) SetSize(w, h int) {
	d.frame.SetSize(w, h)
	d.input.SetWidth(min(40, max(10, w-12)))
}

// Update moves from the first entry to the second on enter, and accepts
// when both agree (or the first is empty: generate); esc cancels.
func (d *Password) Update(msg tea.Msg) (Action, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, d.KeyMap.Cancel):
			d.Clear()
			return Cancel, nil
		case key.Matches(k, d.KeyMap.Submit):
			v := d.input.Value()
			switch {
			case !d.again && v == "":
				return Accept, nil
			case !d.again:
				d.first, d.again, d.err = v, true, ""
				d.input.Reset()
				d.input.Placeholder = ""
				return None, nil
			case v != d.first:
				d.reset()
				d.err = "The two entries differ: type the password again, twice."
				return None, nil
			}
			return Accept, nil
		}
	}
	d.input.Update(msg)
	return None, nil
}

// Value is the password typed ("" = generate).
func (d *Password) Value() string {
	if d.again {
		return d.first
	}
	return d.input.Value()
}

// Clear forgets what was typed.
func (d *Password) Clear() {
	d.reset()
	d.err = ""
}

// Keys is the dialog's key map for the help footer.
func (d *Password) Keys() help.KeyMap { return d.KeyMap }

// View draws the dialog.
func (d *Password) View() string {
	title := "Master key password for " + d.Host
	if d.Total > 0 {
		title += fmt.Sprintf(" (%d of %d)", d.N, d.Total)
	}
	body := []Part{Para("Type a strong password for the database master key, or leave it empty and press enter to have one generated (shown to you once).")}
	if d.again {
		body = append(body, Line(""), Line("Type it again to confirm:"))
	} else {
		body = append(body, Line(""))
	}
	body = append(body, Line(d.input.View()))
	if d.err != "" {
		body = append(body, Line(d.st.Error.Render(d.wrap(d.err))))
	}
	body = append(body, Line(""), Line("enter continue · esc cancel"))
	return d.box(title, body)
}
