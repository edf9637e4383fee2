package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/checks"
	"github.com/mirrorcert/mirrorcert/ui/dialog"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// SessionText is what the screen says once the started session is
// synchronized (mirroring: with the witness connected).
const SessionText = "Session synchronized"

// Verifier is what v and S need from a Backend. v runs the cross-host
// checks and puts each finding in its host's checklist under Checks, with
// its fix as a step; S prepares the session-start sequence, whose steps
// then show per host under Session. A Backend without it offers neither key.
type Verifier interface {
	Verify(ctx context.Context) error
	StartSession(ctx context.Context, database, folder string) error
	// PollSession reads the servers again for the session's state.
	PollSession(ctx context.Context) error
	// SessionState is the header's session line ("" before S) and whether
	// the session is synchronized.
	SessionState() (state string, synchronized bool)
}

// verifyDoneMsg ends a v: the findings are in Snap's checklist.
type verifyDoneMsg struct {
	Snap Snapshot
	Err  error
}

// sessionMsg brings the session's state after S or a poll.
type sessionMsg struct {
	Snap         Snapshot
	State        string
	Synchronized bool
	Err          error
	Started      bool // the answer to S, not a poll
}

// pollSessionMsg asks for the next poll while the session is not
// synchronized yet.
type pollSessionMsg struct{ gen uint64 }

// verifier is the backend's Verifier, nil when it has none.
func (m *Model) verifier() Verifier {
	v, _ := m.opts.Backend.(Verifier)
	return v
}

func verifyCmd(b Backend, v Verifier) tea.Cmd {
	return func() tea.Msg {
		err := v.Verify(context.Background())
		return verifyDoneMsg{Snap: b.Snapshot(), Err: err}
	}
}

func startSessionCmd(b Backend, v Verifier, database, folder string) tea.Cmd {
	return func() tea.Msg {
		err := v.StartSession(context.Background(), database, folder)
		st, ok := v.SessionState()
		return sessionMsg{Snap: b.Snapshot(), State: st, Synchronized: ok, Err: err, Started: true}
	}
}

func pollSessionCmd(b Backend, v Verifier) tea.Cmd {
	return func() tea.Msg {
		err := v.PollSession(context.Background())
		st, ok := v.SessionState()
		return sessionMsg{Snap: b.Snapshot(), State: st, Synchronized: ok, Err: err}
	}
}

// baseComplete reports whether every configuration item is done: the
// checks and the session steps that v and S add are not configuration.
func baseComplete(c *steps.Checklist) bool {
	n := 0
	for _, h := range c.Hosts {
		for _, it := range h.Items {
			if extraItem(it.ID) {
				continue
			}
			n++
			if it.Status != steps.Done {
				return false
			}
		}
	}
	return n > 0
}

// extraItem reports whether id is a finding (check/...) or a session step
// (start/...).
func extraItem(id string) bool {
	return strings.HasPrefix(id, checks.IDPrefix) || strings.HasPrefix(id, "start/")
}

// verify starts v.
func (m *Model) verify() tea.Cmd {
	v := m.verifier()
	if v == nil {
		return nil
	}
	if m.verifying {
		return m.extraNote("The checks are already running", false)
	}
	m.verifying = true
	return tea.Batch(verifyCmd(m.opts.Backend, v), m.extraNote(orDefault(m.opts.Checks.Running, "Checking every host against every other, the endpoints and the error logs")+m.st.Glyphs.Ellipsis, false))
}

// openStart asks the database and the backup folder for S.
func (m *Model) openStart() tea.Cmd {
	db, dir := m.session.database, m.session.folder
	if db == "" {
		db = "Sales"
	}
	if dir == "" {
		dir = `\\fileserver\backups`
	}
	d, cmd := dialog.NewStartForm(m.st, db, dir)
	m.open(openDialog{kind: dlgStart, box: d})
	return cmd
}

// sessionInfo is what the header shows of the session S started.
type sessionInfo struct {
	database, folder string
	state            string
	synchronized     bool
	gen              uint64 // current poll chain; older ticks are dropped
	polling          bool
	autoChecked      bool   // the checks ran by themselves since every step became done
	noteSeq          uint64 // the status note v or S set last
}

// extraNote sets a status note about v or S; it shows even when the
// status line would otherwise say All hosts configured.
func (m *Model) extraNote(text string, isErr bool) tea.Cmd {
	cmd := m.setNote(text, isErr)
	m.session.noteSeq = m.note.seq
	return cmd
}

// verified reports v's result: the findings are rows under Checks.
func (m *Model) verified(err error) tea.Cmd {
	if err != nil {
		return m.extraNote("Checks failed: "+shortError(err), true)
	}
	errs, warns, hosts := 0, 0, map[string]bool{}
	for _, h := range m.snap.Checklist.Hosts {
		for _, it := range h.Items {
			if !strings.HasPrefix(it.ID, checks.IDPrefix) {
				continue
			}
			hosts[h.Host] = true
			if it.Status == steps.Done {
				warns++
			} else {
				errs++
			}
		}
	}
	if errs+warns == 0 {
		return m.extraNote(orDefault(m.opts.Checks.Healthy, "Checks: every host trusts every other, every endpoint answers, nothing in the error logs"), false)
	}
	// Go to the first finding, so enter shows its evidence and fix.
	m.SelectNext(func(id string) bool { return strings.HasPrefix(id, checks.IDPrefix) })
	return m.extraNote(fmt.Sprintf("Checks: %d to fix, %d warning%s, on %d host%s: see Checks in each host's list (%s)",
		errs, warns, styles.Plural(warns), len(hosts), styles.Plural(len(hosts)), orDefault(m.opts.Checks.Found, "enter shows the evidence and the fix, y runs it")), errs > 0)
}

// applySession takes the session's state and keeps polling while it is
// not synchronized, so the header stays live.
func (m *Model) applySession(msg sessionMsg) tea.Cmd {
	m.applySnapshot(msg.Snap)
	m.session.state, m.session.synchronized = msg.State, msg.Synchronized
	var cmds []tea.Cmd
	if msg.Err != nil {
		cmds = append(cmds, m.extraNote("Session: "+shortError(msg.Err), true))
	} else if msg.Started {
		m.SelectNext(func(id string) bool { return strings.HasPrefix(id, "start/") })
		cmds = append(cmds, m.extraNote("The start sequence is in each host's checklist under Session: run it with y, or A", false))
	}
	if msg.Synchronized {
		m.session.polling = false
		return tea.Batch(cmds...)
	}
	m.session.gen++
	m.session.polling = true
	gen := m.session.gen
	cmds = append(cmds, tea.Tick(time.Second, func(time.Time) tea.Msg { return pollSessionMsg{gen: gen} }))
	return tea.Batch(cmds...)
}

// syncVerifyKeys enables v whenever the hosts can be read and S once
// every host is configured; a backend without checks offers neither.
func (m *Model) syncVerifyKeys() {
	k := &m.keys
	has := m.verifier() != nil && len(m.snap.Checklist.Hosts) > 0
	k.Verify.SetEnabled(has && !m.verifying)
	k.Start.SetEnabled(has && !m.opts.Checks.NoSession && baseComplete(&m.snap.Checklist) && !m.sched.RunAll)
}

// verifyDrop is where v and S go when the footer is short of room: first
// while the hosts are still being configured, last once they are.
func (m *Model) verifyDrop() []key.Binding {
	if baseComplete(&m.snap.Checklist) {
		return nil
	}
	return []key.Binding{m.keys.Verify, m.keys.Start}
}
