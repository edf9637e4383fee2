package session_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mirrorcert/mirrorcert/plan"
	"github.com/mirrorcert/mirrorcert/session"
	"github.com/mirrorcert/mirrorcert/sim"
	"github.com/mirrorcert/mirrorcert/steps"
)

const simPassword = "Sim-Pa55word!x"

// startSim starts simulated instances for a test and stops them after it.
func startSim(t testing.TB, names []string, latency time.Duration) *sim.Cluster {
	t.Helper()
	cl, err := sim.Start(context.Background(), sim.Config{BasePort: 0, Names: names, Password: simPassword, Latency: latency, Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}

// simPlan builds and validates a plan for the cluster's instances.
func simPlan(t testing.TB, cl *sim.Cluster, mode string) *plan.Plan {
	t.Helper()
	var b strings.Builder
	if mode == plan.ModeAG {
		b.WriteString("mode: ag\n")
	}
	b.WriteString("hosts:\n")
	for i, in := range cl.Instances() {
		role := plan.RolePartner
		switch {
		case mode == plan.ModeAG:
			role = plan.RoleReplica
		case i == 2:
			role = plan.RoleWitness
		}
		fmt.Fprintf(&b, "  - name: %s\n    server: %s\n    role: %s\n    address: %s\n", in.Name, in.Addr, role, in.Address)
	}
	b.WriteString("auth:\n  user: sa\n  encrypt: mandatory\n  trust_server_certificate: true\n")
	b.WriteString("endpoint:\n  name: Endpoint_Mirroring\n  port: 7024\n  encryption: AES\n")
	b.WriteString("certificate:\n  expiry: 2031-11-30\ntransfer: inband\n")
	p, err := plan.Parse([]byte(b.String()), "", time.Now().UTC())
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, b.String())
	}
	return p
}

func simOptions(t testing.TB, p *plan.Plan, dir string) session.Options {
	return session.Options{
		Plan:              p,
		Passwords:         func(string) (string, error) { return simPassword, nil },
		MasterKeyPassword: func(h string) (string, bool, error) { return "Mk-" + h + "-Pa55word!", false, nil },
		TranscriptDir:     dir,
	}
}

func itemsWith(c steps.Checklist, st steps.Status) []string {
	var out []string
	for _, h := range c.Hosts {
		for _, it := range h.Items {
			if it.Status == st {
				out = append(out, it.Ref.String())
			}
		}
	}
	return out
}

func notDone(c steps.Checklist) []string {
	var out []string
	for _, h := range c.Hosts {
		for _, it := range h.Items {
			if it.Status != steps.Done {
				out = append(out, fmt.Sprintf("%s=%s (%s)", it.Ref, it.Status, it.Detail))
			}
		}
	}
	return out
}

func TestApplyCompletesAgainstSim(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	for _, h := range s.Hosts() {
		if !h.Connected || h.Err != nil || h.Version == "" {
			t.Fatalf("host %+v", h)
		}
	}
	if done := itemsWith(s.Checklist(), steps.Done); len(done) != 0 {
		t.Fatalf("fresh sim has done items: %v", done)
	}
	var events []session.Event
	if err := s.Apply(ctx, func(e session.Event) { events = append(events, e) }); err != nil {
		t.Fatalf("apply: %v\n%v", err, notDone(s.Checklist()))
	}
	c := s.Checklist()
	if !c.Complete() {
		t.Fatalf("not complete: %v", notDone(c))
	}
	doneEvents := 0
	for _, e := range events {
		if e.Phase == session.PhaseDone {
			doneEvents++
		}
		if e.Phase == session.PhaseFailed || e.Phase == session.PhaseSkipped {
			t.Errorf("event %s %s: %v", e.Ref, e.Phase, e.Err)
		}
	}
	// 3 hosts × (3 outbound + 2 peers × 4 inbound)
	if doneEvents != 33 {
		t.Errorf("%d done events, want 33", doneEvents)
	}
	// Thumbprints of every peer copy equal the owner's.
	states := s.States()
	for _, h := range p.Hosts {
		for _, peer := range p.Peers(h.Name) {
			got := states[h.Name].Cert(p.CertName(peer))
			want := states[peer].Cert(p.CertName(peer))
			if got == nil || want == nil || string(got.Thumbprint) != string(want.Thumbprint) || got.Owner != p.UserName(peer) {
				t.Errorf("%s: copy of %s: %+v vs %+v", h.Name, peer, got, want)
			}
		}
	}
	// A second Apply has nothing to do and sends nothing.
	before := s.Stats().RoundTrips
	if err := s.Apply(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if after := s.Stats().RoundTrips; after != before {
		t.Errorf("idle apply sent %d batches", after-before)
	}
}

func TestRunRefusesWhatCannotRun(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	if _, err := s.Run(ctx, steps.Ref{Host: "HOST_A", ID: steps.IDEndpoint}); err == nil || !strings.Contains(err.Error(), "waits for") {
		t.Fatalf("blocked endpoint: %v", err)
	}
	r, err := s.Run(ctx, steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Statements) != 1 || strings.Contains(r.Statements[0], "Mk-HOST_A") || r.GeneratedMasterKeyPassword != "" {
		t.Fatalf("result %+v", r)
	}
	if _, err := s.Run(ctx, steps.Ref{Host: "HOST_A", ID: steps.IDMasterKey}); err == nil || !strings.Contains(err.Error(), "already done") {
		t.Fatalf("second run: %v", err)
	}
	if _, err := s.Run(ctx, steps.Ref{Host: "NOPE", ID: steps.IDMasterKey}); err == nil {
		t.Fatal("unknown host accepted")
	}
}

func TestSQLErrorCarriesHostStepAndLine(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	if err := cl.SetFaults("HOST_B:fail-on=/CREATE MASTER KEY/:error=15578"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Run(ctx, steps.Ref{Host: "HOST_B", ID: steps.IDMasterKey})
	var se *session.SQLError
	if !errorsAs(err, &se) {
		t.Fatalf("want *SQLError, got %T %v", err, err)
	}
	if se.Host != "HOST_B" || se.Step != steps.IDMasterKey || se.Number != 15578 || se.Severity != 16 || se.Line != 1 || se.Message == "" {
		t.Fatalf("error %+v", se)
	}
	if c := s.Checklist(); c.Item(steps.Ref{Host: "HOST_B", ID: steps.IDMasterKey}).Status != steps.Failed {
		t.Fatalf("status after failure: %v", c.Item(steps.Ref{Host: "HOST_B", ID: steps.IDMasterKey}).Status)
	}
	// Fix the cause and retry: the failure clears.
	if err := cl.SetFaults(""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(ctx, steps.Ref{Host: "HOST_B", ID: steps.IDMasterKey}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(s.TranscriptDir(), "transcript.jsonl"))
	if err != nil || strings.Count(string(data), "\n") != 2 || !strings.Contains(string(data), "15578") {
		t.Fatalf("transcript %q %v", data, err)
	}
}

func TestUnreachableHostDoesNotStopOthers(t *testing.T) {
	cl := startSim(t, nil, 0)
	p := simPlan(t, cl, plan.ModeMirroring)
	p.Hosts[1].Server = "127.0.0.1,1" // nothing listens on port 1
	p.Hosts[1].Auth.LoginTimeoutSeconds = 2
	ctx := context.Background()
	s := session.Open(ctx, simOptions(t, p, t.TempDir()))
	defer s.Close()
	hs := s.Hosts()
	if !hs[0].Connected || hs[1].Connected || hs[1].Err == nil || !hs[2].Connected {
		t.Fatalf("hosts %+v", hs)
	}
	if !strings.Contains(hs[1].Err.Error(), "HOST_B") {
		t.Errorf("error does not name the host: %v", hs[1].Err)
	}
	c := s.Checklist()
	for _, it := range c.Hosts[1].Items {
		if it.Status != steps.Unknown {
			t.Errorf("%s: %s, want unknown", it.Ref, it.Status)
		}
	}
	err := s.Apply(ctx, nil)
	var inc *session.IncompleteError
	if !errorsAs(err, &inc) || len(inc.Unreachable) != 1 || inc.Unreachable[0] != "HOST_B" {
		t.Fatalf("apply: %v", err)
	}
	// HOST_A's own outbound part still got done.
	after := s.Checklist()
	if it := after.Item(steps.Ref{Host: "HOST_A", ID: steps.IDEndpoint}); it.Status != steps.Done {
		t.Fatalf("HOST_A endpoint %s: %s", it.Status, it.Detail)
	}
}
