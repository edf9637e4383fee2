package session

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mirrorcert/mirrorcert/steps/checks"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// DefaultLogHours bounds the error-log search: long enough to hold the
// last attempt at starting a session, short enough that last month's
// failures do not drown today's.
const DefaultLogHours = 24

// ObserveOptions tune Observe.
type ObserveOptions struct {
	LogHours int // error-log window; 0 means DefaultLogHours
	// ProbeTimeout bounds each endpoint TCP probe; 0 means DefaultProbeTimeout.
	// Negative skips probing.
	ProbeTimeout time.Duration
}

// Observe reads, on every host concurrently and in one round trip each, the
// state the checklist uses plus what the cross-host checks need (error-log
// lines of the handshake and mirroring messages within the window,
// permissions, databases, mirroring sessions, mirroring connections), and
// probes every endpoint's TCP port from this machine. A host that cannot be
// read is returned with a nil State; its error is in Hosts().
func (s *Session) Observe(ctx context.Context, o ObserveOptions) map[string]*checks.Host {
	if o.LogHours <= 0 {
		o.LogHours = DefaultLogHours
	}
	out := make(map[string]*checks.Host, len(s.order))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, name := range s.order {
		wg.Go(func() {
			x, err := s.observeHost(ctx, name, o.LogHours)
			if err != nil {
				x = &checks.Host{}
			}
			s.mu.Lock()
			x.Changed = s.changedAt[name]
			s.mu.Unlock()
			mu.Lock()
			out[name] = x
			mu.Unlock()
		})
	}
	wg.Wait()
	if o.ProbeTimeout >= 0 {
		var targets []ProbeTarget
		for _, h := range s.plan.Hosts {
			x := out[h.Name]
			port := s.plan.Endpoint.Port
			if x.State != nil && x.State.Endpoint != nil && x.State.Endpoint.Port > 0 {
				port = x.State.Endpoint.Port
			}
			if x.State == nil || x.State.Endpoint == nil {
				continue // nothing to probe: endpoint-missing or not read
			}
			addr := h.Address
			if addr == "" {
				addr = serverHostPart(h.Server)
			}
			targets = append(targets, ProbeTarget{Host: h.Name, Address: addr, Port: port})
		}
		for host, r := range Probe(ctx, targets, o.ProbeTimeout) {
			out[host].Reach = &r
		}
	}
	return out
}

// noteChange records that mirrorcert changed something on host at t, so
// error-log lines older than that are shown as history.
func (s *Session) noteChange(host string, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changedAt == nil {
		s.changedAt = map[string]time.Time{}
	}
	s.changedAt[host] = t.UTC()
}

func (s *Session) observeHost(ctx context.Context, host string, logHours int) (*checks.Host, error) {
	hc := s.hosts[host]
	hc.mu.Lock()
	defer hc.mu.Unlock()
	if hc.conn == nil {
		if err := s.connectLocked(ctx, hc); err != nil {
			s.setHostErr(hc, err)
			return nil, err
		}
	}
	s.mu.Lock()
	legacy := hc.legacy
	s.mu.Unlock()
	files := s.stateFiles(host)
	n := tsql.StateSetCount + len(files)
	res := s.send(ctx, hc, tsql.StateQuery(!legacy, files)+tsql.VerifyQuery(logHours))
	if res.Transport != nil {
		err := fmt.Errorf("%s: %w", host, s.red.RedactError(res.Transport))
		s.setHostErr(hc, err)
		return nil, err
	}
	if len(res.Sets) < n+tsql.VerifySetLogs {
		// Something the extras need is missing (an old server): fall back to
		// the plain state read, and check with what it gives.
		st, err := s.refreshLocked(ctx, hc)
		if err != nil {
			return nil, err
		}
		return &checks.Host{State: st}, nil
	}
	st, err := parseState(res.Sets[:n], files)
	if err != nil {
		s.setHostErr(hc, err)
		return nil, err
	}
	s.storeState(hc, st)
	x := &checks.Host{State: st}
	parseExtras(x, res.Sets[n:])
	return x, nil
}

// parseExtras fills x from the sets of tsql.VerifyQuery; sets may be cut
// short (a server without sys.dm_db_mirroring_connections).
func parseExtras(x *checks.Host, sets []resultSet) {
	set := func(i int) [][]any {
		if i < len(sets) {
			return sets[i].Rows
		}
		return nil
	}
	// Server times (error log, modify_date) are local to the server; the
	// offset to UTC comes from the same instant read both ways, rounded to
	// the quarter hour that time zones use.
	var offset time.Duration
	if rows := set(tsql.VerifySetClock); len(rows) > 0 {
		offset = tm(col(rows[0], 1)).Sub(tm(col(rows[0], 0))).Round(15 * time.Minute)
	}
	utc := func(v any) time.Time {
		t := tm(v)
		if t.IsZero() {
			return t
		}
		return t.Add(offset)
	}
	if rows := set(tsql.VerifySetPerms); len(rows) > 0 {
		r := rows[0]
		x.Perms = checks.Perms{Known: true, Sysadmin: num(col(r, 0)) == 1, ViewAnyDefinition: num(col(r, 1)) == 1,
			ViewServerState: num(col(r, 2)) == 1, Login: str(col(r, 3)), CanReadLog: num(col(r, 4)) == 1}
	}
	x.LoginChanged = map[string]time.Time{}
	for _, r := range set(tsql.VerifySetPrincipals) {
		x.LoginChanged[str(col(r, 0))] = utc(col(r, 1))
	}
	for _, r := range set(tsql.VerifySetDatabases) {
		x.Databases = append(x.Databases, checks.Database{Name: str(col(r, 0)), State: str(col(r, 1)), Recovery: str(col(r, 2))})
	}
	for _, r := range set(tsql.VerifySetMirroring) {
		x.Mirroring = append(x.Mirroring, checks.Mirror{Database: str(col(r, 0)), State: str(col(r, 1)), Role: str(col(r, 2)),
			Partner: str(col(r, 3)), Witness: str(col(r, 4)), WitnessState: str(col(r, 5)), Safety: str(col(r, 6))})
	}
	x.LogRead = x.Perms.CanReadLog && len(sets) >= tsql.VerifySetLogs+len(tsql.LogSearches)
	seen := map[string]bool{}
	for i := range tsql.LogSearches {
		for _, r := range set(tsql.VerifySetLogs + i) {
			l := checks.LogLine{Time: utc(col(r, 0)), Text: strings.TrimSpace(str(col(r, 2))), Count: 1}
			key := l.Time.String() + "\x00" + l.Text
			if l.Text == "" || seen[key] {
				continue // the same line found by two searches
			}
			seen[key] = true
			x.Log = append(x.Log, l)
		}
	}
	if i := tsql.VerifySetConnections(); i < len(sets) && len(sets[i].Columns) >= 6 {
		x.ConnectionsRead = true
		for _, r := range sets[i].Rows {
			x.Connections = append(x.Connections, checks.Connection{State: str(col(r, 0)), LoginState: str(col(r, 1)),
				Accept: boolean(col(r, 2)), Principal: str(col(r, 3)), Remote: str(col(r, 4)), Connected: utc(col(r, 5))})
		}
	}
}

// serverHostPart is the host of a sqlcmd -S value: host[\instance][,port].
func serverHostPart(server string) string {
	h, _, _ := strings.Cut(server, ",")
	h, _, _ = strings.Cut(h, `\`)
	return strings.TrimPrefix(strings.TrimSpace(h), "tcp:")
}
