package main

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui"
)

// sessionBackend adapts *session.Session to ui.Backend. The session is opened
// lazily by the first refresh, inside a tea.Cmd, so the first frame shows at
// once while hosts connect.
type sessionBackend struct {
	plan *plan.Plan
	open func(ctx context.Context, mk func(string) (string, bool, error)) *session.Session
	// copyFile, when set, performs a manual copy step before it is confirmed
	// (the demo's simulator does the copy).
	copyFile func(ctx context.Context, ref steps.Ref) error
	// fallback supplies master key passwords the operator did not type:
	// MIRRORCERT_MASTER_KEY_PASSWORD_<HOST>, else generated.
	fallback func(string) (string, bool, error)

	seq    atomic.Uint64
	snapMu sync.Mutex
	openMu sync.Mutex
	sess   atomic.Pointer[session.Session]

	mu    sync.Mutex
	typed map[string]string // host -> master key password typed in the TUI

	extra verifyExtras // v and S: tui_backend_verify.go
}

func newSessionBackend(p *plan.Plan, open func(context.Context, func(string) (string, bool, error)) *session.Session) *sessionBackend {
	return &sessionBackend{plan: p, open: open, fallback: session.MasterKeyFromEnv(nil, nil), typed: map[string]string{}}
}

// masterKey is the session's MasterKeyPassword source: what the operator typed
// for the host (used once), else the fallback.
func (b *sessionBackend) masterKey(host string) (string, bool, error) {
	b.mu.Lock()
	pw, ok := b.typed[host]
	delete(b.typed, host)
	b.mu.Unlock()
	if ok && pw != "" {
		return pw, false, nil
	}
	return b.fallback(host)
}

// session opens the session on first use. Open connects to every host, so
// it runs in the caller's Cmd, never in Update.
func (b *sessionBackend) session(ctx context.Context) *session.Session {
	if s := b.sess.Load(); s != nil {
		return s
	}
	b.openMu.Lock()
	defer b.openMu.Unlock()
	if s := b.sess.Load(); s != nil {
		return s
	}
	s := b.open(ctx, b.masterKey)
	b.sess.Store(s)
	return s
}

// Close closes the session if it was opened.
func (b *sessionBackend) Close() error {
	if s := b.sess.Load(); s != nil {
		return s.Close()
	}
	return nil
}

func (b *sessionBackend) Snapshot() ui.Snapshot {
	// Reads are serialised and numbered in the order they happen, so a
	// higher Seq always means a later view of the servers.
	b.snapMu.Lock()
	defer b.snapMu.Unlock()
	snap := ui.Snapshot{Seq: b.seq.Add(1)}
	s := b.sess.Load()
	if s == nil {
		for _, h := range b.plan.Hosts {
			snap.Hosts = append(snap.Hosts, ui.HostInfo{Name: h.Name, Server: h.Server, Role: h.Role})
		}
		return snap
	}
	for _, h := range s.Hosts() {
		hi := ui.HostInfo{Name: h.Name, Server: h.Server, Role: h.Role, Connected: h.Connected, Version: h.Version}
		if h.Err != nil {
			hi.Err = h.Err.Error()
			hi.TLSUntrusted = tlsUntrusted(h.Err)
		}
		snap.Hosts = append(snap.Hosts, hi)
	}
	snap.Checklist = s.Checklist()
	b.addExtras(&snap.Checklist)
	snap.States, snap.Taken = s.States(), time.Now().UTC()
	return snap
}

func (b *sessionBackend) RefreshAll(ctx context.Context) {
	if b.sess.Load() == nil {
		b.session(ctx) // Open reads every host
		return
	}
	b.session(ctx).RefreshAll(ctx)
}

func (b *sessionBackend) Refresh(ctx context.Context, host string) error {
	_, err := b.session(ctx).Refresh(ctx, host)
	return uiError(err)
}

func (b *sessionBackend) Run(ctx context.Context, ref steps.Ref, opts ui.RunOptions) (ui.Result, error) {
	s := b.session(ctx)
	if opts.MasterKeyPassword != "" {
		b.mu.Lock()
		b.typed[ref.Host] = opts.MasterKeyPassword
		b.mu.Unlock()
		// A password typed now replaces whatever the session held for the
		// host (the session also drops it itself when the step fails).
		s.ForgetMasterKeyPassword(ref.Host)
		defer func() {
			// Never keep a typed password past its run, even one that
			// was refused before it was used.
			b.mu.Lock()
			delete(b.typed, ref.Host)
			b.mu.Unlock()
		}()
	}
	if r, ok, err := b.runExtra(ctx, ref, nil); ok {
		return r, err
	}
	r, err := s.Run(ctx, ref)
	return uiResult(r), uiError(err)
}

func (b *sessionBackend) RunRemedy(ctx context.Context, ref steps.Ref, confirm string) (ui.Result, error) {
	if r, ok, err := b.runExtra(ctx, ref, &confirm); ok {
		return r, err
	}
	r, err := b.session(ctx).RunRemedy(ctx, ref, confirm)
	return uiResult(r), uiError(err)
}

func (b *sessionBackend) ConfirmManual(ctx context.Context, ref steps.Ref) error {
	if handled, err := b.confirmExtra(ctx, ref); handled {
		return err
	}
	if b.copyFile != nil {
		if err := b.copyFile(ctx, ref); err != nil {
			return err
		}
	}
	return uiError(b.session(ctx).ConfirmManual(ctx, ref))
}

func uiResult(r *session.RunResult) ui.Result {
	if r == nil {
		return ui.Result{}
	}
	return ui.Result{Statements: len(r.Statements), Messages: r.Messages, Duration: r.Duration,
		GeneratedMasterKeyPassword: r.GeneratedMasterKeyPassword}
}

// uiError turns a server error into the UI's StepError; others pass through.
func uiError(err error) error {
	var se *session.SQLError
	if errors.As(err, &se) {
		return &ui.StepError{Host: se.Host, Step: se.Step, Number: se.Number, Severity: se.Severity,
			State: se.State, Line: se.Line, Message: se.Message}
	}
	return err
}
