package ui

import (
	"errors"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
	"github.com/mirrorcert/mirrorcert/ui/styles"
)

// Every string a server supplied (object names in titles and statements,
// error and informational messages, versions) may hold control characters:
// an endpoint named "ESC[31m..." would otherwise drive the terminal. The UI
// cleans snapshots and results as they arrive, before anything is drawn;
// the backend keeps the real names for running.

// cleanSnapshot returns s with every string cleaned. Hosts and items are
// copied before a change, never modified in place: the backend may share
// them.
func cleanSnapshot(s Snapshot) Snapshot {
	hosts := s.Hosts
	for i := range hosts {
		h := hosts[i]
		c := h
		c.Name, c.Server, c.Role = styles.Clean(h.Name), styles.Clean(h.Server), styles.Clean(h.Role)
		c.Err, c.Version = styles.Clean(h.Err), styles.Clean(h.Version)
		// Field by field, not c != h: HostInfo may grow fields that are
		// not comparable.
		if c.Name != h.Name || c.Server != h.Server || c.Role != h.Role || c.Err != h.Err || c.Version != h.Version {
			if &hosts[0] == &s.Hosts[0] {
				hosts = append([]HostInfo(nil), s.Hosts...)
			}
			hosts[i] = c
		}
	}
	s.Hosts = hosts
	hl := s.Checklist.Hosts
	copied := false
	for hi := range hl {
		items := hl[hi].Items
		itemsCopied := false
		for ii := range items {
			it, changed := cleanItem(items[ii])
			if !changed {
				continue
			}
			if !copied {
				hl = append([]steps.HostList(nil), hl...)
				copied = true
			}
			if !itemsCopied {
				items = append([]steps.Item(nil), items...)
				itemsCopied = true
			}
			items[ii] = it
		}
		if itemsCopied {
			hl[hi].Items = items
		}
	}
	s.Checklist.Hosts = hl
	return s
}

// cleanItem cleans an item's texts; it reports whether any changed.
func cleanItem(it steps.Item) (steps.Item, bool) {
	changed := false
	str := func(p *string) {
		if c := styles.Clean(*p); c != *p {
			*p, changed = c, true
		}
	}
	str(&it.Title)
	str(&it.Why)
	str(&it.Changes)
	str(&it.Detail)
	if ws, ok := cleanStrings(it.Warnings); ok {
		it.Warnings, changed = ws, true
	}
	if st, ok := cleanStatements(it.Statements); ok {
		it.Statements, changed = st, true
	}
	if c := it.Conflict; c != nil {
		cc := *c
		cc.What, cc.Fix, cc.Object = styles.Clean(c.What), styles.Clean(c.Fix), styles.Clean(c.Object)
		st, stChanged := cleanStatements(c.Remedy)
		if stChanged {
			cc.Remedy = st
		}
		if stChanged || cc.What != c.What || cc.Fix != c.Fix || cc.Object != c.Object {
			it.Conflict, changed = &cc, true
		}
	}
	return it, changed
}

func cleanStrings(ss []string) ([]string, bool) {
	var out []string
	for i, s := range ss {
		if c := styles.Clean(s); c != s {
			if out == nil {
				out = append([]string(nil), ss...)
			}
			out[i] = c
		}
	}
	return out, out != nil
}

func cleanStatements(ss []tsql.Statement) ([]tsql.Statement, bool) {
	var out []tsql.Statement
	for i, s := range ss {
		t, d := styles.CleanLines(s.Text), styles.Clean(s.Database)
		if t != s.Text || d != s.Database {
			if out == nil {
				out = append([]tsql.Statement(nil), ss...)
			}
			out[i].Text, out[i].Database = t, d
		}
	}
	return out, out != nil
}

// cleanResult cleans a run's messages and error text.
func cleanResult(r Result, err error) (Result, error) {
	if ms, ok := cleanStrings(r.Messages); ok {
		r.Messages = ms
	}
	if err == nil {
		return r, nil
	}
	var se *StepError
	if !errors.As(err, &se) {
		if c := styles.Clean(err.Error()); c != err.Error() {
			return r, cleanError{msg: c, err: err}
		}
		return r, err
	}
	c := *se
	c.Message, c.Host, c.Step = styles.Clean(se.Message), styles.Clean(se.Host), styles.Clean(se.Step)
	if err == error(se) {
		return r, &c
	}
	// The StepError is wrapped (runCmd puts a cancel around it): keep the
	// chain, so the cancel is still seen, and hand out the cleaned copy.
	return r, cleanError{msg: styles.Clean(err.Error()), err: err, step: &c}
}

// cleanError shows a cleaned message but keeps the error chain (so a
// cancel is still recognised as one); step, when set, is the cleaned copy
// of the StepError in the chain, which errors.As finds first.
type cleanError struct {
	msg  string
	err  error
	step *StepError
}

func (e cleanError) Error() string { return e.msg }
func (e cleanError) Unwrap() error { return e.err }

// As gives the cleaned StepError, never the raw one further down the chain.
func (e cleanError) As(target any) bool {
	if p, ok := target.(**StepError); ok && e.step != nil {
		*p = e.step
		return true
	}
	return false
}
