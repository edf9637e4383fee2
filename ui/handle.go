package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
)

// handleKey dispatches a key press: dialogs first, then the panes.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.ForceQuit) {
		if c := m.cancelAll(); len(c) > 0 {
			m.log.Info("cancelled on ctrl+c", "runs", len(c))
		}
		return tea.Quit
	}
	if m.modal.kind != modalNone {
		return m.handleModalKey(msg)
	}
	if len(m.passwords) > 0 {
		if key.Matches(msg, m.keys.Dismiss) {
			// Forget the passwords for good once the operator has stored them.
			clear(m.passwords[0])
			m.passwords = m.passwords[1:]
		}
		return nil
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		if !m.busyRunning() {
			return tea.Quit
		}
		m.modal = modal{kind: modalConfirmQuit, cancelled: m.cancelAll()}
		return nil
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
		return nil
	case key.Matches(msg, m.keys.Refresh):
		return m.refresh()
	case key.Matches(msg, m.keys.RunAll):
		refs := m.pendingForAll()
		if len(refs) == 0 {
			return m.setNote("Nothing pending to run: conflicts and manual steps need you, see the checklist", false)
		}
		m.modal = modal{kind: modalConfirmAll, refs: refs}
		return nil
	}
	if m.focus == focusDetail {
		return m.handleDetailKey(msg)
	}
	return m.handleListKey(msg)
}

func (m Model) busyRunning() bool { return len(m.running) > 0 }

// refresh re-reads every host. Failure marks are cleared: after the operator
// fixed a cause, the servers' state is the truth again.
func (m *Model) refresh() tea.Cmd {
	if m.opts.Backend == nil {
		return nil
	}
	if m.refreshing[""] {
		return nil
	}
	for r := range m.failed {
		if m.running[r.Host] == nil {
			delete(m.failed, r)
		}
	}
	wasBusy := m.busy()
	m.refreshing[""] = true
	cmds := []tea.Cmd{refreshAllCmd(m.opts.Backend), m.setNote("Refreshing every host"+m.styles.Glyphs.Ellipsis, false)}
	if !wasBusy {
		cmds = append(cmds, m.spin.Tick)
	}
	m.syncDetail()
	return tea.Batch(cmds...)
}

func (m *Model) handleListKey(msg tea.KeyPressMsg) tea.Cmd {
	hl := m.hostList()
	switch {
	case key.Matches(msg, m.keys.Up):
		if m.cursor > 0 {
			m.cursor--
		}
	case key.Matches(msg, m.keys.Down):
		if hl != nil && m.cursor < len(hl.Items)-1 {
			m.cursor++
		}
	case key.Matches(msg, m.keys.Tab):
		if n := len(m.snap.Checklist.Hosts); n > 0 {
			m.hostIdx = (m.hostIdx + 1) % n
			m.cursor = 0
		}
	case key.Matches(msg, m.keys.Open):
		if _, ok := m.selectedItem(); ok {
			m.focus = focusDetail
			m.detail.Top()
		}
	}
	m.syncDetail()
	return nil
}

func (m *Model) handleDetailKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Back), key.Matches(msg, m.keys.Tab):
		m.focus = focusList
		return nil
	case key.Matches(msg, m.keys.Run):
		return m.runSelected()
	}
	var cmd tea.Cmd
	m.detail, cmd = m.detail.Update(msg, m.keys)
	return cmd
}

// runSelected starts the open step, asking first where the step needs it.
func (m *Model) runSelected() tea.Cmd {
	it, ok := m.selectedItem()
	if !ok {
		return nil
	}
	if r := m.running[it.Host]; r != nil {
		return m.setNote(fmt.Sprintf("%s is still running %s", it.Host, m.title(r.ref)), true)
	}
	switch it.Status {
	case steps.Done:
		return m.setNote(fmt.Sprintf("%s: %s is already done", it.Host, it.Title), false)
	case steps.Unknown:
		return m.setNote(fmt.Sprintf("%s has not been read: press r to connect and refresh", it.Host), true)
	case steps.Blocked:
		return m.setNote(fmt.Sprintf("%s: %s is blocked by %s: run that first", it.Host, it.Title, m.blockers(it)), true)
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
		m.openInput(modalTypeName, it.Ref, false)
		m.modal.object = it.Conflict.Object
		return textinput.Blink
	}
	if it.Manual {
		m.modal = modal{kind: modalManual, ref: it.Ref}
		return nil
	}
	if it.ID == steps.IDMasterKey && m.opts.AskMasterKeyPassword {
		m.openInput(modalMasterKey, it.Ref, true)
		return textinput.Blink
	}
	return m.startRun(runStep, it.Ref, RunOptions{}, "")
}

// openInput opens a dialog with an empty text input.
func (m *Model) openInput(kind modalKind, ref steps.Ref, secret bool) {
	m.modal = modal{kind: kind, ref: ref}
	m.input.Reset()
	m.input.Placeholder = ""
	m.input.EchoMode = textinput.EchoNormal
	if secret {
		m.input.EchoMode = textinput.EchoPassword
		m.input.EchoCharacter = '*'
		m.input.Placeholder = "empty: generate one"
	}
	m.input.Focus()
}

func (m *Model) closeModal() {
	m.modal = modal{}
	m.input.Reset()
	m.input.Blur()
}

func (m *Model) handleModalKey(msg tea.KeyPressMsg) tea.Cmd {
	md := m.modal
	switch md.kind {
	case modalConfirmAll:
		switch {
		case key.Matches(msg, m.keys.Confirm):
			m.closeModal()
			m.focus = focusList
			if m.opts.AskMasterKeyPassword {
				// Real hosts: the operator chooses each master key
				// password (or generation) before anything runs.
				m.askQueue, m.askRefs = nil, md.refs
				for _, r := range md.refs {
					if r.ID == steps.IDMasterKey {
						m.askQueue = append(m.askQueue, r)
					}
				}
				if len(m.askQueue) > 0 {
					return m.askNextForAll(len(m.askQueue))
				}
			}
			return m.beginRunAll(md.refs)
		case key.Matches(msg, m.keys.Cancel):
			m.closeModal()
		}
	case modalConfirmQuit:
		switch {
		case key.Matches(msg, m.keys.Confirm):
			if len(m.passwords) > 0 {
				// A generated password not yet shown would be lost
				// for good: show it first.
				m.closeModal()
				return m.setNote("Store the generated master key passwords first, then press q again", true)
			}
			return tea.Quit
		case key.Matches(msg, m.keys.Cancel):
			m.closeModal()
		}
	case modalManual:
		switch {
		case key.Matches(msg, m.keys.Confirm):
			m.closeModal()
			return m.startRun(runManual, md.ref, RunOptions{}, "")
		case key.Matches(msg, m.keys.Cancel):
			m.closeModal()
		}
	case modalTypeName, modalMasterKey:
		switch msg.String() {
		case "esc":
			m.closeModal()
			if md.forAll {
				m.endRunAll()
				return m.setNote("Nothing ran: run all pending was cancelled at the master key passwords", false)
			}
			return nil
		case "enter":
			val := m.input.Value()
			if md.forAll {
				m.closeModal()
				m.mkTyped[md.ref.Host] = val
				m.askQueue = m.askQueue[1:]
				if len(m.askQueue) > 0 {
					return m.askNextForAll(md.total)
				}
				refs := m.askRefs
				m.askRefs = nil
				return m.beginRunAll(refs)
			}
			if md.kind == modalTypeName {
				if strings.TrimSpace(val) != md.object {
					m.modal.err = fmt.Sprintf("That is not %q: type the name exactly, or press esc to leave it alone", md.object)
					return nil
				}
				m.closeModal()
				return m.startRun(runRemedy, md.ref, RunOptions{}, md.object)
			}
			m.closeModal()
			return m.startRun(runStep, md.ref, RunOptions{MasterKeyPassword: val}, "")
		}
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		m.modal.err = ""
		return cmd
	}
	return nil
}

// beginRunAll starts "run all" over refs, the steps the operator approved.
func (m *Model) beginRunAll(refs []steps.Ref) tea.Cmd {
	m.runAll, m.ranInBatch = true, 0
	m.allowed = map[steps.Ref]bool{}
	for _, r := range refs {
		m.allowed[r] = true
	}
	return m.schedule()
}

// askNextForAll asks the master key password for the next host in the
// queue before A starts (total is how many are asked in all).
func (m *Model) askNextForAll(total int) tea.Cmd {
	r := m.askQueue[0]
	m.openInput(modalMasterKey, r, true)
	m.modal.forAll = true
	m.modal.n, m.modal.total = total-len(m.askQueue)+1, total
	return textinput.Blink
}

// blockers names the items blocking it, e.g. "HOST_B: Certificate HOST_B_cert".
func (m Model) blockers(it steps.Item) string {
	return m.refNames(it.Host, it.BlockedBy)
}

// refNames names items by title, with the host when it is not host.
func (m Model) refNames(host string, refs []steps.Ref) string {
	var parts []string
	for _, b := range refs {
		t := m.title(b)
		if b.Host != host {
			t = b.Host + ": " + t
		}
		parts = append(parts, t)
	}
	if len(parts) == 0 {
		return "an earlier step"
	}
	return strings.Join(parts, ", ")
}

// syncKeys enables exactly the keys that do something in the current state.
func (m *Model) syncKeys() {
	k := &m.keys
	all := []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Tab, &k.Open, &k.Run, &k.Back, &k.RunAll, &k.Refresh, &k.Help, &k.Quit, &k.Confirm, &k.Cancel, &k.Submit, &k.Dismiss}
	for _, b := range all {
		b.SetEnabled(false)
	}
	k.ForceQuit.SetEnabled(true)
	switch {
	case m.modal.kind == modalTypeName || m.modal.kind == modalMasterKey:
		k.Submit.SetEnabled(true)
		k.Cancel.SetEnabled(true)
		k.Cancel.SetHelp("esc", "cancel")
		k.Cancel.SetKeys("esc")
		return
	case m.modal.kind != modalNone:
		k.Confirm.SetEnabled(true)
		k.Cancel.SetEnabled(true)
		k.Cancel.SetHelp("n/esc", "no")
		k.Cancel.SetKeys("n", "esc")
		return
	case len(m.passwords) > 0:
		k.Dismiss.SetEnabled(true)
		k.Dismiss.SetHelp("enter", "I have stored it")
		if len(m.passwords[0]) > 1 {
			k.Dismiss.SetHelp("enter", "I have stored them")
		}
		return
	}
	k.Help.SetEnabled(true)
	k.Quit.SetEnabled(true)
	hasHosts := len(m.snap.Checklist.Hosts) > 0
	k.Refresh.SetEnabled(m.opts.Backend != nil && !m.refreshing[""])
	k.RunAll.SetEnabled(m.opts.Backend != nil && !m.runAll && len(m.pendingForAll()) > 0)
	k.Tab.SetEnabled(hasHosts && (len(m.snap.Checklist.Hosts) > 1 || m.focus == focusDetail))
	if m.focus == focusDetail {
		k.Tab.SetHelp("tab", "checklist")
		k.Up.SetEnabled(true)
		k.Down.SetEnabled(true)
		k.Up.SetHelp(m.styles.Glyphs.Up+"/k", "scroll")
		k.Down.SetHelp(m.styles.Glyphs.Down+"/j", "scroll")
		k.PageUp.SetEnabled(true)
		k.PageDown.SetEnabled(true)
		k.Back.SetEnabled(true)
		it, ok := m.selectedItem()
		k.Run.SetEnabled(ok && m.running[it.Host] == nil && m.opts.Backend != nil && m.canRun(it))
		k.Run.SetHelp("y", m.runLabel(it))
		return
	}
	k.Tab.SetHelp("tab", "next host")
	k.Up.SetHelp(m.styles.Glyphs.Up+"/k", "up")
	k.Down.SetHelp(m.styles.Glyphs.Down+"/j", "down")
	k.Up.SetEnabled(hasHosts)
	k.Down.SetEnabled(hasHosts)
	_, ok := m.selectedItem()
	k.Open.SetEnabled(ok)
}

// canRun says whether y does something for the item.
func (m Model) canRun(it steps.Item) bool {
	switch it.Status {
	case steps.Pending, steps.Failed:
		return true
	case steps.Conflict:
		return it.Conflict.RemedyReady()
	}
	return false
}

func (m Model) runLabel(it steps.Item) string {
	switch {
	case it.Status == steps.Conflict:
		return "apply fix"
	case it.Manual:
		return "confirm done"
	case it.Status == steps.Failed:
		return "run again"
	}
	return "run step"
}
