package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mirrorcert/mirrorcert/scaleout"
	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/checks"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
	"github.com/mirrorcert/mirrorcert/ui"
)

// psRunner runs a PowerShell script file and returns what it printed and
// its exit code. Only the machine mirrorcert runs on (Windows) has one.
type psRunner func(ctx context.Context, scriptPath string) (output string, exitCode int, err error)

// scaleoutBackend shows the Scale Out procedure in the mirroring screens:
// one "host" per machine, one item per step. Steps of the machine
// mirrorcert runs on (Windows) run on confirmation, as the prefix of that
// machine's script (done steps skip themselves); every other step is
// manual: the operator runs it there and confirms.
type scaleoutBackend struct {
	plan    *scaleout.Plan
	scripts []scaleout.Script
	needs   map[string][]string
	meta    scaleout.Meta
	local   string // this machine's name when steps can run here, else ""
	dir     string // where scripts run and the .cer files are
	run     psRunner

	// checks is scaleout check with the TUI's inputs (tui_scaleout_check.go).
	checks *scaleoutChecks

	mu   sync.Mutex
	done map[string]bool
	seq  uint64
	// checked says the checks ran; findings are their last result.
	checked  bool
	findings []scaleout.Finding
	// statePath keeps the steps done across restarts ("" keeps nothing);
	// kept is what it holds (tui_scaleout_state.go).
	statePath string
	kept      map[string]scaleoutStateStep
}

func newScaleoutBackend(p *scaleout.Plan, meta scaleout.Meta, local, dir string, run psRunner) *scaleoutBackend {
	return &scaleoutBackend{plan: p, scripts: p.Scripts(), needs: p.Needs(), meta: meta, local: local, dir: dir, run: run, done: map[string]bool{}}
}

func (b *scaleoutBackend) runsHere(s scaleout.Script) bool {
	return b.run != nil && b.local != "" && strings.EqualFold(b.local, s.Machine)
}

// hostName is the checklist's name for a script's machine; a worker on the
// master's machine gets its own column.
func (b *scaleoutBackend) hostName(s scaleout.Script) string {
	if s.Role == "worker" && strings.EqualFold(s.Machine, b.plan.Master) {
		return s.Machine + "-worker"
	}
	return s.Machine
}

// Snapshot implements ui.Backend.
func (b *scaleoutBackend) Snapshot() ui.Snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	snap := ui.Snapshot{Seq: b.seq}
	for _, s := range b.scripts {
		host := b.hostName(s)
		snap.Hosts = append(snap.Hosts, ui.HostInfo{Name: host, Server: s.File, Role: s.Role, Connected: true})
		hl := steps.HostList{Host: host, Role: s.Role}
		for _, st := range s.Steps {
			hl.Items = append(hl.Items, b.item(host, s, st))
		}
		snap.Checklist.Hosts = append(snap.Checklist.Hosts, hl)
	}
	b.addChecks(&snap)
	return snap
}

func (b *scaleoutBackend) refOf(id string) steps.Ref {
	for _, s := range b.scripts {
		for _, st := range s.Steps {
			if st.ID == id {
				return steps.Ref{Host: b.hostName(s), ID: id}
			}
		}
	}
	return steps.Ref{ID: id}
}

// item turns a step into a checklist item; mu must be held.
func (b *scaleoutBackend) item(host string, s scaleout.Script, st scaleout.Step) steps.Item {
	it := steps.Item{Ref: steps.Ref{Host: host, ID: st.ID}, Title: st.Title,
		Why:     "SSIS Scale Out certificate change: " + st.Title + ".",
		Changes: fmt.Sprintf("On %s, %s does this step (run it there, from its folder).", st.Machine, s.File),
		Manual:  !b.runsHere(s) || st.Manual}
	for _, c := range st.Commands {
		it.Statements = append(it.Statements, tsql.Statement{Text: c})
	}
	for _, n := range b.needs[st.ID] {
		r := b.refOf(n)
		it.Needs = append(it.Needs, r)
		if !b.done[n] {
			it.BlockedBy = append(it.BlockedBy, r)
		}
	}
	switch {
	case b.done[st.ID]:
		it.Status, it.Detail = steps.Done, "done"
	case len(it.BlockedBy) > 0:
		it.Status, it.Detail = steps.Blocked, "waits for "+it.BlockedBy[0].String()
	default:
		it.Status, it.Detail = steps.Pending, "to do"
	}
	return it
}

// RefreshAll implements ui.Backend: the state is what was run or confirmed.
func (b *scaleoutBackend) RefreshAll(context.Context) {}

// Refresh implements ui.Backend.
func (b *scaleoutBackend) Refresh(context.Context, string) error { return nil }

// Run implements ui.Backend: the prefix of this machine's script up to the
// step, so the step finds the values the earlier steps set.
func (b *scaleoutBackend) Run(ctx context.Context, ref steps.Ref, _ ui.RunOptions) (ui.Result, error) {
	start := time.Now()
	s, n, err := b.locate(ref)
	if err != nil {
		return ui.Result{}, err
	}
	if !b.runsHere(s) {
		return ui.Result{}, fmt.Errorf("%s runs on %s: run %s there and confirm the step", ref.ID, s.Machine, s.File)
	}
	text := "\ufeff" + b.plan.Render(s.Prefix(n+1), b.meta)
	path := filepath.Join(b.dir, ".mirrorcert-"+strings.TrimSuffix(s.File, ".ps1")+"-step.ps1")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return ui.Result{}, fmt.Errorf("%s: write the step's script: %w", ref.ID, err)
	}
	defer os.Remove(path)
	out, code, err := b.run(ctx, path)
	if err != nil {
		return ui.Result{}, fmt.Errorf("%s: run PowerShell: %w", ref.ID, err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	switch code {
	case 0:
		b.mu.Lock()
		b.done[ref.ID] = true
		if err := b.keep(ref.ID, "ran"); err != nil {
			// It ran, and running it again is safe (done steps skip
			// themselves): say it was not kept, but do not fail it.
			lines = append(lines, "Not kept for the next start: "+err.Error())
		}
		b.mu.Unlock()
		return ui.Result{Messages: lines, Duration: time.Since(start)}, nil
	case 3:
		return ui.Result{}, fmt.Errorf("%s: waiting for another machine: %s", ref.ID, lastOutputLine(lines))
	default:
		return ui.Result{}, fmt.Errorf("%s: failed (exit %d): %s", ref.ID, code, lastOutputLine(lines))
	}
}

func lastOutputLine(lines []string) string {
	if len(lines) == 0 {
		return "(no output)"
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

func (b *scaleoutBackend) locate(ref steps.Ref) (scaleout.Script, int, error) {
	for _, s := range b.scripts {
		if b.hostName(s) != ref.Host {
			continue
		}
		for i, st := range s.Steps {
			if st.ID == ref.ID {
				return s, i, nil
			}
		}
	}
	return scaleout.Script{}, 0, fmt.Errorf("no step %s", ref)
}

// RunRemedy implements ui.Backend; Scale Out steps have no remedies.
func (b *scaleoutBackend) RunRemedy(context.Context, steps.Ref, string) (ui.Result, error) {
	return ui.Result{}, errors.New("Scale Out steps have no remedy to run")
}

// ConfirmManual implements ui.Backend: the operator ran the step on its
// machine. A step still blocked cannot be confirmed.
func (b *scaleoutBackend) ConfirmManual(ctx context.Context, ref steps.Ref) error {
	if strings.HasPrefix(ref.ID, checks.IDPrefix) {
		// The operator fixed a finding on its machine: check again.
		return b.Verify(ctx)
	}
	if _, _, err := b.locate(ref); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, n := range b.needs[ref.ID] {
		if !b.done[n] {
			return fmt.Errorf("%s waits for %s: confirm that first", ref.ID, n)
		}
	}
	b.done[ref.ID] = true
	if err := b.keep(ref.ID, "confirmed"); err != nil {
		// Unkept, the confirmation would vanish at the next start: the
		// operator must know now, so it does not count yet.
		delete(b.done, ref.ID)
		return fmt.Errorf("%s: the confirmation could not be kept: %w", ref.ID, err)
	}
	return nil
}
