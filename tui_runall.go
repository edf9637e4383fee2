package main

import (
	"context"

	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui"
)

// RunAll runs the items the operator approved with A in the batches apply
// sends (session.ApplyAllowed): the outbound chain, then the inbound set,
// three round trips per host. done is called once per item that ran or
// failed, from one goroutine at a time; the returned error is apply's
// (*session.IncompleteError when something approved is not done). The UI
// calls it in a tea.Cmd and turns each done call into a message.
func (b *sessionBackend) RunAll(ctx context.Context, approved []steps.Ref, done func(ref steps.Ref, r ui.Result, err error)) error {
	allowed := make(map[steps.Ref]bool, len(approved))
	for _, r := range approved {
		allowed[r] = true
	}
	s := b.session(ctx)
	return s.ApplyAllowed(ctx, func(r steps.Ref) bool { return allowed[r] }, func(e session.Event) {
		switch e.Phase {
		case session.PhaseDone:
			done(e.Ref, uiResult(e.Result), nil)
		case session.PhaseFailed:
			done(e.Ref, ui.Result{}, uiError(e.Err))
		}
	})
}
