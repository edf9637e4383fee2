package sched

import "sort"

// Password is a generated master key password waiting to be shown once.
// Uncertain marks one whose CREATE MASTER KEY may or may not have run (the
// connection was lost or the run cancelled): the operator must check.
type Password struct {
	Host      string
	Password  string
	Uncertain bool
}

// Passwords is the queue of generated passwords not yet confirmed as
// stored: one dialog per group. A step run alone makes a group of one; the
// demo's `A` holds its passwords and shows them as one group at its end.
type Passwords struct {
	Groups [][]Password
	Held   []Password
}

// Add queues p in a group of its own, or holds it for the end of `A`.
func (q *Passwords) Add(p Password, hold bool) {
	if hold {
		q.Held = append(q.Held, p)
		return
	}
	q.Groups = append(q.Groups, []Password{p})
}

// Release turns the held passwords into one group, in plan order (order
// lists the hosts), not the order the hosts finished in.
func (q *Passwords) Release(order []string) {
	if len(q.Held) == 0 {
		return
	}
	pos := map[string]int{}
	for i, h := range order {
		pos[h] = i
	}
	sort.SliceStable(q.Held, func(i, j int) bool { return pos[q.Held[i].Host] < pos[q.Held[j].Host] })
	q.Groups = append(q.Groups, q.Held)
	q.Held = nil
}

// Pending reports whether any password has not been confirmed as stored.
func (q *Passwords) Pending() bool { return len(q.Groups) > 0 || len(q.Held) > 0 }

// Current is the group on screen, nil when none.
func (q *Passwords) Current() []Password {
	if len(q.Groups) == 0 {
		return nil
	}
	return q.Groups[0]
}

// More is how many groups wait after the current one.
func (q *Passwords) More() int { return max(0, len(q.Groups)-1) }

// Dismiss forgets the current group for good: the operator stored it.
func (q *Passwords) Dismiss() {
	if len(q.Groups) == 0 {
		return
	}
	clear(q.Groups[0])
	q.Groups = q.Groups[1:]
}

// ShowAll puts every waiting password (held ones too) in the current group,
// so that all of them are on screen at once: before an interrupted program
// may end, each must have been shown.
func (q *Passwords) ShowAll(order []string) {
	q.Release(order)
	if len(q.Groups) < 2 {
		return
	}
	var all []Password
	for _, g := range q.Groups {
		all = append(all, g...)
	}
	q.Groups = [][]Password{all}
}
