package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/steps"
)

// fakeScaleoutChecks is a Verifier whose checks are Scale Out's: a finding
// fixed by hand, on another machine, under Checks.
type fakeScaleoutChecks struct{ fakeVerifier }

func (f *fakeScaleoutChecks) Verify(context.Context) error {
	f.vmu.Lock()
	f.verifies++
	f.vmu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	ref := steps.Ref{Host: "HOST_B", ID: "check/master-thumbprint-mismatch/HOST_A"}
	if f.list.Item(ref) == nil {
		f.list.Hosts[1].Items = append(f.list.Hosts[1].Items, steps.Item{Ref: ref, Title: "master-thumbprint-mismatch (HOST_A)",
			Status: steps.Pending, Manual: true,
			Detail:  `W2\WorkerSettings.config <MasterHttpsCertThumbprint> is 1111, but the master certificate is 2222: set 2222`,
			Why:     `W2\WorkerSettings.config <MasterHttpsCertThumbprint> = 1111; master certificate = 2222`,
			Changes: `On HOST_B: set <MasterHttpsCertThumbprint> in W2\WorkerSettings.config to 2222, then restart the Scale Out Worker service.`})
	}
	return nil
}

var scaleoutProfile = CheckProfile{Running: "Checking every thumbprint", Healthy: "Checks: every thumbprint agrees",
	Next: "v runs scaleout check again", ManualHint: "Fix it there, then press y: the check runs again.", NoSession: true, Auto: true}

func (f *fakeScaleoutChecks) count() int {
	f.vmu.Lock()
	defer f.vmu.Unlock()
	return f.verifies
}

// The last step confirmed: the checks run by themselves and their
// findings show under Checks, each with where, what was found, what to
// set and the fix; v runs them again; S is not offered.
func TestAutoChecksAfterTheLastStep(t *testing.T) {
	f := &fakeScaleoutChecks{fakeVerifier{fakeBackend: newFake("HOST_A", "HOST_B")}}
	f.markAllDone()
	last := steps.Ref{Host: "HOST_B", ID: steps.IDEndpoint}
	it := f.list.Item(last)
	it.Status, it.Manual = steps.Pending, true
	m := sized(New(Options{Backend: f, Checks: scaleoutProfile}), 120, 36)
	m, _ = settle(t, m, m.Init())
	if n := f.count(); n != 0 {
		t.Fatalf("checks ran %d times before the steps were done", n)
	}
	if strings.Contains(screen(m), "Checks") {
		t.Fatalf("Checks before the steps:\n%s", screen(m))
	}
	m = press(t, m, "enter", "y", "y")
	if it := f.list.Item(last); it.Status != steps.Done {
		t.Fatalf("the last step was not confirmed: %+v\n%s", it, screen(m))
	}
	s := screen(m)
	if n := f.count(); n != 1 {
		t.Fatalf("checks ran %d times after the last step, want 1:\n%s", n, s)
	}
	for _, want := range []string{"Checks", "master-thumbprint-mismatch (HOST_A)", "Checks: 1 to fix"} {
		if !strings.Contains(s, want) {
			t.Fatalf("after the last step, no %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "S start") {
		t.Fatalf("S offered without a session:\n%s", s)
	}
	// The checks selected the finding: enter shows where, found, to set, fix.
	m = press(t, m, "enter")
	s = detailPane(screen(m))
	for _, want := range []string{"<MasterHttpsCertThumbprint> is 1111", "set 2222", "Worker service. Fix it there, then press y: the check runs again."} {
		if !strings.Contains(s, want) {
			t.Fatalf("the finding's detail lacks %q:\n%s", want, s)
		}
	}
	m = press(t, m, "esc", "v")
	if n := f.count(); n != 2 {
		t.Fatalf("v: checks ran %d times, want 2", n)
	}
	_ = m
}

// A procedure resumed with every step done is checked at once; a profile
// without Auto (mirroring) never checks by itself.
func TestAutoChecksOnResumeOnly(t *testing.T) {
	for _, auto := range []bool{true, false} {
		f := &fakeScaleoutChecks{fakeVerifier{fakeBackend: newFake("HOST_A", "HOST_B")}}
		f.markAllDone()
		p := scaleoutProfile
		p.Auto = auto
		m := sized(New(Options{Backend: f, Checks: p}), 120, 36)
		m, _ = settle(t, m, m.Init())
		want := 0
		if auto {
			want = 1
		}
		if n := f.count(); n != want {
			t.Fatalf("auto %v: checks ran %d times, want %d", auto, n, want)
		}
		if auto && !strings.Contains(screen(m), "Checks: 1 to fix") {
			t.Fatalf("resumed:\n%s", screen(m))
		}
		if !auto && !strings.Contains(screen(m), "v runs scaleout check again") {
			t.Fatalf("the status line's hint:\n%s", screen(m))
		}
	}
}

// detailPane is the right-hand pane's text, its lines joined by spaces.
func detailPane(screen string) string {
	var out []string
	for _, l := range strings.Split(screen, "\n") {
		if _, right, ok := strings.Cut(l, "│"); ok {
			out = append(out, strings.Fields(right)...)
		}
	}
	return strings.Join(out, " ")
}
