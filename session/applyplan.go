package session

import (
	"strings"

	"github.com/mirrorcert/mirrorcert/steps"
)

// nextBatch plans the next batch for host from the checklist: the same plan
// for Apply and for the TUI's run-all, so both need three round trips per
// host (the state read, then these two) whatever the number of hosts.
//
//  1. The outbound chain (master key, certificate, endpoint, and in file
//     mode the backup) as ONE batch: T-SQL runs a batch's statements in
//     order, and an item whose need in the same batch failed is skipped on
//     the server (see composeBatch).
//  2. Then the whole inbound set (login, user, certificate FROM BINARY,
//     CONNECT for every peer) as ONE batch, but only once nothing on the host
//     still waits for another host that can make progress: sending it per
//     peer, as each peer's certificate arrives, is what made 9 replicas cost
//     12-13 round trips.
//
// An item goes in when it is pending (or failed earlier, or blocked only by
// items going in the same batch), has statements, is not manual, and allow
// (nil: everything) accepts it. wait is true when the host has items that
// another host's progress may still unblock. Called with s.mu held.
func (sc *sched) nextBatch(cl *steps.Checklist, host string, allow func(steps.Ref) bool) (batch []steps.Item, wait bool) {
	var hl *steps.HostList
	for i := range cl.Hosts {
		if cl.Hosts[i].Host == host {
			hl = &cl.Hosts[i]
		}
	}
	if hl == nil {
		return nil, false
	}
	in := map[steps.Ref]bool{}
	var out, inb []steps.Item
	for _, it := range hl.Items {
		if !sc.candidate(it, allow) || !needsMet(cl, it, in) {
			continue
		}
		in[it.Ref] = true
		if strings.HasPrefix(it.ID, "outbound/") {
			out = append(out, it)
		} else {
			inb = append(inb, it)
		}
	}
	memo := map[steps.Ref]bool{}
	for _, it := range hl.Items {
		if !in[it.Ref] && it.Status == steps.Blocked && sc.canProgress(cl, it.Ref, memo, allow) {
			wait = true
		}
	}
	switch {
	case len(out) > 0:
		// Outbound never waits for another host; inbound items ready now
		// go with the inbound set, after the peers' certificates.
		return out, false
	case wait:
		return nil, true
	}
	return inb, false
}

// candidate reports whether it could go in a batch if its needs allow.
func (sc *sched) candidate(it steps.Item, allow func(steps.Ref) bool) bool {
	switch it.Status {
	case steps.Pending, steps.Failed, steps.Blocked:
	default:
		return false
	}
	return !it.Manual && len(it.Statements) > 0 && !sc.tried[it.Ref] && (allow == nil || allow(it.Ref))
}

// needsMet reports whether every need of it is done or goes earlier in the
// same batch.
func needsMet(cl *steps.Checklist, it steps.Item, in map[steps.Ref]bool) bool {
	for _, n := range it.Needs {
		if in[n] {
			continue
		}
		if ni := cl.Item(n); ni == nil || ni.Status != steps.Done {
			return false
		}
	}
	return true
}
