package session_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/msdsn"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
)

const benchLatency = 25 * time.Millisecond

// connectOneQuery is the yardstick: connect to one host and run one query.
func connectOneQuery(b *testing.B, addr string) (connect, query time.Duration) {
	b.Helper()
	cfg, err := msdsn.Parse(fmt.Sprintf("sqlserver://sa@%s?encrypt=true&trustservercertificate=true&database=master", hostPort(addr)))
	if err != nil {
		b.Fatal(err)
	}
	cfg.Password = simPassword // the same way the session passes it: never in a string
	db := sql.OpenDB(mssql.NewConnectorConfig(cfg))
	defer db.Close()
	t0 := time.Now()
	conn, err := db.Conn(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	if err := conn.PingContext(context.Background()); err != nil {
		b.Fatal(err)
	}
	t1 := time.Now()
	var one int
	if err := conn.QueryRowContext(context.Background(), "SELECT 1").Scan(&one); err != nil {
		b.Fatal(err)
	}
	return t1.Sub(t0), time.Since(t1)
}

// hostPort turns "127.0.0.1,PORT" into "127.0.0.1:PORT".
func hostPort(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ',' {
			return addr[:i] + ":" + addr[i+1:]
		}
	}
	return addr
}

// BenchmarkStatus3Hosts: open a session on 3 hosts (connect and read every
// state) against the yardstick of connecting to one host and running one query.
func BenchmarkStatus3Hosts(b *testing.B) {
	cl := startSim(b, nil, benchLatency)
	p := simPlan(b, cl, plan.ModeMirroring)
	var yard time.Duration
	for range 3 {
		c, q := connectOneQuery(b, cl.Instances()[0].Addr)
		yard += c + q
	}
	yard /= 3
	var trips int64
	b.ResetTimer()
	for b.Loop() {
		s := session.Open(context.Background(), simOptions(b, p, b.TempDir()))
		for _, h := range s.Hosts() {
			if h.Err != nil {
				b.Fatal(h.Err)
			}
		}
		trips += s.Stats().RoundTrips
		s.Close()
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(yard.Microseconds())/1000, "yardstick-ms")
	b.ReportMetric(float64(per)/float64(yard), "x-yardstick")
	b.ReportMetric(float64(trips)/float64(b.N), "batches/op")
}

// chainLength is the longest chain of dependent items in a checklist: the
// number of round trips that must follow one another.
func chainLength(c steps.Checklist) int {
	memo := map[steps.Ref]int{}
	var depth func(r steps.Ref) int
	depth = func(r steps.Ref) int {
		if d, ok := memo[r]; ok {
			return d
		}
		d := 1
		for _, n := range c.Item(r).Needs {
			d = max(d, 1+depth(n))
		}
		memo[r] = d
		return d
	}
	longest := 0
	for _, h := range c.Hosts {
		for _, it := range h.Items {
			longest = max(longest, depth(it.Ref))
		}
	}
	return longest
}

// criticalPath is the time the dependent round trips take back to back:
// each item's earliest finish is the latest finish of what it needs plus the
// measured duration of the round trip that ran it. Server work (the
// simulator generating RSA keys for CREATE CERTIFICATE) counts, because no
// schedule can avoid it; waiting does not.
func criticalPath(c steps.Checklist, took map[steps.Ref]time.Duration) time.Duration {
	memo := map[steps.Ref]time.Duration{}
	var finish func(r steps.Ref) time.Duration
	finish = func(r steps.Ref) time.Duration {
		if d, ok := memo[r]; ok {
			return d
		}
		var start time.Duration
		for _, n := range c.Item(r).Needs {
			start = max(start, finish(n))
		}
		memo[r] = start + took[r]
		return memo[r]
	}
	var longest time.Duration
	for _, h := range c.Hosts {
		for _, it := range h.Items {
			longest = max(longest, finish(it.Ref))
		}
	}
	return longest
}

func benchApply(b *testing.B, names []string, mode string) {
	var wall, pathTotal time.Duration
	var trips, maxHostTrips, builds int64
	var chain int
	for b.Loop() {
		b.StopTimer()
		cl := startSim(b, names, benchLatency)
		p := simPlan(b, cl, mode)
		b.StartTimer()
		t0 := time.Now()
		s := session.Open(context.Background(), simOptions(b, p, b.TempDir()))
		opened := time.Since(t0)
		fresh := s.Checklist()
		took := map[steps.Ref]time.Duration{}
		err := s.Apply(context.Background(), func(e session.Event) {
			if e.Phase == session.PhaseDone {
				took[e.Ref] = e.Duration
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		wall += time.Since(t0)
		b.StopTimer()
		chain = chainLength(fresh)
		pathTotal += opened + criticalPath(fresh, took)
		st := s.Stats()
		trips += st.RoundTrips
		builds += st.ChecklistBuilds
		for _, n := range st.PerHost {
			maxHostTrips = max(maxHostTrips, n)
		}
		s.Close()
		cl.Close()
		b.StartTimer()
	}
	n := time.Duration(b.N)
	b.ReportMetric(float64((wall/n).Microseconds())/1000, "wall-ms")
	b.ReportMetric(float64((pathTotal/n).Microseconds())/1000, "critical-path-ms")
	b.ReportMetric(float64(wall)/float64(pathTotal), "x-critical-path")
	b.ReportMetric(float64(chain), "chain-len")
	b.ReportMetric(float64(trips)/float64(b.N), "batches/op")
	b.ReportMetric(float64(maxHostTrips), "max-host-batches")
	b.ReportMetric(float64(builds)/float64(b.N), "checklist-builds/op")
}

// BenchmarkApply3Hosts: apply on two partners and a witness.
func BenchmarkApply3Hosts(b *testing.B) { benchApply(b, nil, plan.ModeMirroring) }

// BenchmarkApply9Replicas: apply on nine availability-group replicas.
func BenchmarkApply9Replicas(b *testing.B) {
	var names []string
	for i := 1; i <= 9; i++ {
		names = append(names, fmt.Sprintf("REPLICA_%d", i))
	}
	benchApply(b, names, plan.ModeAG)
}
