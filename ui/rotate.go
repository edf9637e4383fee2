package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/rotate"
)

// Rotator is what R needs from a Backend: the rotation of one host's
// endpoint certificate, derived by steps/rotate from what every host shows
// (the same sequence `mirrorcert rotate` runs), and running one of its
// steps. A Backend without it does not offer R.
type Rotator interface {
	// Rotation reads every host's mirroring views (after reading every
	// host's state again when refresh is set) and derives host's rotation
	// to a certificate expiring on expiry.
	Rotation(ctx context.Context, host string, expiry time.Time, refresh bool) (RotationView, error)
	// RunRotationStep runs one step's statements on its host and reads that
	// host again. The operator confirmed it (the endpoint switch after the
	// failover warning).
	RunRotationStep(ctx context.Context, st rotate.Step) (Result, error)
}

// RotationView is a rotation as last derived, with the sessions' state.
type RotationView struct {
	Seq  rotate.Sequence
	Live map[string]*rotate.Live
}

// rotation is the rotation the operator started with R. gen identifies it:
// results of an earlier one are dropped.
type rotation struct {
	host    string
	expiry  time.Time
	gen     uint64
	view    RotationView
	built   bool
	err     error // the last derivation failed: why
	running *steps.Ref
	runID   uint64
	cancel  context.CancelFunc
	// auto is set by A: every step runs in turn, the endpoint switch after
	// its own confirmation.
	auto    bool
	polling bool
	// note is the rotation's last message, shown with it: the status
	// line gives way to "All hosts configured" on a configured setup.
	note      string
	noteIsErr bool
	// stale is the step that just ran: still pending after it means it did
	// not take, and A must not send it again blindly.
	stale *steps.Ref
}

// rotationMsg brings a rotation as derived again, after R, a step or a
// poll. Ran is the step that ran (nil for a build or a poll), RunID its run.
type rotationMsg struct {
	Gen    uint64
	View   RotationView
	Err    error
	Snap   Snapshot
	Ran    *steps.Ref
	RunID  uint64
	Result Result
	RunErr error
	Poll   bool
}

// rotationPollMsg asks to read the servers again while a step waits for
// the reconnect.
type rotationPollMsg struct{ Gen uint64 }

// rotationPollEvery is how often a waiting rotation reads the servers.
const rotationPollEvery = time.Second

// rotator is the backend's Rotator, nil when it has none.
func (m *Model) rotator() Rotator {
	r, _ := m.opts.Backend.(Rotator)
	return r
}

// rotationCmd derives the rotation again; poll marks the answer to a poll
// (the poll chain goes on from it), refresh reads every host first.
func rotationCmd(b Backend, r Rotator, gen uint64, host string, expiry time.Time, refresh, poll bool) tea.Cmd {
	return func() tea.Msg {
		v, err := r.Rotation(context.Background(), host, expiry, refresh)
		return rotationMsg{Gen: gen, View: v, Err: err, Snap: b.Snapshot(), Poll: poll}
	}
}

func rotationStepCmd(ctx context.Context, b Backend, r Rotator, gen, id uint64, host string, expiry time.Time, st rotate.Step) tea.Cmd {
	return func() tea.Msg {
		ref := steps.Ref{Host: st.Host, ID: st.ID}
		res, runErr := r.RunRotationStep(ctx, st)
		if runErr != nil && ctx.Err() != nil && !errors.Is(runErr, context.Canceled) {
			runErr = fmt.Errorf("%w: %w", context.Canceled, runErr)
		}
		// Derived again whatever happened: the servers say what is done.
		v, err := r.Rotation(context.WithoutCancel(ctx), host, expiry, false)
		return rotationMsg{Gen: gen, View: v, Err: err, Snap: b.Snapshot(), Ran: &ref, RunID: id, Result: res, RunErr: runErr}
	}
}

// rotationPoll waits, then asks for the next read.
func rotationPoll(gen uint64) tea.Cmd {
	return tea.Tick(rotationPollEvery, func(time.Time) tea.Msg { return rotationPollMsg{Gen: gen} })
}

// beginRotation shows host's rotation to expiry: nothing runs yet.
func (m *Model) beginRotation(host string, expiry time.Time) tea.Cmd {
	r := m.rotator()
	if r == nil {
		return nil
	}
	gen := uint64(1)
	if m.rot != nil {
		gen = m.rot.gen + 1
		if m.rot.cancel != nil {
			m.rot.cancel()
		}
	}
	m.rot = &rotation{host: host, expiry: expiry, gen: gen}
	return tea.Batch(rotationCmd(m.opts.Backend, r, gen, host, expiry, false, false),
		m.setNote("Reading every host for "+host+"'s rotation"+m.st.Glyphs.Ellipsis, false))
}

// rotationDone takes a derived rotation in, then decides what runs next.
func (m *Model) rotationDone(msg rotationMsg) tea.Cmd {
	rot := m.rot
	if rot == nil || msg.Gen != rot.gen {
		return nil
	}
	m.applySnapshot(msg.Snap)
	if msg.Poll {
		rot.polling = false
	}
	var cmds []tea.Cmd
	if msg.Ran != nil {
		if rot.running == nil || msg.RunID != rot.runID {
			return nil // a cancelled run's late answer
		}
		if rot.cancel != nil {
			rot.cancel() // the run is over: release its context
		}
		rot.running, rot.cancel = nil, nil
		m.outcomes[*msg.Ran] = outcome{result: msg.Result, err: msg.RunErr}
		if msg.RunErr != nil {
			rot.auto = false
			cmds = append(cmds, m.rotNote(fmt.Sprintf("%s: %s failed: %s; nothing was lost (the old certificate still works)", msg.Ran.Host, msg.Ran.ID, shortError(msg.RunErr)), true))
		} else {
			rot.stale = msg.Ran
		}
	}
	if msg.Err != nil {
		rot.err, rot.auto = msg.Err, false
		cmds = append(cmds, m.rotNote("Rotation of "+rot.host+": "+shortError(msg.Err), true))
		if msg.Poll && rot.built {
			// A read failing while a host reconnects: keep the last view
			// and read again; the note says why it is not moving.
			cmds = append(cmds, m.startPoll())
		}
		return tea.Batch(cmds...)
	}
	first := !rot.built
	rot.err, rot.view, rot.built = nil, msg.View, true
	if first {
		// R: put the selection on the rotation's first step to run.
		m.selectRotationNext()
	}
	return tea.Batch(append(cmds, m.rotationNext())...)
}

// rotationNext runs what A approved, or polls while a step waits.
func (m *Model) rotationNext() tea.Cmd {
	rot := m.rot
	q := rot.view.Seq
	switch {
	case q.Complete():
		rot.auto, rot.stale = false, nil
		rot.note = "" // the rotation's own line says it
		return tea.Batch(m.setNote(fmt.Sprintf("%s rotated: its endpoint authenticates with %s on every host; the old certificate is gone", rot.host, q.NewName), false),
			m.watchSession())
	case rot.running != nil:
		return nil
	}
	if stage := q.Stage(); len(stage) > 0 {
		next := stage[0]
		if rot.stale != nil && *rot.stale == (steps.Ref{Host: next.Host, ID: next.ID}) {
			rot.auto, rot.stale = false, nil
			return m.rotNote(fmt.Sprintf("%s on %s ran but still shows as pending: see its detail, then press r", next.ID, next.Host), true)
		}
		rot.stale = nil
		if !rot.auto {
			return m.watchSession()
		}
		if next.Live {
			m.openLiveConfirm(next)
			return nil
		}
		return m.runRotationStep(next)
	}
	rot.stale = nil
	if q.Waiting() {
		return m.startPoll()
	}
	rot.auto = false
	return m.rotNote("Rotation of "+rot.host+" stopped: "+q.Stuck(), true)
}

// pollRotation reads the servers again for a waiting rotation.
func (m *Model) pollRotation(msg rotationPollMsg) tea.Cmd {
	rot := m.rot
	if rot == nil || msg.Gen != rot.gen || rot.running != nil {
		if rot != nil && msg.Gen == rot.gen {
			rot.polling = false
		}
		return nil
	}
	return rotationCmd(m.opts.Backend, m.rotator(), rot.gen, rot.host, rot.expiry, true, true)
}

// runRotationStep sends one step; the endpoint switch has been confirmed.
func (m *Model) runRotationStep(st rotate.Step) tea.Cmd {
	rot := m.rot
	if rot.running != nil {
		return m.rotNote(fmt.Sprintf("%s is still running on %s; wait for it to finish", rot.running.ID, rot.running.Host), true)
	}
	ref := steps.Ref{Host: st.Host, ID: st.ID}
	wasBusy := m.busy()
	rot.runID++
	ctx, cancel := context.WithCancel(context.Background())
	rot.running, rot.cancel = &ref, cancel
	rot.note = ""
	delete(m.outcomes, ref)
	cmds := []tea.Cmd{rotationStepCmd(ctx, m.opts.Backend, m.rotator(), rot.gen, rot.runID, rot.host, rot.expiry, st)}
	if !wasBusy {
		cmds = append(cmds, m.spin.Tick)
	}
	return tea.Batch(cmds...)
}

// rotationStep is the current step for ref, when the rotation has it.
func (m *Model) rotationStep(ref steps.Ref) (rotate.Step, bool) {
	if m.rot == nil {
		return rotate.Step{}, false
	}
	for _, s := range m.rot.view.Seq.Steps {
		if s.Host == ref.Host && s.ID == ref.ID {
			return s, true
		}
	}
	return rotate.Step{}, false
}

// rotBusy reports whether a rotation step is in flight.
func (m *Model) rotBusy() bool { return m.rot != nil && m.rot.running != nil }

// cancelRotation cancels the rotation step in flight and stops A's run of
// the rotation; it returns what was cancelled, for the quit dialog. The
// rotation resumes from what the servers show.
func (m *Model) cancelRotation() []string {
	if m.rot == nil {
		return nil
	}
	m.rot.auto = false
	if m.rot.running == nil {
		return nil
	}
	if m.rot.cancel != nil {
		m.rot.cancel()
	}
	return []string{fmt.Sprintf("%s: %s", m.rot.running.Host, m.rot.running.ID)}
}

// rotPolling reports whether a rotation waits for the servers and will
// read them again: work still to come, for scripted drivers.
func (m *Model) rotPolling() bool { return m.rot != nil && m.rot.polling }

// refreshRotation derives the rotation on screen again (r): what the
// operator changed on the servers shows in its steps too.
func (m *Model) refreshRotation() tea.Cmd {
	rot := m.rot
	if rot == nil || rot.running != nil || m.rotator() == nil {
		return nil
	}
	return rotationCmd(m.opts.Backend, m.rotator(), rot.gen, rot.host, rot.expiry, true, false)
}

// rotNote shows a message about the rotation, with it and on the status line.
func (m *Model) rotNote(text string, isErr bool) tea.Cmd {
	if m.rot != nil {
		m.rot.note, m.rot.noteIsErr = text, isErr
	}
	return m.setNote(text, isErr)
}

// startPoll reads the servers again in a moment, unless a read is already
// due.
func (m *Model) startPoll() tea.Cmd {
	if m.rot.polling {
		return nil
	}
	m.rot.polling = true
	return rotationPoll(m.rot.gen)
}

// watchSession keeps the sessions' state live while one is not
// synchronized yet (after the switch, or a session still catching up).
func (m *Model) watchSession() tea.Cmd {
	for _, l := range m.rot.view.Live {
		if l == nil || !l.Read {
			continue
		}
		for _, s := range l.Sessions {
			if !strings.EqualFold(s.State, "SYNCHRONIZED") {
				return m.startPoll()
			}
		}
	}
	return nil
}
