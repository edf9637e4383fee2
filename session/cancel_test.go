package session_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
)

// Cancelling a step is not a failure: the error says cancelled, and the
// checklist shows what the re-read state says, here still pending.
func TestCancelledStepIsNotFailed(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	s := session.Open(context.Background(), simOptions(t, p, t.TempDir()))
	defer s.Close()
	cl.SetLatency(time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	ref := steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}
	_, err := s.Run(ctx, ref)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want an error that is context.Canceled, got %v", err)
	}
	cl.SetLatency(0)
	c := s.Checklist()
	if it := c.Item(ref); it.Status != steps.Pending {
		t.Fatalf("after the cancel the master key is %s (%s), want pending from the state", it.Status, it.Detail)
	}
	if h := s.Hosts()[0]; !h.Connected || h.Err != nil {
		t.Fatalf("the host did not reconnect after the cancel: %+v", h)
	}
}
