package ui

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
)

// startRun begins a run on the ref's host. Only one run per host is in
// flight, because a host's steps depend on each other in order.
func (m *Model) startRun(kind runKind, ref steps.Ref, opts RunOptions, confirm string) tea.Cmd {
	if m.opts.Backend == nil {
		return m.setNote("No server session: nothing can run", true)
	}
	if r := m.running[ref.Host]; r != nil {
		return m.setNote(fmt.Sprintf("%s is still running %s; wait for it to finish", ref.Host, r.ref.ID), true)
	}
	wasBusy := m.busy()
	ctx, cancel := context.WithCancel(context.Background())
	m.nextRunID++
	id := m.nextRunID
	m.running[ref.Host] = &running{id: id, ref: ref, kind: kind, cancel: cancel}
	delete(m.outcomes, ref)
	m.log.Info("run started", "host", ref.Host, "step", ref.ID, "run", id, "kind", int(kind))
	cmds := []tea.Cmd{runCmd(ctx, m.opts.Backend, id, kind, ref, opts, confirm)}
	if !wasBusy {
		cmds = append(cmds, m.spin.Tick)
	}
	m.syncDetail()
	return tea.Batch(cmds...)
}

// finishRun records a run's result, moves the selection on and, while "run
// all" is active, starts what became runnable.
func (m *Model) finishRun(msg runDoneMsg) tea.Cmd {
	r := m.running[msg.Host]
	if r == nil || r.id != msg.RunID {
		m.log.Debug("dropped stale run result", "host", msg.Host, "run", msg.RunID)
		return nil
	}
	r.cancel()
	delete(m.running, msg.Host)
	m.outcomes[msg.Ref] = outcome{kind: msg.Kind, result: msg.Result, err: msg.Err}
	m.applySnapshot(msg.Snap)

	var cmds []tea.Cmd
	title := m.title(msg.Ref)
	switch {
	case errors.Is(msg.Err, context.Canceled):
		m.log.Info("run cancelled", "host", msg.Host, "step", msg.Ref.ID, "run", msg.RunID)
		cmds = append(cmds, m.setNote(fmt.Sprintf("%s: %s cancelled", msg.Host, title), true))
	case msg.Err != nil:
		m.failed[msg.Ref] = true
		m.log.Warn("run failed", "host", msg.Host, "step", msg.Ref.ID, "run", msg.RunID, "err", msg.Err)
		cmds = append(cmds, m.setNote(fmt.Sprintf("%s: %s failed: %s", msg.Host, title, shortError(msg.Err)), true))
	default:
		delete(m.failed, msg.Ref)
		m.ranInBatch++
		m.log.Info("run finished", "host", msg.Host, "step", msg.Ref.ID, "run", msg.RunID, "duration", msg.Result.Duration)
		if pw := msg.Result.GeneratedMasterKeyPassword; pw != "" {
			g := generated{host: msg.Host, password: pw}
			// Only the demo holds them back: on real hosts a password
			// is shown the moment it exists, so quitting (even with
			// ctrl+c) cannot lose one the server already uses.
			if m.runAll && !m.opts.AskMasterKeyPassword {
				m.held = append(m.held, g)
			} else {
				m.passwords = append(m.passwords, []generated{g})
			}
			// The outcome keeps only the fact that a password was generated.
			o := m.outcomes[msg.Ref]
			o.result.GeneratedMasterKeyPassword = ""
			m.outcomes[msg.Ref] = o
		}
		cmds = append(cmds, m.setNote(fmt.Sprintf("%s: %s done in %s", msg.Host, title, fmtDuration(msg.Result.Duration)), false))
		if !m.runAll {
			if sel, ok := m.selectedRef(); ok && sel == msg.Ref {
				if next, ok := m.nextRunnable(); ok {
					m.selectRef(next)
				}
				m.focus = focusList
			}
		}
	}
	m.syncDetail()
	cmds = append(cmds, m.schedule())
	return tea.Batch(cmds...)
}

// schedule starts, on every idle host, the next pending step the operator
// approved with A. It ends "run all" when nothing is left to start.
func (m *Model) schedule() tea.Cmd {
	if !m.runAll {
		return nil
	}
	var cmds []tea.Cmd
	for _, h := range m.snap.Checklist.Hosts {
		if m.running[h.Host] != nil {
			continue
		}
		for _, it := range h.Items {
			if it.Status == steps.Pending && !it.Manual && m.allowed[it.Ref] && !m.failed[it.Ref] {
				var opts RunOptions
				if it.ID == steps.IDMasterKey {
					// Used once: a retry after a failure asks again.
					opts.MasterKeyPassword = m.mkTyped[it.Host]
					delete(m.mkTyped, it.Host)
				}
				cmds = append(cmds, m.startRun(runStep, it.Ref, opts, ""))
				break
			}
		}
	}
	if len(cmds) == 0 && len(m.running) == 0 {
		m.runAll = false
		left := 0
		for r := range m.allowed {
			if it := m.snap.Checklist.Item(r); it != nil && it.Status != steps.Done {
				left++
			}
		}
		m.allowed = map[steps.Ref]bool{}
		m.endRunAll()
		if m.snap.Checklist.Complete() {
			return m.setNote(fmt.Sprintf("Ran %d steps", m.ranInBatch), false)
		}
		return m.setNote(fmt.Sprintf("Ran %d steps; %d could not run (failed, blocked, conflict or manual): see the checklist", m.ranInBatch, left), left > 0)
	}
	return tea.Batch(cmds...)
}

// cancelAll cancels every run in flight and stops "run all". It returns what
// was cancelled, for the quit dialog.
func (m *Model) cancelAll() []string {
	var out []string
	for _, h := range m.snap.Checklist.Hosts {
		if r := m.running[h.Host]; r != nil {
			r.cancel()
			out = append(out, fmt.Sprintf("%s: %s", h.Host, m.title(r.ref)))
		}
	}
	m.runAll = false
	m.allowed = map[steps.Ref]bool{}
	m.endRunAll()
	return out
}

// endRunAll forgets typed passwords A did not use and shows the passwords
// generated during it, all in one dialog.
func (m *Model) endRunAll() {
	for h := range m.mkTyped {
		delete(m.mkTyped, h)
	}
	m.askQueue, m.askRefs = nil, nil
	if len(m.held) > 0 {
		// Plan order, not the order the hosts happened to finish in.
		order := map[string]int{}
		for i, h := range m.snap.Checklist.Hosts {
			order[h.Host] = i
		}
		sort.SliceStable(m.held, func(i, j int) bool { return order[m.held[i].host] < order[m.held[j].host] })
		m.passwords = append(m.passwords, m.held)
		m.held = nil
	}
}

// title is an item's checklist label, or its id when unknown.
func (m Model) title(r steps.Ref) string {
	if it := m.snap.Checklist.Item(r); it != nil && it.Title != "" {
		return it.Title
	}
	return r.ID
}
