package session

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

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

// ReadLiveAll reads every host's mirroring views concurrently. A host whose
// views could not be read has a Live with Read false.
func (s *Session) ReadLiveAll(ctx context.Context) map[string]*rotate.Live {
	live := make(map[string]*rotate.Live, len(s.order))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, name := range s.order {
		wg.Go(func() {
			l, err := s.ReadLive(ctx, name)
			if err != nil || l == nil {
				l = &rotate.Live{}
			}
			mu.Lock()
			live[name] = l
			mu.Unlock()
		})
	}
	wg.Wait()
	return live
}

// Rotation derives host's rotation to a certificate expiring on expiry from
// the states last read and the live views read now. The CLI and the TUI
// both drive a rotation through it, so they agree on every step. The live
// views are returned too: they are the sessions' state to show.
func (s *Session) Rotation(ctx context.Context, host string, expiry, now time.Time) (rotate.Sequence, map[string]*rotate.Live, error) {
	live := s.ReadLiveAll(ctx)
	q, err := rotate.Build(rotate.Input{Plan: s.plan, Host: host, Expiry: expiry, Now: now, States: s.States(), Live: live})
	return q, live, err
}
