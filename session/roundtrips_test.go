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
