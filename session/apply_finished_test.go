package session

import (
	"testing"

	"github.com/mirrorcert/mirrorcert/steps"
)

// TestSchedFinished: a host stops without another checklist build only
// when nothing it has could still be sent in this Apply.
func TestSchedFinished(t *testing.T) {
	ref := func(id string) steps.Ref { return steps.Ref{Host: "HOST_A", ID: id} }
	sc := &sched{tried: map[steps.Ref]bool{ref("sent"): true}, inflight: map[steps.Ref]bool{}}
	settled := []steps.Item{
		{Ref: ref("sent"), Status: steps.Pending},
		{Ref: ref("done"), Status: steps.Done},
		{Ref: ref("conflict"), Status: steps.Conflict},
		{Ref: ref("copy"), Status: steps.Pending, Manual: true},
		{Ref: ref("other"), Status: steps.Pending},
	}
	notOther := func(r steps.Ref) bool { return r.ID != "other" }
	if !sc.finished(settled, notOther) {
		t.Error("nothing left to send, but the host is not finished")
	}
	if sc.finished(settled, nil) {
		t.Error("an allowed pending item that was not sent, but the host is finished")
	}
	for _, st := range []steps.Status{steps.Blocked, steps.Unknown, steps.Failed, steps.Pending} {
		items := append(append([]steps.Item(nil), settled[:4]...), steps.Item{Ref: ref("waiting"), Status: st})
		if sc.finished(items, nil) {
			t.Errorf("a %v item not sent yet, but the host is finished", st)
		}
	}
}
