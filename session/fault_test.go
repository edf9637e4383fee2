package session_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
)

// TestDroppedConnectionAtEachStep drops the connection when each kind of
// statement is sent, on every host at once, then clears the fault and runs
// apply again: it must complete without errors and leave exactly one of
// every object.
func TestDroppedConnectionAtEachStep(t *testing.T) {
	faults := []string{
		`*:drop-on=/CREATE MASTER KEY/`,
		`*:drop-on=/CREATE CERTIFICATE \[HOST_[ABW]_cert\]\s+WITH/`,
		`*:drop-on=/CREATE ENDPOINT/`,
		`*:drop-on=/CREATE LOGIN/`,
		`*:drop-on=/CREATE USER/`,
		`*:drop-on=/FROM BINARY/`,
		`*:drop-on=/GRANT CONNECT/`,
		`HOST_B:drop-on=/CREATE ENDPOINT/`,
		// By position: the session reads each host once, then sends the
		// outbound batch and the inbound batch; drop each in turn.
		`HOST_A:drop-after=1`,
		`HOST_A:drop-after=2`,
		`*:drop-after=1`,
		`*:drop-after=2`,
	}
	for _, spec := range faults {
		t.Run(spec, func(t *testing.T) {
			cl := startSim(t, nil, 0)
			p := simPlan(t, cl, plan.ModeMirroring)
			ctx := context.Background()
			if err := cl.SetFaults(spec); err != nil {
				t.Fatalf("SetFaults: %v", err)
			}
			s := session.Open(ctx, simOptions(t, p, t.TempDir()))
			err := s.Apply(ctx, nil)
			var inc *session.IncompleteError
			if !errorsAs(err, &inc) || len(inc.Failed) == 0 {
				t.Fatalf("apply with %s: want failed items, got %v", spec, err)
			}
			for _, r := range inc.Failed {
				if d := inc.Details[r]; !strings.Contains(d, "connection was lost") {
					t.Errorf("%s: detail %q does not say the connection was lost", r, d)
				}
			}
			s.Close()

			if err := cl.SetFaults(""); err != nil {
				t.Fatal(err)
			}
			s2 := session.Open(ctx, simOptions(t, p, t.TempDir()))
			defer s2.Close()
			var bad []string
			err = s2.Apply(ctx, func(e session.Event) {
				if e.Phase == session.PhaseFailed || e.Phase == session.PhaseSkipped {
					bad = append(bad, e.Ref.String()+": "+e.Err.Error())
				}
			})
			if err != nil || len(bad) > 0 {
				t.Fatalf("second apply: %v %v", err, bad)
			}
			assertExactlyOnce(t, p, s2)
		})
	}
}

// assertExactlyOnce checks every host holds exactly the objects the plan asks for.
func assertExactlyOnce(t *testing.T, p *plan.Plan, s *session.Session) {
	t.Helper()
	c := s.Checklist()
	if !c.Complete() {
		t.Fatalf("not complete: %v", notDone(c))
	}
	for name, st := range s.States() {
		if len(st.Certificates) != len(p.Hosts) {
			t.Errorf("%s: %d certificates, want %d", name, len(st.Certificates), len(p.Hosts))
		}
		logins := 0
		for _, l := range st.Logins {
			if strings.HasSuffix(l.Name, "_login") {
				logins++
			}
		}
		if logins != len(p.Hosts)-1 || len(st.ConnectGrants) != len(p.Hosts)-1 {
			t.Errorf("%s: %d peer logins, %d grants, want %d", name, logins, len(st.ConnectGrants), len(p.Hosts)-1)
		}
		if it := c.Item(steps.Ref{Host: name, ID: steps.IDMasterKey}); it.Status != steps.Done {
			t.Errorf("%s master key %s", name, it.Status)
		}
	}
}
