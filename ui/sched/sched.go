// Package sched is the TUI's run scheduling as plain data with pure
// transitions: what runs on which host, what failed, what `A` approved and
// what it starts next, and the queue of generated master key passwords
// waiting to be shown. It does no I/O and knows nothing of Bubble Tea, so it
// is tested without a terminal; the root model turns its answers into Cmds.
package sched

import (
	"github.com/mirrorcert/mirrorcert/steps"
)

// Kind says what a run does.
type Kind int

// The kinds of run.
const (
	Step   Kind = iota // a pending item's statements
	Remedy             // a conflict's destructive fix
	Manual             // the operator confirms a manual step
)

// Run is one run in flight on a host.
type Run struct {
	ID   uint64
	Ref  steps.Ref
	Kind Kind
}

// State is what is running and what the operator approved. One run per host
// is in flight at most, because a host's steps depend on each other in order.
type State struct {
	Running map[string]Run
	NextID  uint64
	Failed  map[steps.Ref]bool
	// RunAll is true while `A` runs Allowed; Ran and FailedInBatch count
	// its results for the closing note.
	RunAll        bool
	Allowed       map[steps.Ref]bool
	Ran           int
	FailedInBatch int
}

// New returns an idle state.
func New() State {
	return State{Running: map[string]Run{}, Failed: map[steps.Ref]bool{}, Allowed: map[steps.Ref]bool{}}
}

// Busy reports whether a run is in flight on host ("" = any host).
func (s *State) Busy(host string) bool {
	if host == "" {
		return len(s.Running) > 0
	}
	_, ok := s.Running[host]
	return ok
}

// Start records a new run on ref's host; false when the host is busy.
func (s *State) Start(kind Kind, ref steps.Ref) (Run, bool) {
	if s.Busy(ref.Host) {
		return Run{}, false
	}
	s.NextID++
	r := Run{ID: s.NextID, Ref: ref, Kind: kind}
	s.Running[ref.Host] = r
	return r, true
}

// Finish ends the run id on host. It reports false for a stale result (the
// run was cancelled and replaced, or never existed), which must be dropped.
func (s *State) Finish(host string, id uint64) (Run, bool) {
	r, ok := s.Running[host]
	if !ok || r.ID != id {
		return Run{}, false
	}
	delete(s.Running, host)
	return r, true
}

// Record notes a finished run's result: failed or not.
func (s *State) Record(ref steps.Ref, failed bool) {
	if failed {
		s.Failed[ref] = true
		if s.RunAll && s.Allowed[ref] {
			s.FailedInBatch++
		}
		return
	}
	delete(s.Failed, ref)
	s.Ran++
}

// ClearFailures forgets failure marks of idle hosts (after a refresh, the
// servers' state is the truth again).
func (s *State) ClearFailures() {
	for r := range s.Failed {
		if !s.Busy(r.Host) {
			delete(s.Failed, r)
		}
	}
}

// Effective marks a pending item whose last run failed as Failed: the
// checklist from steps never says Failed, the UI knows it from the run.
func (s *State) Effective(it steps.Item) steps.Item {
	if it.Status == steps.Pending && s.Failed[it.Ref] {
		it.Status = steps.Failed
	}
	return it
}

// NextRunnable is the first item that can run now: pending, not failed, on
// an idle host, starting with host index from and going round the others.
func (s *State) NextRunnable(c *steps.Checklist, from int) (steps.Ref, bool) {
	hs := c.Hosts
	for k := range hs {
		h := &hs[(from+k)%len(hs)]
		if s.Busy(h.Host) {
			continue
		}
		for i := range h.Items {
			if it := &h.Items[i]; it.Status == steps.Pending && !s.Failed[it.Ref] {
				return it.Ref, true
			}
		}
	}
	return steps.Ref{}, false
}
