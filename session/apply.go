package session

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/mirrorcert/mirrorcert/steps"
)

// IncompleteError is Apply's error when some items are not done at the end.
type IncompleteError struct {
	Conflicts   []steps.Ref // need an operator's decision; never remedied automatically
	Failed      []steps.Ref // a statement failed
	Unreachable []string    // hosts that could not be connected or read
	Remaining   []steps.Ref // anything else not done (blocked behind the above, manual)
	Details     map[steps.Ref]string
}

func (e *IncompleteError) Error() string {
	var parts []string
	if len(e.Unreachable) > 0 {
		parts = append(parts, "unreachable: "+strings.Join(e.Unreachable, ", "))
	}
	if len(e.Conflicts) > 0 {
		parts = append(parts, fmt.Sprintf("%d item(s) need a decision (conflicts are never changed automatically)", len(e.Conflicts)))
	}
	if len(e.Failed) > 0 {
		parts = append(parts, fmt.Sprintf("%d item(s) failed", len(e.Failed)))
	}
	if len(e.Remaining) > 0 {
		parts = append(parts, fmt.Sprintf("%d item(s) not done", len(e.Remaining)))
	}
	return "incomplete: " + strings.Join(parts, "; ")
}

// Apply runs every pending item on every host: hosts in parallel, items in
// dependency order, in the batches nextBatch plans (the outbound chain, then
// the whole inbound set once the peers' certificates are known), each with
// the state re-read appended. An item that fails is not retried in the same
// Apply, and the items in its batch that need it are skipped on the server
// and reported as not run. Conflicts are left alone. progress (may be nil)
// is called from one goroutine at a time.
func (s *Session) Apply(ctx context.Context, progress func(Event)) error {
	return s.ApplyAllowed(ctx, nil, progress)
}

// ApplyAllowed is Apply restricted to the items allow accepts (nil: all):
// the TUI's run-all, where the operator confirmed a list of items, runs
// through it so that it sends the same batches as apply.
func (s *Session) ApplyAllowed(ctx context.Context, allow func(steps.Ref) bool, progress func(Event)) error {
	var emitMu sync.Mutex
	emit := func(e Event) {
		if progress == nil {
			return
		}
		emitMu.Lock()
		defer emitMu.Unlock()
		progress(e)
	}
	sc := &sched{tried: map[steps.Ref]bool{}, inflight: map[steps.Ref]bool{}}
	var wg sync.WaitGroup
	for _, name := range s.order {
		wg.Go(func() { s.applyHost(ctx, name, sc, allow, emit) })
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.summary(sc.tried, allow, emit)
}

// sched is Apply's shared bookkeeping, guarded by Session.mu.
type sched struct {
	tried    map[steps.Ref]bool // sent (or refused) once in this Apply: never again
	inflight map[steps.Ref]bool // being sent right now
}

// finished reports whether items (a host's, as planned before its last
// batch) leave nothing this Apply could still send there: each was sent
// (or refused) already, is done, conflicts (never changed automatically),
// is manual, or is not allowed. A blocked, pending or unknown item that
// was not tried keeps the host going. Called with Session.mu held.
func (sc *sched) finished(items []steps.Item, allow func(steps.Ref) bool) bool {
	for _, it := range items {
		switch {
		case sc.tried[it.Ref], it.Status == steps.Done, it.Status == steps.Conflict, it.Manual,
			allow != nil && !allow(it.Ref):
		default:
			return false
		}
	}
	return true
}

// canProgress reports whether ref may still become done during this Apply:
// it is done, being sent, can be sent and was not tried, or blocked only by
// such items. Conflicts, manual steps, failures and unknown hosts cannot.
func (sc *sched) canProgress(cl *steps.Checklist, ref steps.Ref, memo map[steps.Ref]bool, allow func(steps.Ref) bool) bool {
	if v, ok := memo[ref]; ok {
		return v
	}
	memo[ref] = false // the graph is acyclic; this only guards against surprises
	it := cl.Item(ref)
	v := false
	switch {
	case it == nil:
	case it.Status == steps.Done, sc.inflight[ref]:
		v = true
	case it.Status == steps.Pending, it.Status == steps.Failed:
		v = sc.candidate(*it, allow)
	case it.Status == steps.Blocked:
		// Itself it must be something this Apply may send.
		v = !it.Manual && !sc.tried[ref] && (allow == nil || allow(ref))
		for _, b := range it.BlockedBy {
			if !v {
				break
			}
			if !sc.canProgress(cl, b, memo, allow) {
				v = false
				break
			}
		}
	}
	memo[ref] = v
	return v
}

// applyHost is one host's loop: send the batch nextBatch plans; when there
// is none, wait while work on another host may still unblock something
// here; otherwise stop.
func (s *Session) applyHost(ctx context.Context, host string, sc *sched, allow func(steps.Ref) bool, emit func(Event)) {
	hc := s.hosts[host]
	var sent []steps.Item // the host's items as planned before its last batch
	for ctx.Err() == nil {
		s.mu.Lock()
		changed := s.changed // taken before reading, so no wake-up is missed
		finished := sent != nil && sc.finished(sent, allow)
		s.mu.Unlock()
		if finished {
			// Everything the host had to send went: building the
			// whole checklist again only to find nothing more to do
			// was a third of the builds of an apply on 9 replicas.
			return
		}
		cl := s.sharedChecklist() // read only
		s.mu.Lock()
		if s.changed != changed {
			// A state changed while the checklist was built: it may
			// show a peer as not done that sched already counts as
			// tried, and the inbound set would go without it.
			s.mu.Unlock()
			continue
		}
		batch, wait := sc.nextBatch(&cl, host, allow)
		for _, it := range batch {
			sc.tried[it.Ref] = true
			sc.inflight[it.Ref] = true
		}
		s.mu.Unlock()
		if len(batch) == 0 {
			if !wait {
				// The checklist above may predate another host's
				// progress; only stop if nothing changed since.
				select {
				case <-changed:
					continue
				default:
					return
				}
			}
			if !s.waitForPeers(ctx, host, sc, changed) {
				return
			}
			continue
		}
		for i := range cl.Hosts {
			if cl.Hosts[i].Host == host {
				sent = cl.Hosts[i].Items
			}
		}
		for _, it := range batch {
			emit(Event{Ref: it.Ref, Phase: PhaseStart})
		}
		hc.mu.Lock()
		var outs []outcome
		if err := s.ensureConnectedLocked(ctx, hc); err != nil {
			for _, it := range batch {
				outs = append(outs, outcome{item: it, err: err})
			}
			s.recordOutcomes(outs)
		} else {
			outs = s.execLocked(ctx, hc, batch, false)
		}
		hc.mu.Unlock()
		s.mu.Lock()
		for _, it := range batch {
			delete(sc.inflight, it.Ref)
		}
		s.notifyLocked() // a failure can end another host's wait too
		s.mu.Unlock()
		for _, o := range outs {
			e := Event{Ref: o.item.Ref, Phase: PhaseDone, Result: o.result}
			if o.result != nil {
				e.Duration = o.result.Duration
			}
			if o.err != nil {
				e.Phase, e.Err = PhaseFailed, o.err
				if e.Result == nil || !e.Result.MasterKeyPasswordUncertain {
					e.Result = nil
				}
			}
			emit(e)
		}
	}
}

// summary reports what is not done after Apply, as skipped events and an
// *IncompleteError.
func (s *Session) summary(tried map[steps.Ref]bool, allow func(steps.Ref) bool, emit func(Event)) error {
	cl := s.Checklist()
	inc := &IncompleteError{Details: map[steps.Ref]string{}}
	for _, h := range s.Hosts() {
		if !h.Connected || h.Err != nil {
			inc.Unreachable = append(inc.Unreachable, h.Name)
		}
	}
	for _, hl := range cl.Hosts {
		for _, it := range hl.Items {
			if it.Status == steps.Done || (allow != nil && !allow(it.Ref)) {
				continue
			}
			inc.Details[it.Ref] = it.Detail
			switch it.Status {
			case steps.Conflict:
				inc.Conflicts = append(inc.Conflicts, it.Ref)
			case steps.Failed:
				inc.Failed = append(inc.Failed, it.Ref)
			default:
				inc.Remaining = append(inc.Remaining, it.Ref)
			}
			if !tried[it.Ref] {
				emit(Event{Ref: it.Ref, Phase: PhaseSkipped, Err: fmt.Errorf("%s: %s", it.Status, it.Detail)})
			}
		}
	}
	if len(inc.Details) == 0 && len(inc.Unreachable) == 0 {
		return nil
	}
	sort.Strings(inc.Unreachable)
	return inc
}

// waitForPeers waits for a state change that may let host send its inbound
// set, and reports false when ctx ends. Changes that land while another
// host's outbound batch is still in flight are let pass: the inbound set
// waits for every peer's certificate anyway, and building the checklist
// (the client's costliest work) on each of them made its cost grow with
// the cube of the host count. The host that finishes the last outbound
// batch clears it from inflight before it signals, so that signal is seen.
func (s *Session) waitForPeers(ctx context.Context, host string, sc *sched, changed chan struct{}) bool {
	for {
		select {
		case <-changed:
		case <-ctx.Done():
			return false
		}
		s.mu.Lock()
		busy := sc.outboundInflight(host)
		changed = s.changed
		s.mu.Unlock()
		if !busy {
			return true
		}
	}
}

// outboundInflight reports whether an outbound item of a host other than
// host is being sent. Called with Session.mu held.
func (sc *sched) outboundInflight(host string) bool {
	for ref := range sc.inflight {
		if ref.Host != host && strings.HasPrefix(ref.ID, "outbound/") {
			return true
		}
	}
	return false
}
