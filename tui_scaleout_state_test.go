package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mirrorcert/mirrorcert/scaleout"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/ui"
)

// Confirmations survive a restart: written at once, 0600, atomically,
// read back by a new backend for the same procedure.
func TestScaleoutStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "s.json")
	b := scaleoutTestBackend(t, "master", "", nil)
	kept, err := loadScaleoutState(path, b.plan)
	if err != nil || len(kept) != 0 {
		t.Fatalf("no file yet: %v %v", kept, err)
	}
	b.restore(path, kept)
	ctx := context.Background()
	for _, id := range []string{"master/create-certificate", "master/bind-certificate"} {
		if err := b.ConfirmManual(ctx, steps.Ref{Host: "MASTER01", ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode %v, want 0600", fi.Mode().Perm())
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Fatalf("temporary files left beside the state: %v", ents)
	}
	var st scaleoutState
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &st); err != nil || len(st.Steps) != 2 || st.Steps[0].How != "confirmed" || st.Version != scaleoutStateVersion {
		t.Fatalf("state file: %v\n%s", err, data)
	}

	// A new TUI for the same procedure resumes where the first one was.
	b2 := scaleoutTestBackend(t, "master", "", nil)
	kept, err = loadScaleoutState(path, b2.plan)
	if err != nil {
		t.Fatal(err)
	}
	b2.restore(path, kept)
	if it := itemOf(t, b2, "MASTER01", "master/bind-certificate"); it.Status != steps.Done {
		t.Fatalf("after a restart, a confirmed step: %+v", it)
	}
	if it := itemOf(t, b2, "MASTER01", "master/config"); it.Status != steps.Pending {
		t.Fatalf("after a restart, the next step: %+v", it)
	}
	if err := b2.ConfirmManual(ctx, steps.Ref{Host: "MASTER01", ID: "master/config"}); err != nil {
		t.Fatal(err)
	}
	if kept, _ := loadScaleoutState(path, b2.plan); len(kept) != 3 {
		t.Fatalf("the resumed TUI keeps on adding: %v", kept)
	}
	if n := scaleoutStateNote(path, 3); !strings.Contains(n, "Resumed: 3 steps done") || !strings.Contains(n, path) {
		t.Fatalf("note %q", n)
	}
}

// Another procedure's file, a damaged file, or one that cannot be written
// are clear errors; an unwritten confirmation does not count.
func TestScaleoutStateErrors(t *testing.T) {
	dir := t.TempDir()
	b := scaleoutTestBackend(t, "master", "", nil)
	other, err := scaleout.NewPlan(scaleout.PlanInput{Master: "MASTER02", Workers: "W1", Change: "master"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "s.json")
	if err := saveScaleoutState(path, other, map[string]scaleoutStateStep{"master/config": {ID: "master/config", How: "confirmed"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := loadScaleoutState(path, b.plan); err == nil || !strings.Contains(err.Error(), "another procedure") {
		t.Fatalf("another procedure's file: %v", err)
	}
	if defaultScaleoutStatePath(other) == defaultScaleoutStatePath(b.plan) {
		t.Fatal("two procedures share a default state file")
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadScaleoutState(path, b.plan); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "delete it") {
		t.Fatalf("damaged file: %v", err)
	}

	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	b.restore(filepath.Join(blocker, "s.json"), map[string]scaleoutStateStep{})
	ref := steps.Ref{Host: "MASTER01", ID: "master/create-certificate"}
	if err := b.ConfirmManual(context.Background(), ref); err == nil || !strings.Contains(err.Error(), "could not be kept") {
		t.Fatalf("unwritable state: %v", err)
	}
	if it := itemOf(t, b, "MASTER01", ref.ID); it.Status == steps.Done {
		t.Fatal("a confirmation that was not kept counts as done")
	}
}

func TestScaleoutStateDefaultPath(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the default is under %LOCALAPPDATA% there")
	}
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	b := scaleoutTestBackend(t, "master", "", nil)
	p := defaultScaleoutStatePath(b.plan)
	if !strings.HasPrefix(p, filepath.Join(state, "mirrorcert", "scaleout")+string(filepath.Separator)) {
		t.Fatalf("default state path %s", p)
	}
}

// The command refuses a damaged state file before the TUI starts.
func TestScaleoutTUIBadStateFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.json"), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runBin(t, dir, "scaleout", "--master", "MASTER01", "--workers", "W1", "--state", "s.json")
	if r.code != 2 || !strings.Contains(r.stderr, "s.json") || !strings.Contains(r.stderr, "delete it to start over") || strings.Contains(r.stderr, "goroutine") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// The check's inputs are read before the TUI starts: a missing file is
// exit 2, naming the flag.
func TestScaleoutTUIBadCheckInput(t *testing.T) {
	dir := t.TempDir()
	r := runBin(t, dir, "scaleout", "--master", "MASTER01", "--workers", "W1", "--state", "s.json", "--master-config", "missing.config")
	if r.code != 2 || !strings.Contains(r.stderr, "--master-config") || !strings.Contains(r.stderr, "missing.config") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "s.json")); err == nil {
		t.Fatal("a state file was left behind by a refused start")
	}
}

// Quit midway and start again: the new TUI shows the confirmed steps done,
// the selection on the next one, and says where they are kept.
func TestScaleoutTUIResumesAfterRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scaleout-state.json")
	start := func() (*tuiDriver, *scaleoutBackend) {
		b := scaleoutTestBackend(t, "master", "", nil)
		kept, err := loadScaleoutState(path, b.plan)
		if err != nil {
			t.Fatal(err)
		}
		b.restore(path, kept)
		d := &tuiDriver{t: t, m: ui.New(ui.Options{Backend: b, PlanLabel: "SSIS Scale Out", NoColor: true,
			ManualHint: "Run it there, then press y to confirm; the confirmation is kept in " + path + ".",
			Note:       scaleoutStateNote(path, len(kept)), Checks: scaleoutCheckProfile()})}
		d.m, _ = d.m.Update(tea.WindowSizeMsg{Width: 200, Height: 40})
		d.run(d.m.Init())
		return d, b
	}
	d, _ := start()
	if sc := d.screen(); !strings.Contains(sc, "kept in "+path) {
		t.Fatalf("the first start does not say where confirmations are kept:\n%s", sc)
	}
	d.keys("enter", "y", "y")
	d, b := start()
	if it := itemOf(t, b, "MASTER01", "master/create-certificate"); it.Status != steps.Done {
		t.Fatalf("after a restart: %+v", it)
	}
	sc := d.screen()
	if !strings.Contains(sc, "Resumed: 1 step done, kept in "+path) {
		t.Fatalf("the resumed TUI:\n%s", sc)
	}
	d.keys("enter")
	if sc := d.screen(); !strings.Contains(sc, "master/bind-certificate") {
		t.Fatalf("the selection is not on the next step:\n%s", sc)
	}
}
