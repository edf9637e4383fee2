package dialog

import (
	"fmt"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/ui/sched"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// StoreKeys is the store dialog's one key.
type StoreKeys struct {
	Stored key.Binding
	// Quit asks to end the program: the dialog stays until the passwords
	// are stored, then the program ends.
	Quit key.Binding
}

// ShortHelp implements help.KeyMap.
func (k StoreKeys) ShortHelp() []key.Binding { return []key.Binding{k.Stored, k.Quit} }

// FullHelp implements help.KeyMap.
func (k StoreKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Store shows generated master key passwords once, until the operator says
// they are stored.
type Store struct {
	frame
	KeyMap    StoreKeys
	Passwords []sched.Password
	More      int // groups still to show after this one
	// Note is shown under the passwords (why the program has not ended).
	Note string
}

// NewStore builds the dialog for a group of passwords.
func NewStore(st *styles.Styles) *Store {
	return &Store{frame: frame{st: st, w: 80, h: 24},
		KeyMap: StoreKeys{
			Stored: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "I have stored it")),
			Quit:   key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit once stored")),
		}}
}

// Set shows pws, with more groups after it.
func (d *Store) Set(pws []sched.Password, more int) {
	d.Passwords, d.More = pws, more
	if len(pws) > 1 {
		d.KeyMap.Stored.SetHelp("enter", "I have stored them")
	} else {
		d.KeyMap.Stored.SetHelp("enter", "I have stored it")
	}
}

// Update accepts on enter; q answers Cancel (leave once stored).
func (d *Store) Update(msg tea.Msg) (Action, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, d.KeyMap.Stored):
			return Accept, nil
		case key.Matches(k, d.KeyMap.Quit):
			return Cancel, nil
		}
	}
	return None, nil
}

// Keys is the dialog's key map for the help footer.
func (d *Store) Keys() help.KeyMap { return d.KeyMap }

// View draws the dialog.
func (d *Store) View() string {
	st := d.st
	var title string
	var body []Part
	if len(d.Passwords) == 1 {
		p := d.Passwords[0]
		title = "Store this master key password now"
		body = append(body,
			Para(fmt.Sprintf("mirrorcert generated the database master key password for %s:", p.Host)),
			Line(""), Line("  "+st.Secret.Render(p.Password)+uncertain(p)), Line(""),
			Para("Store it in your password vault now. It is not saved anywhere, not logged, and will not be shown again. You need it to restore the master key or move the database to another server."),
			Line(""), Line("enter I have stored it"))
	} else {
		title = "Store these master key passwords now"
		body = append(body, Para("mirrorcert generated the database master key passwords:"), Line(""))
		for _, p := range d.Passwords {
			body = append(body, Line("  "+p.Host+"  "+st.Secret.Render(p.Password)+uncertain(p)))
		}
		body = append(body, Line(""),
			Para("Store them in your password vault now. They are not saved anywhere, not logged, and will not be shown again. You need each to restore that host's master key or move its databases."),
			Line(""), Line("enter I have stored them"))
	}
	if d.Note != "" {
		body = append(body, Para(st.Warn.Render(d.Note)))
	}
	if d.More > 0 {
		body = append(body, Line(st.Subtle.Render(fmt.Sprintf("(%d more after this)", d.More))))
	}
	return d.box(title, body)
}

// uncertain labels a password whose CREATE MASTER KEY may or may not have run.
func uncertain(p sched.Password) string {
	if !p.Uncertain {
		return ""
	}
	return "  (may have been created: check)"
}
