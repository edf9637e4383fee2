package ui

import (
	"context"
	"errors"
	"fmt"

	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
	"github.com/mirrorcert/mirrorcert/ui/sched"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// refresh re-reads every host. Failure marks are cleared: after the operator
// fixed a cause, the servers' state is the truth again.
func (m *Model) refresh() tea.Cmd {
	if m.opts.Backend == nil || m.refreshing[""] {
		return nil
	}
	m.sched.ClearFailures()
	wasBusy := m.busy()
	m.refreshing[""] = true
	cmds := []tea.Cmd{refreshAllCmd(m.opts.Backend), m.setNote("Refreshing every host"+m.st.Glyphs.Ellipsis, false)}
	if !wasBusy {
		cmds = append(cmds, m.spin.Tick)
	}
	cmds = append(cmds, m.refreshRotation())
	return tea.Batch(cmds...)
}

// startRun begins a run on the ref's host. Only one run per host is in
// flight, because a host's steps depend on each other in order.
func (m *Model) startRun(kind sched.Kind, ref steps.Ref, opts RunOptions, confirm string) tea.Cmd {
	if m.opts.Backend == nil {
		return m.setNote("No server session: nothing can run", true)
	}
	if r, busy := m.sched.Running[ref.Host]; busy {
		return m.setNote(fmt.Sprintf("%s is still running %s; wait for it to finish", ref.Host, r.Ref.ID), true)
	}
	wasBusy := m.busy()
	r, _ := m.sched.Start(kind, ref)
	ctx, cancel := context.WithCancel(context.Background())
	m.cancels[r.ID] = cancel
	delete(m.outcomes, ref)
	m.ranStmts[r.ID] = m.statementsFor(kind, ref)
	m.log.Info("run started", "host", ref.Host, "step", ref.ID, "run", r.ID, "kind", int(kind))
	cmds := []tea.Cmd{runCmd(ctx, m.opts.Backend, r.ID, kind, ref, opts, confirm)}
	if !wasBusy {
		cmds = append(cmds, m.spin.Tick)
	}
	return tea.Batch(cmds...)
}

// finishRun records a run's result, moves the selection on and, while "run
// all" is active, starts what became runnable.
func (m *Model) finishRun(msg runDoneMsg) tea.Cmd {
	if _, ok := m.sched.Finish(msg.Host, msg.RunID); !ok {
		m.log.Debug("dropped stale run result", "host", msg.Host, "run", msg.RunID)
		return nil
	}
	if cancel := m.cancels[msg.RunID]; cancel != nil {
		cancel()
		delete(m.cancels, msg.RunID)
	}
	ran := m.ranStmts[msg.RunID]
	delete(m.ranStmts, msg.RunID)
	cmds := m.recordResult(msg, ran)
	cmds = append(cmds, m.schedule(), m.quitIfDone(), m.autoCheck())
	return tea.Batch(cmds...)
}

// recordResult keeps one step's result: its outcome, its generated
// password (never dropped, even from a failed or cancelled run), its
// failure mark and the note. ran is what the run sent.
func (m *Model) recordResult(msg runDoneMsg, ran []tsql.Statement) []tea.Cmd {
	res, runErr := cleanResult(msg.Result, msg.Err)
	msg.Err = runErr
	pw := res.GeneratedMasterKeyPassword
	// The outcome keeps only the fact that a password was generated.
	res.GeneratedMasterKeyPassword = ""
	m.outcomes[msg.Ref] = outcome{kind: msg.Kind, result: res, err: msg.Err, ran: ran}
	m.applySnapshot(msg.Snap)
	if pw != "" && msg.Err != nil {
		// The statement may have run before the connection was lost or
		// the run cancelled: the password may be the key's, so it is
		// shown all the same, marked for the operator to check.
		m.pw.Add(sched.Password{Host: msg.Host, Password: pw, Uncertain: true}, false)
	}

	var cmds []tea.Cmd
	title := m.title(msg.Ref)
	switch {
	case errors.Is(msg.Err, context.Canceled):
		m.log.Info("run cancelled", "host", msg.Host, "step", msg.Ref.ID, "run", msg.RunID)
		cmds = append(cmds, m.setNote(fmt.Sprintf("%s: %s cancelled", msg.Host, title), true))
	case msg.Err != nil:
		m.sched.Record(msg.Ref, true)
		m.log.Warn("run failed", "host", msg.Host, "step", msg.Ref.ID, "run", msg.RunID, "err", msg.Err)
		cmds = append(cmds, m.setNote(fmt.Sprintf("%s: %s failed: %s", msg.Host, title, shortError(msg.Err)), true))
	default:
		m.sched.Record(msg.Ref, false)
		m.log.Info("run finished", "host", msg.Host, "step", msg.Ref.ID, "run", msg.RunID, "duration", res.Duration)
		if pw != "" {
			// Only the demo holds them back: on real hosts a password is
			// shown the moment it exists, so quitting cannot lose one the
			// server already uses.
			m.pw.Add(sched.Password{Host: msg.Host, Password: pw}, m.sched.RunAll && !m.opts.AskMasterKeyPassword)
		}
		cmds = append(cmds, m.setNote(fmt.Sprintf("%s: %s done in %s", msg.Host, title, styles.Duration(res.Duration)), false))
		if !m.sched.RunAll {
			if sel, ok := m.selectedRef(); ok && sel == msg.Ref {
				if next, ok := m.sched.NextRunnable(&m.snap.Checklist, m.tabs.Active()); ok {
					m.selectRef(next)
				}
				m.focus = focusList
			}
		}
	}
	return cmds
}

// schedule starts, on every idle host, the next pending step the operator
// approved with A. It ends "run all" when nothing is left to start.
func (m *Model) schedule() tea.Cmd {
	if !m.sched.RunAll {
		return nil
	}
	var cmds []tea.Cmd
	for _, r := range m.sched.Due(&m.snap.Checklist) {
		var opts RunOptions
		if r.ID == steps.IDMasterKey {
			// Used once: a retry after a failure asks again.
			opts.MasterKeyPassword = m.ask.Take(r.Host)
		}
		cmds = append(cmds, m.startRun(sched.Step, r, opts, ""))
	}
	if len(cmds) > 0 || m.sched.Busy("") {
		return tea.Batch(cmds...)
	}
	return m.closeRunAll()
}

// closeRunAll ends "run all" with its closing note: what ran, what failed,
// what waits for the operator.
func (m *Model) closeRunAll() tea.Cmd {
	ran, failed := m.sched.Ran, m.sched.FailedInBatch
	m.sched.EndAll()
	m.endRunAll()
	note := fmt.Sprintf("Ran %d step%s", ran, styles.Plural(ran))
	if failed > 0 {
		note += fmt.Sprintf("; %d failed: see the checklist", failed)
	}
	if w := m.planAll().Wait; len(w) > 0 {
		note += fmt.Sprintf("; %d will wait for %s", len(w), m.waitNames(w))
	}
	return m.setNote(note, failed > 0)
}

// waitNames names what waiting steps wait for, each once.
func (m *Model) waitNames(ws []sched.Wait) string {
	seen := map[steps.Ref]bool{}
	var refs []steps.Ref
	for _, w := range ws {
		for _, r := range w.For {
			if !seen[r] {
				seen[r] = true
				refs = append(refs, r)
			}
		}
	}
	return m.refNames("", refs)
}

// cancelAll cancels every run in flight and stops "run all". It returns what
// was cancelled, for the quit dialog.
func (m *Model) cancelAll() []string {
	var out []string
	for _, h := range m.snap.Checklist.Hosts {
		if r, ok := m.sched.Running[h.Host]; ok {
			if c := m.cancels[r.ID]; c != nil {
				c()
			}
			out = append(out, fmt.Sprintf("%s: %s", h.Host, m.title(r.Ref)))
		}
	}
	out = append(out, m.cancelRotation()...)
	m.sched.EndAll()
	m.endRunAll()
	return out
}

// endRunAll forgets typed passwords A did not use and shows the passwords
// generated during it, all in one dialog.
func (m *Model) endRunAll() {
	m.ask.Forget()
	m.pw.Release(m.hostOrder())
}

// hostOrder is the plan's host names in order.
func (m *Model) hostOrder() []string {
	out := make([]string, len(m.snap.Checklist.Hosts))
	for i, h := range m.snap.Checklist.Hosts {
		out[i] = h.Host
	}
	return out
}

// planAll is what A would do now: the steps it runs (failed ones again)
// and those that wait for something only the operator can do.
func (m *Model) planAll() sched.Plan { return sched.ForAll(&m.snap.Checklist) }

// canRunAll reports whether A has something to run. A runs something exactly when some step is pending and not manual (a
// blocked step runs only after such a one), so this needs no full plan.
func (m *Model) canRunAll() bool {
	for hi := range m.snap.Checklist.Hosts {
		for ii := range m.snap.Checklist.Hosts[hi].Items {
			if it := &m.snap.Checklist.Hosts[hi].Items[ii]; it.Status == steps.Pending && !it.Manual {
				return true
			}
		}
	}
	return false
}

// beginRunAll starts "run all" over refs, the steps the operator approved.
func (m *Model) beginRunAll(refs []steps.Ref) tea.Cmd {
	m.sched.BeginAll(refs)
	if br, ok := m.opts.Backend.(BatchRunner); ok {
		return m.startBatch(br, refs)
	}
	return m.schedule()
}

// statementsFor is what a run of kind on ref sends: the item's statements,
// or its conflict's fix.
func (m *Model) statementsFor(kind sched.Kind, ref steps.Ref) []tsql.Statement {
	it := m.snap.Checklist.Item(ref)
	switch {
	case it == nil || kind == sched.Manual:
		return nil
	case kind == sched.Remedy && it.Conflict != nil:
		return it.Conflict.Remedy
	}
	return it.Statements
}
