package sched

import (
	"github.com/mirrorcert/mirrorcert/steps"
)

// Wait is a step `A` will not reach by itself: it waits for For, items
// outside what `A` runs (a manual copy, a conflict, a host not read).
type Wait struct {
	Ref steps.Ref
	For []steps.Ref
}

// Plan is what `A` would do: Run are the steps it runs (pending ones,
// failed ones again, and blocked ones whose blockers it runs first), Wait
// the blocked ones that wait for something only the operator can do.
type Plan struct {
	Run  []steps.Ref
	Wait []Wait
}

// ForAll plans `A` over the checklist. Manual steps and conflicts are never
// run by it: they need the operator.
func ForAll(c *steps.Checklist) Plan {
	// A blocked item runs when everything it needs is done or runs too;
	// resolve to a fixed point, since blockers chain across hosts.
	runs := map[steps.Ref]bool{}
	for hi := range c.Hosts {
		for ii := range c.Hosts[hi].Items {
			it := &c.Hosts[hi].Items[ii]
			if it.Status == steps.Pending && !it.Manual {
				runs[it.Ref] = true
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for hi := range c.Hosts {
			for ii := range c.Hosts[hi].Items {
				it := &c.Hosts[hi].Items[ii]
				if it.Status != steps.Blocked || it.Manual || runs[it.Ref] {
					continue
				}
				if len(missing(c, it.BlockedBy, runs)) == 0 {
					runs[it.Ref] = true
					changed = true
				}
			}
		}
	}
	var p Plan
	for hi := range c.Hosts {
		for ii := range c.Hosts[hi].Items {
			it := &c.Hosts[hi].Items[ii]
			switch {
			case runs[it.Ref]:
				p.Run = append(p.Run, it.Ref)
			case it.Status == steps.Blocked && !it.Manual:
				p.Wait = append(p.Wait, Wait{Ref: it.Ref, For: roots(c, it.Ref, runs, map[steps.Ref]bool{})})
			}
		}
	}
	return p
}

// missing are the refs neither done nor run by A.
func missing(c *steps.Checklist, refs []steps.Ref, runs map[steps.Ref]bool) []steps.Ref {
	var out []steps.Ref
	for _, b := range refs {
		if runs[b] {
			continue
		}
		if it := c.Item(b); it != nil && it.Status == steps.Done {
			continue
		}
		out = append(out, b)
	}
	return out
}

// roots follows ref's blockers down to the items A cannot run: what the
// operator must do first.
func roots(c *steps.Checklist, ref steps.Ref, runs, seen map[steps.Ref]bool) []steps.Ref {
	it := c.Item(ref)
	if it == nil {
		return nil
	}
	var out []steps.Ref
	for _, b := range missing(c, it.BlockedBy, runs) {
		if seen[b] {
			continue
		}
		seen[b] = true
		bi := c.Item(b)
		if bi != nil && bi.Status == steps.Blocked && !bi.Manual {
			out = append(out, roots(c, b, runs, seen)...)
			continue
		}
		out = append(out, b)
	}
	return out
}

// BeginAll starts `A` over refs, the steps the operator approved. Their
// failure marks go: `A` retries a failed step.
func (s *State) BeginAll(refs []steps.Ref) {
	s.RunAll, s.Ran, s.FailedInBatch = true, 0, 0
	s.Allowed = map[steps.Ref]bool{}
	for _, r := range refs {
		s.Allowed[r] = true
		delete(s.Failed, r)
	}
}

// Due is, for every idle host, the first approved step that can start now.
func (s *State) Due(c *steps.Checklist) []steps.Ref {
	if !s.RunAll {
		return nil
	}
	var out []steps.Ref
	for hi := range c.Hosts {
		h := &c.Hosts[hi]
		if s.Busy(h.Host) {
			continue
		}
		for ii := range h.Items {
			it := &h.Items[ii]
			if it.Status == steps.Pending && !it.Manual && s.Allowed[it.Ref] && !s.Failed[it.Ref] {
				out = append(out, it.Ref)
				break
			}
		}
	}
	return out
}

// Left counts the approved steps that are not done.
func (s *State) Left(c *steps.Checklist) int {
	n := 0
	for r := range s.Allowed {
		if it := c.Item(r); it != nil && it.Status != steps.Done {
			n++
		}
	}
	return n
}

// EndAll stops `A`.
func (s *State) EndAll() {
	s.RunAll = false
	s.Allowed = map[steps.Ref]bool{}
}
