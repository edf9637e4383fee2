package dialog

import (
	"fmt"

	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// ConfirmAll asks before `A` runs every pending step, listing them.
type ConfirmAll struct {
	Confirm
	// Steps are what will run, "HOST: title" each.
	Steps []string
	// AskPasswords says master key passwords are asked next (real hosts),
	// rather than generated and shown at the end (the demo).
	AskPasswords bool
}

// NewConfirmAll builds the question for steps.
func NewConfirmAll(st *styles.Styles, steps []string, askPasswords bool) *ConfirmAll {
	c := &ConfirmAll{Confirm: *NewConfirm(st, "", nil), Steps: steps, AskPasswords: askPasswords}
	c.KeyMap = yesNo("yes", "no")
	return c
}

// View draws the dialog; the list is cut to the room the screen has.
func (c *ConfirmAll) View() string {
	st := c.st
	n := len(c.Steps)
	title := fmt.Sprintf("Run %d pending step%s?", n, styles.Plural(n))
	var body []Part
	room := max(3, c.h-9) // the dialog's other lines must fit too
	for i, s := range c.Steps {
		if i == room-1 && n > room {
			body = append(body, Line(fmt.Sprintf("  %s and %d more", st.Glyphs.Ellipsis, n-i)))
			break
		}
		body = append(body, Line("  "+s))
	}
	body = append(body, Line(""), Para("Steps run host by host in dependency order, one at a time per host. Conflicts and manual steps are left for you."))
	if c.AskPasswords {
		body = append(body, Para("Next you type each master key password (empty: generate)."))
	} else {
		body = append(body, Para("Master key passwords are generated and shown once, at the end."))
	}
	body = append(body, Line("y run them · n cancel"))
	return c.box(title, body)
}
