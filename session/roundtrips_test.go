package session_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
)

// TestApplyThreeRoundTripsPerHost: the state read, the outbound chain and
// the whole inbound set: three batches on every host, for 3 hosts as for 9.
// Sending one dependency level per batch cost 5 per host on 3 hosts and up
// to 13 on 9 replicas, as each peer's certificate arrived on its own.
func TestApplyThreeRoundTripsPerHost(t *testing.T) {
	for _, n := range []int{3, 9} {
		t.Run(fmt.Sprintf("%d hosts", n), func(t *testing.T) {
			var names []string
			mode := plan.ModeMirroring
			if n != 3 {
				mode = plan.ModeAG
				for i := range n {
					names = append(names, fmt.Sprintf("HOST_%d", i+1))
				}
			}
			cl := startSim(t, names, 0)
			p := simPlan(t, cl, mode)
			ctx := context.Background()
			s := session.Open(ctx, simOptions(t, p, t.TempDir()))
			defer s.Close()
			if err := s.Apply(ctx, nil); err != nil {
				t.Fatalf("apply: %v", err)
			}
			if c := s.Checklist(); !c.Complete() {
				t.Fatalf("not complete: %v", notDone(c))
			}
			st := s.Stats()
			for _, h := range p.Hosts {
				if got := st.PerHost[h.Name]; got != 3 {
					t.Errorf("%s: %d round trips, want 3 (state read, outbound, inbound)", h.Name, got)
				}
			}
			if st.Logins != int64(n) {
				t.Errorf("%d logins for %d hosts", st.Logins, n)
			}
		})
	}
}

// TestChecklistBuiltOncePerStateChange: asking again without a state
// change hands out the cached checklist (as a copy the caller may change),
// and a whole apply builds it about once per state change (three per
// host), not 31-41 times on 3 hosts and 104-165 on 9 as before.
func TestChecklistBuiltOncePerStateChange(t *testing.T) {
	var names []string
	for i := range 9 {
		names = append(names, fmt.Sprintf("HOST_%d", i+1))
	}
	cl := startSim(t, names, 0)
	p := simPlan(t, cl, plan.ModeAG)
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	before := s.Stats().ChecklistBuilds
	c := s.Checklist()
	c.Hosts[0].Items[0].Status = "scribbled"
	c.Hosts[0].Items[0].Warnings = append(c.Hosts[0].Items[0].Warnings, "scribbled")
	for range 50 {
		c = s.Checklist()
	}
	if got := s.Stats().ChecklistBuilds - before; got != 1 {
		t.Errorf("51 calls without a state change built the checklist %d times, want 1", got)
	}
	if it := c.Hosts[0].Items[0]; it.Status == "scribbled" || len(it.Warnings) > 0 {
		t.Errorf("a caller's change reached the cached checklist: %+v", it)
	}
	before = s.Stats().ChecklistBuilds
	if err := s.Apply(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// Per host: the outbound and inbound state reads, plus a few builds
	// that race with a change and are not kept.
	if got, most := s.Stats().ChecklistBuilds-before, int64(4*len(names)); got > most {
		t.Errorf("apply on %d hosts built the checklist %d times, want at most %d", len(names), got, most)
	}
	t.Logf("apply built the checklist %d times", s.Stats().ChecklistBuilds-before)
}
