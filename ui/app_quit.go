package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
)

// InterruptMsg asks the program to end as ctrl+c does: the command line
// sends it on SIGINT (Code 130) and SIGTERM (Code 143).
type InterruptMsg struct{ Code int }

// ExitCodeInterrupted is the exit status after ctrl+c or SIGINT.
const ExitCodeInterrupted = 130

// quitState is an end the operator asked for that waits until no generated
// master key password can be lost.
type quitState struct {
	asked bool
	code  int // exit status: 0 after q, 130/143 after an interrupt
	// shown is how many passwords were on screen, all at once, at the last
	// interrupt; a further interrupt ends the program only when no other
	// password has arrived since.
	shown int
}

// ExitCode is the status the program should exit with: non-zero when it
// was interrupted.
func (m *Model) ExitCode() int { return m.quit.code }

// interrupt handles ctrl+c, SIGINT and SIGTERM. Runs are cancelled, but a
// generated password not yet confirmed as stored is never dropped: all of
// them are shown at once, and only a second interrupt after that ends the
// program without the operator's confirmation.
func (m *Model) interrupt(code int) tea.Cmd {
	again := m.quit.asked && m.quit.code != 0
	m.quit.asked, m.quit.code = true, code
	if c := m.cancelAll(); len(c) > 0 {
		m.log.Info("cancelled on interrupt", "runs", len(c))
	}
	n := m.pendingPasswords()
	if again && n > 0 && n == m.quit.shown && m.masterKeyRunning() == "" {
		m.log.Warn("ended on a second interrupt with passwords on screen", "passwords", n)
		return tea.Quit
	}
	return m.requestQuit()
}

// requestQuit ends the program now, or as soon as every generated password
// was confirmed as stored and no master key step is still out.
func (m *Model) requestQuit() tea.Cmd {
	m.quit.asked = true
	m.closeDialog()
	if h := m.masterKeyRunning(); h != "" {
		return m.setNote(fmt.Sprintf("Ending once %s's master key step answers, so that a generated password is not lost", h), true)
	}
	if !m.pw.Pending() {
		return tea.Quit
	}
	m.pw.ShowAll(m.hostOrder())
	m.quit.shown = m.pendingPasswords()
	return nil
}

// quitIfDone ends a requested quit once nothing can be lost any more.
func (m *Model) quitIfDone() tea.Cmd {
	if !m.quit.asked {
		return nil
	}
	return m.requestQuit()
}

// pendingPasswords counts the passwords not yet confirmed as stored.
func (m *Model) pendingPasswords() int {
	n := len(m.pw.Held)
	for _, g := range m.pw.Groups {
		n += len(g)
	}
	return n
}

// masterKeyRunning names a host whose master key step is in flight (its
// generated password is still to come), "" when none.
func (m *Model) masterKeyRunning() string {
	for _, h := range m.hostOrder() {
		if r, ok := m.sched.Running[h]; ok && r.Ref.ID == steps.IDMasterKey {
			return h
		}
	}
	return ""
}

// quitNote is the store dialog's line while the program waits to end.
func (m *Model) quitNote() string {
	if !m.quit.asked {
		return ""
	}
	var b strings.Builder
	b.WriteString("mirrorcert ends once you press enter.")
	if m.quit.code != 0 {
		b.WriteString(" ctrl+c again ends it now: the passwords above are then never shown again.")
	}
	return b.String()
}
