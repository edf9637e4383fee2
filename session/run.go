package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// recoverTimeout bounds the reconnect and re-read after a lost connection.
const recoverTimeout = 30 * time.Second

// outcome is what became of one item sent in a batch.
type outcome struct {
	item   steps.Item
	result *RunResult
	err    error
	notRun bool // sent, but the server stopped the batch before it
	lost   bool // the connection was lost before the server answered
}

// prepared is an item's statements ready to send.
type prepared struct {
	item     steps.Item
	rendered []string // with secrets: goes to the server only
	masked   []string // placeholders and redaction: everything else
	first    int      // first line of the item in the batch (1-based)
	last     int      // last line
	genMK    string   // generated master key password this item sets
	err      error    // could not be prepared; not sent
	skipped  bool     // left out: an item it needs could not be sent
}

// sent reports whether the item's statements went in the batch.
func (p *prepared) sent() bool { return p.err == nil && !p.skipped }

// Run runs one pending item on its host and re-reads that host in the same
// round trip. Blocked, done, conflicting and manual items are refused with an
// error that says why.
func (s *Session) Run(ctx context.Context, ref steps.Ref) (*RunResult, error) {
	return s.withItem(ctx, ref, func(hc *hostConn, it *steps.Item) (*RunResult, error) {
		if err := runnable(it, ref); err != nil {
			return nil, err
		}
		outs := s.execLocked(ctx, hc, []steps.Item{*it}, false)
		return outs[0].result, outs[0].err
	})
}

// withItem holds ref's host for the whole of fn, so nothing else runs there
// between reading the item's status and acting on it, and makes sure the host
// is connected first. fn gets the item as the current checklist has it (nil
// when the checklist has no such item).
func (s *Session) withItem(ctx context.Context, ref steps.Ref, fn func(*hostConn, *steps.Item) (*RunResult, error)) (*RunResult, error) {
	hc := s.hosts[ref.Host]
	if hc == nil {
		return nil, fmt.Errorf("unknown host %q: the plan's hosts are %s", ref.Host, strings.Join(s.order, ", "))
	}
	hc.mu.Lock()
	defer hc.mu.Unlock()
	if err := s.ensureConnectedLocked(ctx, hc); err != nil {
		return nil, err
	}
	cl := s.Checklist()
	return fn(hc, cl.Item(ref))
}

// RunRemedy runs the destructive remedy of a conflicting item. confirm must
// equal the item's ConflictInfo.Object exactly: the operator typed the name
// of what will be altered or dropped.
func (s *Session) RunRemedy(ctx context.Context, ref steps.Ref, confirm string) (*RunResult, error) {
	return s.withItem(ctx, ref, func(hc *hostConn, it *steps.Item) (*RunResult, error) {
		switch {
		case it == nil:
			return nil, fmt.Errorf("%s: no such checklist item", ref)
		case it.Status != steps.Conflict || it.Conflict == nil:
			return nil, fmt.Errorf("%s: nothing to remedy: the item is %s", ref, it.Status)
		case len(it.Conflict.Remedy) == 0:
			return nil, fmt.Errorf("%s: this conflict has no automatic remedy: %s", ref, it.Conflict.Fix)
		case !it.Conflict.RemedyReady():
			return nil, fmt.Errorf("%s: the remedy cannot run yet: %s", ref, it.Conflict.Fix)
		case confirm != it.Conflict.Object:
			return nil, fmt.Errorf("%s: the remedy changes %q; type that name exactly to confirm it", ref, it.Conflict.Object)
		}
		remedy := *it
		remedy.Statements = it.Conflict.Remedy
		outs := s.execLocked(ctx, hc, []steps.Item{remedy}, true)
		return outs[0].result, outs[0].err
	})
}

// ConfirmManual is called when the operator says a manual step (a file copy)
// is done: it re-reads the host and reports whether the state agrees.
func (s *Session) ConfirmManual(ctx context.Context, ref steps.Ref) error {
	if _, err := s.Refresh(ctx, ref.Host); err != nil {
		return err
	}
	cl := s.Checklist()
	it := cl.Item(ref)
	if it == nil {
		return fmt.Errorf("%s: no such checklist item", ref)
	}
	if it.Status != steps.Done {
		return fmt.Errorf("%s: not done yet: %s", ref, it.Detail)
	}
	return nil
}

func runnable(it *steps.Item, ref steps.Ref) error {
	switch {
	case it == nil:
		return fmt.Errorf("%s: no such checklist item", ref)
	case it.Status == steps.Done:
		return fmt.Errorf("%s: already done", ref)
	case it.Status == steps.Unknown:
		return fmt.Errorf("%s: the host's state is unknown (not connected)", ref)
	case it.Status == steps.Blocked:
		var names []string
		for _, b := range it.BlockedBy {
			names = append(names, b.String())
		}
		return fmt.Errorf("%s: waits for %s", ref, strings.Join(names, ", "))
	case it.Status == steps.Conflict:
		what, fix := "", ""
		if it.Conflict != nil {
			what, fix = it.Conflict.What, it.Conflict.Fix
		}
		return fmt.Errorf("%s: needs a decision: %s %s", ref, what, fix)
	case it.Manual:
		return fmt.Errorf("%s: a manual step: %s; confirm it when done", ref, it.Detail)
	case len(it.Statements) == 0:
		return fmt.Errorf("%s: nothing to run", ref)
	}
	return nil
}

// ensureConnectedLocked reconnects a host whose connection broke and re-reads
// its state before anything runs on it: the state, not a retry, decides.
func (s *Session) ensureConnectedLocked(ctx context.Context, hc *hostConn) error {
	if hc.conn != nil {
		return nil
	}
	_, err := s.refreshLocked(ctx, hc)
	return err
}

// prepare renders an item's statements with their secrets.
func (s *Session) prepare(it steps.Item, remedy bool) prepared {
	p := prepared{item: it}
	for _, st := range it.Statements {
		if st.Database != "" && !strings.EqualFold(st.Database, "master") {
			p.err = fmt.Errorf("%s: statement for database %q: mirrorcert only runs in master", it.Ref, st.Database)
			return p
		}
		if st.Destructive && !remedy {
			p.err = fmt.Errorf("%s: a destructive statement is only run as a confirmed remedy", it.Ref)
			return p
		}
		if len(st.Secrets) > 0 {
			if err := s.secretAllowed(it.Ref); err != nil {
				p.err = err
				return p
			}
		}
		vals := map[string]string{}
		for _, sec := range st.Secrets {
			switch sec.Kind {
			case tsql.KindMasterKey:
				mk, err := s.secrets.masterKeyFor(sec.Host)
				if err != nil {
					p.err = err
					return p
				}
				vals[sec.Var] = mk.pw
				if mk.generated && it.ID == steps.IDMasterKey {
					p.genMK = mk.pw
				}
			default:
				pw, err := s.secrets.loginPassword()
				if err != nil {
					p.err = err
					return p
				}
				vals[sec.Var] = pw
			}
		}
		text, err := tsql.Render(st, vals)
		if err != nil {
			p.err = fmt.Errorf("%s: %w", it.Ref, s.red.RedactError(err))
			return p
		}
		p.rendered = append(p.rendered, text)
		p.masked = append(p.masked, s.red.Redact(st.Text))
	}
	return p
}

// execLocked sends items (all on hc, independent of each other) and the
// state re-read as one batch, then attributes errors to items by line.
func (s *Session) execLocked(ctx context.Context, hc *hostConn, items []steps.Item, remedy bool) []outcome {
	host := hc.host.Name
	preps := make([]prepared, len(items))
	outs := make([]outcome, len(items))
	for i, it := range items {
		preps[i] = s.prepare(it, remedy)
		outs[i].item = it
		outs[i].err = preps[i].err
	}
	batch := composeBatch(preps, outs)
	var sendable bool
	for i := range preps {
		sendable = sendable || preps[i].sent()
	}
	if !sendable {
		s.recordOutcomes(outs)
		return outs
	}
	start := s.now()
	s.noteChange(host, start)
	prepared := make(chan struct{})
	go func() { // while the batch is on the wire
		defer close(prepared)
		s.tr.Prepare(host)
	}()
	st, res, err := s.readState(ctx, hc, batch)
	<-prepared
	dur := res.Duration
	if res.Transport != nil {
		// The batch may or may not have run. Do not send it again:
		// reconnect, re-read, and let the state say what happened.
		lost := s.red.RedactError(res.Transport)
		s.log.Warn("connection lost during a step", "host", host, "err", lost.Error())
		// Even after a cancel, learn what happened; but never wait forever.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recoverTimeout)
		st, err = s.refreshLocked(rctx, hc)
		cancel()
		for i := range outs {
			if !preps[i].sent() {
				continue
			}
			outs[i].lost = true
			if cerr := ctx.Err(); cerr != nil {
				// The caller cancelled: not a failure. The re-read
				// state alone says whether the step happened.
				outs[i].err = fmt.Errorf("%s: %s: %w before the server answered; the state was read again to see what happened", host, items[i].ID, cerr)
			} else {
				outs[i].err = fmt.Errorf("%s: %s: the connection was lost while the step ran (%v); it was not sent again", host, items[i].ID, lost)
			}
			if err != nil {
				outs[i].err = fmt.Errorf("%w; reconnecting failed too: %v", outs[i].err, err)
			}
		}
		if st != nil {
			s.checkDone(outs, preps, true)
		}
	} else {
		s.attribute(hc, outs, preps, res)
		if err != nil && st == nil {
			// The batch ran but the trailing read did not (a batch-aborting
			// error): the items after the error never ran. Read again on
			// its own.
			s.markNotRun(hc, outs, preps, res)
			markSkipped(host, outs, preps)
			st, err = s.refreshLocked(ctx, hc)
		} else if st != nil {
			markSkipped(host, outs, preps)
			s.storeState(hc, st)
		}
		if st != nil {
			s.checkDone(outs, preps, remedy)
		} else if err != nil {
			for i := range outs {
				if outs[i].err == nil {
					outs[i].err = fmt.Errorf("%s: re-reading the state after the step failed: %w", host, err)
				}
			}
		}
	}
	sent := 0 // items that shared this round trip, and so its duration
	for i := range preps {
		if preps[i].sent() {
			sent++
		}
	}
	var msgs []string // the batch's messages, masked once for every item
	for _, m := range res.Messages {
		msgs = append(msgs, s.red.Redact(m))
	}
	var recs []Record
	for i := range outs {
		if preps[i].err != nil {
			continue
		}
		r := &RunResult{Ref: items[i].Ref, Statements: preps[i].masked, Duration: dur}
		r.Messages = append([]string(nil), msgs...)
		r.GeneratedMasterKeyPassword, r.MasterKeyPasswordUncertain = handOverMasterKey(outs[i], preps[i].genMK)
		outs[i].result = r
		for _, text := range preps[i].masked {
			rec := Record{Time: start, Host: host, Step: items[i].ID, Text: text, DurationMS: float64(dur.Microseconds()) / 1000, BatchItems: sent, Result: "ok", Messages: r.Messages}
			switch {
			case outs[i].notRun:
				rec.Result, rec.Error = "not-run", outs[i].err.Error()
			case outs[i].err != nil:
				rec.Result, rec.Error = "error", outs[i].err.Error()
			}
			recs = append(recs, rec)
		}
	}
	if terr := s.tr.WriteAll(recs); terr != nil {
		s.log.Error("transcript write failed", "err", terr.Error())
	}
	for i := range outs {
		if outs[i].err != nil {
			s.log.Warn("step failed", "host", host, "step", items[i].ID, "duration_ms", dur.Milliseconds(), "err", s.red.Redact(outs[i].err.Error()))
		} else if preps[i].err == nil {
			s.log.Info("step done", "host", host, "step", items[i].ID, "duration_ms", dur.Milliseconds())
		}
	}
	s.forgetFailedMasterKey(host, outs)
	s.recordOutcomes(outs)
	return outs
}

// forgetFailedMasterKey drops the master key password of a master-key step
// that failed and is still not done, so a retry asks for it again: after
// 15116/15118 the operator types a stronger one, and that one must be used.
func (s *Session) forgetFailedMasterKey(host string, outs []outcome) {
	for _, o := range outs {
		if o.err == nil || o.item.ID != steps.IDMasterKey || o.lost {
			// After a lost connection the statement may have run with
			// this password, which was handed over as uncertain: a
			// retry must use the same one.
			continue
		}
		cl := s.Checklist()
		if it := cl.Item(o.item.Ref); it != nil && it.Status == steps.Done {
			continue // the key exists with that password: nothing to retype
		}
		s.secrets.forget(host)
	}
}

// markNotRun reports the items after a batch-aborting error as not run,
// naming where the batch stopped, instead of letting them read as "ran
// without error but not done".
func (s *Session) markNotRun(hc *hostConn, outs []outcome, preps []prepared, res *batchResult) {
	stop := -1
	var num int32
	var line int32
	for _, e := range res.Errors {
		for i := range preps {
			if preps[i].err == nil && e.LineNo >= int32(preps[i].first) && e.LineNo <= int32(preps[i].last) && e.LineNo >= line {
				stop, num, line = i, e.Number, e.LineNo
			}
		}
	}
	if stop < 0 {
		return
	}
	at := steps.Ref{Host: hc.host.Name, ID: preps[stop].item.ID}
	for i := range preps {
		if i == stop || preps[i].err != nil || outs[i].err != nil || int32(preps[i].first) <= line {
			continue
		}
		outs[i].err = fmt.Errorf("%s: %s: not run: the batch stopped at %s (Msg %d)", hc.host.Name, preps[i].item.ID, at, num)
		outs[i].notRun = true
	}
}

// attribute hands each server error to the item whose lines it falls in.
func (s *Session) attribute(hc *hostConn, outs []outcome, preps []prepared, res *batchResult) {
	for _, e := range res.Errors {
		i := lineOwner(preps, e.LineNo)
		if i < 0 {
			continue
		}
		p := preps[i]
		se := &SQLError{Host: hc.host.Name, Step: p.item.ID, Number: e.Number, Severity: e.Class, State: e.State,
			Line: max(e.LineNo-int32(p.first)+1, 1), Message: s.red.Redact(e.Message), err: e}
		if outs[i].err == nil {
			outs[i].err = se
		}
	}
}

// recordOutcomes remembers failures for the checklist and clears successes.
func (s *Session) recordOutcomes(outs []outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := false
	for _, o := range outs {
		// A cancelled run is not a failure: the checklist shows what the
		// state says (pending or done).
		if o.err != nil && !errors.Is(o.err, context.Canceled) {
			s.failed[o.item.Ref] = o.err
			changed = true
		} else if _, ok := s.failed[o.item.Ref]; ok {
			delete(s.failed, o.item.Ref)
			changed = true
		}
	}
	if changed {
		s.notifyLocked() // the checklist shows failures: it is due again
	}
}
