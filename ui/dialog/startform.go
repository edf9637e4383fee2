package dialog

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/ui/input"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// StartForm asks what S needs to start the session: the database and the
// folder for its backups, as every server sees it.
type StartForm struct {
	frame
	KeyMap Submit
	Next   key.Binding
	inputs [2]input.Model
	at     int
	err    string
}

// NewStartForm builds the form with the suggested values filled in.
func NewStartForm(st *styles.Styles, database, folder string) (*StartForm, tea.Cmd) {
	d := &StartForm{frame: frame{st: st, w: 80, h: 24}, KeyMap: submit("next / start"),
		Next: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field"))}
	for i, v := range []string{database, folder} {
		d.inputs[i] = input.New(st)
		d.inputs[i].SetWidth(40)
		d.inputs[i].SetValue(v)
	}
	d.inputs[0].Focus()
	return d, nil
}

// Values are the database and the folder typed.
func (d *StartForm) Values() (database, folder string) {
	return strings.TrimSpace(d.inputs[0].Value()), strings.TrimSpace(d.inputs[1].Value())
}

// SetSize sets the screen size.
func (d *StartForm) SetSize(w, h int) {
	d.frame.SetSize(w, h)
	for i := range d.inputs {
		d.inputs[i].SetWidth(min(50, max(10, w-16)))
	}
}

func (d *StartForm) focus(i int) tea.Cmd {
	d.inputs[d.at].Blur()
	d.at = i
	d.inputs[i].Focus()
	return nil
}

// Update: enter moves to the folder, then submits both when neither is
// empty; tab switches fields; esc leaves without starting anything.
func (d *StartForm) Update(msg tea.Msg) (Action, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, d.KeyMap.Cancel):
			return Cancel, nil
		case key.Matches(k, d.Next):
			return None, d.focus((d.at + 1) % 2)
		case key.Matches(k, d.KeyMap.Submit):
			if d.at == 0 {
				return None, d.focus(1)
			}
			db, dir := d.Values()
			if db == "" || dir == "" {
				d.err = "Both are needed: the database to mirror and a folder every server can read and write."
				return None, nil
			}
			return Accept, nil
		}
		d.err = ""
	}
	d.inputs[d.at].Update(msg)
	return None, nil
}

// Keys is the dialog's key map for the help footer.
func (d *StartForm) Keys() help.KeyMap { return startKeys{d.KeyMap, d.Next} }

type startKeys struct {
	Submit
	next key.Binding
}

func (k startKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Submit.Submit, k.next, k.Submit.Cancel}
}

func (k startKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// View draws the form.
func (d *StartForm) View() string {
	body := []Part{
		Para("mirrorcert backs the database up on the principal, restores it WITH NORECOVERY on the mirror, " +
			"then sets the partners (mirror first) and the witness. Each step is shown before it runs."),
		Line(""),
		Line(d.st.Label.Render("Database")), Line(d.inputs[0].View()),
		Line(d.st.Label.Render("Backup folder (a share every server reaches, e.g. \\\\fileserver\\backups)")), Line(d.inputs[1].View()),
	}
	if d.err != "" {
		body = append(body, Line(d.st.Error.Render(d.wrap(d.err))))
	}
	body = append(body, Line(""), Line("enter next/start · tab switch · esc cancel"))
	return d.box("Start the mirroring session", body)
}
