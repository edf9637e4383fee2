package detail

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// Outcome is the last result of running a step, in the pane's terms.
type Outcome struct {
	OK, Cancelled bool
	Duration      time.Duration
	Statements    int
	Messages      []string
	// ErrHead is "Msg N, Level L, State S, Line L" for a server error, ""
	// otherwise; ErrText the message; Explain what it usually means.
	ErrHead, ErrText, Explain string
	// Ran are the statements the run sent; Fix marks a conflict's fix
	// (not the step itself), Manual a confirmed manual step.
	Ran         []tsql.Statement
	Fix, Manual bool
}

// Input is everything the pane shows about one step. The root fills it from
// the snapshot and the run state; Content turns it into text.
type Input struct {
	Item    steps.Item
	HostErr string
	// Blockers names what blocks the item; RemedyWaits what its fix waits for.
	Blockers, RemedyWaits string
	// Manual is what the operator must do for a manual step.
	Manual string
	// AskMasterKey says master key passwords are typed in the TUI (real
	// hosts) rather than generated without asking (the demo).
	AskMasterKey bool
	// MasterKeyEnv names the variable that supplies the host's master key
	// password, "" when none does.
	MasterKeyEnv string
	Running      bool
	Spin         string
	Outcome      *Outcome
}

// MaskSecrets replaces every sqlcmd variable reference $(Var), the only
// way a secret appears in statement text, with the mask, so neither a
// secret nor its variable name reads like something to copy and paste. A
// loop rather than a regexp compiled at package init, which every command
// paid at start-up.
func MaskSecrets(text, mask string) string {
	var b strings.Builder
	rest := text
	for {
		i := strings.Index(rest, "$(")
		if i < 0 {
			break
		}
		n := varRefLen(rest[i:])
		if n == 0 {
			b.WriteString(rest[:i+2])
			rest = rest[i+2:]
			continue
		}
		b.WriteString(rest[:i])
		b.WriteString(mask)
		rest = rest[i+n:]
	}
	if len(rest) == len(text) {
		return text // no $( at all
	}
	b.WriteString(rest)
	return b.String()
}

// varRefLen is the length of the $(Name) s starts with (Name: an ASCII
// letter or _, then letters, digits or _), 0 if s starts with none.
func varRefLen(s string) int {
	for i := 2; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ')' && i > 2:
			return i + 1
		case c == '_' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9' && i > 2:
		default:
			return 0
		}
	}
	return 0
}

// Content is the whole pane for in at width w. highlight colours T-SQL
// (nil: none).
func Content(in *Input, st *styles.Styles, w int, highlight func(string) string) string {
	it := &in.Item
	wrap := lipgloss.NewStyle().Width(max(10, w-2))
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	para := func(label, text string) {
		if text == "" {
			return
		}
		line(wrap.Render(st.Label.Render(label) + " " + text))
	}
	g, gs := st.Glyph(it)
	line(st.Title.Render(it.Host+st.Glyphs.Sep+it.Title) + "  " + gs.Render(g+" "+string(it.Status)))
	line(st.Subtle.Render(it.ID))
	para("Status:", it.Detail)
	if in.HostErr != "" {
		para("Connection:", in.HostErr+" Fix that, then press r to connect again.")
	}
	para("Why:", it.Why)
	if !it.Manual && stillToRun(it.Status) {
		// What the step would change: not true of a step done, nor of an
		// object that exists in another form (its fix says what changes).
		para("Changes:", it.Changes) // a manual step's changes are its instructions, below
	}
	if it.Status == steps.Blocked {
		para("Blocked by:", in.Blockers)
	}
	if c := it.Conflict; c != nil {
		if c.What != it.Detail { // steps often states the conflict as the status
			para("Conflict:", c.What)
		}
		para("Safe way forward:", c.Fix)
	}
	for _, w := range it.Warnings {
		para("Warning:", w)
	}
	if it.Manual {
		para("Manual step:", in.Manual)
	}
	stmts := it.Statements
	heading := "T-SQL"
	if it.Status == steps.Conflict && it.Conflict != nil && len(it.Conflict.Remedy) > 0 {
		stmts = it.Conflict.Remedy
		heading = "T-SQL of the fix (changes an existing object; you will type " + it.Conflict.Object + " to confirm)"
		if !it.Conflict.RemedyReady() {
			heading = "T-SQL of the fix (not offered yet: it waits for " + in.RemedyWaits + ")"
		}
	}
	if len(stmts) > 0 {
		line("")
		line(wrap.Render(st.Section.Render(heading)))
		line(SQLText(stmts, st, max(10, w-2), highlight))
		if notes := secretNotes(stmts, in.AskMasterKey, in.MasterKeyEnv); notes != "" {
			line(wrap.Render(st.Subtle.Render(notes)))
		}
	} else if it.Status != steps.Done && !it.Manual {
		line("")
		line(st.Subtle.Render("No T-SQL to show until the step can run."))
	}
	if in.Running {
		line("")
		line(in.Spin + " Running on " + it.Host + st.Glyphs.Ellipsis)
	} else if in.Outcome != nil {
		line("")
		line(st.Section.Render("Result"))
		b.WriteString(outcomeText(in.Outcome, it.Status, st, wrap))
		if o := in.Outcome; o.OK && len(o.Ran) > 0 && !sameStatements(o.Ran, stmts) {
			// The T-SQL above is what would run now; say what did.
			line(st.Label.Render("Ran:"))
			line(SQLText(o.Ran, st, max(10, w-2), highlight))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// SQLText is the statements, masked, wrapped to w cells at token
// boundaries and highlighted, one batch each.
func SQLText(stmts []tsql.Statement, st *styles.Styles, w int, highlight func(string) string) string {
	parts := make([]string, 0, len(stmts))
	for _, s := range stmts {
		text := MaskSecrets(s.Text, st.Glyphs.Mask)
		if s.Database != "" && s.Database != "master" {
			text = "USE " + tsql.QuoteIdent(s.Database) + ";\n" + text
		}
		text = WrapSQL(text, w)
		if highlight != nil && !st.NoColor {
			text = highlight(text)
		}
		parts = append(parts, text)
	}
	return strings.Join(parts, "\n"+st.Subtle.Render("GO")+"\n")
}

// secretNotes explains the masked values.
func secretNotes(stmts []tsql.Statement, ask bool, env string) string {
	var notes []string
	seen := map[string]bool{}
	for _, s := range stmts {
		for _, sec := range s.Secrets {
			if seen[sec.Var] {
				continue
			}
			seen[sec.Var] = true
			switch sec.Kind {
			case "master-key":
				if env != "" {
					notes = append(notes, "The masked value is "+sec.Host+"'s master key password, taken from "+env+"; it is never shown here or logged.")
				} else if ask {
					notes = append(notes, "The masked value is "+sec.Host+"'s master key password: you type it (or let mirrorcert generate one) when the step runs; it is never shown here or logged.")
				} else {
					notes = append(notes, "The masked value is "+sec.Host+"'s master key password: generated when the step runs and shown to you once to store.")
				}
			default:
				notes = append(notes, "The masked value is a random password for "+sec.Host+"'s login, generated when the step runs; nobody logs in with it, the certificate does.")
			}
		}
	}
	return strings.Join(notes, " ")
}

// stillToRun reports whether a step in status s has yet to make its change.
func stillToRun(s steps.Status) bool {
	return s == steps.Pending || s == steps.Blocked || s == steps.Failed
}

// sameStatements reports whether a and b are the same statements.
func sameStatements(a, b []tsql.Statement) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Text != b[i].Text || a[i].Database != b[i].Database {
			return false
		}
	}
	return true
}

// outcomeText describes a finished run, in terms true for the item's
// status now.
func outcomeText(o *Outcome, now steps.Status, st *styles.Styles, wrap lipgloss.Style) string {
	var b strings.Builder
	switch {
	case o.OK && o.Fix:
		what := fmt.Sprintf("%s Fix applied in %s", st.Glyphs.Done, styles.Duration(o.Duration))
		if o.Statements > 0 {
			what += fmt.Sprintf(" (%d statement%s)", o.Statements, styles.Plural(o.Statements))
		}
		b.WriteString(st.OK.Render(what) + "\n")
		switch now {
		case steps.Done:
			b.WriteString(wrap.Render("The step is now done.") + "\n")
		case steps.Pending, steps.Failed:
			b.WriteString(wrap.Render("The step itself is still to run: its T-SQL is above; press y to run it.") + "\n")
		case steps.Blocked:
			b.WriteString(wrap.Render("The step itself is still to run, once what blocks it is done.") + "\n")
		case steps.Conflict:
			b.WriteString(wrap.Render(st.Warn.Render("The server still differs from the plan: see the conflict above.")) + "\n")
		}
		for _, msg := range o.Messages {
			b.WriteString(wrap.Render(st.Subtle.Render(msg)) + "\n")
		}
	case o.OK:
		what := fmt.Sprintf("%s Done in %s", st.Glyphs.Done, styles.Duration(o.Duration))
		if o.Manual {
			what = fmt.Sprintf("%s Confirmed", st.Glyphs.Done)
		}
		if o.Statements > 0 {
			what += fmt.Sprintf(" (%d statement%s)", o.Statements, styles.Plural(o.Statements))
		}
		b.WriteString(st.OK.Render(what) + "\n")
		if now != steps.Done && now != steps.Unknown {
			b.WriteString(wrap.Render(st.Warn.Render("The server does not show the change yet: press r to read it again.")) + "\n")
		}
		for _, msg := range o.Messages {
			b.WriteString(wrap.Render(st.Subtle.Render(msg)) + "\n")
		}
	case o.Cancelled:
		// A cancel is not a failure: the server either finished the step
		// before the cancel arrived or never did it, and the status above
		// comes from the state read after the cancel.
		b.WriteString(wrap.Render(st.Warn.Render("Cancelled before it finished. The status above is what the server has now; run the step again if it is still pending.")) + "\n")
	default:
		if o.ErrHead != "" {
			b.WriteString(st.Error.Render(st.Glyphs.Failed+" "+o.ErrHead) + "\n")
			b.WriteString(wrap.Render(o.ErrText) + "\n")
			if o.Explain != "" {
				b.WriteString(wrap.Render(st.Label.Render("What it usually means:")+" "+o.Explain) + "\n")
			}
		} else {
			b.WriteString(wrap.Render(st.Error.Render(st.Glyphs.Failed+" "+o.ErrText)) + "\n")
		}
		b.WriteString(st.Subtle.Render("Fix the cause, press r to refresh, then run the step again.") + "\n")
	}
	return b.String()
}
