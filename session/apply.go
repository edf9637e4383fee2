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
// dependency order. On each host, every item that can run at that moment is
// sent in one batch with the state re-read; an inbound certificate waits
// until the peer's certificate exists. An item that fails is not retried in
// the same Apply. Conflicts are left alone. progress (may be nil) is called
// from one goroutine at a time.
func (s *Session) Apply(ctx context.Context, progress func(Event)) error {
	var emitMu sync.Mutex
	emit := func(e Event) {
		if progress == nil {
			return
		}
		emitMu.Lock()
		defer emitMu.Unlock()
		progress(e)
	}
	active := map[string]bool{}
	tried := map[steps.Ref]bool{}
	s.mu.Lock()
	for _, name := range s.order {
		active[name] = true
	}
	s.mu.Unlock()

	var wg sync.WaitGroup
	for _, name := range s.order {
		wg.Go(func() {
			defer func() {
				s.mu.Lock()
				active[name] = false
				s.notifyLocked()
				s.mu.Unlock()
			}()
			s.applyHost(ctx, name, active, tried, emit)
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.summary(tried, emit)
}

// applyHost is one host's loop: run what can run, wait while a peer that is
// still working may unblock something, stop otherwise.
func (s *Session) applyHost(ctx context.Context, host string, active map[string]bool, tried map[steps.Ref]bool, emit func(Event)) {
	hc := s.hosts[host]
	for ctx.Err() == nil {
		s.mu.Lock()
		changed := s.changed // taken before reading, so no wake-up is missed
		s.mu.Unlock()
		cl := s.Checklist()
		var batch []steps.Item
		wait := false
		s.mu.Lock()
		for _, hl := range cl.Hosts {
			if hl.Host != host {
				continue
			}
			for _, it := range hl.Items {
				switch {
				case it.Status == steps.Pending && !it.Manual && len(it.Statements) > 0 && !tried[it.Ref]:
					batch = append(batch, it)
				case it.Status == steps.Blocked:
					for _, b := range it.BlockedBy {
						if b.Host != host && active[b.Host] && !tried[b] {
							wait = true
						}
					}
				}
			}
		}
		for _, it := range batch {
			tried[it.Ref] = true
		}
		s.mu.Unlock()
		if len(batch) == 0 {
			if !wait {
				return
			}
			select {
			case <-changed:
			case <-ctx.Done():
				return
			}
			continue
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
		for _, o := range outs {
			e := Event{Ref: o.item.Ref, Phase: PhaseDone, Result: o.result}
			if o.result != nil {
				e.Duration = o.result.Duration
			}
			if o.err != nil {
				e.Phase, e.Err, e.Result = PhaseFailed, o.err, nil
			}
			emit(e)
		}
	}
}

// summary reports what is not done after Apply, as skipped events and an
// *IncompleteError.
func (s *Session) summary(tried map[steps.Ref]bool, emit func(Event)) error {
	cl := s.Checklist()
	inc := &IncompleteError{Details: map[steps.Ref]string{}}
	for _, h := range s.Hosts() {
		if !h.Connected || h.Err != nil {
			inc.Unreachable = append(inc.Unreachable, h.Name)
		}
	}
	for _, hl := range cl.Hosts {
		for _, it := range hl.Items {
			if it.Status == steps.Done {
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
