package ui

import (
	"fmt"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui/checklist"
	"github.com/mirrorcert/mirrorcert/ui/dialog"
	"github.com/mirrorcert/mirrorcert/ui/sched"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

type dialogKind int

const (
	dlgNone dialogKind = iota
	dlgConfirmAll
	dlgQuit
	dlgTypeName
	dlgMasterKey
	dlgManual
	dlgTrust
	dlgStart
)

// dialogBox is what every dialog component offers the root.
type dialogBox interface {
	Update(tea.Msg) (dialog.Action, tea.Cmd)
	View() string
	SetSize(w, h int)
	Keys() help.KeyMap
}

// openDialog is the dialog in front of the screen and what its answer is
// about.
type openDialog struct {
	kind   dialogKind
	box    dialogBox
	ref    steps.Ref
	refs   []steps.Ref // confirm-all: what will run
	forAll bool        // master key password asked before A runs
}

// open puts a dialog in front.
func (m *Model) open(d openDialog) {
	d.box.SetSize(m.width, m.bodyHeight())
	m.dlg = d
}

func (m *Model) closeDialog() { m.dlg = openDialog{} }

// frontDialog is the dialog that has the keyboard: an open dialog first,
// then a generated password waiting to be shown.
func (m *Model) frontDialog() dialogBox {
	if m.dlg.box != nil {
		return m.dlg.box
	}
	if m.pw.Current() != nil {
		return m.store
	}
	return nil
}

// handleKey routes a key press: dialogs first, then the program's keys,
// then the pane that has focus.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.ForceQuit) {
		return m.interrupt(ExitCodeInterrupted)
	}
	if m.dlg.box != nil {
		return m.handleDialog(msg)
	}
	if m.frontDialog() != nil {
		act, _ := m.store.Update(msg)
		switch {
		case act == dialog.Accept:
			// Forget the passwords for good once the operator has stored them.
			m.pw.Dismiss()
			return m.quitIfDone()
		case act == dialog.Cancel:
			// Never quit over a password: keep it on screen and end
			// once it is stored.
			return m.requestQuit()
		}
		return nil
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		if !m.sched.Busy("") && !m.rotBusy() && !m.pw.Pending() {
			return tea.Quit
		}
		m.openQuit(m.cancelAll())
		return nil
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
		return nil
	case key.Matches(msg, m.keys.Refresh):
		return m.refresh()
	case key.Matches(msg, m.keys.Rotate) && m.keys.Rotate.Enabled():
		return m.openRotate(m.rotateHost())
	case key.Matches(msg, m.keys.RunAll) && m.rotCanRun():
		m.openRotateAll()
		return nil
	case key.Matches(msg, m.keys.Verify):
		return m.verify()
	case key.Matches(msg, m.keys.Start):
		return m.openStart()
	case key.Matches(msg, m.keys.RunAll):
		p := m.planAll()
		if len(p.Run) == 0 {
			if len(p.Wait) > 0 {
				return m.setNote(fmt.Sprintf("Nothing A can run: %d step%s will wait for %s", len(p.Wait), styles.Plural(len(p.Wait)), m.waitNames(p.Wait)), false)
			}
			return m.setNote("Nothing pending to run: conflicts and manual steps need you, see the checklist", false)
		}
		m.openConfirmAll(p)
		return nil
	}
	if m.focus == focusDetail {
		return m.handleDetailKey(msg)
	}
	if m.tabs.Update(msg) {
		m.syncRows()
		m.list.Top()
		return nil
	}
	if m.list.Update(msg) == checklist.Open {
		if it, ok := m.selectedItem(); ok && isRotateFinding(it.ID) {
			return m.openRotate(findingHost(it))
		}
		m.focus = focusDetail
		m.detail.Top()
	}
	return nil
}

func (m *Model) handleDetailKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Back), key.Matches(msg, m.keys.ToList):
		m.focus = focusList
		return nil
	case key.Matches(msg, m.keys.Run):
		return m.runSelected()
	}
	m.detail.Update(msg)
	return nil
}

// runSelected starts the open step, asking first where the step needs it.
func (m *Model) runSelected() tea.Cmd {
	it, ok := m.selectedItem()
	if !ok {
		return nil
	}
	if m.isRotationRef(it.Ref) {
		return m.runRotationSelected(it)
	}
	if isRotateFinding(it.ID) {
		return m.openRotate(findingHost(it))
	}
	if r, busy := m.sched.Running[it.Host]; busy {
		return m.setNote(fmt.Sprintf("%s is still running %s", it.Host, m.title(r.Ref)), true)
	}
	switch it.Status {
	case steps.Done:
		return m.setNote(fmt.Sprintf("%s: %s is already done", it.Host, it.Title), false)
	case steps.Unknown:
		return m.setNote(fmt.Sprintf("%s has not been read: press r to connect and refresh", it.Host), true)
	case steps.Blocked:
		return m.setNote(fmt.Sprintf("%s: %s is blocked by %s: run that first", it.Host, it.Title, m.refNames(it.Host, it.BlockedBy)), true)
	case steps.Conflict:
		if it.Conflict == nil || len(it.Conflict.Remedy) == 0 {
			fix := "see the detail pane"
			if it.Conflict != nil && it.Conflict.Fix != "" {
				fix = it.Conflict.Fix
			}
			return m.setNote("No automatic fix: "+fix, true)
		}
		if !it.Conflict.RemedyReady() {
			return m.setNote(fmt.Sprintf("%s: the fix waits for %s: run that first", it.Host, m.refNames(it.Host, it.Conflict.RemedyBlockedBy)), true)
		}
		d, cmd := dialog.NewTypeName(m.st, it.Conflict.Object, it.Conflict.Fix)
		m.open(openDialog{kind: dlgTypeName, box: d, ref: it.Ref})
		return cmd
	}
	if it.Manual {
		m.openManual(it)
		return nil
	}
	if it.ID == steps.IDMasterKey && m.opts.AskMasterKeyPassword && !m.mkFromEnv(it.Host) {
		d, cmd := dialog.NewPassword(m.st, it.Host, 0, 0)
		m.open(openDialog{kind: dlgMasterKey, box: d, ref: it.Ref})
		return cmd
	}
	return m.startRun(sched.Step, it.Ref, RunOptions{}, "")
}

// handleDialog routes a key to the open dialog and acts on its answer.
func (m *Model) handleDialog(msg tea.KeyPressMsg) tea.Cmd {
	d := m.dlg
	act, cmd := d.box.Update(msg)
	switch act {
	case dialog.None:
		return cmd
	case dialog.Cancel:
		m.closeDialog()
		if d.kind == dlgTrust {
			return m.setNote("Not trusted: fix the certificate (or its CA), then press r", false)
		}
		if d.forAll {
			m.ask.Forget()
			return m.setNote("Nothing ran: run all pending was cancelled at the master key passwords", false)
		}
		return m.rotationCancelled(d)
	}
	m.closeDialog()
	switch d.kind {
	case dlgConfirmAll:
		m.focus = focusList
		if m.opts.AskMasterKeyPassword {
			// Real hosts: the operator chooses each master key password
			// (or generation) before anything runs.
			m.ask = sched.NewAsk(d.refs, m.mkFromEnv)
			if m.ask.Active() {
				return m.askNextForAll()
			}
		}
		return m.beginRunAll(d.refs)
	case dlgQuit:
		// A generated password not yet shown would be lost for good:
		// requestQuit shows it first and ends once it is stored.
		return m.requestQuit()
	case dlgStart:
		db, dir := d.box.(*dialog.StartForm).Values()
		m.session.database, m.session.folder = db, dir
		return startSessionCmd(m.opts.Backend, m.verifier(), db, dir)
	case dlgManual:
		return m.startRun(sched.Manual, d.ref, RunOptions{}, "")
	case dlgTrust:
		return m.trustAndReconnect()
	case dlgTypeName:
		return m.startRun(sched.Remedy, d.ref, RunOptions{}, d.box.(*dialog.TypeName).Object)
	case dlgMasterKey:
		pd := d.box.(*dialog.Password)
		val := pd.Value()
		pd.Clear()
		if d.forAll {
			m.ask.Answer(val)
			if m.ask.Active() {
				return m.askNextForAll()
			}
			refs := m.ask.Refs
			m.ask.Refs = nil
			return m.beginRunAll(refs)
		}
		return m.startRun(sched.Step, d.ref, RunOptions{MasterKeyPassword: val}, "")
	default:
		return m.rotationDialog(d)
	}
}

// askNextForAll asks the master key password for the next host in the
// queue before A starts.
func (m *Model) askNextForAll() tea.Cmd {
	r, n := m.ask.Next()
	d, cmd := dialog.NewPassword(m.st, r.Host, n, m.ask.Total)
	m.open(openDialog{kind: dlgMasterKey, box: d, ref: r, forAll: true})
	return cmd
}

// mkFromEnv reports whether the environment supplies host's master key
// password.
func (m *Model) mkFromEnv(host string) bool {
	return m.opts.MasterKeyFromEnv != nil && m.opts.MasterKeyFromEnv(host)
}

// mkEnvVar names the variable that supplies host's master key password.
func (m *Model) mkEnvVar(host string) string {
	if m.opts.MasterKeyEnvVar != nil {
		return m.opts.MasterKeyEnvVar(host)
	}
	return "MIRRORCERT_MASTER_KEY_PASSWORD_" + host
}
