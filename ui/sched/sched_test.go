package sched

import (
	"testing"

	"github.com/mirrorcert/mirrorcert/steps"
)

func ref(h, id string) steps.Ref { return steps.Ref{Host: h, ID: id} }

// list builds a host's checklist: master key, then certificate needing it.
func list(hosts ...string) steps.Checklist {
	var c steps.Checklist
	for _, h := range hosts {
		mk, cert := ref(h, steps.IDMasterKey), ref(h, steps.IDCertificate)
		c.Hosts = append(c.Hosts, steps.HostList{Host: h, Items: []steps.Item{
			{Ref: mk, Title: "Master key", Status: steps.Pending},
			{Ref: cert, Title: "Certificate", Status: steps.Blocked, Needs: []steps.Ref{mk}, BlockedBy: []steps.Ref{mk}},
		}})
	}
	return c
}

func TestStartFinishDropsStaleResults(t *testing.T) {
	s := New()
	r, ok := s.Start(Step, ref("A", steps.IDMasterKey))
	if !ok || !s.Busy("A") || s.Busy("B") || !s.Busy("") {
		t.Fatalf("start: %v busy A=%v", ok, s.Busy("A"))
	}
	if _, ok := s.Start(Step, ref("A", steps.IDCertificate)); ok {
		t.Fatal("a second run started on a busy host")
	}
	if _, ok := s.Finish("A", r.ID+1); ok {
		t.Fatal("a stale result was accepted")
	}
	if got, ok := s.Finish("A", r.ID); !ok || got.Ref != r.Ref || s.Busy("A") {
		t.Fatalf("finish: %v %v", got, ok)
	}
}

func TestNextRunnableSkipsFailedAndBusyHosts(t *testing.T) {
	c := list("A", "B")
	s := New()
	s.Record(ref("A", steps.IDMasterKey), true)
	if got, ok := s.NextRunnable(&c, 0); !ok || got != ref("B", steps.IDMasterKey) {
		t.Fatalf("next = %v %v, want B's master key", got, ok)
	}
	s.Start(Step, ref("B", steps.IDMasterKey))
	if got, ok := s.NextRunnable(&c, 0); ok {
		t.Fatalf("next = %v, want none (A failed, B busy)", got)
	}
	if it := s.Effective(c.Hosts[0].Items[0]); it.Status != steps.Failed {
		t.Errorf("effective status %s, want failed", it.Status)
	}
}

func TestDueStartsOneApprovedStepPerIdleHost(t *testing.T) {
	c := list("A", "B")
	s := New()
	if len(s.Due(&c)) != 0 {
		t.Fatal("due without A")
	}
	s.BeginAll([]steps.Ref{ref("A", steps.IDMasterKey), ref("A", steps.IDCertificate)})
	due := s.Due(&c)
	if len(due) != 1 || due[0] != ref("A", steps.IDMasterKey) {
		t.Fatalf("due = %v", due)
	}
	s.EndAll()
	if s.RunAll || len(s.Allowed) != 0 {
		t.Error("EndAll left A running")
	}
}

func TestPasswordQueue(t *testing.T) {
	var q Passwords
	q.Add(Password{Host: "B", Password: "pb"}, true)
	q.Add(Password{Host: "A", Password: "pa"}, true)
	if q.Current() != nil || !q.Pending() {
		t.Fatal("held passwords must be pending but not shown yet")
	}
	q.Release([]string{"A", "B"})
	g := q.Current()
	if len(g) != 2 || g[0].Host != "A" || g[1].Host != "B" {
		t.Fatalf("released group %v, want plan order", g)
	}
	q.Add(Password{Host: "C", Password: "pc"}, false)
	if q.More() != 1 {
		t.Fatalf("more = %d", q.More())
	}
	q.Dismiss()
	if g := q.Current(); len(g) != 1 || g[0].Host != "C" {
		t.Fatalf("after dismiss: %v", g)
	}
	q.Dismiss()
	if q.Pending() {
		t.Error("still pending after every group was dismissed")
	}
}

func TestAskQueue(t *testing.T) {
	refs := []steps.Ref{ref("A", steps.IDMasterKey), ref("A", steps.IDCertificate), ref("B", steps.IDMasterKey)}
	a := NewAsk(refs, nil)
	if a.Total != 2 {
		t.Fatalf("asks %d, want 2", a.Total)
	}
	r, n := a.Next()
	if r.Host != "A" || n != 1 {
		t.Fatalf("first question %v %d", r, n)
	}
	a.Answer("pw-a")
	a.Answer("")
	if a.Active() {
		t.Fatal("questions left after two answers")
	}
	if a.Take("A") != "pw-a" || a.Take("A") != "" {
		t.Error("a typed password is not used exactly once")
	}
}

// Item 11: A runs pending steps, blocked ones whose blockers it runs too,
// and lists apart the ones waiting for a manual step, naming it.
func TestForAllSeparatesWhatWaitsForTheOperator(t *testing.T) {
	c := list("A")
	cp := ref("A", "inbound/B/copy")
	peer := ref("A", "inbound/B/certificate")
	c.Hosts[0].Items = append(c.Hosts[0].Items,
		steps.Item{Ref: cp, Title: "Copy", Manual: true, Status: steps.Pending},
		steps.Item{Ref: peer, Title: "Peer certificate", Status: steps.Blocked, Needs: []steps.Ref{cp}, BlockedBy: []steps.Ref{cp}},
		steps.Item{Ref: ref("A", "inbound/B/connect"), Title: "Connect", Status: steps.Blocked, Needs: []steps.Ref{peer}, BlockedBy: []steps.Ref{peer}},
	)
	p := ForAll(&c)
	if len(p.Run) != 2 || p.Run[0] != ref("A", steps.IDMasterKey) || p.Run[1] != ref("A", steps.IDCertificate) {
		t.Fatalf("run %v", p.Run)
	}
	if len(p.Wait) != 2 {
		t.Fatalf("wait %v", p.Wait)
	}
	for _, w := range p.Wait {
		if len(w.For) != 1 || w.For[0] != cp {
			t.Errorf("%v waits for %v, want the manual copy", w.Ref, w.For)
		}
	}
}

// Item 11: A retries a failed step.
func TestBeginAllRetriesFailedSteps(t *testing.T) {
	c := list("A")
	s := New()
	s.Record(ref("A", steps.IDMasterKey), true)
	s.BeginAll(ForAll(&c).Run)
	if due := s.Due(&c); len(due) != 1 || due[0] != ref("A", steps.IDMasterKey) {
		t.Fatalf("due %v: the failed step is not retried", due)
	}
}
