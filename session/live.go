package session

import (
	"context"
	"fmt"
	"strings"

	"github.com/mirrorcert/mirrorcert/steps/rotate"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// ReadLive reads host's mirroring connections and mirrored databases in one
// round trip. A server without the views (or a login that may not read
// them) gives a Live with Read false and the reason, never a guess.
func (s *Session) ReadLive(ctx context.Context, host string) (*rotate.Live, error) {
	hc := s.hosts[host]
	if hc == nil {
		return nil, fmt.Errorf("unknown host %q: the plan's hosts are %s", host, strings.Join(s.order, ", "))
	}
	hc.mu.Lock()
	defer hc.mu.Unlock()
	if err := s.ensureConnectedLocked(ctx, hc); err != nil {
		return &rotate.Live{}, err
	}
	res := s.send(ctx, hc, tsql.LiveQuery())
	if res.Transport != nil {
		return &rotate.Live{}, fmt.Errorf("%s: reading the mirroring views: %w", host, s.red.RedactError(res.Transport))
	}
	if len(res.Errors) > 0 || len(res.Sets) != tsql.LiveSetCount {
		msg := fmt.Sprintf("%d result sets", len(res.Sets))
		if len(res.Errors) > 0 {
			e := res.Errors[0]
			msg = fmt.Sprintf("Msg %d: %s", e.Number, e.Message)
		}
		return &rotate.Live{}, fmt.Errorf("%s: reading the mirroring views: %s", host, s.red.Redact(msg))
	}
	l := &rotate.Live{Read: true}
	for _, r := range res.Sets[tsql.LiveSetConnections].Rows {
		l.Connections = append(l.Connections, rotate.Connection{
			Accept: boolean(col(r, 0)), Principal: str(col(r, 1)), PeerCertID: int(num(col(r, 2))), State: str(col(r, 3)),
		})
	}
	for _, r := range res.Sets[tsql.LiveSetMirroring].Rows {
		l.Sessions = append(l.Sessions, rotate.Session{Database: str(col(r, 0)), State: str(col(r, 1)), Partner: str(col(r, 2))})
	}
	return l, nil
}
