package main

import (
	"context"
	"sync"
	"testing"

	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui"
)

// TestBackendRunAllSendsApplysBatches: the TUI's run-all goes through the
// same plan as apply: three round trips per host (state read, outbound,
// inbound), and only the approved items run.
func TestBackendRunAllSendsApplysBatches(t *testing.T) {
	b, s := runAllBackend(t)
	cl := s.Checklist()
	var approved []steps.Ref
	var leftOut steps.Ref
	for _, h := range cl.Hosts {
		for _, it := range h.Items {
			if it.Host == "HOST_W" && it.ID == steps.InboundID("HOST_A", steps.KindConnect) {
				leftOut = it.Ref // not approved: must not run
				continue
			}
			approved = append(approved, it.Ref)
		}
	}
	var mu sync.Mutex
	ran := map[steps.Ref]error{}
	err := b.RunAll(context.Background(), approved, nil, func(r steps.Ref, _ ui.Result, err error) {
		mu.Lock()
		ran[r] = err
		mu.Unlock()
	})
	if err != nil { // the item left out is not the run's business
		t.Fatalf("RunAll: %v", err)
	}
	if _, ok := ran[leftOut]; ok {
		t.Fatalf("%s ran without approval", leftOut)
	}
	if len(ran) != len(approved) {
		t.Fatalf("%d items reported, %d approved", len(ran), len(approved))
	}
	for r, err := range ran {
		if err != nil {
			t.Errorf("%s: %v", r, err)
		}
	}
	for h, n := range s.Stats().PerHost {
		if n != 3 {
			t.Errorf("%s: %d round trips, want 3", h, n)
		}
	}
	after := s.Checklist()
	if it := after.Item(leftOut); it == nil || it.Status != steps.Pending {
		t.Errorf("%s should still be pending: %+v", leftOut, it)
	}
}

// runAllBackend is the demo's backend on a fresh simulator, its session open.
func runAllBackend(t *testing.T) (*sessionBackend, *session.Session) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	dm, err := startDemo(ctx, "default", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dm.Close() })
	be := dm.backend(nil)
	t.Cleanup(func() { be.Close() })
	be.RefreshAll(ctx)
	s := be.sess.Load()
	if s == nil {
		t.Fatal("no session after RefreshAll")
	}
	return be, s
}
