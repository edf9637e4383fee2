package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui/sched"
)

// snapshotMsg brings a fresh snapshot after a refresh. Host is "" for a
// refresh of every host.
type snapshotMsg struct {
	Host string
	Snap Snapshot
	Err  error
}

// runDoneMsg ends a run. RunID identifies the run on its host; a message whose
// RunID is not the host's current one is stale (the run was cancelled or
// replaced) and is dropped.
type runDoneMsg struct {
	Host   string
	RunID  uint64
	Ref    steps.Ref
	Kind   sched.Kind
	Result Result
	Err    error
	Snap   Snapshot
}

// clearNoteMsg clears the status note if it is still the one with Seq.
type clearNoteMsg struct{ Seq uint64 }

// refreshAllCmd reads every host. It captures only the backend.
func refreshAllCmd(b Backend) tea.Cmd {
	return func() tea.Msg {
		b.RefreshAll(context.Background())
		return snapshotMsg{Snap: b.Snapshot()}
	}
}

// refreshCmd reads one host.
func refreshCmd(b Backend, host string) tea.Cmd {
	return func() tea.Msg {
		err := b.Refresh(context.Background(), host)
		return snapshotMsg{Host: host, Snap: b.Snapshot(), Err: err}
	}
}

// runCmd runs one step (or remedy, or manual confirmation) on its host. It
// captures the values it needs; the model is only changed by the message.
func runCmd(ctx context.Context, b Backend, id uint64, kind sched.Kind, ref steps.Ref, opts RunOptions, confirm string) tea.Cmd {
	return func() tea.Msg {
		var (
			res Result
			err error
		)
		switch kind {
		case sched.Remedy:
			res, err = b.RunRemedy(ctx, ref, confirm)
		case sched.Manual:
			start := time.Now()
			err = b.ConfirmManual(ctx, ref)
			res.Duration = time.Since(start)
		default:
			res, err = b.Run(ctx, ref, opts)
		}
		if err != nil && ctx.Err() != nil && !errors.Is(err, context.Canceled) {
			// The operator cancelled; a backend may report that as a lost
			// connection, but what the operator needs to see is "cancelled".
			err = fmt.Errorf("%w: %w", context.Canceled, err)
		}
		return runDoneMsg{Host: ref.Host, RunID: id, Ref: ref, Kind: kind, Result: res, Err: err, Snap: b.Snapshot()}
	}
}

// clearNoteAfter clears the status note after d unless a newer one replaced it.
func clearNoteAfter(seq uint64, d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return clearNoteMsg{Seq: seq} })
}
