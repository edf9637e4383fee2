package session

import (
	"context"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// ExecResult is what Exec sent and what the server said back.
type ExecResult struct {
	Statements []string // as sent, secrets masked
	Messages   []string // informational messages, redacted
}

// Exec runs statements that are not checklist items (a rotation's) on host
// as one step named step: one batch with the state re-read, recorded in the
// transcript, a lost connection reconnected and re-read but never re-sent.
// It is RunStatements for callers that name the host and step apart. A
// destructive statement needs allowDestructive: the caller has the
// operator's specific confirmation.
func (s *Session) Exec(ctx context.Context, host, step string, stmts []tsql.Statement, allowDestructive bool) (*ExecResult, error) {
	r, err := s.RunStatements(ctx, steps.Ref{Host: host, ID: step}, stmts, allowDestructive)
	out := &ExecResult{}
	if r != nil {
		out.Statements, out.Messages = r.Statements, r.Messages
	}
	return out, err
}
