package session_test

import (
	"context"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps/start"
)

// TestStartObserveTwoRoundTripsPerHost: start's read is Observe's batch
// plus one batch with the backup-file probes and, in mode ag, the groups,
// on every host at once. It was three on ag hosts (the groups read on
// their own, one host after the other), every half second of the wait
// for synchronization.
func TestStartObserveTwoRoundTripsPerHost(t *testing.T) {
	for _, mode := range []string{plan.ModeMirroring, plan.ModeAG} {
		t.Run(mode, func(t *testing.T) {
			cl := startSim(t, nil, 0)
			p := simPlan(t, cl, mode)
			ctx := context.Background()
			s := session.Open(ctx, simOptions(t, p, t.TempDir()))
			defer s.Close()
			before := s.Stats().PerHost
			dir := t.TempDir()
			o := s.StartObserve(ctx, session.StartRequest{Database: "Sales", BackupDir: dir, Group: "AG1"})
			after := s.Stats().PerHost
			for _, h := range p.Hosts {
				if got := after[h.Name] - before[h.Name]; got != 2 {
					t.Errorf("%s: %d round trips, want 2 (observe, then files and groups)", h.Name, got)
				}
			}
			full, logf := start.BackupFiles(dir, "Sales")
			for _, h := range p.Hosts {
				f, ok := o.Files[h.Name]
				if !ok {
					t.Errorf("%s: backup files not probed", h.Name)
				} else if _, ok := f[full]; !ok {
					t.Errorf("%s: %s not probed (%v)", h.Name, full, f)
				} else if _, ok := f[logf]; !ok {
					t.Errorf("%s: %s not probed (%v)", h.Name, logf, f)
				}
				if mode == plan.ModeAG && o.AG[h.Name] == nil {
					t.Errorf("%s: groups not read", h.Name)
				}
				if mode != plan.ModeAG && o.AG != nil {
					t.Errorf("mode %s read groups: %v", mode, o.AG)
				}
			}
		})
	}
}
