package dialog

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/ui/input"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// DateLayout is how the expiry date is typed: the CLI's --expiry form.
const DateLayout = "2006-01-02"

// Date asks the new certificate's expiry before a rotation: a UTC date,
// in the future, one year from today unless the operator types another.
type Date struct {
	frame
	KeyMap Submit
	Host   string
	today  time.Time
	input  input.Model
	err    string
	value  time.Time
}

// NewDate builds the question for host; today is the date the servers
// were last read (the UI's clock), zero when unknown.
func NewDate(st *styles.Styles, host string, today time.Time) (*Date, tea.Cmd) {
	d := &Date{frame: frame{st: st, w: 80, h: 24}, KeyMap: submit("rotate"), Host: host, today: today.UTC().Truncate(24 * time.Hour), input: input.New(st)}
	d.input.SetWidth(12)
	d.input.Limit = 10
	if !today.IsZero() {
		d.input.SetValue(d.today.AddDate(1, 0, 0).Format(DateLayout))
	}
	d.input.Focus()
	return d, nil
}

// SetSize sets the screen size.
func (d *Date) SetSize(w, h int) { d.frame.SetSize(w, h) }

// Update accepts only a valid date after today.
func (d *Date) Update(msg tea.Msg) (Action, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, d.KeyMap.Cancel):
			return Cancel, nil
		case key.Matches(k, d.KeyMap.Submit):
			v, err := ParseExpiry(d.input.Value(), d.today)
			if err != nil {
				d.err = err.Error()
				return None, nil
			}
			d.value = v
			return Accept, nil
		}
		d.err = ""
	}
	d.input.Update(msg)
	return None, nil
}

// ParseExpiry validates a typed expiry date: YYYY-MM-DD, after today (when
// today is known).
func ParseExpiry(s string, today time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	v, err := time.Parse(DateLayout, s)
	if err != nil {
		ex := "e.g. 2030-01-31"
		if !today.IsZero() {
			ex = "e.g. " + today.AddDate(1, 0, 0).Format(DateLayout)
		}
		return time.Time{}, fmt.Errorf("%q is not a date: type it as YYYY-MM-DD, %s", s, ex)
	}
	if !today.IsZero() && !v.After(today) {
		return time.Time{}, fmt.Errorf("%s is not in the future: the new certificate must expire after today (%s)", s, today.Format(DateLayout))
	}
	return v, nil
}

// Value is the accepted date (UTC midnight).
func (d *Date) Value() time.Time { return d.value }

// Keys is the dialog's key map for the help footer.
func (d *Date) Keys() help.KeyMap { return d.KeyMap }

// View draws the dialog.
func (d *Date) View() string {
	body := []Part{
		Para(fmt.Sprintf("Rotation replaces %s's endpoint certificate on every host while the session stays up: a new certificate, its copy on every peer, the endpoint switched to it, the connections verified, then the old certificate dropped. Nothing runs until you run the steps.", d.Host)),
		Line(""),
		Line("New certificate expires on (UTC, YYYY-MM-DD):"),
		Line(d.input.View()),
	}
	if d.err != "" {
		body = append(body, Line(d.st.Error.Render(d.wrap(d.err))))
	}
	body = append(body, Line(""), Line("enter show the steps · esc cancel"))
	return d.box("Rotate "+d.Host+"'s certificate", body)
}
