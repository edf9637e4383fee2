package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui"
)

// confirmAllBut confirms every step of b in order but the last, which it
// returns.
func confirmAllBut(t *testing.T, b *scaleoutBackend) steps.Ref {
	t.Helper()
	var refs []steps.Ref
	for _, s := range b.scripts {
		for _, st := range s.Steps {
			refs = append(refs, steps.Ref{Host: b.hostName(s), ID: st.ID})
		}
	}
	// Confirm in dependency order: repeat until nothing more can be.
	left := refs[:len(refs)-1]
	for len(left) > 0 {
		var next []steps.Ref
		for _, r := range left {
			if err := b.ConfirmManual(context.Background(), r); err != nil {
				next = append(next, r)
			}
		}
		if len(next) == len(left) {
			t.Fatalf("cannot confirm %v", next)
		}
		left = next
	}
	return refs[len(refs)-1]
}

// The TUI runs scaleout check on real files once the last step is
// confirmed: the files agree, so it says so; then W2's config names the
// old master certificate, and v shows that finding on W2 with the element,
// the value found, the thumbprint to set and the fix.
func TestScaleoutTUIChecksAfterTheSteps(t *testing.T) {
	dir := t.TempDir()
	master, _, w2 := scaleoutFiles(t, dir)
	b := scaleoutTestBackend(t, "master", "", nil)
	b.checks = &scaleoutChecks{opts: scaleoutCheckOpts{master: "MASTER01", warnDays: 60, noLocal: true,
		masterConfig: filepath.Join(dir, "MasterSettings.config"), masterCert: filepath.Join(dir, "SSISScaleOutMaster.cer"),
		workerConfigs: []string{"W1=" + filepath.Join(dir, "W1", "WorkerSettings.config"), "W2=" + filepath.Join(dir, "W2", "WorkerSettings.config")},
		workerCerts:   []string{"W1=" + filepath.Join(dir, "SSISScaleOutWorker-W1.cer"), "W2=" + filepath.Join(dir, "SSISScaleOutWorker-W2.cer")}}}
	last := confirmAllBut(t, b)

	d := &tuiDriver{t: t, m: ui.New(ui.Options{Backend: b, PlanLabel: "SSIS Scale Out, --change master", NoColor: true,
		ManualHint: "Run it on that machine, then press y to confirm.", Checks: scaleoutCheckProfile()})}
	d.m, _ = d.m.Update(tea.WindowSizeMsg{Width: 140, Height: 44})
	d.run(d.m.Init())
	if sc := d.screen(); strings.Contains(sc, "Checks") {
		t.Fatalf("checks before the last step:\n%s", sc)
	}
	d.keys("enter", "y", "y")
	if it := itemOf(t, b, last.Host, last.ID); it.Status != steps.Done {
		t.Fatalf("last step %s not confirmed:\n%s", last, d.screen())
	}
	if sc := d.screen(); !strings.Contains(sc, "every Scale Out thumbprint agrees") {
		t.Fatalf("agreeing files, after the last step:\n%s", sc)
	}

	old := writeCer(t, filepath.Join(dir, "old.cer"), "MASTER01", false)
	writeSettings(t, filepath.Join(dir, "W2", "WorkerSettings.config"), "WorkerSettings.config.tmpl", "NAME", "W2", "MASTER", old, "WORKER", w2)
	d.keys("v")
	sc := d.screen()
	for _, want := range []string{"W2", "Checks", "master-thumbprint-mismatch (MASTER01)", "Checks: 1 to fix"} {
		if !strings.Contains(sc, want) {
			t.Fatalf("after v, no %q:\n%s", want, sc)
		}
	}
	if it := checkItem(b, "W2", "check/master-thumbprint-mismatch/MASTER01"); it == nil || it.Status != steps.Pending || !it.Manual {
		t.Fatalf("the finding is not a step on W2: %+v", it)
	}
	d.keys("enter")
	pane := detailText(d.screen())
	for _, want := range []string{"<MasterHttpsCertThumbprint> is " + old, "set " + master, "install the master's .cer into LocalMachine\\Root",
		"restart the Scale Out Worker service", "then press y: the check runs again"} {
		if !strings.Contains(pane, want) {
			t.Fatalf("the finding's detail lacks %q:\n%s", want, d.screen())
		}
	}
	// Fixed on W2, confirmed: the check runs again and finds nothing.
	writeSettings(t, filepath.Join(dir, "W2", "WorkerSettings.config"), "WorkerSettings.config.tmpl", "NAME", "W2", "MASTER", master, "WORKER", w2)
	d.keys("y", "y")
	if it := checkItem(b, "W2", "check/master-thumbprint-mismatch/MASTER01"); it != nil {
		t.Fatalf("still a finding after the fix: %+v\n%s", it, d.screen())
	}
}

// Without inputs the checks say what to give rather than "all agree".
func TestScaleoutTUIChecksWithoutInputs(t *testing.T) {
	b := scaleoutTestBackend(t, "master", "", nil)
	b.checks = &scaleoutChecks{opts: scaleoutCheckOpts{noLocal: true}}
	err := b.Verify(context.Background())
	if err == nil || !strings.Contains(err.Error(), "--master-config") {
		t.Fatalf("Verify without inputs: %v", err)
	}
}

// detailText is the right-hand pane's words, joined by single spaces.
func detailText(screen string) string {
	var out []string
	for _, l := range strings.Split(screen, "\n") {
		if _, right, ok := strings.Cut(l, "│"); ok {
			out = append(out, strings.Fields(right)...)
		}
	}
	return strings.Join(out, " ")
}

func checkItem(b *scaleoutBackend, host, id string) *steps.Item {
	cl := b.Snapshot().Checklist
	return cl.Item(steps.Ref{Host: host, ID: id})
}
