package session_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/steps"
)

// TestApplyChainStopsAtTheFailingItem: the outbound chain goes in one
// batch, so when CREATE MASTER KEY fails (15118: the server refuses the
// password), the certificate and the endpoint after it must not run on the
// server (they would fail too, with misleading errors), the transcript must
// say they did not run and why, and a second apply with a good password
// resumes and completes.
func TestApplyChainStopsAtTheFailingItem(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	ctx := context.Background()
	dir := t.TempDir()
	o := simOptions(t, p, dir)
	good := o.MasterKeyPassword
	o.MasterKeyPassword = func(h string) (string, bool, error) {
		if h == "HOST_A" {
			return "weakpassword", false, nil
		}
		return good(h)
	}
	s := session.Open(ctx, o)
	events := map[steps.Ref]session.Event{}
	err := s.Apply(ctx, func(e session.Event) { events[e.Ref] = e })
	var inc *session.IncompleteError
	if !errorsAs(err, &inc) {
		t.Fatalf("apply: want *IncompleteError, got %v", err)
	}
	mk := steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}
	var se *session.SQLError
	if e := events[mk]; e.Phase != session.PhaseFailed || !errorsAs(e.Err, &se) || se.Number != 15118 {
		t.Fatalf("master key: %s %v", e.Phase, e.Err)
	}
	for _, id := range []string{steps.IDCertificate, steps.IDEndpoint} {
		e := events[steps.Ref{Host: "HOST_A", ID: id}]
		if e.Phase != session.PhaseFailed || e.Err == nil || !strings.Contains(e.Err.Error(), "not run: it needs outbound/") {
			t.Errorf("%s: want failed as not run, got %+v", id, e)
		}
	}
	// HOST_B and HOST_W did all they could without HOST_A's certificate.
	for _, h := range []string{"HOST_B", "HOST_W"} {
		if e := events[steps.Ref{Host: h, ID: steps.InboundID("HOST_A", steps.KindConnect)}]; e.Phase != session.PhaseDone {
			t.Errorf("%s: CONNECT for HOST_A: %+v", h, e)
		}
	}
	s.Close()
	data, err := os.ReadFile(filepath.Join(dir, "transcript.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	results := map[string]session.Record{}
	for _, ln := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r session.Record
		if err := json.Unmarshal([]byte(ln), &r); err != nil {
			t.Fatal(err)
		}
		if r.Host == "HOST_A" {
			results[r.Step] = r
		}
	}
	if r := results[steps.IDMasterKey]; r.Result != "error" || !strings.Contains(r.Error, "15118") {
		t.Errorf("master key record: %+v", r)
	}
	for _, id := range []string{steps.IDCertificate, steps.IDEndpoint} {
		r := results[id]
		if r.Result != "not-run" || !strings.Contains(r.Error, "needs outbound/") || r.BatchItems != 3 {
			t.Errorf("%s record: %+v", id, r)
		}
		// Had it run, the server would have refused it for want of a
		// master key (15581) or a certificate (15151).
		if strings.Contains(r.Error, "Msg 15") {
			t.Errorf("%s ran on the server: %s", id, r.Error)
		}
	}

	s2 := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s2.Close()
	if err := s2.Apply(ctx, nil); err != nil {
		t.Fatalf("second apply: %v", err)
	}
	assertExactlyOnce(t, p, s2)
}
