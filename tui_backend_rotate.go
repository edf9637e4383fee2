package main

import (
	"context"
	"time"

	"github.com/mirrorcert/mirrorcert/steps/rotate"
	"github.com/mirrorcert/mirrorcert/ui"
)

// The TUI's R runs the rotation `mirrorcert rotate` runs: the sequence is
// derived by session.Rotation (steps/rotate from every host's state and
// live views) and each step sent by session.Exec, as the CLI does.

// Rotation implements ui.Rotator.
func (b *sessionBackend) Rotation(ctx context.Context, host string, expiry time.Time, refresh bool) (ui.RotationView, error) {
	s := b.session(ctx)
	if refresh {
		s.RefreshAll(ctx)
	}
	q, live, err := s.Rotation(ctx, host, expiry, time.Now().UTC())
	if err != nil {
		return ui.RotationView{}, uiError(err)
	}
	return ui.RotationView{Seq: q, Live: live}, nil
}

// RunRotationStep implements ui.Rotator. The operator confirmed the step
// (the endpoint switch after the failover warning; a drop by running the
// step that shows it), so destructive statements are allowed, as with
// rotate --yes.
func (b *sessionBackend) RunRotationStep(ctx context.Context, st rotate.Step) (ui.Result, error) {
	start := time.Now()
	res, err := b.session(ctx).Exec(ctx, st.Host, st.ID, st.Statements, true)
	out := ui.Result{Statements: len(st.Statements), Duration: time.Since(start)}
	if res != nil {
		out.Messages = res.Messages
	}
	return out, uiError(err)
}
