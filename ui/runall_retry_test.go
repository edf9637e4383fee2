package ui

import (
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/steps"
)

// Item 11: A after a failure retries the failed step (its cause fixed).
func TestRunAllRetriesTheFailedStep(t *testing.T) {
	m, f := progressed(t)
	bc := ref("HOST_B", steps.IDCertificate)
	if !m.sched.Failed[bc] {
		t.Fatal("no failed step to start from")
	}
	delete(f.fail, bc) // the operator fixed the cause
	m = press(t, m, "A")
	if !strings.Contains(screen(m), "HOST_B: Certificate HOST_B_cert (failed: runs again)") {
		t.Fatalf("the confirmation does not list the failed step:\n%s", screen(m))
	}
	m = press(t, m, "y")
	for len(m.pw.Groups) > 0 {
		m = press(t, m, "enter")
	}
	if got := f.list.Item(bc).Status; got != steps.Done {
		t.Fatalf("after A the failed step is %s, want done", got)
	}
}

// Item 11: steps blocked by a manual copy are listed apart as waiting, and
// the closing note says what they wait for rather than "could not run".
func TestRunAllListsWaitingStepsApart(t *testing.T) {
	f := newFake("HOST_A", "HOST_B")
	cp := ref("HOST_A", steps.InboundID("HOST_B", steps.KindCopy))
	pc := ref("HOST_A", steps.InboundID("HOST_B", steps.KindCertificate))
	f.mu.Lock()
	f.list.Hosts[0].Items = append(f.list.Hosts[0].Items, steps.Item{Ref: cp, Title: "Copy HOST_B_cert.cer", Manual: true, Status: steps.Pending})
	it := f.list.Item(pc)
	it.Needs = append(it.Needs, cp)
	resolveFixture(&f.list)
	f.mu.Unlock()
	m := press(t, sized(started(t, f), 120, 50), "A")
	s := screen(m)
	if !strings.Contains(s, "Will wait (1), for steps only you can do:") || !strings.Contains(s, "HOST_A: Certificate HOST_B_cert ← Copy HOST_B_cert.cer") {
		t.Fatalf("the confirmation does not list the waiting step apart:\n%s", s)
	}
	m = press(t, m, "y")
	for len(m.pw.Groups) > 0 {
		m = press(t, m, "enter")
	}
	s = screen(m)
	if strings.Contains(s, "could not run") || !strings.Contains(s, "1 will wait for HOST_A: Copy HOST_B_cert.cer") {
		t.Fatalf("closing note:\n%s", s)
	}
}
