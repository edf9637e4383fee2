package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/scaleout"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui"
)

func scaleoutTestBackend(t *testing.T, change, local string, run psRunner) *scaleoutBackend {
	t.Helper()
	p, err := scaleout.NewPlan(scaleout.PlanInput{Master: "MASTER01", Workers: "W1=10.0.2.8,W2", Change: change})
	if err != nil {
		t.Fatal(err)
	}
	return newScaleoutBackend(p, scaleout.Meta{Version: "test", Date: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}, local, t.TempDir(), run)
}

func itemOf(t *testing.T, b *scaleoutBackend, host, id string) steps.Item {
	t.Helper()
	cl := b.Snapshot().Checklist
	it := cl.Item(steps.Ref{Host: host, ID: id})
	if it == nil {
		t.Fatalf("no item %s:%s", host, id)
	}
	return *it
}

func TestScaleoutBackendOrderAcrossMachines(t *testing.T) {
	b := scaleoutTestBackend(t, "both", "", nil)
	ctx := context.Background()
	if it := itemOf(t, b, "MASTER01", "master/create-certificate"); it.Status != steps.Pending || !it.Manual ||
		!strings.Contains(it.Statements[0].Text, "New-SelfSignedCertificate") {
		t.Fatalf("first master step %+v", it)
	}
	tm := itemOf(t, b, "W1", "worker/W1/trust-master")
	if tm.Status != steps.Blocked || tm.BlockedBy[0].ID != "master/restart-service" {
		t.Fatalf("a worker trusts the master's .cer only after the master's part: %+v", tm)
	}
	if err := b.ConfirmManual(ctx, steps.Ref{Host: "MASTER01", ID: "master/bind-certificate"}); err == nil {
		t.Fatal("a blocked step was confirmed")
	}
	for _, id := range []string{"master/create-certificate", "master/bind-certificate", "master/config", "master/restart-service"} {
		if err := b.ConfirmManual(ctx, steps.Ref{Host: "MASTER01", ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	if it := itemOf(t, b, "W1", "worker/W1/trust-master"); it.Status != steps.Pending {
		t.Fatalf("after the master's part: %+v", it)
	}
	if it := itemOf(t, b, "MASTER01", "master/trust-worker/W1"); it.Status != steps.Blocked || it.BlockedBy[0].ID != "worker/W1/config-worker-thumbprint" {
		t.Fatalf("the master trusts W1's .cer only once W1 made it: %+v", it)
	}
	if _, err := b.Run(ctx, steps.Ref{Host: "MASTER01", ID: "master/trust-worker/W1"}, ui.RunOptions{}); err == nil || !strings.Contains(err.Error(), "run scaleout-master-MASTER01.ps1 there") {
		t.Fatalf("Run on a machine that is not this one: %v", err)
	}
}

func TestScaleoutBackendRunsLocalStepsAsScriptPrefix(t *testing.T) {
	var script string
	code := 0
	run := func(_ context.Context, path string) (string, int, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", -1, err
		}
		script = string(b)
		return "[master/bind-certificate] done\n[x] last line\n", code, nil
	}
	b := scaleoutTestBackend(t, "master", "master01", run)
	ctx := context.Background()
	if it := itemOf(t, b, "MASTER01", "master/create-certificate"); it.Manual {
		t.Fatal("a step of this machine must run, not be confirmed")
	}
	if it := itemOf(t, b, "W1", "worker/W1/trust-master"); !it.Manual {
		t.Fatal("a step of another machine is confirmed, not run")
	}
	bind := steps.Ref{Host: "MASTER01", ID: "master/bind-certificate"}
	if _, err := b.Run(ctx, bind, ui.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	// The prefix: create (skipped when done, and it sets the thumbprint), then bind; not the config step.
	if !strings.Contains(script, "Step-CreateCertificate -Id") || !strings.Contains(script, "Step-BindCertificate -Id") || strings.Contains(script, "Step-SetConfig -Id") {
		t.Fatalf("script run for the bind step:\n%s", script)
	}
	if itemOf(t, b, "MASTER01", bind.ID).Status != steps.Done {
		t.Fatal("exit 0 did not mark the step done")
	}
	for c, want := range map[int]string{3: "waiting for another machine: [x] last line", 1: "failed (exit 1): [x] last line"} {
		code = c
		_, err := b.Run(ctx, steps.Ref{Host: "MASTER01", ID: "master/config"}, ui.RunOptions{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("exit %d: %v", c, err)
		}
	}
	if itemOf(t, b, "MASTER01", "master/config").Status == steps.Done {
		t.Fatal("a failed step was marked done")
	}
}

// The same screens as mirroring: one column per machine, the step's
// commands in the detail pane, y confirms a step done elsewhere.
func TestScaleoutTUIScreens(t *testing.T) {
	b := scaleoutTestBackend(t, "master", "", nil)
	d := &tuiDriver{t: t, m: ui.New(ui.Options{Backend: b, PlanLabel: "SSIS Scale Out, --change master", NoColor: true,
		ManualHint: "Run it on that machine (its script does it, and skips what is done), then press y to confirm."})}
	d.m, _ = d.m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	d.run(d.m.Init())
	sc := d.screen()
	for _, want := range []string{"MASTER01", "W1", "W2", "SSIS Scale Out", "Create the master certificate"} {
		if !strings.Contains(sc, want) {
			t.Fatalf("screen lacks %q:\n%s", want, sc)
		}
	}
	d.keys("enter")
	if sc := d.screen(); !strings.Contains(sc, "New-SelfSignedCertificate") {
		t.Fatalf("detail pane lacks the command:\n%s", sc)
	}
	d.keys("y")
	if sc := d.screen(); !strings.Contains(sc, "press y to confirm") {
		t.Fatalf("manual dialog:\n%s", sc)
	}
	d.keys("y")
	if it := itemOf(t, b, "MASTER01", "master/create-certificate"); it.Status != steps.Done {
		t.Fatalf("after y, y: %+v\n%s", it, d.screen())
	}
}
