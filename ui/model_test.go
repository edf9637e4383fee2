package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mirrorcert/mirrorcert/steps"
	"github.com/mirrorcert/mirrorcert/steps/tsql"
	"github.com/mirrorcert/mirrorcert/ui/dialog"
)

var hosts3 = []string{"HOST_A", "HOST_B", "HOST_W"}

func ref(h, id string) steps.Ref { return steps.Ref{Host: h, ID: id} }

// started returns a model on f after its first refresh, at 80×24.
func started(t *testing.T, f *fakeBackend, mod ...func(*Options)) *Model {
	t.Helper()
	o := Options{Backend: f, PlanLabel: "plan.yaml", Mode: "mirroring", Transfer: "inband", NoColor: true}
	for _, fn := range mod {
		fn(&o)
	}
	m := New(o)
	m, _ = settle(t, m, m.Init())
	return sized(m, 80, 24)
}

func TestFirstRefreshShowsEveryHost(t *testing.T) {
	m := started(t, newFake(hosts3...))
	s := screen(m)
	for _, want := range []string{"HOST_A 0/11", "HOST_B 0/11", "HOST_W 0/11", "Master key", "Inbound from HOST_B"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	if m.refreshing[""] {
		t.Error("still refreshing after the snapshot arrived")
	}
}

func TestEnterOpensDetailAndEscGoesBack(t *testing.T) {
	m := press(t, started(t, newFake(hosts3...)), "enter")
	if m.focus != focusDetail {
		t.Fatal("enter did not open the detail pane")
	}
	s := screen(m)
	if !strings.Contains(s, "CREATE MASTER KEY ENCRYPTION BY PASSWORD") {
		t.Errorf("detail lacks the statement:\n%s", s)
	}
	if strings.Contains(s, "MASTER_KEY_PASSWORD_HOST_A") || strings.Contains(s, "$(") {
		t.Errorf("detail shows the secret placeholder instead of a mask:\n%s", s)
	}
	if !m.keys.Run.Enabled() || m.list.KeyMap.Open.Enabled() {
		t.Error("in the detail pane y must be live and enter not")
	}
	m = press(t, m, "esc")
	if m.focus != focusList {
		t.Error("esc did not go back to the checklist")
	}
	if m.keys.Run.Enabled() {
		t.Error("y must not be offered in the checklist")
	}
}

func TestRunMovesSelectionToNextRunnable(t *testing.T) {
	f := newFake(hosts3...)
	m := press(t, started(t, f), "enter", "y")
	if len(f.runs) != 1 || f.runs[0] != ref("HOST_A", steps.IDMasterKey) {
		t.Fatalf("runs = %v", f.runs)
	}
	// The generated password is shown once, before anything else.
	if !strings.Contains(screen(m), "Gen-HOST_A-Secret-9!") {
		t.Fatalf("generated password not shown:\n%s", screen(m))
	}
	m = press(t, m, "enter")
	if len(m.pw.Groups) != 0 || strings.Contains(screen(m), "Gen-HOST_A-Secret-9!") {
		t.Fatal("password still held or shown after it was dismissed")
	}
	if o := m.outcomes[ref("HOST_A", steps.IDMasterKey)]; o.result.GeneratedMasterKeyPassword != "" {
		t.Error("the outcome kept the generated password")
	}
	sel, _ := m.selectedRef()
	if sel != ref("HOST_A", steps.IDCertificate) {
		t.Errorf("selection = %v, want the certificate (now unblocked)", sel)
	}
	if m.focus != focusList {
		t.Error("after a successful run the checklist should have focus")
	}
}

func TestNextRunnableGoesToOtherHosts(t *testing.T) {
	f := newFake("HOST_A", "HOST_B")
	items := f.list.Hosts[0].Items
	var done []steps.Ref
	for _, it := range items[:len(items)-1] {
		done = append(done, it.Ref)
	}
	f.markDone(ref("HOST_B", steps.IDMasterKey), ref("HOST_B", steps.IDCertificate))
	f.markDone(done...)
	m := started(t, f)
	last := items[len(items)-1].Ref
	if !m.selectRef(last) {
		t.Fatal("no last item")
	}
	m = press(t, m, "enter", "y")
	it, _ := m.selectedItem()
	if it.Host != "HOST_B" || it.Status != steps.Pending {
		t.Errorf("selection = %v (%s), want a pending HOST_B item", it.Ref, it.Status)
	}
	if m.tabs.Active() != 1 {
		t.Errorf("host tab = %d, want HOST_B's", m.tabs.Active())
	}
}

func TestFailedRunShowsErrorOnItsHostAndRefreshRecovers(t *testing.T) {
	f := newFake(hosts3...)
	f.markDone(ref("HOST_B", steps.IDMasterKey))
	ep := ref("HOST_B", steps.IDCertificate)
	f.fail[ep] = &StepError{Host: "HOST_B", Step: ep.ID, Number: 15581, Severity: 16, State: 1, Line: 1,
		Message: "Please create a master key in the database or open the master key in the session before performing this operation."}
	m := started(t, f)
	m = press(t, m, "tab", "down", "enter", "y")
	if !m.sched.Failed[ep] {
		t.Fatal("failure not recorded")
	}
	it, _ := m.selectedItem()
	if it.Ref != ep || it.Status != steps.Failed {
		t.Fatalf("selection %v %s, want the failed item", it.Ref, it.Status)
	}
	s := screen(m)
	for _, want := range []string{"Msg 15581, Level 16, State 1, Line 1", "What it usually means", "HOST_B"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	if m.keys.Run.Help().Desc != "run again" {
		t.Errorf("y label = %q", m.keys.Run.Help().Desc)
	}
	// The operator fixes the cause and refreshes: the failure mark goes.
	delete(f.fail, ep)
	m = press(t, m, "r")
	if m.sched.Failed[ep] {
		t.Fatal("r did not clear the failure")
	}
	m = press(t, m, "enter", "y")
	if got := f.list.Item(ep).Status; got != steps.Done {
		t.Errorf("after recovery the step is %s", got)
	}
}

func TestStaleMessagesAreDropped(t *testing.T) {
	f := newFake(hosts3...)
	m := started(t, f)
	newer := f.Snapshot()
	older := newer
	older.Seq--
	older.Checklist = fixture("HOST_X")
	m, _ = send(m, snapshotMsg{Snap: newer})
	m, _ = send(m, snapshotMsg{Snap: older})
	if m.snap.Checklist.Hosts[0].Host != "HOST_A" {
		t.Error("an older snapshot replaced a newer one")
	}
	// A run result for a run that is not the host's current one is ignored.
	m, _ = send(m, runDoneMsg{Host: "HOST_A", RunID: 99, Ref: ref("HOST_A", steps.IDMasterKey), Err: errors.New("boom")})
	if len(m.outcomes) != 0 || len(m.sched.Failed) != 0 {
		t.Error("a stale run result was applied")
	}
}

func TestRunAllAsksThenRunsEverything(t *testing.T) {
	f := newFake(hosts3...)
	m := press(t, started(t, f), "A")
	if m.dlg.kind != dlgConfirmAll {
		t.Fatal("A did not ask first")
	}
	if len(m.dlg.refs) != 33 {
		t.Errorf("confirmation lists %d steps, want 33", len(m.dlg.refs))
	}
	if !strings.Contains(screen(m), "Run 33 pending steps?") {
		t.Errorf("confirmation not on screen:\n%s", screen(m))
	}
	if len(f.runs) != 0 {
		t.Fatal("something ran before the confirmation")
	}
	m = press(t, m, "y")
	for len(m.pw.Groups) > 0 {
		m = press(t, m, "enter")
	}
	if !m.snap.Checklist.Complete() || len(f.runs) != 33 {
		t.Fatalf("after A: complete=%v, %d runs", m.snap.Checklist.Complete(), len(f.runs))
	}
	if !strings.Contains(screen(m), CompleteText) {
		t.Errorf("screen does not say %q:\n%s", CompleteText, screen(m))
	}
	if m.sched.RunAll || m.keys.RunAll.Enabled() {
		t.Error("run-all still active, or A still offered, with nothing left")
	}
}

func TestRunAllCancelled(t *testing.T) {
	f := newFake(hosts3...)
	m := press(t, started(t, f), "A", "n")
	if m.dlg.kind != dlgNone || len(f.runs) != 0 || m.sched.RunAll {
		t.Error("n did not cancel run-all")
	}
}

func TestQuitWhileRunningCancelsThenAsks(t *testing.T) {
	f := newFake(hosts3...)
	f.block = make(chan struct{})
	m := started(t, f)
	m = press(t, m, "enter")
	var cmd = m.runSelected()
	if !m.sched.Busy("HOST_A") {
		t.Fatal("no run in flight")
	}
	m, _ = send(m, keyPress("q"))
	if m.dlg.kind != dlgQuit {
		t.Fatal("q while running did not ask")
	}
	// The run's context is cancelled: its command now returns promptly.
	m, _ = settle(t, m, cmd)
	o := m.outcomes[ref("HOST_A", steps.IDMasterKey)]
	if !errors.Is(o.err, context.Canceled) {
		t.Fatalf("outcome = %v, want cancelled", o.err)
	}
	if m.sched.Failed[ref("HOST_A", steps.IDMasterKey)] {
		t.Error("a cancelled step is marked failed")
	}
	if !strings.Contains(screen(m), "Cancelled what was running") {
		t.Errorf("quit dialog does not say what was cancelled:\n%s", screen(m))
	}
	m, quit := pressQuit(t, m, "n")
	if quit || m.dlg.kind != dlgNone {
		t.Fatal("n did not keep the program running")
	}
	_, quit = pressQuit(t, m, "q")
	if !quit {
		t.Error("q with nothing running did not quit")
	}
}

func TestDestructiveFixNeedsTheObjectName(t *testing.T) {
	f := newFake(hosts3...)
	ep := ref("HOST_B", steps.IDEndpoint)
	f.mu.Lock()
	it := f.list.Item(ep)
	it.Status = steps.Conflict
	it.Conflict = &steps.ConflictInfo{What: "uses Windows authentication", Fix: "Switch the endpoint to certificate authentication.",
		Object: "Endpoint_Mirroring", Remedy: []tsql.Statement{tsql.AlterEndpointAuth("Endpoint_Mirroring", "HOST_B_cert")}}
	f.mu.Unlock()
	m := press(t, started(t, f), "tab", "down", "down", "enter")
	if !strings.Contains(screen(m), "ALTER ENDPOINT") {
		t.Fatalf("remedy T-SQL not shown:\n%s", screen(m))
	}
	m = press(t, m, "y")
	if m.dlg.kind != dlgTypeName {
		t.Fatal("y on a conflict did not ask for the name")
	}
	m = press(t, m, "E", "n", "d", "enter")
	if m.dlg.kind != dlgTypeName || len(f.remedies) != 0 || !strings.Contains(screen(m), "That is not") {
		t.Fatal("a wrong name was accepted")
	}
	m = press(t, m, "esc")
	if m.dlg.kind != dlgNone || len(f.remedies) != 0 {
		t.Fatal("esc did not leave the object alone")
	}
	m = press(t, m, "y")
	m = press(t, m, strings.Split("Endpoint_Mirroring", "")...)
	m = press(t, m, "enter")
	if len(f.remedies) != 1 || f.remedies[0] != "Endpoint_Mirroring" {
		t.Fatalf("remedies = %v", f.remedies)
	}
	if m.snap.Checklist.Item(ep).Status != steps.Done {
		t.Error("the fixed endpoint is not done")
	}
}

func TestMasterKeyPasswordAskedAndNeverShown(t *testing.T) {
	f := newFake(hosts3...)
	m := press(t, started(t, f, func(o *Options) { o.AskMasterKeyPassword = true }), "enter", "y")
	if m.dlg.kind != dlgMasterKey {
		t.Fatal("master key password not asked")
	}
	m = press(t, m, strings.Split("S3cret!pw", "")...)
	if strings.Contains(screen(m), "S3cret!pw") {
		t.Fatal("the typed password is echoed")
	}
	pd := m.dlg.box.(*dialog.Password)
	m = press(t, m, "enter")
	if len(f.runs) != 0 || !strings.Contains(screen(m), "Type it again to confirm") {
		t.Fatalf("a typed password was not asked a second time:\n%s", screen(m))
	}
	m = press(t, m, strings.Split("S3cret!pw", "")...)
	m = press(t, m, "enter")
	if f.passwords["HOST_A"] != "S3cret!pw" {
		t.Errorf("backend got %q", f.passwords["HOST_A"])
	}
	if len(m.pw.Groups) != 0 {
		t.Error("a typed password must not be shown back as generated")
	}
	if pd.Value() != "" || m.dlg.box != nil {
		t.Error("the password is still in the input")
	}
}
