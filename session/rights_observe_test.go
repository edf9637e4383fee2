package session_test

import (
	"context"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// A host read by a login without the rights stays failed whichever read
// saw it: verify's Observe and a step's re-read store the state too, and
// used to clear the RightsError that Refresh had set, so the host looked
// healthy (no error in Hosts, nothing for status or the TUI to show).
func TestRightsErrorSurvivesEveryRead(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	a := cl.Instances()[0].Addr
	execDirect(t, a, "CREATE LOGIN ops WITH PASSWORD = N'"+simPassword+"';")
	for i := range p.Hosts {
		if p.Hosts[i].Name == "HOST_A" {
			p.Hosts[i].Auth.User = "ops"
		}
	}
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	hostErr := func() error {
		for _, h := range s.Hosts() {
			if h.Name == "HOST_A" {
				return h.Err
			}
		}
		return nil
	}
	var re *session.RightsError
	if !errorsAs(hostErr(), &re) {
		t.Fatalf("after Open: HOST_A error = %v, want a RightsError", hostErr())
	}
	s.Observe(ctx, session.ObserveOptions{ProbeTimeout: -1})
	if !errorsAs(hostErr(), &re) {
		t.Fatalf("after Observe: HOST_A error = %v, want the RightsError kept", hostErr())
	}
	ref := steps.Ref{Host: "HOST_A", ID: "probe"}
	if _, err := s.RunStatements(ctx, ref, []tsql.Statement{{Text: "SELECT 1;", Database: tsql.Master}}, false); err != nil {
		t.Fatalf("run: %v", err)
	}
	if !errorsAs(hostErr(), &re) {
		t.Fatalf("after a run: HOST_A error = %v, want the RightsError kept", hostErr())
	}
}
