package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/checks"
	"github.com/mirrorcert/mirrorcert/steps/rotate"
	"github.com/mirrorcert/mirrorcert/ui/checklist"
	"github.com/mirrorcert/mirrorcert/ui/dialog"
)

// openRotate asks the new expiry date for host's rotation (R).
func (m *Model) openRotate(host string) tea.Cmd {
	if m.rotator() == nil || host == "" {
		return nil
	}
	if m.rot != nil && m.rot.running != nil {
		return m.rotNote("A rotation step is still running; wait for it to finish", true)
	}
	d, cmd := dialog.NewDate(m.st, host, m.snap.Taken)
	m.open(openDialog{kind: dlgRotateDate, box: d, ref: steps.Ref{Host: host}})
	return cmd
}

// runRotationSelected is y on a rotation step.
func (m *Model) runRotationSelected(it steps.Item) tea.Cmd {
	s, _ := m.rotationStep(it.Ref)
	switch {
	case m.rot.running != nil:
		return m.rotNote(fmt.Sprintf("%s is still running on %s; wait for it to finish", m.rot.running.ID, m.rot.running.Host), true)
	case s.Status == rotate.Done:
		return m.rotNote(fmt.Sprintf("%s: %s is already done", s.Host, s.Title), false)
	case s.Status != rotate.Pending:
		return m.rotNote(cleanNote(fmt.Sprintf("%s: %s", s.Host, s.Detail)), true)
	case s.Live:
		m.openLiveConfirm(s)
		return nil
	}
	return m.runRotationStep(s)
}

// openLiveConfirm shows the failover warning before the endpoint switch.
func (m *Model) openLiveConfirm(s rotate.Step) {
	d := dialog.NewConfirm(m.st, "Switch "+s.Host+"'s endpoint to the new certificate?", []dialog.Part{
		dialog.Para("WARNING: " + cleanNote(s.Detail)),
		dialog.Line(""),
		dialog.Para(cleanNote(s.Title)),
		dialog.Line(""),
		dialog.Line("y switch now · n/esc not now"),
	})
	m.open(openDialog{kind: dlgRotateLive, box: d, ref: steps.Ref{Host: s.Host, ID: s.ID}})
}

// openRotateAll asks before A runs the rotation's steps in turn.
func (m *Model) openRotateAll() {
	q := m.rot.view.Seq
	var parts []dialog.Part
	for _, s := range q.Steps {
		if s.Status != rotate.Done {
			parts = append(parts, dialog.Line("  "+cleanNote(s.Title)))
		}
	}
	parts = append(parts, dialog.Line(""),
		dialog.Para("Each step runs when the one before it is done and read back. The endpoint switch asks again, after the failover warning; the old certificate is dropped only once every peer authenticates the new one."),
		dialog.Line(""), dialog.Line("y run them · n/esc not now"))
	d := dialog.NewConfirm(m.st, "Rotate "+m.rot.host+"'s certificate to "+q.NewName+"?", parts)
	m.open(openDialog{kind: dlgRotateAll, box: d})
}

// rotationDialog acts on an accepted rotation dialog.
func (m *Model) rotationDialog(d openDialog) tea.Cmd {
	switch d.kind {
	case dlgRotateDate:
		m.focus = focusList
		return m.beginRotation(d.ref.Host, d.box.(*dialog.Date).Value())
	case dlgRotateLive:
		if s, ok := m.rotationStep(d.ref); ok && s.Status == rotate.Pending && m.rot.running == nil {
			return m.runRotationStep(s)
		}
		return m.rotNote("The endpoint switch is not pending any more: nothing ran", true)
	case dlgRotateAll:
		m.rot.auto = true
		m.rot.stale = nil
		return m.rotationNext()
	}
	return nil
}

// rotationCancelled is a rotation dialog answered no.
func (m *Model) rotationCancelled(d openDialog) tea.Cmd {
	if d.kind == dlgRotateLive && m.rot != nil {
		m.rot.auto = false
		return m.rotNote("The endpoint was not switched; nothing else ran. Press y on the step when you are ready", false)
	}
	return nil
}

// rotateHost is the host R rotates: the selected tab's.
func (m *Model) rotateHost() string {
	if hl := m.hostList(); hl != nil {
		return hl.Host
	}
	return ""
}

// isRotateFinding reports whether id is verify's finding that a
// certificate expires soon (or has): its fix is a rotation.
func isRotateFinding(id string) bool {
	for _, code := range []string{checks.IDPrefix + checks.CodeCertExpiring, checks.IDPrefix + checks.CodeCertExpired} {
		if id == code || strings.HasPrefix(id, code+"/") {
			return true
		}
	}
	return false
}

// findingHost is whose certificate an expiry finding is about: the peer
// for a copy (check/cert-expiring/PEER on the host holding it), else the
// host itself.
func findingHost(it steps.Item) string {
	parts := strings.SplitN(it.ID, "/", 3)
	if len(parts) == 3 && parts[2] != "" {
		return parts[2]
	}
	return it.Host
}

// syncRotationRunKey labels y on a rotation step or an expiry finding.
func (m *Model) syncRotationRunKey(it steps.Item) {
	k := &m.keys.Run
	switch {
	case isRotateFinding(it.ID) && m.rotator() != nil:
		k.SetEnabled(true)
		k.SetHelp("y", "rotate")
	case m.isRotationRef(it.Ref):
		s, _ := m.rotationStep(it.Ref)
		k.SetEnabled(m.rot.running == nil && s.Status == rotate.Pending)
		if s.Live {
			k.SetHelp("y", "switch (asks first)")
		}
	}
}

// markRotateFindings says on verify's expiry findings that their fix is a
// rotation, and how to start it.
func (m *Model) markRotateFindings(rows []checklist.Row) {
	if m.rotator() == nil {
		return
	}
	for i := range rows {
		it := &rows[i].Item
		if !isRotateFinding(it.ID) {
			continue
		}
		host := findingHost(*it)
		rows[i].Note = "enter: rotate"
		// Copied: the snapshot's items may share the slice.
		it.Warnings = append(append([]string(nil), it.Warnings...),
			"the fix is a rotation of "+host+"'s certificate with the session kept up: press y here (or enter on the finding in the list) to choose the new expiry date and see the steps.")
	}
}
