package session

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// ExecResult is what Exec sent and what the server said back.
type ExecResult struct {
	Statements []string // as sent, secrets masked (Exec refuses secrets anyway)
	Messages   []string // informational messages, redacted
}

// ErrMayHaveRun wraps a lost connection after a batch was sent: the
// statements may or may not have run. The state was read again; the caller
// decides from it, and never sends the batch a second time blindly.
var ErrMayHaveRun = errors.New("the connection was lost while the statements ran; they were not sent again")

// Exec runs statements that are not checklist items (a rotation's, a
// session start's) on host as one batch, followed by the state re-read, and
// records each in the transcript under step. A destructive statement needs
// allowDestructive: the caller has the operator's specific confirmation.
// Statements carrying secrets are refused: none of these need one, and a
// secret must never travel through a path that cannot mask it.
func (s *Session) Exec(ctx context.Context, host, step string, stmts []tsql.Statement, allowDestructive bool) (*ExecResult, error) {
	hc := s.hosts[host]
	if hc == nil {
		return nil, fmt.Errorf("unknown host %q: the plan's hosts are %s", host, strings.Join(s.order, ", "))
	}
	var batch strings.Builder
	out := &ExecResult{}
	for _, st := range stmts {
		if len(st.Secrets) > 0 {
			return nil, fmt.Errorf("%s: %s: a statement with a secret cannot run through Exec", host, step)
		}
		if st.Destructive && !allowDestructive {
			return nil, fmt.Errorf("%s: %s: %s changes an existing object and needs the operator's confirmation", host, step, firstLine(st.Text))
		}
		if st.Database != "" && !strings.EqualFold(st.Database, tsql.Master) {
			return nil, fmt.Errorf("%s: %s: statement for database %q: Exec only runs in master", host, step, st.Database)
		}
		batch.WriteString(st.Text)
		batch.WriteString("\n")
		out.Statements = append(out.Statements, s.red.Redact(st.Text))
	}
	hc.mu.Lock()
	defer hc.mu.Unlock()
	if err := s.ensureConnectedLocked(ctx, hc); err != nil {
		return nil, err
	}
	start := s.now()
	s.noteChange(host, start)
	st, res, err := s.readState(ctx, hc, batch.String())
	if st != nil {
		s.storeState(hc, st)
	}
	for _, m := range res.Messages {
		out.Messages = append(out.Messages, s.red.Redact(m))
	}
	rec := func(result, msg string) {
		for _, text := range out.Statements {
			r := Record{Time: start, Host: host, Step: step, Text: text, DurationMS: float64(res.Duration.Microseconds()) / 1000,
				BatchItems: 1, Result: result, Error: msg, Messages: out.Messages}
			if terr := s.tr.Write(r); terr != nil {
				s.log.Error("transcript write failed", "err", terr.Error())
			}
		}
	}
	if res.Transport != nil {
		lost := s.red.RedactError(res.Transport)
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recoverTimeout)
		_, rerr := s.refreshLocked(rctx, hc)
		cancel()
		e := fmt.Errorf("%s: %s: %w (%v)", host, step, ErrMayHaveRun, lost)
		if rerr != nil {
			e = fmt.Errorf("%w; reconnecting failed too: %v", e, rerr)
		}
		rec("error", e.Error())
		return out, e
	}
	if len(res.Errors) > 0 {
		me := res.Errors[0]
		e := s.red.RedactError(&SQLError{Host: host, Step: step, Number: me.Number, Severity: me.Class, State: me.State, Line: me.LineNo, Message: me.Message, err: me})
		rec("error", e.Error())
		if err != nil {
			// The error ended the batch before the state re-read: read it
			// on its own so the caller decides from what is there now.
			if _, rerr := s.refreshLocked(ctx, hc); rerr != nil {
				return out, fmt.Errorf("%w; re-reading the state failed too: %v", e, rerr)
			}
		}
		return out, e
	}
	if err != nil {
		rec("error", err.Error())
		return out, err
	}
	rec("ok", "")
	return out, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
