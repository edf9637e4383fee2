package main

import (
	"context"

	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui"
)

// RunAll runs the items the operator approved with A in the batches apply
// sends (session.ApplyAllowed): the outbound chain, then the inbound set,
// three round trips per host. passwords are the master key passwords typed
// for A, by host, each used once and never kept past the run. done is called
// once per item that ran or failed, from one goroutine at a time; the
// returned error is apply's (*session.IncompleteError when something
// approved is not done). The UI calls it from a goroutine and turns each
// done call into a message (ui.BatchRunner).
func (b *sessionBackend) RunAll(ctx context.Context, approved []steps.Ref, passwords map[string]string, done func(ref steps.Ref, r ui.Result, err error)) error {
	s := b.session(ctx)
	own := s.Checklist()
	allowed := make(map[steps.Ref]bool, len(approved))
	var extra []steps.Ref
	for _, r := range approved {
		if own.Item(r) == nil {
			// Not the session's own (verify's findings, the session
			// start steps): they run one by one after the batches.
			extra = append(extra, r)
			continue
		}
		allowed[r] = true
	}
	if len(passwords) > 0 {
		b.mu.Lock()
		for h, pw := range passwords {
			b.typed[h] = pw
		}
		b.mu.Unlock()
		for h := range passwords {
			// A password typed now replaces whatever the session held.
			s.ForgetMasterKeyPassword(h)
		}
		defer func() {
			// Never keep a typed password past the run, even one whose
			// master key step did not run.
			b.mu.Lock()
			for h := range passwords {
				delete(b.typed, h)
			}
			b.mu.Unlock()
		}()
	}
	err := s.ApplyAllowed(ctx, func(r steps.Ref) bool { return allowed[r] }, func(e session.Event) {
		switch e.Phase {
		case session.PhaseDone:
			done(e.Ref, uiResult(e.Result), nil)
		case session.PhaseFailed:
			// A master key whose fate is unknown still brings its
			// generated password: the UI must show it.
			done(e.Ref, uiResult(e.Result), uiError(e.Err))
		}
	})
	b.runExtras(ctx, extra, done)
	return err
}

// runExtras runs the approved extra items one at a time, each once, always
// the first one that is pending now: they depend on each other across
// hosts (the mirror's SET PARTNER before the principal's).
func (b *sessionBackend) runExtras(ctx context.Context, extra []steps.Ref, done func(ref steps.Ref, r ui.Result, err error)) {
	tried := map[steps.Ref]bool{}
	for ctx.Err() == nil {
		cl := b.Snapshot().Checklist
		next, ok := steps.Ref{}, false
		for _, r := range extra {
			if it := cl.Item(r); !tried[r] && it != nil && it.Status == steps.Pending && !it.Manual {
				next, ok = r, true
				break
			}
		}
		if !ok {
			return
		}
		tried[next] = true
		res, err := b.Run(ctx, next, ui.RunOptions{})
		done(next, res, err)
	}
}
