package ui

import (
	"context"
	"errors"
	"fmt"

	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
	"github.com/mirrorcert/mirrorcert/ui/sched"
)

// BatchRunner is a Backend that runs `A`'s approved steps the way apply
// does: each host's outbound chain as one batch, then its whole inbound set
// as one, three round trips per host whatever the host count, instead of
// one round trip per step. passwords are the master key passwords the
// operator typed, by host (absent: generate), each used once. done is
// called once per step that ran or failed, from one goroutine at a time;
// the error is the run's overall one (what is not done is also visible in
// the checklist). Cancelling ctx cancels what is on the server.
type BatchRunner interface {
	RunAll(ctx context.Context, approved []steps.Ref, passwords map[string]string, done func(ref steps.Ref, r Result, err error)) error
}

// batchRun is `A` in flight through a BatchRunner: one sched run per host
// it touches (so that a host shows busy and nothing else starts there), and
// the channel its results come back on.
type batchRun struct {
	id   uint64
	runs map[string]uint64 // host -> sched run id
	ran  map[steps.Ref][]tsql.Statement
	ch   chan tea.Msg
}

// batchStepMsg is one step's result inside `A`; Batch identifies the run.
type batchStepMsg struct {
	Batch uint64
	runDoneMsg
}

// batchDoneMsg ends `A`'s batch run.
type batchDoneMsg struct {
	Batch uint64
	Err   error
	Snap  Snapshot
}

// startBatch sends refs through br. Every host with an approved step is
// marked busy with its first approved step until the whole run ends.
func (m *Model) startBatch(br BatchRunner, refs []steps.Ref) tea.Cmd {
	wasBusy := m.busy()
	ctx, cancel := context.WithCancel(context.Background())
	b := &batchRun{runs: map[string]uint64{}, ran: map[steps.Ref][]tsql.Statement{}}
	passwords := map[string]string{}
	var send []steps.Ref
	for _, r := range refs {
		if _, ok := b.runs[r.Host]; !ok {
			run, ok := m.sched.Start(sched.Step, r)
			if !ok {
				// Something else runs there (a rotation): that host's
				// steps wait for the next A rather than run beside it.
				continue
			}
			b.runs[r.Host] = run.ID
			b.id = run.ID
			m.cancels[run.ID] = cancel
		}
		send = append(send, r)
		b.ran[r] = m.statementsFor(sched.Step, r)
		delete(m.outcomes, r)
		if r.ID == steps.IDMasterKey {
			// Used once, like a single run's: a retry asks again.
			if pw := m.ask.Take(r.Host); pw != "" {
				passwords[r.Host] = pw
			}
		}
	}
	refs = send
	if len(b.runs) == 0 {
		cancel()
		return m.closeRunAll()
	}
	// One message per approved step at most, plus the end: the runner
	// never blocks on a model that stopped reading (the program quit).
	b.ch = make(chan tea.Msg, len(refs)+1)
	m.batch = b
	m.log.Info("run all started", "steps", len(refs), "hosts", len(b.runs), "batch", b.id)
	be := m.opts.Backend
	go func() {
		defer cancel()
		err := br.RunAll(ctx, refs, passwords, func(ref steps.Ref, r Result, err error) {
			if err != nil && ctx.Err() != nil && !errors.Is(err, context.Canceled) {
				err = fmt.Errorf("%w: %w", context.Canceled, err)
			}
			b.ch <- batchStepMsg{Batch: b.id, runDoneMsg: runDoneMsg{Host: ref.Host, Ref: ref, Kind: sched.Step, Result: r, Err: err, Snap: be.Snapshot()}}
		})
		clear(passwords)
		b.ch <- batchDoneMsg{Batch: b.id, Err: err, Snap: be.Snapshot()}
		close(b.ch)
	}()
	cmds := []tea.Cmd{waitBatch(b.ch)}
	if !wasBusy {
		cmds = append(cmds, m.spin.Tick)
	}
	return tea.Batch(cmds...)
}

// waitBatch delivers the batch run's next message.
func waitBatch(ch chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

// batchStep records one step's result and shows the host's next approved
// step as the one running. A host whose every approved step has its result
// is idle at once, and when every host is, `A` ends there and then, in the
// same update as its last result (its passwords are shown with the
// checklist's completion, as when A ran step by step).
func (m *Model) batchStep(msg batchStepMsg) tea.Cmd {
	b := m.batch
	if b == nil || b.id != msg.Batch {
		return nil
	}
	cmds := m.recordResult(msg.runDoneMsg, b.ran[msg.Ref])
	delete(b.ran, msg.Ref)
	if id, ok := b.runs[msg.Host]; ok {
		if next, ok := m.nextApproved(msg.Host, b); ok {
			m.sched.Running[msg.Host] = sched.Run{ID: id, Ref: next, Kind: sched.Step}
		} else {
			m.sched.Finish(msg.Host, id)
			delete(m.cancels, id) // the runner's goroutine cancels when it returns
			delete(b.runs, msg.Host)
		}
	}
	if len(b.runs) > 0 {
		cmds = append(cmds, waitBatch(b.ch))
	} else {
		// Nothing is left to report but the runner's end.
		m.batch = nil
		if m.sched.RunAll {
			cmds = append(cmds, m.closeRunAll())
		}
	}
	return tea.Batch(append(cmds, m.quitIfDone(), m.autoCheck())...)
}

// nextApproved is host's first approved step without a result yet, in
// checklist order.
func (m *Model) nextApproved(host string, b *batchRun) (steps.Ref, bool) {
	for _, hl := range m.snap.Checklist.Hosts {
		if hl.Host != host {
			continue
		}
		for _, it := range hl.Items {
			if _, waiting := b.ran[it.Ref]; waiting {
				return it.Ref, true
			}
		}
	}
	for r := range b.ran { // not in the checklist shown: still awaited
		if r.Host == host {
			return r, true
		}
	}
	return steps.Ref{}, false
}

// batchDone ends `A`: its hosts are idle again, and the closing note says
// what ran, what failed and what waits for the operator.
func (m *Model) batchDone(msg batchDoneMsg) tea.Cmd {
	b := m.batch
	if b == nil || b.id != msg.Batch {
		return nil
	}
	m.batch = nil
	for host, id := range b.runs {
		m.sched.Finish(host, id)
		if c := m.cancels[id]; c != nil {
			c()
			delete(m.cancels, id)
		}
	}
	m.applySnapshot(msg.Snap)
	if msg.Err != nil {
		m.log.Info("run all ended", "batch", b.id, "err", msg.Err)
	}
	cmd := m.setNote("Run all cancelled", true)
	if m.sched.RunAll {
		cmd = m.closeRunAll()
	}
	return tea.Batch(cmd, m.quitIfDone(), m.autoCheck())
}
