package session

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/checks"
	"github.com/mirrorcert/mirrorcert/steps/start"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
)

// StartRequest names what start works on.
type StartRequest struct {
	Database  string
	BackupDir string
	Group     string // availability group (mode ag)
	// Probe includes the endpoint TCP probes (verify's reachability); a
	// wait loop leaves them out.
	Probe    bool
	LogHours int
}

// StartObserve reads everything start.Build needs: Observe's read of every
// host, the backup files on the hosts that write or read them, and in mode
// ag the groups and replica states. The returned options lack only Now,
// Ran and WarnWithin, which are the caller's.
func (s *Session) StartObserve(ctx context.Context, r StartRequest) start.Options {
	po := ObserveOptions{LogHours: r.LogHours}
	if !r.Probe {
		po.ProbeTimeout = -1
	}
	hosts := s.Observe(ctx, po)
	o := start.Options{Plan: s.plan, Hosts: hosts, Database: r.Database, BackupDir: r.BackupDir, Group: r.Group,
		Files: map[string]map[string]bool{}}
	full, logf := start.BackupFiles(r.BackupDir, r.Database)
	ag := s.plan.Mode == plan.ModeAG
	if ag {
		o.AG = map[string]*start.AGHost{}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, h := range s.plan.Hosts {
		read := hosts[h.Name] != nil && hosts[h.Name].State != nil
		if !read && !ag {
			continue
		}
		var paths []string
		if read {
			paths = []string{full, logf}
		}
		wg.Go(func() {
			files, a, err := s.startExtras(ctx, h.Name, paths, ag)
			if err != nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if read {
				o.Files[h.Name] = files
			}
			if ag {
				o.AG[h.Name] = a
			}
		})
	}
	wg.Wait()
	return o
}

// RunStartStep runs one step of the start sequence on its host, and
// re-reads that host's state in the same round trip. The statements are
// the step's, exactly as shown before.
func (s *Session) RunStartStep(ctx context.Context, st start.Step) (*RunResult, error) {
	if st.Manual {
		return nil, fmt.Errorf("%s: %s is done by hand: %s", st.Host, st.ID, st.Detail)
	}
	if st.Status != steps.Pending {
		return nil, fmt.Errorf("%s: %s is %s, not pending: %s", st.Host, st.ID, st.Status, st.Detail)
	}
	return s.RunStatements(ctx, st.Ref, st.Statements, false)
}

// startExtras reads on host, in one round trip, what start needs beyond
// Observe: with ag the availability groups, replicas and local databases
// in groups (tsql.StartQuery), then whether each of paths exists
// (xp_fileexist). Every host is read at once, each in one batch: start
// re-reads them every half second while it waits for synchronization.
func (s *Session) startExtras(ctx context.Context, host string, paths []string, ag bool) (map[string]bool, *start.AGHost, error) {
	hc := s.hosts[host]
	hc.mu.Lock()
	defer hc.mu.Unlock()
	if err := s.ensureConnectedLocked(ctx, hc); err != nil {
		return nil, nil, err
	}
	text := "SET NOCOUNT ON;\n"
	if ag {
		text += tsql.StartQuery()
	}
	res := s.send(ctx, hc, text+tsql.FileExistsQuery(paths))
	if res.Transport != nil {
		return nil, nil, s.red.RedactError(res.Transport)
	}
	sets := res.Sets
	var a *start.AGHost
	if ag {
		a = parseAG(sets)
		sets = sets[min(tsql.StartSetCount, len(sets)):]
	}
	files := map[string]bool{}
	for i, p := range paths {
		if i < len(sets) && len(sets[i].Rows) > 0 {
			files[p] = num(col(sets[i].Rows[0], 0)) == 1
		}
	}
	return files, a, nil
}

// parseAG reads tsql.StartQuery's result sets; missing ones (a server
// without those views) leave an empty AGHost.
func parseAG(sets []resultSet) *start.AGHost {
	a := &start.AGHost{}
	set := func(i int) [][]any {
		if i < len(sets) {
			return sets[i].Rows
		}
		return nil
	}
	for _, r := range set(0) {
		a.Groups = append(a.Groups, str(col(r, 0)))
	}
	for _, r := range set(1) {
		a.Replicas = append(a.Replicas, start.AGReplica{Group: str(col(r, 0)), Server: str(col(r, 1)), URL: str(col(r, 2)),
			Role: str(col(r, 3)), Connected: str(col(r, 4)), ErrNumber: int(num(col(r, 5))), ErrDescription: str(col(r, 6))})
	}
	for _, r := range set(2) {
		a.Databases = append(a.Databases, str(col(r, 1)))
	}
	return a
}

// WaitSynchronized re-reads the hosts until the sequence says the session
// is synchronized or timeout passes, calling progress with each state.
func (s *Session) WaitSynchronized(ctx context.Context, r StartRequest, timeout time.Duration, build func(start.Options) start.Sequence, progress func(start.Sequence)) (start.Sequence, bool) {
	deadline := time.Now().Add(timeout)
	r.Probe = false
	for {
		seq := build(s.StartObserve(ctx, r))
		if progress != nil {
			progress(seq)
		}
		if seq.Synchronized {
			return seq, true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return seq, false
		}
		select {
		case <-ctx.Done():
			return seq, false
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// RunStatements runs statements (a verify finding's fix) on ref's host as
// one step named ref, with the transcript and state re-read of any step.
// A destructive statement runs only with allowDestructive, which the caller
// sets after the operator's specific confirmation.
// ref is not a checklist item: its failure is the caller's to show.
func (s *Session) RunStatements(ctx context.Context, ref steps.Ref, sts []tsql.Statement, allowDestructive bool) (*RunResult, error) {
	hc := s.hosts[ref.Host]
	if hc == nil {
		return nil, fmt.Errorf("unknown host %q: the plan's hosts are %s", ref.Host, strings.Join(s.order, ", "))
	}
	hc.mu.Lock()
	defer hc.mu.Unlock()
	if err := s.ensureConnectedLocked(ctx, hc); err != nil {
		return nil, err
	}
	outs := s.execLocked(ctx, hc, []steps.Item{{Ref: ref, Statements: sts, Status: steps.Pending}}, allowDestructive)
	s.mu.Lock()
	delete(s.failed, ref) // not a checklist item: its failure is the caller's to show
	s.mu.Unlock()
	return outs[0].result, outs[0].err
}

// Diagnose reads every host again, error logs included, and runs the
// checks: after a failed step the cause is usually in another server's
// error log, written moments ago.
func (s *Session) Diagnose(ctx context.Context, now time.Time, warnWithin time.Duration) []checks.Finding {
	hosts := s.Observe(ctx, ObserveOptions{})
	return checks.Run(checks.Input{Plan: s.plan, Hosts: hosts, Now: now, WarnWithin: warnWithin})
}
