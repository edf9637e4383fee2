package ui

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// placeholder matches a sqlcmd variable reference $(Var), the only way a
// secret appears in statement text.
var placeholder = regexp.MustCompile(`\$\([A-Za-z_][A-Za-z0-9_]*\)`)

// maskSecrets replaces every secret placeholder with the mask, so neither a
// secret nor its variable name reads like something to copy and paste.
func maskSecrets(text, mask string) string {
	return placeholder.ReplaceAllString(text, mask)
}

// syncDetail rebuilds the detail pane for the selected item. It runs in
// Update (never in View) and only when what it shows changed.
func (m *Model) syncDetail() {
	it, ok := m.selectedItem()
	w, _ := m.detailSize()
	content := ""
	if ok {
		content = m.detailContent(it, w)
	}
	m.detail.SetContent(it.Ref, fmt.Sprint(it.Ref, w, content), content)
}

// detailContent is the whole detail pane for it at width w.
func (m *Model) detailContent(it steps.Item, w int) string {
	st := m.styles
	wrap := lipgloss.NewStyle().Width(max(10, w-2))
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	para := func(label, text string) {
		if text == "" {
			return
		}
		line(wrap.Render(st.Label.Render(label) + " " + text))
	}
	g, gs := st.glyph(it)
	line(st.Title.Render(it.Host+st.Glyphs.Sep+it.Title) + "  " + gs.Render(g+" "+string(it.Status)))
	line(st.Subtle.Render(it.ID))
	para("Status:", it.Detail)
	if hi, ok := m.hostInfo(it.Host); ok && hi.Err != "" {
		para("Connection:", hi.Err+" Fix that, then press r to connect again.")
	}
	para("Why:", it.Why)
	if !it.Manual {
		para("Changes:", it.Changes) // a manual step's changes are its instructions, below
	}
	if it.Status == steps.Blocked {
		para("Blocked by:", m.blockers(it))
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
		para("Manual step:", m.manualText(it))
	}
	stmts := it.Statements
	heading := "T-SQL"
	if it.Status == steps.Conflict && it.Conflict != nil && len(it.Conflict.Remedy) > 0 {
		stmts = it.Conflict.Remedy
		heading = "T-SQL of the fix (changes an existing object; you will type " + it.Conflict.Object + " to confirm)"
		if !it.Conflict.RemedyReady() {
			heading = "T-SQL of the fix (not offered yet: it waits for " + m.refNames(it.Host, it.Conflict.RemedyBlockedBy) + ")"
		}
	}
	if len(stmts) > 0 {
		line("")
		line(st.Section.Render(heading))
		line(m.sqlText(stmts))
		if notes := secretNotes(stmts, m.opts.AskMasterKeyPassword); notes != "" {
			line(wrap.Render(st.Subtle.Render(notes)))
		}
	} else if it.Status != steps.Done && !it.Manual {
		line("")
		line(st.Subtle.Render("No T-SQL to show until the step can run."))
	}
	if r := m.running[it.Host]; r != nil && r.ref == it.Ref {
		line("")
		line(m.spinFrame() + " Running on " + it.Host + st.Glyphs.Ellipsis)
	} else if o, ok := m.outcomes[it.Ref]; ok {
		line("")
		line(st.Section.Render("Result"))
		b.WriteString(m.outcomeText(o, wrap))
	}
	return strings.TrimRight(b.String(), "\n")
}

// sqlText is the statements, masked and highlighted, one batch each.
func (m *Model) sqlText(stmts []tsql.Statement) string {
	var parts []string
	for _, s := range stmts {
		text := maskSecrets(s.Text, m.styles.Glyphs.Mask)
		if s.Database != "" && s.Database != "master" {
			text = "USE " + tsql.QuoteIdent(s.Database) + ";\n" + text
		}
		parts = append(parts, m.highlight(text))
	}
	return strings.Join(parts, "\n"+m.styles.Subtle.Render("GO")+"\n")
}

// highlight colours T-SQL with chroma unless colour is off.
func (m *Model) highlight(text string) string {
	if m.styles.NoColor {
		return text
	}
	return m.detail.highlight(text)
}

// secretNotes explains the masked values.
func secretNotes(stmts []tsql.Statement, ask bool) string {
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
				if ask {
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

// manualText says exactly what the operator must do for a manual step.
func (m Model) manualText(it steps.Item) string {
	text := it.Detail
	if it.Changes != "" {
		text = it.Changes
	}
	switch {
	case m.opts.ManualCopyBySimulator:
		text += " In this demo, confirming makes the simulator copy the file for you."
	case m.opts.ManualHint != "":
		text += " " + m.opts.ManualHint
	default:
		text += " Copy it by a secure method, then press y to confirm."
	}
	return text
}

// outcomeText describes a finished run.
func (m Model) outcomeText(o outcome, wrap lipgloss.Style) string {
	st := m.styles
	var b strings.Builder
	switch {
	case o.err == nil:
		what := fmt.Sprintf("%s Done in %s", st.Glyphs.Done, fmtDuration(o.result.Duration))
		if o.result.Statements > 0 {
			what += fmt.Sprintf(" (%d statement%s)", o.result.Statements, plural(o.result.Statements))
		}
		b.WriteString(st.OK.Render(what) + "\n")
		for _, msg := range o.result.Messages {
			b.WriteString(wrap.Render(st.Subtle.Render(msg)) + "\n")
		}
	case errors.Is(o.err, context.Canceled):
		// A cancel is not a failure: the server either finished the step
		// before the cancel arrived or never did it, and the status above
		// comes from the state read after the cancel.
		b.WriteString(wrap.Render(st.Warn.Render("Cancelled before it finished. The status above is what the server has now; run the step again if it is still pending.")) + "\n")
	default:
		var se *StepError
		if errors.As(o.err, &se) {
			b.WriteString(st.Error.Render(fmt.Sprintf("%s Msg %d, Level %d, State %d, Line %d", st.Glyphs.Failed, se.Number, se.Severity, se.State, se.Line)) + "\n")
			b.WriteString(wrap.Render(se.Message) + "\n")
			if ex := Explain(se.Number); ex != "" {
				b.WriteString(wrap.Render(st.Label.Render("What it usually means:")+" "+ex) + "\n")
			}
		} else {
			b.WriteString(wrap.Render(st.Error.Render(st.Glyphs.Failed+" "+o.err.Error())) + "\n")
		}
		b.WriteString(st.Subtle.Render("Fix the cause, press r to refresh, then run the step again.") + "\n")
	}
	return b.String()
}

// shortError is an error in a few words for the checklist and status line.
func shortError(err error) string {
	var se *StepError
	if errors.As(err, &se) {
		return fmt.Sprintf("Msg %d: %s", se.Number, se.Message)
	}
	return err.Error()
}

func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	default:
		return d.Round(10 * time.Millisecond).String()
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
