package session

import (
	"sync"
	"time"

	"github.com/mirrorcert/mirrorcert/steps"
)

// checklistCache holds the checklist built for one state of the session.
// steps.Build is the costliest thing the client does (on 9 hosts about 300
// items, with every pending peer certificate in hex), and apply, status and
// the TUI asked for it dozens of times per state change: 31-41 builds per
// apply on 3 hosts, 104-165 on 9. Guarded by Session.mu.
type checklistCache struct {
	// building serialises builds: when a change wakes every host of an
	// apply at once, one builds and the others take its result.
	building sync.Mutex
	// memo keeps the items of the last build for the next (guarded by
	// building): a state read remakes only the items it can change.
	// memoNow is the clock those items were made with; it is reused while
	// it is younger than staleAfter, like the cached checklist itself.
	memo    steps.Memo
	memoNow time.Time

	// guarded by Session.mu
	valid   bool
	version chan struct{} // Session.changed when built: replaced on every change
	built   time.Time     // the clock when built: dates decide expiry
	cl      steps.Checklist
}

// staleAfter bounds how long the clock may move before the checklist is
// built again: certificate validity and START_DATE are computed from it.
const staleAfter = time.Minute

// Checklist returns the checklist of the current states: built once per
// state change (a state read, a host error, a run's outcome) and then
// handed out as copies. Items whose last run failed show Failed with the
// error until the state shows them done.
func (s *Session) Checklist() steps.Checklist {
	return copyChecklist(s.sharedChecklist())
}

// sharedChecklist is Checklist without the copy, for the session's own
// readers that never change what they get (apply's planning): when a state
// read wakes every host of an apply, each copied the whole checklist in
// turn, on the critical path of the next batch. The cached checklist is
// replaced, never changed, so holding on to one is safe.
func (s *Session) sharedChecklist() steps.Checklist {
	if cl, ok := s.cachedShared(); ok {
		return cl
	}
	s.cache.building.Lock()
	defer s.cache.building.Unlock()
	if cl, ok := s.cachedShared(); ok {
		return cl // built by whoever held the lock before
	}
	now := s.buildClockLocked()
	s.mu.Lock()
	version := s.changed
	s.mu.Unlock()
	cl := s.buildChecklist(now, &s.cache.memo)
	s.builds.Add(1)
	sealChecklist(&cl)
	s.mu.Lock()
	// Only if nothing changed while building: a newer state wins.
	if s.changed == version {
		s.cache.valid, s.cache.version, s.cache.built, s.cache.cl = true, version, now, cl
	}
	s.mu.Unlock()
	return cl
}

// buildClockLocked is the clock a build uses: the memo's while it is
// younger than staleAfter, so that remembered items and new ones agree.
// Called with cache.building held.
func (s *Session) buildClockLocked() time.Time {
	now := s.now()
	if mn := s.cache.memoNow; !mn.IsZero() && now.Sub(mn).Abs() < staleAfter {
		return mn
	}
	s.cache.memoNow = now
	return now
}

// hostItems is host's items on the current states, as Checklist shows
// them but not linked across hosts (steps.HostItems: an item Checklist
// shows Blocked may be Pending here), with the failures of earlier runs.
// After a batch, asking whether its items are done costs a ninth of a
// whole build on 9 replicas.
func (s *Session) hostItems(host string) []steps.Item {
	s.cache.building.Lock()
	defer s.cache.building.Unlock()
	now := s.buildClockLocked()
	items := steps.HostItems(s.effectivePlan(), s.States(), now, host, &s.cache.memo)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range items {
		s.markFailedLocked(&items[i])
	}
	return items
}

// cachedShared returns the cached checklist itself if it is of the
// current state and clock.
func (s *Session) cachedShared() (steps.Checklist, bool) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &s.cache
	if !c.valid || c.version != s.changed || now.Sub(c.built).Abs() >= staleAfter {
		return steps.Checklist{}, false
	}
	return c.cl, true
}

// sealChecklist caps the slices inside the items, so that a caller that
// appends to its copy's Warnings or Statements gets a new array instead of
// writing into the cached one.
func sealChecklist(cl *steps.Checklist) {
	for hi := range cl.Hosts {
		for ii := range cl.Hosts[hi].Items {
			it := &cl.Hosts[hi].Items[ii]
			it.Needs = it.Needs[:len(it.Needs):len(it.Needs)]
			it.BlockedBy = it.BlockedBy[:len(it.BlockedBy):len(it.BlockedBy)]
			it.Statements = it.Statements[:len(it.Statements):len(it.Statements)]
			it.Warnings = it.Warnings[:len(it.Warnings):len(it.Warnings)]
		}
	}
}

// copyChecklist copies the host lists and items, so callers may change
// what they got (the checklist is a value) without touching the cache.
func copyChecklist(cl steps.Checklist) steps.Checklist {
	out := steps.Checklist{Hosts: make([]steps.HostList, len(cl.Hosts))}
	for i, h := range cl.Hosts {
		h.Items = append([]steps.Item(nil), h.Items...)
		out.Hosts[i] = h
	}
	return out
}
