package session

// Reading a host's state: the one-round-trip snapshot, its retry after a
// lost connection, and the bookkeeping of what was read.

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// Refresh re-reads one host's state in one round trip.
func (s *Session) Refresh(ctx context.Context, host string) (*steps.State, error) {
	hc := s.hosts[host]
	if hc == nil {
		return nil, fmt.Errorf("unknown host %q: the plan's hosts are %s", host, strings.Join(s.order, ", "))
	}
	hc.mu.Lock()
	defer hc.mu.Unlock()
	return s.refreshLocked(ctx, hc)
}

func (s *Session) refreshLocked(ctx context.Context, hc *hostConn) (*steps.State, error) {
	if hc.conn == nil {
		if err := s.connectLocked(ctx, hc); err != nil {
			s.setHostErr(hc, err)
			return nil, err
		}
	}
	st, res, err := s.readState(ctx, hc, "")
	if err != nil && res != nil && res.Transport != nil {
		// The connection broke: reconnect once and read again. A read
		// changes nothing, so repeating it is safe.
		s.log.Warn("state read lost the connection, reconnecting", "host", hc.host.Name, "err", s.red.Redact(err.Error()))
		if cerr := s.connectLocked(ctx, hc); cerr != nil {
			s.setHostErr(hc, cerr)
			return nil, cerr
		}
		st, _, err = s.readState(ctx, hc, "")
	}
	if err != nil {
		s.setHostErr(hc, err)
		return nil, err
	}
	return st, s.storeState(hc, st)
}

// setHostErr records a host failure; the host's items become unknown.
func (s *Session) setHostErr(hc *hostConn, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	hc.err = err
	hc.connected = hc.conn != nil
	delete(s.states, hc.host.Name)
	s.notifyLocked()
}

// storeState records st as hc's state, whichever read it came from (a
// refresh, a step's re-read, verify's observe). A login without the rights
// the procedure needs keeps the state (steps marks its items unknown) but
// its host is failed with a *RightsError, returned too, so that status
// exits 2 and the UI shows why; a later read with the rights clears it.
func (s *Session) storeState(hc *hostConn, st *steps.State) error {
	var err error
	if why := steps.RightsProblem(st); why != "" {
		err = &RightsError{Host: hc.host.Name, Reason: why}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	hc.connected = true
	hc.err = err
	hc.version = st.ProductVersion
	s.states[hc.host.Name] = st
	s.notifyLocked()
	return err
}

// stateFiles returns the certificate files to probe on host (file route only).
func (s *Session) stateFiles(host string) []string {
	p := s.effectivePlan()
	if p == nil || p.Transfer != plan.TransferFile {
		return nil
	}
	return steps.FilesToProbe(p, host)
}

// readState sends prefix (statements to run first, may be empty) followed by
// the state query as one batch and parses the state from the trailing result
// sets. It falls back to the pre-2012 query when CERTENCODED is unknown.
func (s *Session) readState(ctx context.Context, hc *hostConn, prefix string) (*steps.State, *batchResult, error) {
	s.mu.Lock()
	legacy := hc.legacy
	s.mu.Unlock()
	files := s.stateFiles(hc.host.Name)
	text := prefix + tsql.StateQuery(!legacy, files)
	res := s.send(ctx, hc, text)
	if res.Transport != nil {
		return nil, res, fmt.Errorf("%s: %w", hc.host.Name, s.red.RedactError(res.Transport))
	}
	if !legacy && prefix == "" && unknownCertEncoded(res) {
		s.mu.Lock()
		hc.legacy = true
		s.mu.Unlock()
		s.log.Info("no CERTENCODED: using the file route", "host", hc.host.Name)
		return s.readState(ctx, hc, prefix)
	}
	n := tsql.StateSetCount + len(files)
	if len(res.Sets) < n {
		if len(res.Errors) > 0 {
			e := res.Errors[len(res.Errors)-1]
			return nil, res, s.red.RedactError(&SQLError{Host: hc.host.Name, Number: e.Number, Severity: e.Class, State: e.State, Line: e.LineNo, Message: e.Message, err: e})
		}
		return nil, res, fmt.Errorf("%s: state read returned %d result sets, expected %d", hc.host.Name, len(res.Sets), n)
	}
	st, err := parseState(res.Sets[len(res.Sets)-n:], files)
	if err != nil {
		return nil, res, fmt.Errorf("%s: %w", hc.host.Name, err)
	}
	if majorVersion(st.ProductVersion) > 0 && majorVersion(st.ProductVersion) < 11 {
		s.mu.Lock()
		hc.legacy = true
		s.mu.Unlock()
	}
	return st, res, nil
}

// unknownCertEncoded reports the error a pre-2012 server gives for
// CERTENCODED: 195 "'CERTENCODED' is not a recognized built-in function name".
func unknownCertEncoded(res *batchResult) bool {
	for _, e := range res.Errors {
		if e.Number == 195 && strings.Contains(strings.ToUpper(e.Message), "CERTENCODED") {
			return true
		}
	}
	return false
}

// send runs one batch on hc's connection, counting the round trip. A
// transport failure drops the connection so that nothing is re-sent on it.
func (s *Session) send(ctx context.Context, hc *hostConn, text string) *batchResult {
	s.roundTrips.Add(1)
	s.mu.Lock()
	hc.trips++
	s.mu.Unlock()
	res := runBatch(ctx, hc.conn, text, hc.dead)
	s.red.scrubBatch(res) // a server may echo part of a secret
	if res.Transport != nil {
		hc.closeLocked()
		s.mu.Lock()
		hc.connected = false
		s.mu.Unlock()
	}
	return res
}

// RefreshAll re-reads every host concurrently; the map holds each host's
// error (nil when read).
func (s *Session) RefreshAll(ctx context.Context) map[string]error {
	out := make(map[string]error, len(s.order))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, name := range s.order {
		wg.Go(func() {
			_, err := s.Refresh(ctx, name)
			mu.Lock()
			out[name] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}
