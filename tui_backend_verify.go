package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/checks"
	"github.com/mirrorcert/mirrorcert/steps/start"
	"github.com/mirrorcert/mirrorcert/ui"
)

// verifyExtras is what the TUI's v and S add to the checklist: the last
// verify findings (each a step under Checks) and the session-start
// sequence (steps under Session), both derived again after every run.
type verifyExtras struct {
	mu       sync.Mutex
	verified bool
	findings []checks.Finding
	req      *session.StartRequest
	seq      *start.Sequence
	ran      map[steps.Ref]bool
}

// Verify runs the cross-host checks (error logs and endpoint probes
// included) and keeps the findings for the checklist.
func (b *sessionBackend) Verify(ctx context.Context) error {
	s := b.session(ctx)
	fs := runChecks(ctx, s, session.DefaultLogHours, 30)
	b.extra.mu.Lock()
	b.extra.verified, b.extra.findings = true, fs
	b.extra.mu.Unlock()
	return nil
}

// StartSession prepares the start sequence for db with backups in dir;
// its steps then show per host and run with y or A.
func (b *sessionBackend) StartSession(ctx context.Context, db, dir string) error {
	db, dir = strings.TrimSpace(db), strings.TrimSpace(dir)
	if db == "" || dir == "" {
		return fmt.Errorf("the database and the backup folder are both needed")
	}
	req := session.StartRequest{Database: db, BackupDir: dir, Group: db + "_ag"}
	b.extra.mu.Lock()
	b.extra.req, b.extra.ran = &req, map[steps.Ref]bool{}
	b.extra.mu.Unlock()
	return b.PollSession(ctx)
}

// PollSession reads the servers again and re-derives the start sequence;
// the UI calls it while a session is starting, for the live header.
func (b *sessionBackend) PollSession(ctx context.Context) error {
	b.extra.mu.Lock()
	req := b.extra.req
	ran := b.extra.ran
	b.extra.mu.Unlock()
	if req == nil {
		return nil
	}
	o := b.session(ctx).StartObserve(ctx, *req)
	o.Now, o.Ran = time.Now(), ran
	seq := start.Build(o)
	b.extra.mu.Lock()
	b.extra.seq = &seq
	b.extra.mu.Unlock()
	return nil
}

// SessionState is the header's session line: "" before S, else the state
// and whether it is synchronized.
func (b *sessionBackend) SessionState() (state string, synchronized bool) {
	b.extra.mu.Lock()
	defer b.extra.mu.Unlock()
	if b.extra.seq == nil {
		return "", false
	}
	return b.extra.req.Database + ": " + b.extra.seq.State, b.extra.seq.Synchronized
}

// addExtras appends the findings and the start steps to each host's list.
func (b *sessionBackend) addExtras(cl *steps.Checklist) {
	b.extra.mu.Lock()
	defer b.extra.mu.Unlock()
	var checkItems, startItems map[string][]steps.Item
	if b.extra.verified {
		checkItems = checks.Items(b.extra.findings)
	}
	if b.extra.seq != nil {
		startItems = b.extra.seq.Items()
		for _, f := range b.extra.seq.Preflight {
			if f.Severity == checks.Error && f.Code != "" && !strings.HasPrefix(f.Code, "cert-") {
				// Preflight findings beyond verify's join the checks.
				if checkItems == nil {
					checkItems = map[string][]steps.Item{}
				}
				if !hasItem(checkItems[f.Host], checks.ItemID(f)) {
					checkItems[f.Host] = append(checkItems[f.Host], checks.Items([]checks.Finding{f})[f.Host]...)
				}
			}
		}
	}
	for i := range cl.Hosts {
		h := cl.Hosts[i].Host
		cl.Hosts[i].Items = append(cl.Hosts[i].Items, checkItems[h]...)
		cl.Hosts[i].Items = append(cl.Hosts[i].Items, startItems[h]...)
	}
}

func hasItem(items []steps.Item, id string) bool {
	for _, it := range items {
		if it.ID == id {
			return true
		}
	}
	return false
}

// finding returns the kept finding behind a check item.
func (b *sessionBackend) finding(ref steps.Ref) (checks.Finding, bool) {
	b.extra.mu.Lock()
	defer b.extra.mu.Unlock()
	all := b.extra.findings
	if b.extra.seq != nil {
		all = append(append([]checks.Finding(nil), all...), b.extra.seq.Preflight...)
	}
	for _, f := range all {
		if f.Host == ref.Host && checks.ItemID(f) == ref.ID {
			return f, true
		}
	}
	return checks.Finding{}, false
}

// startStep returns the current start step behind a start item.
func (b *sessionBackend) startStep(ref steps.Ref) (start.Step, bool) {
	b.extra.mu.Lock()
	defer b.extra.mu.Unlock()
	if b.extra.seq == nil {
		return start.Step{}, false
	}
	for _, st := range b.extra.seq.Steps {
		if st.Ref == ref {
			return st, true
		}
	}
	return start.Step{}, false
}

// runExtra runs a check fix or a start step; handled is false for any
// other item. Afterwards the checks (and the sequence) are derived again.
func (b *sessionBackend) runExtra(ctx context.Context, ref steps.Ref, confirm *string) (ui.Result, bool, error) {
	s := b.session(ctx)
	switch {
	case strings.HasPrefix(ref.ID, checks.IDPrefix):
		f, ok := b.finding(ref)
		if !ok {
			return ui.Result{}, true, fmt.Errorf("%s: %s is no longer a finding; press v to check again", ref.Host, ref.ID)
		}
		if len(f.Fix) == 0 {
			return ui.Result{}, true, fmt.Errorf("%s: %s is fixed outside mirrorcert: %s", ref.Host, ref.ID, f.FixNote)
		}
		// The item the operator saw decides: checks.Items makes a fix that
		// alters or drops a Conflict whose remedy needs the object typed.
		it := checks.Items([]checks.Finding{f})[f.Host][0]
		destructive := it.Status == steps.Conflict
		if destructive && (confirm == nil || *confirm != it.Conflict.Object) {
			return ui.Result{}, true, fmt.Errorf("%s: %s changes an existing object: confirm by typing its name", ref.Host, ref.ID)
		}
		r, err := s.RunStatements(ctx, ref, f.Fix, destructive)
		// Re-check either way: the fix may have half-worked, and the
		// operator sees the result in the findings.
		_ = b.Verify(ctx)
		if b.extraSeq() {
			_ = b.PollSession(ctx)
		}
		return uiResult(r), true, uiError(err)
	case strings.HasPrefix(ref.ID, "start/"):
		st, ok := b.startStep(ref)
		if !ok {
			return ui.Result{}, true, fmt.Errorf("%s: %s is not a start step now; press S again", ref.Host, ref.ID)
		}
		r, err := s.RunStartStep(ctx, st)
		if err == nil {
			b.extra.mu.Lock()
			b.extra.ran[ref] = true
			b.extra.mu.Unlock()
		}
		_ = b.PollSession(ctx)
		if err != nil {
			// The cause of a failed start is in some error log: show it
			// as findings at once, with what the error number itself says.
			_ = b.Verify(ctx)
			var se *session.SQLError
			if errors.As(err, &se) {
				b.extra.mu.Lock()
				if b.extra.req != nil {
					o := start.Options{Plan: b.plan, Database: b.extra.req.Database, BackupDir: b.extra.req.BackupDir}
					b.extra.findings = append(start.DiagnoseError(o, ref, se.Number), b.extra.findings...)
				}
				b.extra.mu.Unlock()
			}
		}
		return uiResult(r), true, uiError(err)
	}
	return ui.Result{}, false, nil
}

func (b *sessionBackend) extraSeq() bool {
	b.extra.mu.Lock()
	defer b.extra.mu.Unlock()
	return b.extra.req != nil
}

// confirmExtra handles the operator's "done" on a manual check (a firewall
// opened, a certificate rotated) or start step (backup files copied): the
// servers are read again and the steps derived anew.
func (b *sessionBackend) confirmExtra(ctx context.Context, ref steps.Ref) (bool, error) {
	switch {
	case strings.HasPrefix(ref.ID, checks.IDPrefix):
		return true, b.Verify(ctx)
	case strings.HasPrefix(ref.ID, "start/"):
		return true, b.PollSession(ctx)
	}
	return false, nil
}

var _ ui.Verifier = (*sessionBackend)(nil)
