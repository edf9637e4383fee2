package session_test

import (
	"context"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
)

// generatedMK is a MasterKeyPassword source that generates (as the CLI
// does when no variable is set) and remembers what it handed out.
func generatedMK(got map[string]string) func(string) (string, bool, error) {
	return func(h string) (string, bool, error) {
		pw := "Gen-" + h + "-Mk3yPw_WVB4j!"
		got[h] = pw
		return pw, true, nil
	}
}

// A connection lost right after CREATE MASTER KEY was sent, and a reconnect
// that fails too: nobody knows whether the key exists, so its generated
// password must reach the caller all the same, marked as uncertain.
func TestLostConnectionStillHandsOverTheMasterKeyPassword(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	ctx := context.Background()
	gen := map[string]string{}
	o := simOptions(t, p, t.TempDir())
	o.MasterKeyPassword = generatedMK(gen)
	s := session.Open(ctx, o)
	defer s.Close()
	// From now on every batch on HOST_A loses its connection: the step's,
	// and the re-reads after each reconnect.
	if err := cl.SetFaults("HOST_A:drop-after=0"); err != nil {
		t.Fatal(err)
	}
	ref := steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}
	r, err := s.Run(ctx, ref)
	if err == nil {
		t.Fatal("the step reported success although nothing answered")
	}
	if r == nil || r.GeneratedMasterKeyPassword != gen["HOST_A"] || !r.MasterKeyPasswordUncertain {
		t.Fatalf("result %+v: the password whose statement may have run was not handed over as uncertain", r)
	}
	// Apply reports it through its failed event too.
	o2 := simOptions(t, p, t.TempDir())
	gen2 := map[string]string{}
	o2.MasterKeyPassword = generatedMK(gen2)
	cl.SetFaults("")
	s2 := session.Open(ctx, o2)
	defer s2.Close()
	cl.SetFaults("HOST_B:drop-after=0")
	var got *session.RunResult
	s2.Apply(ctx, func(e session.Event) {
		if e.Host == "HOST_B" && e.ID == steps.IDMasterKey && e.Phase == session.PhaseFailed {
			got = e.Result
		}
	})
	if got == nil || got.GeneratedMasterKeyPassword != gen2["HOST_B"] || !got.MasterKeyPasswordUncertain {
		t.Fatalf("apply's failed event: %+v: the uncertain password was dropped", got)
	}
}

// After a lost connection the password is kept for the retry, so whichever
// attempt created the key, the password already shown is its password.
func TestLostConnectionKeepsThePasswordForTheRetry(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	ctx := context.Background()
	calls := 0
	o := simOptions(t, p, t.TempDir())
	o.MasterKeyPassword = func(h string) (string, bool, error) {
		calls++
		return "Gen-" + h + "-Pa55word!" + string(rune('a'+calls)), true, nil
	}
	s := session.Open(ctx, o)
	defer s.Close()
	cl.SetFaults("HOST_A:drop-after=0")
	ref := steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}
	first, _ := s.Run(ctx, ref)
	cl.SetFaults("")
	second, err := s.Run(ctx, ref)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if first == nil || second == nil || first.GeneratedMasterKeyPassword == "" || second.GeneratedMasterKeyPassword != first.GeneratedMasterKeyPassword {
		t.Fatalf("the retry used another password than the one shown after the lost connection: %+v then %+v", first, second)
	}
	if second.MasterKeyPasswordUncertain {
		t.Error("a password the state shows in use is labelled uncertain")
	}
}
