package dialog

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

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
	// FromEnv are the master key passwords the environment supplies
	// ("HOST from VAR"); Asked how many are asked.
	FromEnv []string
	Asked   int
	// Waits are the steps A will not reach: each waits for a step only the
	// operator can do (a manual copy, a conflict, a host not read).
	Waits []string
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
	var tail []Part
	if len(c.Waits) > 0 {
		tail = append(tail, Line(""), Line(fmt.Sprintf("Will wait (%d), for steps only you can do:", len(c.Waits))))
		for i, w := range c.Waits {
			if i == 3 && len(c.Waits) > 4 {
				tail = append(tail, Line(fmt.Sprintf("  %s and %d more", st.Glyphs.Ellipsis, len(c.Waits)-i)))
				break
			}
			tail = append(tail, Line(ansi.Truncate("  "+w, c.boxWidth()-4, st.Glyphs.Ellipsis)))
		}
	}
	tail = append(tail, Line(""), Para("Steps run host by host in dependency order, one at a time per host. Conflicts and manual steps are left for you."))
	if len(c.FromEnv) > 0 {
		tail = append(tail, Para("Master key passwords from the environment: "+strings.Join(c.FromEnv, ", ")+"."))
	}
	if c.AskPasswords && c.Asked > 0 {
		what := "each master key password"
		if len(c.FromEnv) > 0 {
			what = "the other master key passwords"
		}
		tail = append(tail, Para("Next you type "+what+" twice (empty: generate)."))
	} else if !c.AskPasswords {
		tail = append(tail, Para("Master key passwords are generated and shown once, at the end."))
	}
	tail = append(tail, Line("y run them · n cancel"))
	// The list gets what the border, the title and the tail leave.
	room := max(3, c.h-4-c.lines(tail))
	var body []Part
	for i, s := range c.Steps {
		if i == room-1 && n > room {
			body = append(body, Line(fmt.Sprintf("  %s and %d more", st.Glyphs.Ellipsis, n-i)))
			break
		}
		body = append(body, Line("  "+s))
	}
	body = append(body, tail...)
	return c.box(title, body)
}
