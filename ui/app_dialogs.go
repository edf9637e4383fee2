package ui

import (
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui/dialog"
	"github.com/mirrorcert/mirrorcert/ui/sched"
)

// openConfirmAll asks before A runs p.Run, listing apart the steps that
// will wait for something only the operator can do.
func (m *Model) openConfirmAll(p sched.Plan) {
	refs := p.Run
	// Failed steps first: that A runs them again is the news.
	var names, rest []string
	for _, r := range refs {
		if m.sched.Failed[r] {
			names = append(names, r.Host+": "+m.title(r)+" (failed: runs again)")
		} else {
			rest = append(rest, r.Host+": "+m.title(r))
		}
	}
	names = append(names, rest...)
	d := dialog.NewConfirmAll(m.st, names, m.opts.AskMasterKeyPassword)
	for _, w := range p.Wait {
		d.Waits = append(d.Waits, w.Ref.Host+": "+m.title(w.Ref)+" "+m.st.Glyphs.Arrow+" "+m.refNames(w.Ref.Host, w.For))
	}
	for _, r := range refs {
		if r.ID == steps.IDMasterKey && m.mkFromEnv(r.Host) {
			d.FromEnv = append(d.FromEnv, r.Host+" from "+m.mkEnvVar(r.Host))
		} else if r.ID == steps.IDMasterKey {
			d.Asked++
		}
	}
	m.open(openDialog{kind: dlgConfirmAll, box: d, refs: refs})
}

// openQuit asks before quitting, saying what was cancelled.
func (m *Model) openQuit(cancelled []string) {
	var body []dialog.Part
	if len(cancelled) > 0 {
		body = append(body, dialog.Line("Cancelled what was running:"))
		for _, c := range cancelled {
			body = append(body, dialog.Line("  "+c))
		}
		body = append(body, dialog.Line(""), dialog.Para("A cancelled step either completed on the server before the cancel arrived or did not happen at all; mirrorcert reads the real state when you start it again."))
	}
	body = append(body, dialog.Line("y quit · n stay"))
	m.open(openDialog{kind: dlgQuit, box: dialog.NewConfirm(m.st, "Quit mirrorcert?", body)})
}

// openManual asks the operator to confirm a manual step.
func (m *Model) openManual(it steps.Item) {
	body := []dialog.Part{dialog.Para(m.manualText(&it)), dialog.Line("")}
	if m.opts.ManualCopyBySimulator {
		body = append(body, dialog.Line("y copy it now · n not yet"))
	} else {
		body = append(body, dialog.Line("y it is done · n not yet"))
	}
	m.open(openDialog{kind: dlgManual, box: dialog.NewConfirm(m.st, "Confirm the manual step", body), ref: it.Ref})
}
