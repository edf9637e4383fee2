package steps

import (
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
)

// Memo carries items from one Build to the next, so that a caller who
// builds after every state change (session: once per state read) only
// computes the items whose inputs changed. A host's own items depend on the
// plan, the clock and that host's State; a host's items for one peer on the
// plan, the clock, the host's State and the peer's peerFacts. Nothing else
// is read (resolve, which links items across hosts, always runs on the
// whole checklist).
//
// Without it every Build remade every item: on 9 replicas about 315 items,
// each peer certificate in hex, after each of the ~27 state reads of an
// apply, so the client's CPU grew as n³. With it a state read of one host
// remakes that host's items, and its items on each peer only when what
// they read of it changed (its certificate): O(n) per change.
//
// States are compared by pointer: a caller using a Memo must never change
// a State it has passed to Build before (session replaces a host's State
// on every read). The zero Memo is ready; a Memo is not safe for
// concurrent use.
type Memo struct {
	p     *plan.Plan
	now   time.Time
	items map[memoKey][]Item // as built; handed out as copies
	used  map[memoKey][]Item // what this Build used: the next Build's items
}

type memoKey struct {
	host, peer string // peer is "" for the host's own items
	self       *State
	facts      peerFacts // what the items for peer read of peer's state
}

// BuildMemo is Build reusing from m every group of items whose inputs are
// those of an earlier Build with m. Its result equals Build's.
func BuildMemo(p *plan.Plan, states map[string]*State, now time.Time, m *Memo) Checklist {
	return build(p, states, now, m)
}

// HostItems returns host's items as BuildMemo makes them but before they
// are linked across hosts: an item Build shows as Blocked (a need not done)
// may be Pending here; Done, Conflict and Unknown are Build's. It is for a
// caller that only asks whether items are done now (session, after a
// batch), at a ninth of a whole Build's cost on 9 replicas. It reuses and
// feeds m without forgetting the other hosts' items. nil if host is not in
// the plan.
func HostItems(p *plan.Plan, states map[string]*State, now time.Time, host string, m *Memo) []Item {
	h := p.Host(host)
	if h == nil {
		return nil
	}
	b := newBuilder(p, states, now)
	m = m.beginPartial(p, now)
	return b.hostList(*h, states, b.allPeerFacts(), m).Items
}

// beginPartial starts a build of some hosts only: groups it makes are
// added to what m holds, and nothing is forgotten.
func (m *Memo) beginPartial(p *plan.Plan, now time.Time) *Memo {
	if m == nil {
		return nil
	}
	m.inputs(p, now)
	m.used = nil
	return m
}

// begin starts a Build.
func (m *Memo) begin(p *plan.Plan, now time.Time) *Memo {
	if m == nil {
		return nil
	}
	m.inputs(p, now)
	m.used = make(map[memoKey][]Item, len(m.items))
	return m
}

// inputs forgets every item when the plan or the clock is another.
func (m *Memo) inputs(p *plan.Plan, now time.Time) {
	if m.p != p || !m.now.Equal(now) {
		m.p, m.now, m.items = p, now, nil
	}
}

// end keeps only the groups this Build used: older States are gone for
// good, and the memo stays the size of one checklist.
func (m *Memo) end() {
	if m == nil {
		return
	}
	m.items, m.used = m.used, nil
}

// appendGroup appends the items for key to dst: remembered ones as
// copies, else made.
func (m *Memo) appendGroup(dst []Item, key memoKey, make func() []Item) []Item {
	if m == nil {
		return append(dst, make()...)
	}
	items, ok := m.items[key]
	if !ok {
		items = make()
	}
	if m.used != nil {
		m.used[key] = items
	} else { // a partial build: keep everything, add this
		if m.items == nil {
			m.items = map[memoKey][]Item{}
		}
		m.items[key] = items
	}
	n := len(dst)
	dst = append(dst, items...)
	detach(dst[n:])
	return dst
}

// detach makes copies of remembered items safe to change: resolve and
// callers set status and detail, append to BlockedBy or Warnings, and
// change a conflict's remedy blockers and fix, none of which may reach the
// remembered items. Capping each slice makes an append copy it.
func detach(items []Item) {
	for i := range items {
		it := &items[i]
		it.Needs = it.Needs[:len(it.Needs):len(it.Needs)]
		it.BlockedBy = it.BlockedBy[:len(it.BlockedBy):len(it.BlockedBy)]
		it.Statements = it.Statements[:len(it.Statements):len(it.Statements)]
		it.Warnings = it.Warnings[:len(it.Warnings):len(it.Warnings)]
		if it.Conflict != nil {
			c := *it.Conflict
			c.Remedy = c.Remedy[:len(c.Remedy):len(c.Remedy)]
			c.RemedyNeeds = c.RemedyNeeds[:len(c.RemedyNeeds):len(c.RemedyNeeds)]
			c.RemedyBlockedBy = c.RemedyBlockedBy[:len(c.RemedyBlockedBy):len(c.RemedyBlockedBy)]
			it.Conflict = &c
		}
	}
}
