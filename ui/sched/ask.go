package sched

import "github.com/mirrorcert/mirrorcert/steps"

// Ask is the queue of master key passwords asked before `A` starts on real
// hosts: Queue are the master-key steps still to ask, Refs what `A` will
// run once every answer is in, Typed the answers by host ("" = generate),
// each used by its host's master-key step once.
type Ask struct {
	Queue []steps.Ref
	Refs  []steps.Ref
	Total int
	Typed map[string]string
}

// NewAsk plans the questions for refs: one per master-key step whose host
// has no password from elsewhere (preset reports a host whose password the
// environment supplies).
func NewAsk(refs []steps.Ref, preset func(host string) bool) Ask {
	a := Ask{Refs: refs, Typed: map[string]string{}}
	for _, r := range refs {
		if r.ID == steps.IDMasterKey && (preset == nil || !preset(r.Host)) {
			a.Queue = append(a.Queue, r)
		}
	}
	a.Total = len(a.Queue)
	return a
}

// Active reports whether a question is still open.
func (a *Ask) Active() bool { return len(a.Queue) > 0 }

// Next is the step asked about now and its position (1-based).
func (a *Ask) Next() (steps.Ref, int) {
	return a.Queue[0], a.Total - len(a.Queue) + 1
}

// Answer records the answer to the current question.
func (a *Ask) Answer(pw string) {
	r := a.Queue[0]
	a.Typed[r.Host] = pw
	a.Queue = a.Queue[1:]
}

// Take returns host's typed password once and forgets it.
func (a *Ask) Take(host string) string {
	pw := a.Typed[host]
	delete(a.Typed, host)
	return pw
}

// Forget drops every answer and question.
func (a *Ask) Forget() {
	clear(a.Typed)
	a.Queue, a.Refs, a.Total = nil, nil, 0
}
